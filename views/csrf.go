package views

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The CSRF scheme is Django's (CSRF_USE_SESSIONS = False): a 32-character
// secret lives in a cookie; each render hands out a different 64-character
// token, a random mask followed by the secret enciphered with it (BREACH
// protection); a request is accepted when its token, unmasked, equals the
// cookie's secret. Checking never reads or writes the session, and logging
// out leaves the secret alone, so a page rendered after logout carries a
// token that works. RotateCSRFToken replaces the secret (on login).
const (
	csrfChars     = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	csrfSecretLen = 32
	csrfTokenLen  = 2 * csrfSecretLen
)

// csrfIndex maps a byte to its position in csrfChars, -1 if absent.
var csrfIndex = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(csrfChars); i++ {
		t[csrfChars[i]] = int8(i)
	}
	return t
}()

// Django's rejection reasons, shown on the 403 page and logged.
const (
	reasonNoCookie       = "CSRF cookie not set."
	reasonMissingToken   = "CSRF token missing."
	reasonCrossSite      = "Cross-origin request detected from Sec-Fetch-Site header."
	reasonBadOriginFmt   = "Origin checking failed - %s does not match any trusted origins."
	reasonCookieLength   = "CSRF cookie has incorrect length."
	reasonCookieChars    = "CSRF cookie has invalid characters."
	reasonTokenLengthFmt = "CSRF token from %s has incorrect length."
	reasonTokenCharsFmt  = "CSRF token from %s has invalid characters."
	reasonIncorrectFmt   = "CSRF token from %s incorrect."
)

// randomCSRFString returns n characters drawn uniformly from csrfChars.
func randomCSRFString(n int) string {
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		_, _ = rand.Read(buf[:]) // never fails (crypto/rand crashes the program instead)
		for _, b := range buf {
			if b < 248 { // 248 = 4*62: keep the distribution uniform
				out = append(out, csrfChars[b%62])
				if len(out) == n {
					break
				}
			}
		}
	}
	return string(out)
}

// maskSecret returns a fresh token for secret: mask + cipher.
func maskSecret(secret string) string {
	mask := randomCSRFString(csrfSecretLen)
	var tok [csrfTokenLen]byte
	copy(tok[:], mask)
	for i := 0; i < csrfSecretLen; i++ {
		tok[csrfSecretLen+i] = csrfChars[(int(csrfIndex[secret[i]])+int(csrfIndex[mask[i]]))%62]
	}
	return string(tok[:])
}

// unmaskToken returns the secret a 64-character token carries.
func unmaskToken(token string) string {
	var secret [csrfSecretLen]byte
	for i := 0; i < csrfSecretLen; i++ {
		secret[i] = csrfChars[(int(csrfIndex[token[csrfSecretLen+i]])-int(csrfIndex[token[i]])+62)%62]
	}
	return string(secret[:])
}

// tokenFormat says what is wrong with a token or secret: "" (fine),
// "length" or "chars".
func tokenFormat(s string, lengths ...int) string {
	okLen := false
	for _, l := range lengths {
		okLen = okLen || len(s) == l
	}
	if !okLen {
		return "length"
	}
	for i := 0; i < len(s); i++ {
		if csrfIndex[s[i]] < 0 {
			return "chars"
		}
	}
	return ""
}

// tokenMatches compares a well-formed request token (masked or not) with
// the secret in constant time.
func tokenMatches(token, secret string) bool {
	if len(token) == csrfTokenLen {
		token = unmaskToken(token)
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(secret)) == 1
}

// csrfState is the request's secret, cached in c.Locals.
type csrfState struct{ secret string }

type csrfKey struct{}

