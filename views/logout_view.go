package views

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fiberviews/fiberviews/internal/urlquote"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
)

// logoutTemplate is the page LogoutView renders when it has nowhere to
// redirect to (Django's registration/logged_out.html). The templates package
// embeds a default; put a file of that name in your template directory to
// replace it.
const logoutTemplate = "registration/logged_out.html"

// LogoutView logs the user out on POST (Django 5's LogoutView). Embed it in
// your own struct, set its fields, and override its hooks there:
//
//	type CustomLogoutView struct{ views.LogoutView }
//
//	// Optional: a hook on your struct wins over the base's.
//	func (v *CustomLogoutView) GetNextPage(c *fiber.Ctx) (string, error) {
//		return urls.Reverse(c, "home")
//	}
//
//	views.Path("logout/", &CustomLogoutView{
//		LogoutView: views.LogoutView{NextPage: "home"},
//	}, urls.Name("logout"))
//
// It answers POST and OPTIONS only, as Django 5.0+ does: GET, HEAD, PUT,
// DELETE, ... get 405 with "Allow: POST, OPTIONS" and the user stays logged
// in (a logout link that a page or a prefetching browser can follow would
// log people out behind their backs). A POST is CSRF-checked (403 and still
// logged in when the token is missing or wrong), then:
//
//  1. with AllSessions, every other session of the user is logged out
//     (session.LogoutOthers);
//  2. session.Logout: the logout hooks run, the server-side session is
//     deleted, the cookie expired, the request left anonymous;
//  3. the target is GetSuccessURL: a safe next (form field, then query
//     string; see IsSafeRedirect), else GetNextPage (NextPage, else
//     Config.LogoutRedirectURL, else the request's path, as in Django: a
//     POST to /logout/?next=https://evil.example/ is sent to /logout/);
//  4. a target answers 302 (never 301: browsers cache those), or 200 with an
//     HX-Redirect header to an htmx request (HX-Request: true), or 200 with
//     {"logged_out":true,"redirect":"/…"} to a client that prefers JSON
//     (Accept: application/json);
//  5. no target, or the request's own URL, renders GetTemplateNames (TemplateName, by default
//     registration/logged_out.html) with status 200 and GetContextData:
//     title "Logged out", site_name, login_url, the route's arguments,
//     ExtraContext, plus the request context of Render (user is the
//     AnonymousUser, csrf_input a token that works for a next login).
//
// Every response, 403 and 405 included, carries Django's never-cache headers.
// ClearSiteData adds a Clear-Site-Data header to the logout's response.
//
// Hooks (define them on your struct; call v.LogoutView.Hook(c) for the
// default): GetNextPage, GetRedirectURL, GetSuccessURL,
// GetSuccessURLAllowedHosts, and TemplateView's GetContextData,
// GetTemplateNames and RenderToResponse. The fields are configuration shared
// by every request: never write them in a hook.
type LogoutView struct {
	// TemplateView renders the logged-out page: its TemplateName (default
	// registration/logged_out.html) and ExtraContext (added last: its keys win,
	// "title" included).
	TemplateView
	// NextPage is where to go after logging out when the request names no
	// safe next: a URL or a route name (reversed, see ResolveURL). Empty:
	// Config.LogoutRedirectURL, and if that is empty too, render the
	// template.
	NextPage string
	// RedirectFieldName is the form or query field naming the page to go to
	// next. Default Config.RedirectFieldName ("next").
	RedirectFieldName string
	// SuccessURLAllowedHosts are hosts besides the request's own that a next
	// URL may point to ("host" or "host:port"), e.g. your other sites.
	SuccessURLAllowedHosts []string
	// ClearSiteData, when set, sends a Clear-Site-Data header with these
	// directives on the logout's response (not on 403 or 405), so that the
	// browser also drops what the site stored on it: "cache", "cookies",
	// "storage", "executionContexts", "clientHints", "prefetchCache",
	// "prerenderCache" or "*". Off by default. Note that "cookies" also
	// deletes the CSRF cookie, so a form on the page rendered by this
	// response stops working; a redirect to a page that renders a form works,
	// as that page sets a new cookie. Browsers honour it on https and on
	// http://localhost or 127.0.0.1 only. It does not keep Back from showing
	// the page the logout was sent from: the browser empties its caches
	// before it stores that page; BackGuard does.
	ClearSiteData []string
	// AllSessions logs out every session of the user, on every device,
	// instead of this one only: "log out everywhere".
	AllSessions bool
	// SuccessMessage, when set, is a success message (package
	// views/messages) for the page after the logout, e.g. "You have been
	// logged out." (Django's SuccessMessageMixin).
	SuccessMessage string

	clearSiteData string // the header value
	hooks         Hooks[logoutHooks]
}

// logoutHooks are the hooks of LogoutView.
type logoutHooks interface {
	templateHooks
	redirectHooks
}

var _ logoutHooks = (*LogoutView)(nil)

// clearSiteDataDirectives are the directives of the Clear-Site-Data header
// (W3C Clear Site Data).
var clearSiteDataDirectives = []string{
	"cache", "cookies", "storage", "executionContexts", "clientHints",
	"prefetchCache", "prerenderCache", "*",
}

