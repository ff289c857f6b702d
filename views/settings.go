package views

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Config holds the site-wide settings views read (Django's settings.py).
// Install it with Setup; without Setup every view uses the defaults below.
type Config struct {
	// SiteName is shown by the default templates and put in every
	// context as "site_name".
	SiteName string
	// LoginURL is where LoginRequired sends anonymous users: a URL or a
	// route name (see ResolveURL). Default "/accounts/login/".
	LoginURL string
	// LoginRedirectURL is where LoginView goes after a login without a
	// safe next (a URL or a route name). Default "/accounts/profile/".
	LoginRedirectURL string
	// LogoutRedirectURL is where LogoutView goes after a logout without a
	// safe next and without NextPage (a URL or a route name). Default ""
	// (render the logged-out page).
	LogoutRedirectURL string
	// RedirectFieldName is the query/form field carrying the page to go
	// back to (Django's REDIRECT_FIELD_NAME). Default "next".
	RedirectFieldName string
	// LoadUser turns the user id the session holds into the user value
	// templates see as "user" (e.g. a *User from your database). Returning
	// nil (or a nil pointer such as (*User)(nil)) and no error means the user
	// no longer exists: the request is then treated
	// as anonymous. Nil LoadUser: "user" is a SessionUser holding the id.
	LoadUser func(c *fiber.Ctx, id string) (any, error)
	// Authenticate checks a username and password for LoginView (Django's
	// authentication backends) and returns the user id to log in. For wrong
	// credentials — unknown user and wrong password alike — it returns an
	// error wrapping ErrInvalidCredentials, which LoginView answers with the
	// form and a message that says nothing of which was wrong; any other error
	// is a server failure (500). It should take as long for an unknown user
	// as for a wrong password (compare against a dummy hash), so that timing
	// does not tell which usernames exist. LoginView calls it only with a
	// non-empty, valid UTF-8 username of at most MaxUsernameLength bytes and
	// password of at most MaxPasswordLength bytes. A LoginView can override
	// it with its own Authenticate hook.
	Authenticate func(c *fiber.Ctx, username, password string) (userID string, err error)
	// AllowedHosts are the host names this site answers to (Django's
	// ALLOWED_HOSTS): Setup answers 400 to a request whose Host (or
	// absolute-form request target) is not one of them, so that nothing a
	// request says about its own host — the base of a safe next, a link in
	// an email — can point elsewhere. "example.com" matches that host,
	// ".example.com" it and its subdomains, "*" any host; ports are ignored
	// and case does not matter. Empty: no check (Django requires the
	// setting in production; set it when the site runs behind a proxy that
	// passes Host through).
	AllowedHosts []string
	// CSRF configures the CSRF protection.
	CSRF CSRFConfig
	// Logger receives the warnings views log (405, 410, CSRF failures);
	// slog.Default() when nil.
	Logger *slog.Logger
}

// CSRFConfig configures the CSRF protection (Django's CSRF_* settings).
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
	// FailureTemplate renders the 403 page. Default "csrf_failure.html".
	FailureTemplate string
}

// Default values of Config.
const (
	DefaultLoginURL          = "/accounts/login/"
	DefaultLoginRedirectURL  = "/accounts/profile/"
	DefaultRedirectFieldName = "next"
	DefaultCSRFCookieName    = "csrftoken"
	DefaultCSRFHeaderName    = "X-CSRFToken"
	DefaultCSRFCookieAge     = 52 * 7 * 24 * time.Hour
	DefaultCSRFFailure       = "csrf_failure.html"
	// CSRFFieldName is the form field carrying the token (Django's name).
	CSRFFieldName = "csrfmiddlewaretoken"
)

// site is a validated Config with its defaults filled in.
type site struct {
	Config
	allowedHosts  []string // lower case, validated
	logger        *slog.Logger
	trusted       map[string]bool
	trustedSuffix []trustedWildcard
}

type trustedWildcard struct{ scheme, suffix string }

// Validate reports what Setup would refuse: a malformed allowed host or
// trusted origin, an unknown SameSite value, SameSite None without Secure, a
// negative cookie age.
func (cfg Config) Validate() error {
	_, err := newSite(cfg)
	return err
}

