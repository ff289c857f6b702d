package security

import (
	"cmp"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/fiberviews/fiberviews/internal/formvalue"
	"github.com/gofiber/fiber/v2"
)

// CSRFConfig configures a CSRF (Django's CSRF_* settings); the zero value is
// Django's defaults.
type CSRFConfig struct {
	// CookieName holds the secret. Default "csrftoken".
	CookieName string
	// CookieAge is the lifetime of the cookie. Default 52 weeks.
	CookieAge time.Duration
	// CookieDomain is the cookie's Domain; empty means host-only.
	CookieDomain string
	// CookiePath is the cookie's Path. Default "/".
	CookiePath string
	// CookieSecure marks the cookie Secure (HTTPS only); set it in
	// production behind HTTPS.
	CookieSecure bool
	// CookieSameSite is "Lax" (default), "Strict" or "None" (which needs
	// CookieSecure).
	CookieSameSite string
	// CookieReadableByScripts drops HttpOnly from the cookie (Django's
	// CSRF_COOKIE_HTTPONLY=False), for scripts that read the secret from
	// the cookie. By default the cookie is HttpOnly: scripts take the token
	// from the page (csrf_token) and send it in the header.
	CookieReadableByScripts bool
	// HeaderName is the request header that may carry the token. Default
	// "X-CSRFToken".
	HeaderName string
	// TrustedOrigins are origins allowed to send unsafe requests from
	// another site (Django's CSRF_TRUSTED_ORIGINS), written
	// "scheme://host[:port]"; "https://*.example.com" allows every
	// subdomain.
	TrustedOrigins []string
}

// Default values of CSRFConfig, and the form field of the token.
const (
	DefaultCSRFCookieName = "csrftoken"
	DefaultCSRFHeaderName = "X-CSRFToken"
	DefaultCSRFCookieAge  = 52 * 7 * 24 * time.Hour
	// CSRFFieldName is the form field carrying the token (Django's name).
	CSRFFieldName = "csrfmiddlewaretoken"
)

// The errors of CSRF.Check, one per Django rejection reason (the origin
// checks are net/http's). The error Check returns wraps one of them; its own
// text is Django's reason.
var (
	// ErrCSRFCrossOrigin: Sec-Fetch-Site is neither same-origin nor none. If
	// the sending site may post here, add its origin to
	// CSRFConfig.TrustedOrigins.
	ErrCSRFCrossOrigin = errors.New("security: cross-origin request detected from Sec-Fetch-Site header")
	// ErrCSRFOriginMismatch: the Origin is neither the request's
	// scheme://host[:port] nor a trusted origin. Add it to TrustedOrigins if
	// it may post here; behind a proxy, pass the original Host through.
	ErrCSRFOriginMismatch = errors.New("security: cross-origin request detected from Origin header")
	// ErrCSRFBadReferer: an https request with neither Origin nor
	// Sec-Fetch-Site needs a Referer on this site or a trusted origin (so the
	// page's Referrer-Policy must not be no-referrer).
	ErrCSRFBadReferer = errors.New("security: Referer checking failed")
	// ErrCSRFCookieMissing: the client must first load a page that renders a
	// token (which sets the cookie) and keep cookies for the site.
	ErrCSRFCookieMissing = errors.New("security: CSRF cookie not set")
	// ErrCSRFCookieMalformed: the cookie is not 32 letters and digits, so
	// not one this site set; loading a page that renders a token replaces it.
	ErrCSRFCookieMalformed = errors.New("security: CSRF cookie malformed")
	// ErrCSRFTokenMissing: send the token in the csrfmiddlewaretoken field
	// of a POST form or in the CSRFConfig.HeaderName header (X-CSRFToken).
	ErrCSRFTokenMissing = errors.New("security: CSRF token missing")
	// ErrCSRFTokenMalformed: the token is not 32 or 64 letters and digits;
	// send it exactly as CSRF.Token rendered it.
	ErrCSRFTokenMalformed = errors.New("security: CSRF token malformed")
	// ErrCSRFTokenIncorrect: the token does not match the cookie's secret;
	// the page was rendered before the secret changed (a login rotates it)
	// or for another client: reload it.
	ErrCSRFTokenIncorrect = errors.New("security: CSRF token incorrect")
)

// refusal is an error of Check: Django's reason, wrapping a sentinel.
type refusal struct {
	reason string
	err    error
}

func (r *refusal) Error() string { return r.reason }
func (r *refusal) Unwrap() error { return r.err }