// clearSiteDataHeader validates directives and formats the header value:
// "cache", "cookies".
func clearSiteDataHeader(directives []string) (string, error) {
	quoted := make([]string, 0, len(directives))
	for _, d := range directives {
		name := strings.Trim(strings.TrimSpace(d), `"`)
		known := false
		for _, k := range clearSiteDataDirectives {
			known = known || k == name
		}
		if !known {
			return "", fmt.Errorf("%q is not a Clear-Site-Data directive (one of %s)",
				d, strings.Join(clearSiteDataDirectives, ", "))
		}
		quoted = append(quoted, `"`+name+`"`)
	}
	return strings.Join(quoted, ", "), nil
}

// BindView makes LogoutView answer POST and OPTIONS only, never cached, and
// checks ClearSiteData.
func (v *LogoutView) BindView(b *Binding) error {
	b.Methods = []string{"post", "options"}
	b.Decorators = append(b.Decorators, NeverCache)
	csd, err := clearSiteDataHeader(v.ClearSiteData)
	if err != nil {
		return b.Errorf("ClearSiteData", "%v", err)
	}
	if v.Outer() == nil { // bound already (the same view registered twice): it may be serving
		v.clearSiteData = csd
	}
	return nil
}

// Post logs the request out and answers (see LogoutView).
func (v *LogoutView) Post(c *fiber.Ctx) error {
	uid, loggedIn := session.UserID(c)
	if v.AllSessions {
		if err := session.LogoutOthers(c); err != nil && !errors.Is(err, session.ErrNotLoggedIn) {
			return err
		} else if err == nil {
			emit(c, EventLogoutOthers, uid, "")
		}
	}
	if err := session.Logout(c); err != nil {
		return err
	}
	if loggedIn {
		emit(c, EventLogout, uid, "")
	}
	messages.Success(c, v.SuccessMessage)
	if v.clearSiteData != "" {
		c.Set("Clear-Site-Data", v.clearSiteData)
	}
	to, err := v.hooks.Of(v).GetSuccessURL(c)
	if err != nil {
		return err
	}
	if to == c.OriginalURL() {
		to = "" // Django: going back to this POST-only URL would be a 405; render instead
	}
	if wantsJSON(c) {
		return c.JSON(fiber.Map{"logged_out": true, "redirect": to})
	}
	if to != "" {
		return logoutRedirect(c, to)
	}
	return v.TemplateView.Get(c)
}

// GetNextPage is the hook that returns where to go when the request names no
// safe next (Django's get_default_redirect_url): NextPage, else
// Config.LogoutRedirectURL, resolved (see ResolveURL), else the request's
// path. Post renders the template when the target is "" or the request's own
// URL: a request without a query string renders, one with a query string
// (an unsafe next, say) is redirected to the path, as in Django.
func (v *LogoutView) GetNextPage(c *fiber.Ctx) (string, error) {
	to, err := resolveNextPage(c, v.NextPage, settings(c).LogoutRedirectURL)
	if to == "" && err == nil {
		to = urlquote.EscapeLeadingSlashes(c.Path()) // "//evil.com/logout/" stays on this site
	}
	return to, err
}

// GetRedirectURL is the hook that returns the next page the request asks
// for (Django's get_redirect_url): the RedirectFieldName form field, else
// query parameter, if IsSafeRedirect accepts it with
// GetSuccessURLAllowedHosts; else "".
func (v *LogoutView) GetRedirectURL(c *fiber.Ctx) (string, error) {
	return safeRedirectParam(c, v.hooks.Of(v), v.RedirectFieldName), nil
}

// GetSuccessURL is the hook that returns where to go after the logout
// (Django's get_success_url): GetRedirectURL, else GetNextPage; "" renders
// the template.
func (v *LogoutView) GetSuccessURL(c *fiber.Ctx) (string, error) {
	return successURL(c, v.hooks.Of(v))
}

// GetSuccessURLAllowedHosts is the hook that returns the hosts a next URL may
// point to besides the request's own (Django's
// get_success_url_allowed_hosts): SuccessURLAllowedHosts.
func (v *LogoutView) GetSuccessURLAllowedHosts(c *fiber.Ctx) []string {
	return v.SuccessURLAllowedHosts
}

// GetTemplateNames is the hook that lists the templates to try for the
// logged-out page: TemplateName, or registration/logged_out.html.
func (v *LogoutView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, logoutTemplate), nil
}

// GetContextData is the hook that builds the context of the logged-out page
// (Django's get_context_data): TemplateView's (the route's arguments,
// "view"), then title "Logged out", site_name, login_url (Config.LoginURL
// resolved, when it resolves), then ExtraContext. Render adds the request
// context: user is the AnonymousUser, csrf_input a fresh token.
func (v *LogoutView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	s := settings(c)
	setDefaults(ctx, "title", "Logged out", keySiteName, s.SiteName)
	if login, err := ResolveURL(c, s.LoginURL); err == nil {
		setDefaults(ctx, "login_url", login)
	}
	return ctx, nil
}

// logoutRedirect sends the client to url: 302 Found, or for an htmx
// request (HX-Request: true) 200 with HX-Redirect, which htmx follows with a
// full page load (a 302 would make htmx swap the next page into the current
// one).
func logoutRedirect(c *fiber.Ctx, url string) error {
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", urlquote.IRIToURI(url))
		c.Response().ResetBody()
		c.Status(fiber.StatusOK)
		return nil
	}
	return redirect(c, url, fiber.StatusFound)
}

// wantsJSON reports whether the client prefers JSON to HTML (its Accept
// header ranks application/json above text/html).
func wantsJSON(c *fiber.Ctx) bool {
	if c.Get(fiber.HeaderAccept) == "" {
		return false
	}
	return c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON
}
