package views

import (
	"github.com/fiberviews/fiberviews/internal/formvalue"
	"github.com/fiberviews/fiberviews/internal/safeurl"
	"github.com/fiberviews/fiberviews/internal/urlquote"
	"github.com/gofiber/fiber/v2"
)

// IsSafeRedirect reports whether url is safe to redirect the request's
// client to (Django's url_has_allowed_host_and_scheme, made stricter): a path
// on this site, or an absolute http(s) URL whose host is the request's Host
// header or one of allowedHosts ("host" or "host:port"); https only when the
// request came over https (IsSecure: X-Forwarded-Proto counts only from a
// proxy Config.Proxy trusts). It refuses what browsers would send elsewhere:
// "//evil.com", "///evil.com", "\\evil.com", "/\evil.com", "http:/\evil.com",
// "javascript:…", user-info ("https://good.com@evil.com"), control
// characters anywhere, whitespace around the scheme, non-ASCII hosts (list
// their Punycode form), and URLs over 2048 characters.
//
// Use it for any URL a request names as the page to go to next:
//
//	if next := c.Query("next"); views.IsSafeRedirect(c, next) {
//		return c.Redirect(next)
//	}
//
// The host comes from the Host header, never from X-Forwarded-Host (as
// Django without USE_X_FORWARDED_HOST): behind a proxy that rewrites Host,
// list the public host in allowedHosts.
func IsSafeRedirect(c *fiber.Ctx, url string, allowedHosts ...string) bool {
	if url == "" {
		return false
	}
	hosts := make([]string, 0, 1+len(allowedHosts))
	hosts = append(hosts, string(c.Request().Host()))
	hosts = append(hosts, allowedHosts...)
	return safeurl.HasAllowedHostAndScheme(url, hosts, IsSecure(c))
}

// redirect answers status (302, 301) with url in the Location header,
// percent-encoded to ASCII as Django's iri_to_uri does: a next such as
// "/café/" goes out as "/caf%C3%A9/", never as raw UTF-8. Every redirect of
// this package goes through it.
func redirect(c *fiber.Ctx, url string, status int) error {
	return c.Redirect(urlquote.IRIToURI(url), status)
}

// redirectParam returns the value of the redirect field (Django's next):
// from a form body first, then from the query string.
func redirectParam(c *fiber.Ctx, field string) string {
	if c.Method() == fiber.MethodPost {
		if v := formvalue.Post(c, field); v != "" {
			return v
		}
	}
	return c.Query(field)
}

// redirectHooks are the hooks of Django's RedirectURLMixin, which LoginView
// and LogoutView share: each defines them as one-line methods over the
// functions below, which call the other hooks through the bound view.
type redirectHooks interface {
	GetNextPage(c *fiber.Ctx) (string, error)
	GetRedirectURL(c *fiber.Ctx) (string, error)
	GetSuccessURL(c *fiber.Ctx) (string, error)
	GetSuccessURLAllowedHosts(c *fiber.Ctx) []string
}

// safeRedirectParam is the default GetRedirectURL of LoginView and
// LogoutView (Django's RedirectURLMixin.get_redirect_url): the redirect
// field, if IsSafeRedirect accepts it with GetSuccessURLAllowedHosts; else "".
func safeRedirectParam(c *fiber.Ctx, h redirectHooks, field string) string {
	if field == "" {
		field = settings(c).RedirectFieldName
	}
	next := redirectParam(c, field)
	if next == "" || !IsSafeRedirect(c, next, h.GetSuccessURLAllowedHosts(c)...) {
		return ""
	}
	return next
}

// successURL is the default GetSuccessURL of LoginView and LogoutView
// (Django's get_success_url): GetRedirectURL, else GetNextPage.
func successURL(c *fiber.Ctx, h redirectHooks) (string, error) {
	to, err := h.GetRedirectURL(c)
	if err != nil || to != "" {
		return to, err
	}
	return h.GetNextPage(c)
}

// resolveNextPage is the default GetNextPage: nextPage, else the site-wide
// fallback, each a URL or a route name (ResolveURL); "" when both are empty.
func resolveNextPage(c *fiber.Ctx, nextPage, fallback string) (string, error) {
	if nextPage == "" {
		nextPage = fallback
	}
	if nextPage == "" {
		return "", nil
	}
	return ResolveURL(c, nextPage)
}

// templateOr is the default GetTemplateNames of LoginView and LogoutView:
// TemplateView.TemplateName, else their default page.
func templateOr(v *TemplateView, def string) []string {
	if v.TemplateName != "" {
		return []string{v.TemplateName}
	}
	return []string{def}
}