// The format errors of a secret or token (Django's InvalidTokenFormat).
var (
	errLength = errors.New("has incorrect length")
	errChars  = errors.New("has invalid characters")
)

// The token scheme is Django's (CSRF_USE_SESSIONS = False): a 32-character
// secret lives in a cookie; each render hands out a different 64-character
// token, a random mask followed by the secret enciphered with it (BREACH
// protection); a request is accepted when its token, unmasked, equals the
// cookie's secret.
const (
	chars     = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secretLen = 32
	tokenLen  = 2 * secretLen
)

// index maps a byte to its position in chars, -1 if absent.
var index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(chars); i++ {
		t[chars[i]] = int8(i)
	}
	return t
}()

// CSRF is Django's CSRF protection. Build it with NewCSRF; it is safe for
// concurrent use. Checking never reads or writes a session, and a logout
// leaves the secret alone, so a page rendered after logout carries a token
// that works.
type CSRF struct {
	cfg           CSRFConfig
	proxy         *Proxy // nil: https only over TLS
	headerSource  string // the token's source in Django's reasons
	trusted       map[string]bool
	trustedSuffix []trustedWildcard
}

type trustedWildcard struct{ scheme, suffix string }

// NewCSRF returns the protection cfg describes, with the defaults filled in.
// It refuses a malformed trusted origin, an unknown SameSite value, SameSite
// None without Secure, and a negative cookie age.
func NewCSRF(cfg CSRFConfig, proxy *Proxy) (*CSRF, error) {
	p := &CSRF{cfg: cfg, proxy: proxy, trusted: map[string]bool{}}
	x := &p.cfg
	x.CookieName = cmp.Or(x.CookieName, DefaultCSRFCookieName)
	x.CookieAge = cmp.Or(x.CookieAge, DefaultCSRFCookieAge)
	x.CookiePath = cmp.Or(x.CookiePath, "/")
	x.CookieSameSite = cmp.Or(x.CookieSameSite, fiber.CookieSameSiteLaxMode)
	x.HeaderName = cmp.Or(x.HeaderName, DefaultCSRFHeaderName)
	p.headerSource = fmt.Sprintf("the %q HTTP header", x.HeaderName)
	if x.CookieAge < 0 {
		return nil, errors.New("CSRFConfig.CookieAge is negative: give a lifetime, or 0 for the default")
	}
	switch strings.ToLower(x.CookieSameSite) {
	case "lax", "strict":
	case "none":
		if !x.CookieSecure {
			return nil, errors.New("CSRFConfig.CookieSameSite None needs CookieSecure: browsers drop such cookies otherwise")
		}
	default:
		return nil, fmt.Errorf("CSRFConfig.CookieSameSite %q: want Lax, Strict or None", x.CookieSameSite)
	}
	for _, o := range x.TrustedOrigins {
		u, err := url.Parse(o)
		why := ""
		switch {
		case err != nil:
			why = err.Error()
		case u.Scheme == "":
			why = "the scheme is required (https://" + o + ")"
		case u.Host == "":
			why = "the host is required"
		case u.Path != "" || u.RawQuery != "" || u.Fragment != "":
			why = "path, query and fragment are not allowed"
		}
		if why != "" {
			return nil, fmt.Errorf("CSRFConfig.TrustedOrigins: invalid origin %q: %s", o, why)
		}
		scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
		if rest, ok := strings.CutPrefix(host, "*."); ok {
			p.trustedSuffix = append(p.trustedSuffix, trustedWildcard{scheme: scheme, suffix: "." + rest})
		} else {
			p.trusted[scheme+"://"+host] = true
		}
	}
	return p, nil
}

// Config returns the configuration in force: NewCSRF's, with the defaults
// filled in.
func (p *CSRF) Config() CSRFConfig { return p.cfg }

// Token returns a token for forms and scripts to send back with unsafe
// requests (Django's get_token): a fresh mask of the request's secret each
// call. If the request had no valid secret cookie, one is created and set on
// the response. The response gets Vary: Cookie, as in Django: it depends on
// the cookie.
func (p *CSRF) Token(c *fiber.Ctx) string {
	c.Vary(fiber.HeaderCookie)
	secret, ok := c.Locals(secretKey{}).(string)
	if !ok {
		var err error
		if secret, err = p.cookieSecret(c); err != nil {
			secret = p.rotate(c)
		} else {
			secret = strings.Clone(secret) // c.Cookies aliases the request buffer
			c.Locals(secretKey{}, secret)
		}
	}
	return mask(secret)
}