// csrfSecret returns the request's secret: the one already chosen during
// this request, else the cookie's, else a new one (set as a cookie).
func csrfSecret(c *fiber.Ctx) string {
	if st, ok := c.Locals(csrfKey{}).(*csrfState); ok {
		return st.secret
	}
	s := settings(c)
	secret := c.Cookies(s.CSRF.CookieName)
	if len(secret) == csrfTokenLen && tokenFormat(secret, csrfTokenLen) == "" {
		secret = unmaskToken(secret) // a cookie from before Django 4.1 held a masked token
	}
	if tokenFormat(secret, csrfSecretLen) != "" {
		secret = randomCSRFString(csrfSecretLen)
		setCSRFCookie(c, s, secret)
	} else {
		secret = strings.Clone(secret) // c.Cookies aliases the request buffer
	}
	c.Locals(csrfKey{}, &csrfState{secret: secret})
	return secret
}

// setCSRFCookie sends the secret to the browser.
func setCSRFCookie(c *fiber.Ctx, s *site, secret string) {
	x := &s.CSRF
	c.Cookie(&fiber.Cookie{
		Name:     x.CookieName,
		Value:    secret,
		Path:     x.CookiePath,
		Domain:   x.CookieDomain,
		MaxAge:   int(x.CookieAge / time.Second),
		Expires:  time.Now().Add(x.CookieAge),
		Secure:   x.CookieSecure,
		HTTPOnly: !x.CookieReadableByScripts,
		SameSite: x.CookieSameSite,
	})
}

// CSRFToken returns a token for forms and scripts to send back with unsafe
// requests (Django's get_token): a fresh mask of the request's secret each
// call. If the request had no valid secret cookie, one is created and set
// on the response. views.Render puts it in every context as "csrf_token"
// and "csrf_input".
func CSRFToken(c *fiber.Ctx) string {
	return maskSecret(csrfSecret(c))
}

// CSRFInput returns the hidden form field carrying a CSRF token, ready for
// a template: <input type="hidden" name="csrfmiddlewaretoken" value="...">.
func CSRFInput(c *fiber.Ctx) template.HTML {
	return csrfInput(CSRFToken(c))
}

func csrfInput(token string) template.HTML {
	// The token is made of letters and digits only: nothing to escape.
	return template.HTML(`<input type="hidden" name="` + CSRFFieldName + `" value="` + token + `">`)
}

// RotateCSRFToken replaces the request's CSRF secret with a new one and sets
// it as a cookie (Django's rotate_token): tokens handed out before stop
// working, tokens handed out later in this request carry the new secret.
// LoginView calls it when a user logs in.
func RotateCSRFToken(c *fiber.Ctx) {
	secret := randomCSRFString(csrfSecretLen)
	setCSRFCookie(c, settings(c), secret)
	c.Locals(csrfKey{}, &csrfState{secret: secret})
}

// isSafeMethod reports whether the method is exempt from CSRF checks (RFC
// 9110 safe methods, as in Django).
func isSafeMethod(m string) bool {
	switch m {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		return true
	}
	return false
}

// CheckCSRF applies the CSRF checks to c and returns the reason it must be
// rejected ("" when it may go on). Safe methods always pass. The checks, in
// order:
//
//  1. the cross-origin check of Go's net/http.CrossOriginProtection: a
//     Sec-Fetch-Site other than same-origin or none, or else an Origin whose
//     host is not the Host, is refused unless the Origin is one of
//     Config.CSRF.TrustedOrigins;
//  2. the secret cookie must be present and well formed;
//  3. the token, from the form field csrfmiddlewaretoken (POST forms) or
//     else the X-CSRFToken header, must be present, well formed (32 or 64
//     letters and digits), and match the secret.
func CheckCSRF(c *fiber.Ctx) string {
	if isSafeMethod(c.Method()) {
		return ""
	}
	s := settings(c)
	if reason := crossOrigin(c, s); reason != "" {
		return reason
	}
	secret := c.Cookies(s.CSRF.CookieName)
	if secret == "" {
		return reasonNoCookie
	}
	if len(secret) == csrfTokenLen && tokenFormat(secret, csrfTokenLen) == "" {
		secret = unmaskToken(secret)
	}
	switch tokenFormat(secret, csrfSecretLen) {
	case "length":
		return reasonCookieLength
	case "chars":
		return reasonCookieChars
	}
	source := "POST"
	token := ""
	if c.Method() == fiber.MethodPost {
		token = postValue(c, CSRFFieldName)
	}
	if token == "" {
		token = c.Get(s.CSRF.HeaderName)
		source = fmt.Sprintf("the %q HTTP header", s.CSRF.HeaderName)
	}
	if token == "" {
		return reasonMissingToken
	}
	switch tokenFormat(token, csrfSecretLen, csrfTokenLen) {
	case "length":
		return fmt.Sprintf(reasonTokenLengthFmt, source)
	case "chars":
		return fmt.Sprintf(reasonTokenCharsFmt, source)
	}
	if !tokenMatches(token, secret) {
		return fmt.Sprintf(reasonIncorrectFmt, source)
	}
	return ""
}