func newSite(cfg Config) (*site, error) {
	s := &site{Config: cfg, trusted: map[string]bool{}}
	if s.LoginURL == "" {
		s.LoginURL = DefaultLoginURL
	}
	if s.LoginRedirectURL == "" {
		s.LoginRedirectURL = DefaultLoginRedirectURL
	}
	if s.RedirectFieldName == "" {
		s.RedirectFieldName = DefaultRedirectFieldName
	}
	s.logger = cfg.Logger
	if s.logger == nil {
		s.logger = slog.Default()
	}
	for _, h := range cfg.AllowedHosts {
		h = strings.ToLower(strings.TrimSpace(h))
		ipv6 := strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]")
		if h == "" || (!ipv6 && strings.ContainsAny(h, "/:@ ")) {
			return nil, fmt.Errorf("views: Config.AllowedHosts: %q is not a host name: write \"example.com\", \".example.com\" (with subdomains), \"[::1]\" or \"*\", without scheme, port or path", h)
		}
		s.allowedHosts = append(s.allowedHosts, h)
	}
	x := &s.CSRF
	if x.CookieName == "" {
		x.CookieName = DefaultCSRFCookieName
	}
	if x.CookieAge == 0 {
		x.CookieAge = DefaultCSRFCookieAge
	}
	if x.CookieAge < 0 {
		return nil, errors.New("views: Config.CSRF.CookieAge is negative")
	}
	if x.CookiePath == "" {
		x.CookiePath = "/"
	}
	if x.CookieSameSite == "" {
		x.CookieSameSite = fiber.CookieSameSiteLaxMode
	}
	switch strings.ToLower(x.CookieSameSite) {
	case "lax", "strict", "none":
	default:
		return nil, fmt.Errorf("views: Config.CSRF.CookieSameSite %q: want Lax, Strict or None", x.CookieSameSite)
	}
	if strings.EqualFold(x.CookieSameSite, "none") && !x.CookieSecure {
		return nil, errors.New("views: Config.CSRF.CookieSameSite None needs CookieSecure: browsers drop such cookies otherwise")
	}
	if x.HeaderName == "" {
		x.HeaderName = DefaultCSRFHeaderName
	}
	if x.FailureTemplate == "" {
		x.FailureTemplate = DefaultCSRFFailure
	}
	for _, o := range x.TrustedOrigins {
		u, err := url.Parse(o)
		switch {
		case err != nil:
			return nil, fmt.Errorf("views: Config.CSRF.TrustedOrigins: invalid origin %q: %w", o, err)
		case u.Scheme == "":
			return nil, fmt.Errorf("views: Config.CSRF.TrustedOrigins: invalid origin %q: the scheme is required (https://%s)", o, o)
		case u.Host == "":
			return nil, fmt.Errorf("views: Config.CSRF.TrustedOrigins: invalid origin %q: the host is required", o)
		case u.Path != "" || u.RawQuery != "" || u.Fragment != "":
			return nil, fmt.Errorf("views: Config.CSRF.TrustedOrigins: invalid origin %q: path, query and fragment are not allowed", o)
		}
		if rest, ok := strings.CutPrefix(u.Host, "*."); ok {
			s.trustedSuffix = append(s.trustedSuffix, trustedWildcard{scheme: strings.ToLower(u.Scheme), suffix: "." + strings.ToLower(rest)})
			continue
		}
		s.trusted[strings.ToLower(u.Scheme)+"://"+strings.ToLower(u.Host)] = true
	}
	return s, nil
}

// isTrusted reports whether origin is one of the trusted origins.
func (s *site) isTrusted(origin string) bool {
	if origin == "" {
		return false
	}
	if len(s.trusted) == 0 && len(s.trustedSuffix) == 0 {
		return false
	}
	origin = strings.ToLower(origin)
	if s.trusted[origin] {
		return true
	}
	scheme, host, ok := strings.Cut(origin, "://")
	if !ok {
		return false
	}
	for _, w := range s.trustedSuffix {
		if scheme == w.scheme && strings.HasSuffix(host, w.suffix) && len(host) > len(w.suffix) {
			return true
		}
	}
	return false
}

// defaultSite is what views use when Setup is not installed.
var defaultSite = func() *site {
	s, err := newSite(Config{})
	if err != nil {
		panic(err) // the zero Config is valid
	}
	return s
}()

type siteKey struct{}

// Setup returns a middleware that puts cfg in reach of every view below it
// (Django's settings). Install it before the routes:
//
//	app.Use(views.Setup(views.Config{SiteName: "Example", LoadUser: loadUser}))
//
// Setup panics if cfg is invalid (see Config.Validate), at startup.
func Setup(cfg Config) fiber.Handler {
	s, err := newSite(cfg)
	if err != nil {
		panic(err)
	}
	return func(c *fiber.Ctx) error {
		if s.allowedHosts != nil && !s.hostAllowed(string(c.Request().Host())) {
			s.logger.Warn("Invalid HTTP_HOST header", "host", string(c.Request().Host()), "path", c.Path())
			c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
			return c.Status(fiber.StatusBadRequest).SendString("Bad Request (400): this site does not answer to that host name.")
		}
		c.Locals(siteKey{}, s)
		return c.Next()
	}
}

// hostAllowed reports whether host (a Host header: name, IPv4 or [IPv6],
// optional port) matches one of the allowed hosts (Django's validate_host).
func (s *site) hostAllowed(host string) bool {
	name := strings.ToLower(host)
	if strings.HasPrefix(name, "[") { // [::1]:8000
		if end := strings.IndexByte(name, ']'); end >= 0 {
			name = name[:end+1]
		}
	} else if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return false
	}
	for _, p := range s.allowedHosts {
		switch {
		case p == "*":
			return true
		case p[0] == '.':
			if name == p[1:] || strings.HasSuffix(name, p) {
				return true
			}
		case name == p:
			return true
		}
	}
	return false
}

// settings returns the site settings for c: those of Setup, or the
// defaults.
func settings(c *fiber.Ctx) *site {
	if s, ok := c.Locals(siteKey{}).(*site); ok {
		return s
	}
	return defaultSite
}

// Settings returns the settings in force for c (those given to Setup, with
// the defaults filled in, or the defaults alone without Setup).
func Settings(c *fiber.Ctx) Config {
	return settings(c).Config
}
