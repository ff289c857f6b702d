package views

import (
	"cmp"
	"fmt"
	"log/slog"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/mail"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views/security"
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
	// non-empty, valid UTF-8 username of at most 150 bytes and
	// password of at most 4096 bytes. A LoginView can override
	// it with its own Authenticate hook.
	Authenticate func(c *fiber.Ctx, username, password string) (userID string, err error)
	// Users, when set, is the site's user backend (package auth), and what
	// Authenticate and LoadUser default to: LoginView checks passwords with
	// Users.Authenticate (in auth's bounded hashing pool; a full pool,
	// auth.ErrBusy, is a 503 with Retry-After), "user" is the *auth.User
	// (an unknown or inactive one is anonymous), PasswordChangeView checks
	// and sets passwords with it, and SignupView creates users with it. Pass
	// auth.SecretKeys.AuthHash(Users.Users) as session.Config.AuthHash so
	// that a password change logs out the other sessions.
	Users *auth.Backend
	// AllowedHosts are the host names this site answers to (Django's
	// ALLOWED_HOSTS), written as security.NewHosts takes them: "example.com",
	// ".example.com" (with subdomains), "*" (any). Setup answers 400 to a
	// request whose Host (or absolute-form request target) is not one of
	// them, so that nothing a request says about its own host can point
	// elsewhere. Empty: no check (Django requires the setting in production;
	// set it when the site runs behind a proxy that passes Host through).
	AllowedHosts []string
	// Proxy says which forwarded headers to believe — the scheme and the
	// client's address (Django's SECURE_PROXY_SSL_HEADER); see
	// security.ProxyConfig. The zero value believes none: a client's
	// X-Forwarded-Proto changes neither the CSRF checks, nor HSTS, nor which
	// next URLs are safe, and ClientIP is the connection's peer. Cookies are
	// Secure by their own settings (CSRFConfig.CookieSecure,
	// session.Config.CookieSecure), never by a header.
	Proxy security.ProxyConfig
	// Headers are the security headers every response gets, error pages
	// included (Django's SecurityMiddleware and X_FRAME_OPTIONS): by
	// default X-Frame-Options: DENY, X-Content-Type-Options: nosniff,
	// Referrer-Policy: same-origin, Cross-Origin-Opener-Policy: same-origin,
	// and HSTS only when HSTSMaxAge is set; see security.HeadersConfig. A
	// view changes its own with XFrameOptionsExempt, XFrameOptionsSameOrigin
	// or by setting the header itself.
	Headers security.HeadersConfig
	// CSP is the site's Content-Security-Policy (Django 6.0's SECURE_CSP),
	// set on every response with a fresh nonce: templates write
	// nonce="{{ .csp_nonce }}" on their inline scripts and styles, as the
	// built-in ones do. Off by default; security.StrictCSP is a good
	// policy. A view changes its own with security.CSPOverride.
	CSP security.CSPConfig
	// CSRF configures the CSRF protection; see security.CSRFConfig.
	CSRF security.CSRFConfig
	// CSRFFailureTemplate renders the 403 page of a request the CSRF check
	// refuses (Django's CSRF_FAILURE_VIEW). Default "csrf_failure.html".
	CSRFFailureTemplate string
	// LoginThrottle limits failed logins per username and per client
	// address (ClientIP) for LoginView, counted in the session storage by
	// default; on by default: 10 per username and 100 per address within 3
	// minutes; see security.ThrottleConfig.
	LoginThrottle security.ThrottleConfig
	// Debug shows developers' details on the library's pages (Django's
	// DEBUG): the CSRF failure page then gives the reason of the refusal
	// and how to fix the form. Off by default: visitors read plain words
	// and what to do.
	Debug bool
	// Logger receives the warnings views log (405, 410, CSRF failures);
	// slog.Default() when nil.
	Logger *slog.Logger
	// URLs is the site's url table. Set it, and Setup checks at start-up
	// that every route name the settings and the table's views refer to
	// (LoginURL, LoginRedirectURL, LogoutRedirectURL, NextPage, SuccessURL,
	// PatternName, the password views' defaults) reverses, and that each
	// view has what it needs (a LoginView a way to authenticate, a
	// PasswordChangeView its CheckPasswordFunc and SetPasswordFunc): one
	// error lists every mistake, each with the nearest existing name.
	URLs *urls.Resolver
	// LoginRequired makes every route of URLs require a login, except those
	// marked urls.Public (Django 5.1's LoginRequiredMixin everywhere,
	// LoginRequiredMiddleware): a new page someone forgets to protect is
	// protected. LoginView, LogoutView and the error pages are public by
	// themselves; WriteTable lists which routes are. It needs URLs, mounted
	// at the app's root; routes outside the table are not covered.
	LoginRequired bool
	// OnEvent, when set, is called with every account Event (logins, failed
	// logins, lockouts, logouts, password changes and resets, sign-ups) after
	// it is logged: Django's auth signals. It runs on the request's goroutine.
	OnEvent func(c *fiber.Ctx, e Event)
	// ResetTokens make and check the links of the password reset views
	// (Django's default_token_generator, with SECRET_KEY and its fallbacks
	// in Keys).
	ResetTokens auth.PasswordResetTokens
	// Mailer sends the password reset emails (Django's EMAIL_BACKEND),
	// off the request: a *mail.Queue as it is, any other Mailer through
	// one. Nil: mail.Console, which prints them (for development).
	Mailer mail.Mailer
	// SiteURL is the site's address as users reach it, "https://example.com"
	// (Django's site domain): the reset emails' links start with it, never
	// with a request's Host. The password reset views need it.
	SiteURL string
	// FromEmail is the sender of the emails (Django's DEFAULT_FROM_EMAIL).
	// Default "webmaster@localhost".
	FromEmail string
}