// TokenIfSet is Token for an answer that must not set a new secret, such
// as an error page (whose request's cookies may not have been read): a fresh
// mask of the request's secret, or "" and no cookie when it has none.
func (p *CSRF) TokenIfSet(c *fiber.Ctx) string {
	if _, ok := c.Locals(secretKey{}).(string); !ok {
		if _, err := p.cookieSecret(c); err != nil {
			return ""
		}
	}
	return p.Token(c)
}

// Rotate replaces the request's secret with a new one and sets it as a
// cookie (Django's rotate_token): tokens handed out before stop working,
// tokens handed out later in this request carry the new secret. Call it when
// a user logs in.
func (p *CSRF) Rotate(c *fiber.Ctx) { p.rotate(c) }

// secretKey holds the request's secret in c.Locals once chosen.
type secretKey struct{}

func (p *CSRF) rotate(c *fiber.Ctx) string {
	secret := randomString(secretLen)
	x := &p.cfg
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
	c.Locals(secretKey{}, secret)
	return secret
}

// cookieSecret returns the secret of the request's cookie, or the format
// error of a missing or malformed one. A 64-character cookie is a masked
// token, as Django before 4.1 set.
func (p *CSRF) cookieSecret(c *fiber.Ctx) (string, error) {
	secret := c.Cookies(p.cfg.CookieName)
	if len(secret) == tokenLen && checkFormat(secret, tokenLen) == nil {
		return unmask(secret), nil
	}
	return secret, checkFormat(secret, secretLen)
}

// Check returns nil when the request may go on, else an error wrapping one
// of the ErrCSRF* errors whose text is Django's reason. Safe methods (GET,
// HEAD, OPTIONS, TRACE) always pass. The checks, in order:
//
//  1. the cross-origin check of net/http's CrossOriginProtection and
//     Django's: a Sec-Fetch-Site other than same-origin or none, or else an
//     Origin that is not the request's scheme://host[:port] (the scheme as
//     Proxy says), is refused unless the Origin is one of TrustedOrigins;
//     an https request with neither header needs a Referer that is https
//     and names the request's host, a host under CookieDomain, or a trusted
//     origin (Django's Referer check);
//  2. the secret cookie must be present and well formed;
//  3. the token, from the form field csrfmiddlewaretoken (POST forms; never
//     the query string) or else the HeaderName header, must be present, well
//     formed (32 or 64 letters and digits), and match the secret.
func (p *CSRF) Check(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		return nil // RFC 9110 safe methods, as in Django
	}
	if err := p.crossOrigin(c); err != nil {
		return err
	}
	if c.Cookies(p.cfg.CookieName) == "" {
		return &refusal{"CSRF cookie not set.", ErrCSRFCookieMissing}
	}
	secret, err := p.cookieSecret(c)
	if err != nil {
		return &refusal{"CSRF cookie " + err.Error() + ".", ErrCSRFCookieMalformed}
	}
	token, source := "", "POST"
	if c.Method() == fiber.MethodPost {
		token = formvalue.Post(c, CSRFFieldName)
	}
	if token == "" {
		token, source = c.Get(p.cfg.HeaderName), p.headerSource
	}
	if token == "" {
		return &refusal{"CSRF token missing.", ErrCSRFTokenMissing}
	}
	if err := checkFormat(token, secretLen, tokenLen); err != nil {
		return &refusal{"CSRF token from " + source + " " + err.Error() + ".", ErrCSRFTokenMalformed}
	}
	if !matches(token, secret) {
		return &refusal{"CSRF token from " + source + " incorrect.", ErrCSRFTokenIncorrect}
	}
	return nil
}

// crossOrigin is the check of net/http's CrossOriginProtection, with the
// trusted origins, then Django's: an Origin must be the request's own
// scheme://host[:port], and an https request with neither Origin nor
// Sec-Fetch-Site needs a same-site https Referer.
func (p *CSRF) crossOrigin(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	switch c.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return nil
	case "": // an older browser or not a browser: check Origin, then Referer
		if origin != "" {
			if p.trustedOrigin(origin) || sameOrigin(origin, p.proxy.Scheme(c), string(c.Request().Host())) {
				return nil
			}
			return &refusal{"Origin checking failed - " + origin + " does not match any trusted origins.", ErrCSRFOriginMismatch}
		}
		if p.proxy.IsSecure(c) {
			return p.checkReferer(c)
		}
		return nil // plain http, no Origin: same-origin or not a browser
	}
	if p.trustedOrigin(origin) {
		return nil
	}
	return &refusal{"Cross-origin request detected from Sec-Fetch-Site header.", ErrCSRFCrossOrigin}
}

