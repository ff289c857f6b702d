package views

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
)

// LoginRequired lets logged-in users through to h and redirects anonymous
// ones to Config.LoginURL with the page they asked for (path and query
// string) in the next parameter (Django's login_required):
//
//	urls.Path("profile/", views.LoginRequired(profile), urls.Name("profile"))
//
// A class-based view sets Base.LoginRequired instead.
func LoginRequired(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ok, err := IsAuthenticated(c)
		if err != nil {
			return err
		}
		if ok {
			return h(c)
		}
		return RedirectToLogin(c, "")
	}
}

// RedirectToLogin redirects (302) to Config.LoginURL (a URL or a route name)
// with next added to its query string under Config.RedirectFieldName
// (Django's redirect_to_login). An empty next means the page asked for: its
// path and query string, or the absolute URL when the login page is on
// another host.
func RedirectToLogin(c *fiber.Ctx, next string) error {
	s := settings(c)
	login, err := ResolveURL(c, s.LoginURL)
	if err != nil {
		return err
	}
	u, err := url.Parse(login)
	if err != nil {
		return err
	}
	if next == "" {
		next = c.OriginalURL()
		scheme, host := s.proxy.Scheme(c), string(c.Request().Host())
		if (u.Scheme != "" && u.Scheme != scheme) || (u.Host != "" && u.Host != host) {
			next = scheme + "://" + host + next
		}
	}
	q := u.Query()
	q.Set(s.RedirectFieldName, next)
	u.RawQuery = strings.ReplaceAll(q.Encode(), "%2F", "/") // Django keeps "/" readable
	return redirect(c, u.String(), fiber.StatusFound)
}

// RequirePOST answers 405 (Allow: POST) to any method but POST (Django's
// require_POST).
func RequirePOST(h fiber.Handler) fiber.Handler {
	return RequireMethods(h, fiber.MethodPost)
}

// RequireGET answers 405 (Allow: GET) to any method but GET (Django's
// require_GET).
func RequireGET(h fiber.Handler) fiber.Handler {
	return RequireMethods(h, fiber.MethodGet)
}

// RequireSafe answers 405 (Allow: GET, HEAD) to any method but GET and HEAD
// (Django's require_safe).
func RequireSafe(h fiber.Handler) fiber.Handler {
	return RequireMethods(h, fiber.MethodGet, fiber.MethodHead)
}

// RequireMethods lets only the given methods through to h and answers 405
// with an Allow header listing them otherwise (Django's
// require_http_methods). Methods are case-insensitive.
func RequireMethods(h fiber.Handler, methods ...string) fiber.Handler {
	allowed := make([]string, len(methods))
	for i, m := range methods {
		allowed[i] = strings.ToUpper(m)
	}
	allow := strings.Join(allowed, ", ")
	return func(c *fiber.Ctx) error {
		m := c.Method()
		for _, a := range allowed {
			if a == m {
				return h(c)
			}
		}
		return methodNotAllowed(c, allow)
	}
}

// NeverCache adds headers that keep browsers and proxies from caching the
// response of h (Django's never_cache), even when h fails.
func NeverCache(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := h(c)
		AddNeverCacheHeaders(c)
		return err
	}
}

// NeverCacheControl is the Cache-Control value NeverCache sets, Django's.
const NeverCacheControl = "max-age=0, no-cache, no-store, must-revalidate, private"

// AddNeverCacheHeaders sets Cache-Control to NeverCacheControl and, unless
// the response has one, Expires to the current time (Django's
// add_never_cache_headers).
func AddNeverCacheHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	if len(h.Peek(fiber.HeaderExpires)) == 0 {
		h.Set(fiber.HeaderExpires, httpDateNow())
	}
	h.Set(fiber.HeaderCacheControl, NeverCacheControl)
}

// httpDate is the current time in HTTP's date format, formatted once a
// second rather than on every response.
type httpDate struct {
	sec  int64
	text string
}

var lastHTTPDate atomic.Pointer[httpDate]

func httpDateNow() string {
	now := time.Now()
	if d := lastHTTPDate.Load(); d != nil && d.sec == now.Unix() {
		return d.text
	}
	d := &httpDate{sec: now.Unix(), text: now.UTC().Format(http.TimeFormat)}
	lastHTTPDate.Store(d)
	return d.text
}