// postValue returns the field name of a urlencoded or multipart request body,
// "" when absent: never the query string (unlike c.FormValue, which looks
// there first). CheckCSRF reads the token with it (tokens in query strings
// end up in logs); LoginView and LogoutView read their form fields with it.
func postValue(c *fiber.Ctx, name string) string {
	mediaType, _, _ := strings.Cut(c.Get(fiber.HeaderContentType), ";")
	mediaType = strings.TrimSpace(mediaType)
	switch {
	case strings.EqualFold(mediaType, fiber.MIMEApplicationForm):
		return string(c.Request().PostArgs().Peek(name))
	case strings.EqualFold(mediaType, fiber.MIMEMultipartForm):
		form, err := c.MultipartForm()
		if err != nil || len(form.Value[name]) == 0 {
			return ""
		}
		return form.Value[name][0]
	}
	return ""
}

// crossOrigin is the check of Go 1.25's net/http.CrossOriginProtection, with
// the trusted origins of the settings.
func crossOrigin(c *fiber.Ctx, s *site) string {
	origin := c.Get(fiber.HeaderOrigin)
	switch c.Get("Sec-Fetch-Site") {
	case "":
		// No Sec-Fetch-Site: an older browser or not a browser; check Origin.
	case "same-origin", "none":
		return ""
	default:
		if s.isTrusted(origin) {
			return ""
		}
		return reasonCrossSite
	}
	if origin == "" {
		return "" // neither header: same-origin or not a browser
	}
	if u, err := url.Parse(origin); err == nil && u.Host == string(c.Request().Host()) {
		return ""
	}
	if s.isTrusted(origin) {
		return ""
	}
	return fmt.Sprintf(reasonBadOriginFmt, origin)
}

// CSRFProtect is the CSRF check as a decorator (Django's csrf_protect), for
// handlers that are not views: AsView already checks every view. A rejected
// request gets the 403 page (Config.CSRF.FailureTemplate, by default the
// embedded csrf_failure.html) and h does not run.
func CSRFProtect(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if isSafeMethod(c.Method()) {
			return h(c)
		}
		if reason := CheckCSRF(c); reason != "" {
			return csrfFailure(c, reason)
		}
		return h(c)
	}
}

// csrfFailure answers a rejected request (Django's csrf_failure view): logs
// a warning and renders the 403 page, or a plain one if that fails.
func csrfFailure(c *fiber.Ctx, reason string) error {
	s := settings(c)
	s.logger.Warn("Forbidden (CSRF)", "reason", reason, "method", c.Method(), "path", c.Path())
	err := Render(c, fiber.StatusForbidden, s.CSRF.FailureTemplate, map[string]any{
		"title":     "403 Forbidden",
		"reason":    reason,
		"no_cookie": reason == reasonNoCookie,
	})
	if err != nil {
		c.Response().Header.SetContentType(fiber.MIMETextHTMLCharsetUTF8)
		return c.Status(fiber.StatusForbidden).SendString("<!doctype html><title>403 Forbidden</title>" +
			"<h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p><p>" +
			template.HTMLEscapeString(reason) + "</p>")
	}
	return nil
}