// checkReferer is Django's Referer check of https requests: present, well
// formed, https, and the request's host, a host under CookieDomain, or a
// trusted origin's.
func (p *CSRF) checkReferer(c *fiber.Ctx) error {
	ref := c.Get(fiber.HeaderReferer)
	if ref == "" {
		return &refusal{"Referer checking failed - no Referer.", ErrCSRFBadReferer}
	}
	u, err := url.Parse(ref)
	switch {
	case err != nil || u.Scheme == "" || u.Host == "":
		return &refusal{"Referer checking failed - Referer is malformed.", ErrCSRFBadReferer}
	case !strings.EqualFold(u.Scheme, "https"):
		return &refusal{"Referer checking failed - Referer is insecure while host is secure.", ErrCSRFBadReferer}
	}
	host := strings.ToLower(u.Host)
	if d := strings.ToLower(strings.TrimPrefix(p.cfg.CookieDomain, ".")); d != "" &&
		(u.Hostname() == d || strings.HasSuffix(u.Hostname(), "."+d)) {
		return nil
	}
	if sameOrigin("https://"+host, "https", string(c.Request().Host())) || p.trustedOrigin("https://"+host) {
		return nil
	}
	return &refusal{"Referer checking failed - " + ref + " does not match any trusted origins.", ErrCSRFBadReferer}
}

// sameOrigin reports whether origin is scheme://host, the default port
// written or not.
func sameOrigin(origin, scheme, host string) bool {
	n := len(scheme)
	if len(origin) < n+3 || !strings.EqualFold(origin[:n], scheme) || origin[n:n+3] != "://" {
		return false
	}
	def := ""
	switch scheme {
	case "http":
		def = ":80"
	case "https":
		def = ":443"
	}
	return strings.EqualFold(strings.TrimSuffix(origin[n+3:], def), strings.TrimSuffix(host, def))
}

// trustedOrigin reports whether origin is one of the trusted origins.
func (p *CSRF) trustedOrigin(origin string) bool {
	if origin == "" || (len(p.trusted) == 0 && len(p.trustedSuffix) == 0) {
		return false
	}
	origin = strings.ToLower(origin)
	if p.trusted[origin] {
		return true
	}
	scheme, host, ok := strings.Cut(origin, "://")
	for _, w := range p.trustedSuffix {
		if ok && scheme == w.scheme && strings.HasSuffix(host, w.suffix) && len(host) > len(w.suffix) {
			return true
		}
	}
	return false
}

// randomString returns n characters drawn uniformly from chars.
func randomString(n int) string {
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		_, _ = rand.Read(buf[:]) // never fails (crypto/rand crashes the program instead)
		for _, b := range buf {
			if b < 248 && len(out) < n { // 248 = 4*62: keep the distribution uniform
				out = append(out, chars[b%62])
			}
		}
	}
	return string(out)
}

// mask returns a fresh token for secret: mask + cipher.
func mask(secret string) string {
	m := randomString(secretLen)
	var tok [tokenLen]byte
	copy(tok[:], m)
	for i := 0; i < secretLen; i++ {
		tok[secretLen+i] = chars[(int(index[secret[i]])+int(index[m[i]]))%62]
	}
	return string(tok[:])
}

// unmask returns the secret a 64-character token carries.
func unmask(token string) string {
	var secret [secretLen]byte
	for i := 0; i < secretLen; i++ {
		secret[i] = chars[(int(index[token[secretLen+i]])-int(index[token[i]])+62)%62]
	}
	return string(secret[:])
}

// checkFormat returns errLength or errChars when s is not a secret or token
// of one of lengths made of chars.
func checkFormat(s string, lengths ...int) error {
	if !slices.Contains(lengths, len(s)) {
		return errLength
	}
	for i := 0; i < len(s); i++ {
		if index[s[i]] < 0 {
			return errChars
		}
	}
	return nil
}

// matches compares a well-formed request token (masked or not) with the
// secret in constant time.
func matches(token, secret string) bool {
	if len(token) == tokenLen {
		token = unmask(token)
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(secret)) == 1
}