// Default values of Config.
const (
	defaultLoginURL          = "/accounts/login/"
	defaultLoginRedirectURL  = "/accounts/profile/"
	defaultRedirectFieldName = "next"
	defaultCSRFFailure       = "csrf_failure.html"
)

// site is a validated Config with its defaults filled in, and the security
// checks built from it.
type site struct {
	Config
	logger   *slog.Logger
	csrf     *security.CSRF
	proxy    *security.Proxy
	headers  *security.Headers
	csp      *security.CSP
	mailer   mail.Mailer // Config.Mailer behind a queue
	throttle *security.Throttle
	hosts    *security.Hosts // nil: no AllowedHosts, no check
}

// Validate reports what Setup would refuse: a malformed allowed host or
// trusted origin, an unknown SameSite value, SameSite None without Secure, a
// negative cookie age, a bad Proxy or Headers value, negative throttle
// limits, and the mistakes the checks of URLs find.
func (cfg Config) Validate() error {
	_, err := newSite(cfg)
	return err
}

func newSite(cfg Config) (*site, error) {
	s := &site{Config: cfg, logger: cmp.Or(cfg.Logger, slog.Default())}
	s.LoginURL = cmp.Or(s.LoginURL, defaultLoginURL)
	s.LoginRedirectURL = cmp.Or(s.LoginRedirectURL, defaultLoginRedirectURL)
	s.RedirectFieldName = cmp.Or(s.RedirectFieldName, defaultRedirectFieldName)
	s.CSRFFailureTemplate = cmp.Or(s.CSRFFailureTemplate, defaultCSRFFailure)
	if cfg.Users != nil {
		s.useBackend(cfg.Users)
	}
	var err error
	if len(cfg.AllowedHosts) > 0 {
		if s.hosts, err = security.NewHosts(cfg.AllowedHosts...); err != nil {
			return nil, fmt.Errorf("views: Config.AllowedHosts: %w", err)
		}
	}
	if s.proxy, err = security.NewProxy(cfg.Proxy); err != nil {
		return nil, fmt.Errorf("views: Config.Proxy: %w", err)
	}
	if s.headers, err = security.NewHeaders(cfg.Headers, s.proxy); err != nil {
		return nil, fmt.Errorf("views: Config.Headers: %w", err)
	}
	if s.csp, err = security.NewCSP(cfg.CSP); err != nil {
		return nil, fmt.Errorf("views: Config.CSP: %w", err)
	}
	if s.throttle, err = security.NewThrottle(cfg.LoginThrottle); err != nil {
		return nil, fmt.Errorf("views: Config.LoginThrottle: %w", err)
	}
	if s.csrf, err = security.NewCSRF(cfg.CSRF, s.proxy); err != nil {
		return nil, fmt.Errorf("views: Config.CSRF: %w", err)
	}
	s.CSRF = s.csrf.Config()
	switch m := cfg.Mailer.(type) {
	case *mail.Queue:
		s.mailer = m
	case nil:
		s.mailer = &mail.Queue{Mailer: &mail.Console{}, Logger: s.logger}
	default:
		s.mailer = &mail.Queue{Mailer: m, Logger: s.logger}
	}
	if cfg.LoginRequired && cfg.URLs == nil {
		return nil, &ConfigError{View: "views.Config", Field: "LoginRequired", Msg: "needs URLs, the url table whose routes it protects"}
	}
	if cfg.URLs != nil {
		if err := s.check(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// defaultSite is what views use when Setup is not installed (the zero
// Config is valid).
var defaultSite, _ = newSite(Config{})

type siteKey struct{}

// Setup returns a middleware that puts cfg in reach of every view below it
// (Django's settings), sets the security headers (Config.Headers) on every
// response and answers 400 to a host not in Config.AllowedHosts. Install it
// before the routes:
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
		s.headers.Set(c)
		s.csp.Set(c)
		if s.hosts != nil {
			if err := s.hosts.Check(c); err != nil {
				s.logger.Warn("Invalid HTTP_HOST header", "err", err, "path", c.Path())
				return errorPage(c, fiber.StatusBadRequest) // the site's 400.html, as for any 400
			}
		}
		c.Locals(siteKey{}, s)
		if c.Path() == SessionStatusPath && c.Method() == fiber.MethodGet {
			return sessionStatus(c)
		}
		if s.LoginRequired {
			if public, matched := s.URLs.IsPublic(c.Path()); matched && !public {
				if ok, err := IsAuthenticated(c); err != nil {
					return err
				} else if !ok {
					AddNeverCacheHeaders(c) // the answer depends on the session
					return RedirectToLogin(c, "")
				}
			}
		}
		return c.Next()
	}
}

// settings returns the site settings for c: those of Setup, or the
// defaults.
func settings(c *fiber.Ctx) *site {
	if s, ok := c.Locals(siteKey{}).(*site); ok {
		return s
	}
	return defaultSite
}

// Settings returns the settings in force for c: those given to Setup (or
// the defaults without Setup), with the defaults of the URL settings,
// RedirectFieldName, CSRF and CSRFFailureTemplate filled in. Headers,
// Proxy, LoginThrottle and Logger are returned as given: a zero field there
// means its default.
func Settings(c *fiber.Ctx) Config {
	return settings(c).Config
}

// IsSecure reports whether the request came over https (Django's
// request.is_secure()): over TLS, or through a proxy Config.Proxy trusts.
func IsSecure(c *fiber.Ctx) bool { return settings(c).proxy.IsSecure(c) }

// ClientIP returns the client's address: the connection's peer, or the
// address a proxy Config.Proxy trusts names (Fiber's c.IP() believes
// fiber.Config.ProxyHeader instead).
func ClientIP(c *fiber.Ctx) string { return settings(c).proxy.ClientIP(c) }

// sessionStatus answers BackGuardScript's check (SessionStatusPath): 204
// while the request's session is logged in, 401 once it is not. It reads
// the session without refreshing it and sends nothing else.
func sessionStatus(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, NeverCacheControl)
	c.Response().ResetBody()
	if _, ok := session.Alive(c); ok {
		c.Status(fiber.StatusNoContent)
		return nil
	}
	c.Status(fiber.StatusUnauthorized)
	return nil
}
