package views

import (
	"github.com/fiberviews/fiberviews/internal/safeurl"
	"github.com/gofiber/fiber/v2"
)

// IsSafeRedirect reports whether url is safe to redirect the request's
// client to (Django's url_has_allowed_host_and_scheme, made stricter): a path
// on this site, or an absolute http(s) URL whose host is the request's Host
// header or one of allowedHosts ("host" or "host:port"); https only when the
// request came over https. It refuses what browsers would send elsewhere:
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
	return safeurl.HasAllowedHostAndScheme(url, hosts, c.Protocol() == "https")
}

// redirectParam returns the value of the redirect field (Django's next):
// from a form body first, then from the query string.
func redirectParam(c *fiber.Ctx, field string) string {
	if c.Method() == fiber.MethodPost {
		if v := postValue(c, field); v != "" {
			return v
		}
	}
	return c.Query(field)
}

// redirectHooks are the hooks of Django's RedirectURLMixin, which LoginView
// and LogoutView share. AsView fills them with the outer view's methods;
// each field is nil on a view that was not bound, and the view's own method
// is used instead.
type redirectHooks struct {
	nextPage     func(*fiber.Ctx) (string, error)
	redirectURL  func(*fiber.Ctx) (string, error)
	successURL   func(*fiber.Ctx) (string, error)
	allowedHosts func(*fiber.Ctx) []string
}

// redirectMethods are the hook methods LoginView and LogoutView define.
type redirectMethods interface {
	GetNextPage(*fiber.Ctx) (string, error)
	GetRedirectURL(*fiber.Ctx) (string, error)
	GetSuccessURL(*fiber.Ctx) (string, error)
	GetSuccessURLAllowedHosts(*fiber.Ctx) []string
}

// bindRedirectHooks takes the redirect hooks of the outer view, checking their
// signatures.
func bindRedirectHooks(s *spec, owner string) (redirectHooks, error) {
	type stringHook = func(*fiber.Ctx) (string, error)
	var h redirectHooks
	var err error
	if h.nextPage, err = hook(s, owner, "GetNextPage",
		func(v interface {
			GetNextPage(*fiber.Ctx) (string, error)
		}) stringHook {
			return v.GetNextPage
		}); err != nil {
		return h, err
	}
	if h.redirectURL, err = hook(s, owner, "GetRedirectURL",
		func(v interface {
			GetRedirectURL(*fiber.Ctx) (string, error)
		}) stringHook {
			return v.GetRedirectURL
		}); err != nil {
		return h, err
	}
	if h.successURL, err = hook(s, owner, "GetSuccessURL",
		func(v interface {
			GetSuccessURL(*fiber.Ctx) (string, error)
		}) stringHook {
			return v.GetSuccessURL
		}); err != nil {
		return h, err
	}
	h.allowedHosts, err = hook(s, owner, "GetSuccessURLAllowedHosts",
		func(v interface {
			GetSuccessURLAllowedHosts(*fiber.Ctx) []string
		}) func(*fiber.Ctx) []string {
			return v.GetSuccessURLAllowedHosts
		})
	return h, err
}

// callNextPage calls the bound GetNextPage hook, or base's own.
func (h *redirectHooks) callNextPage(c *fiber.Ctx, base redirectMethods) (string, error) {
	if h.nextPage != nil {
		return h.nextPage(c)
	}
	return base.GetNextPage(c)
}

// callRedirectURL calls the bound GetRedirectURL hook, or base's own.
func (h *redirectHooks) callRedirectURL(c *fiber.Ctx, base redirectMethods) (string, error) {
	if h.redirectURL != nil {
		return h.redirectURL(c)
	}
	return base.GetRedirectURL(c)
}

// callSuccessURL calls the bound GetSuccessURL hook, or base's own.
func (h *redirectHooks) callSuccessURL(c *fiber.Ctx, base redirectMethods) (string, error) {
	if h.successURL != nil {
		return h.successURL(c)
	}
	return base.GetSuccessURL(c)
}

// callAllowedHosts calls the bound GetSuccessURLAllowedHosts hook, or base's own.
func (h *redirectHooks) callAllowedHosts(c *fiber.Ctx, base redirectMethods) []string {
	if h.allowedHosts != nil {
		return h.allowedHosts(c)
	}
	return base.GetSuccessURLAllowedHosts(c)
}

// safeRedirectParam is the default GetRedirectURL of LoginView and
// LogoutView (Django's RedirectURLMixin.get_redirect_url): the redirect
// field, if IsSafeRedirect accepts it with the allowed hosts; else "".
func (h *redirectHooks) safeRedirectParam(c *fiber.Ctx, base redirectMethods, field string) string {
	if field == "" {
		field = settings(c).RedirectFieldName
	}
	next := redirectParam(c, field)
	if next == "" || !IsSafeRedirect(c, next, h.callAllowedHosts(c, base)...) {
		return ""
	}
	return next
}

// defaultSuccessURL is the default GetSuccessURL of LoginView and LogoutView
// (Django's get_success_url): GetRedirectURL, else GetNextPage, each through
// the outer view's hooks.
func (h *redirectHooks) defaultSuccessURL(c *fiber.Ctx, base redirectMethods) (string, error) {
	to, err := h.callRedirectURL(c, base)
	if err != nil || to != "" {
		return to, err
	}
	return h.callNextPage(c, base)
}

// resolveNextPage is the default GetNextPage: nextPage, else the site-wide
// fallback, each a URL or a route name (ResolveURL); "" when both are empty.
func resolveNextPage(c *fiber.Ctx, nextPage, fallback string) (string, error) {
	switch {
	case nextPage != "":
		return ResolveURL(c, nextPage)
	case fallback != "":
		return ResolveURL(c, fallback)
	}
	return "", nil
}
