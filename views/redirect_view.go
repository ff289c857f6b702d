package views

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fiberviews/fiberviews/internal/urlquote"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
)

// RedirectView redirects every request (Django's RedirectView):
//
//	// /old/42/ → /new/42/
//	views.Path("old/<int:id>/", &views.RedirectView{URL: "/new/%(id)s/"})
//	// /go/42/ → the URL of the route "article" reversed with id=42
//	views.Path("go/<int:id>/", &views.RedirectView{PatternName: "article"})
//
// The target is GetRedirectURL's (a hook): URL with its placeholders filled
// from the route's arguments, else the route PatternName reversed with the
// route's arguments, plus the request's query string when QueryString is
// set. An empty target answers 410 Gone. Every method redirects, as in
// Django (POST, PUT, PATCH and DELETE after the CSRF check).
type RedirectView struct {
	Base
	// URL is the target. "%(name)s" (or "%(name)d", as Django's examples
	// write integers) is replaced by the route argument name
	// (Django's syntax: urls.Resolve(c).Kwargs, or the Fiber route
	// parameter), percent-escaped so that it stays inside the path: "?",
	// "#", "%", "\", spaces, control and non-ASCII characters are escaped,
	// "/" is kept, and a value that would start the URL with "//" cannot make
	// it scheme-relative (nor, at the very start, give it a scheme). "%%" is
	// a literal "%"; any other "%" is kept, so percent-encoded URLs need no
	// escaping.
	URL string
	// PatternName is a route name reversed with the route's arguments when
	// URL is empty.
	PatternName string
	// Permanent redirects with 301 instead of 302.
	Permanent bool
	// QueryString appends the request's query string to the target.
	QueryString bool

	url    []urlPart // URL, parsed by AsView
	parsed bool
	hooks  Hooks[redirectViewHooks]
}

// redirectViewHooks are the hooks of RedirectView: the other methods call
// the outer view's Get, as Django's do (self.get).
type redirectViewHooks interface {
	GetRedirectURL(c *fiber.Ctx) (string, error)
	Get(c *fiber.Ctx) error
}

// urlPart is a literal, or a placeholder when key is set.
type urlPart struct{ lit, key string }

// parseURLTemplate splits a URL with %(name)s placeholders.
func parseURLTemplate(u string) ([]urlPart, error) {
	var parts []urlPart
	var lit strings.Builder
	for i := 0; i < len(u); i++ {
		if u[i] != '%' || i+1 == len(u) {
			lit.WriteByte(u[i])
			continue
		}
		switch u[i+1] {
		case '%':
			lit.WriteByte('%')
			i++
		case '(':
			end := strings.IndexByte(u[i:], ')')
			if end < 0 || i+end+1 >= len(u) || (u[i+end+1] != 's' && u[i+end+1] != 'd') {
				return nil, fmt.Errorf("placeholder at byte %d is not closed as %%(name)s or %%(name)d", i)
			}
			key := u[i+2 : i+end]
			if key == "" {
				return nil, fmt.Errorf("placeholder at byte %d has no name", i)
			}
			if lit.Len() > 0 {
				parts = append(parts, urlPart{lit: lit.String()})
				lit.Reset()
			}
			parts = append(parts, urlPart{key: key})
			i += end + 1
		default:
			lit.WriteByte('%') // "%2F" and friends
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, urlPart{lit: lit.String()})
	}
	return parts, nil
}

var _ redirectViewHooks = (*RedirectView)(nil)

// BindView parses URL.
func (v *RedirectView) BindView(b *Binding) error {
	parts, err := parseURLTemplate(v.URL)
	if err != nil {
		return b.Errorf("URL", "%q: %v", v.URL, err)
	}
	if v.Outer() == nil { // bound already (the same view registered twice): it may be serving
		v.url, v.parsed = parts, true
	}
	return nil
}

// GetRedirectURL is the hook that returns the target (Django's
// get_redirect_url); "" means 410 Gone. Override it for targets computed per
// request.
func (v *RedirectView) GetRedirectURL(c *fiber.Ctx) (string, error) {
	var target string
	switch {
	case v.URL != "":
		parts := v.url
		if !v.parsed { // not bound by AsView
			var err error
			if parts, err = parseURLTemplate(v.URL); err != nil {
				return "", err
			}
		}
		var args map[string]any
		var b strings.Builder
		for _, p := range parts {
			if p.key == "" {
				b.WriteString(p.lit)
				continue
			}
			if args == nil {
				args = routeArgs(c)
			}
			val, ok := args[p.key]
			if !ok {
				return "", fmt.Errorf("views: RedirectView URL %q needs the route argument %q, which the route does not have (it has %v)",
					v.URL, p.key, sortedKeys(args))
			}
			b.WriteString(urlquote.Quote(fmt.Sprint(val)))
		}
		target = b.String()
		if len(parts) > 0 && (parts[0].key != "" || len(parts[0].lit) < 2) {
			// The start of the URL comes from a route argument: "/%(p)s" with
			// p = "/evil.com" must not become the scheme-relative "//evil.com",
			// nor "%(p)s" with p = "http:/evil.com" an absolute URL.
			target = urlquote.EscapeLeadingSlashes(target)
			if parts[0].key != "" {
				end := strings.IndexAny(target, "/?#")
				if end < 0 {
					end = len(target)
				}
				target = strings.ReplaceAll(target[:end], ":", "%3A") + target[end:]
			}
		}
	case v.PatternName != "":
		var err error
		if args := routeArgs(c); len(args) > 0 {
			target, err = urls.Reverse(c, v.PatternName, urls.Kwargs(args))
		} else {
			target, err = urls.Reverse(c, v.PatternName)
		}
		if err != nil {
			return "", err
		}
	default:
		return "", nil
	}
	if qs := c.Request().URI().QueryString(); v.QueryString && len(qs) > 0 {
		target += "?" + string(qs)
	}
	return target, nil
}

// Get redirects to GetRedirectURL (the outer view's when it defines it): 302,
// or 301 when Permanent; 410 Gone when it is empty.
func (v *RedirectView) Get(c *fiber.Ctx) error {
	target, err := v.hooks.Of(v).GetRedirectURL(c)
	if err != nil {
		return err
	}
	if target == "" {
		settings(c).logger.Warn("Gone", "path", c.Path())
		c.Response().ResetBody()
		c.Status(fiber.StatusGone)
		return nil
	}
	status := fiber.StatusFound
	if v.Permanent {
		status = fiber.StatusMovedPermanently
	}
	return redirect(c, target, status)
}

// outerGet is the outer view's Get (Django's self.get), which the other
// methods call.
func (v *RedirectView) outerGet(c *fiber.Ctx) error {
	return v.hooks.Of(v).Get(c)
}

// Head answers like Get.
func (v *RedirectView) Head(c *fiber.Ctx) error { return v.outerGet(c) }

// Post answers like Get.
func (v *RedirectView) Post(c *fiber.Ctx) error { return v.outerGet(c) }

// Options answers like Get (as Django's RedirectView does).
func (v *RedirectView) Options(c *fiber.Ctx) error { return v.outerGet(c) }

// Delete answers like Get.
func (v *RedirectView) Delete(c *fiber.Ctx) error { return v.outerGet(c) }

// Put answers like Get.
func (v *RedirectView) Put(c *fiber.Ctx) error { return v.outerGet(c) }

// Patch answers like Get.
func (v *RedirectView) Patch(c *fiber.Ctx) error { return v.outerGet(c) }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
