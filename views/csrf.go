package views

import (
	"errors"
	"html/template"

	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// The CSRF mechanism is security.CSRF, built by Setup from Config.CSRF;
// this file is its request-level API and the 403 page.

// CSRFToken returns a freshly masked token for forms and scripts to send
// back with unsafe requests (Django's get_token; see security.CSRF.Token),
// setting the secret cookie if the request had none. views.Render puts it in
// every context as "csrf_token" and "csrf_input".
func CSRFToken(c *fiber.Ctx) string { return settings(c).csrf.Token(c) }

// CSRFInput returns the hidden form field carrying a CSRF token, ready for
// a template: <input type="hidden" name="csrfmiddlewaretoken" value="...">.
func CSRFInput(c *fiber.Ctx) template.HTML { return csrfInput(CSRFToken(c)) }

func csrfInput(token string) template.HTML {
	// The token is made of letters and digits only: nothing to escape.
	return template.HTML(`<input type="hidden" name="` + security.CSRFFieldName + `" value="` + token + `">`)
}

// RotateCSRFToken replaces the request's CSRF secret (Django's rotate_token;
// see security.CSRF.Rotate). LoginView calls it when a user logs in.
func RotateCSRFToken(c *fiber.Ctx) { settings(c).csrf.Rotate(c) }

// CheckCSRF applies the site's CSRF checks (security.CSRF.Check) to c: nil
// when it may go on, else an error wrapping one of the security.ErrCSRF*
// errors, whose text is Django's reason. Safe methods always pass.
func CheckCSRF(c *fiber.Ctx) error { return settings(c).csrf.Check(c) }

// CSRFProtect is the CSRF check as a decorator (Django's csrf_protect), for
// handlers that are not views: AsView already checks the POST, PUT, PATCH
// and DELETE requests of every view unless Base.CSRFExempt is set.
//
// The token comes from the form field csrfmiddlewaretoken or the
// X-CSRFToken header; its secret lives in a cookie (csrftoken, HttpOnly,
// SameSite=Lax) and every render hands out a freshly masked token (Django's
// scheme, BREACH-safe), so checking never touches the session and a page
// rendered after a logout carries a working token. A second layer refuses
// cross-origin requests by their Sec-Fetch-Site or Origin header, as
// net/http.CrossOriginProtection does, except from
// security.CSRFConfig.TrustedOrigins; on https, a request with neither
// header needs a same-site Referer (Django's checks).
//
// A rejected request gets the 403 page (Config.CSRFFailureTemplate, by
// default the embedded csrf_failure.html), which speaks to the visitor; the
// reason shows only with Config.Debug. h does not run. A view answers its
// own refusals when it has a CSRFFailure(c, err) method (as LoginView does:
// a stale login form shows the form again).
func CSRFProtect(h fiber.Handler) fiber.Handler { return csrfProtect(h, csrfFailure) }

// csrfFailureHook is the method of a view that answers its own CSRF
// refusals (LoginView's CSRFFailure).
type csrfFailureHook interface {
	CSRFFailure(c *fiber.Ctx, err error) error
}

func csrfProtect(h fiber.Handler, fail func(*fiber.Ctx, error) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := CheckCSRF(c); err != nil {
			return fail(c, err)
		}
		return h(c)
	}
}

// csrfFailure answers a rejected request (Django's csrf_failure view): logs
// a warning and renders the 403 page, or a plain one if that fails. The
// page speaks to the visitor: "message" says what happened and what to do
// (reload the page and try again); the embedded page shows "reason" and the
// developers' hints only when "debug" (Config.Debug) is set.
func csrfFailure(c *fiber.Ctx, err error) error {
	s, reason := settings(c), err.Error()
	s.logger.Warn("Forbidden (CSRF)", "reason", reason, "method", c.Method(), "path", c.Path())
	c.Locals(errorPageKey{}, true)
	noCookie := errors.Is(err, security.ErrCSRFCookieMissing)
	msg := csrfHelp
	if noCookie {
		msg = csrfCookieHelp
	}
	if Render(c, fiber.StatusForbidden, s.CSRFFailureTemplate, map[string]any{
		"title":     "403 Forbidden",
		"message":   msg,
		"reason":    reason,
		"no_cookie": noCookie,
		"debug":     s.Debug,
	}) == nil {
		return nil
	}
	if s.Debug {
		msg += " CSRF verification failed: " + reason
	}
	return plainPage(c, fiber.StatusForbidden, "403 Forbidden", msg)
}

// The words of the CSRF failure page ("message" in its context).
const (
	csrfHelp       = "The page you sent this from had expired or came from another site, so nothing was done. Go back, reload the page and try again."
	csrfCookieHelp = "This site needs a cookie to accept forms, and your browser did not send it. Allow cookies for this site, then reload the page and try again."
)
