package views

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/fiberviews/fiberviews/internal/formvalue"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// loginTemplate is the page LoginView renders (Django's
// registration/login.html). The templates package embeds a default; put a
// file of that name in your template directory to replace it.
const loginTemplate = "registration/login.html"

// Limits of the login form: longer values are refused as wrong credentials
// without calling Authenticate (Django's username field holds 150
// characters; a password hash needs no more than 4096 bytes, and refusing
// more keeps a huge password from costing a hash).
const (
	maxUsernameLength = 150
	maxPasswordLength = 4096
)

// The default messages of LoginView (Django's AuthenticationForm.error_messages).
const (
	invalidLoginMessage = "Please enter a correct username and password. Note that both fields may be case-sensitive."
	staleFormMessage    = "Your login page was out of date, so you were not logged in. Please try again."
	throttledMessage    = "Too many failed attempts to log in. Wait a few minutes, then try again."
)

// ErrInvalidCredentials is what Config.Authenticate (or an Authenticate hook)
// returns, wrapped or not, for a username and password that do not match a
// user: LoginView then shows the form again with LoginFailedMessage.
var ErrInvalidCredentials = errors.New("views: invalid username or password")

// LoginView shows a login form on GET and logs the user in on a valid POST
// (Django's LoginView). Embed it in your own struct to override its hooks,
// or use it as it is:
//
//	app.Use(views.Setup(views.Config{Authenticate: checkPassword, LoginRedirectURL: "home"}))
//	views.Path("login/", &views.LoginView{NextPage: "home"}, urls.Name("login"))
//
// GET renders GetTemplateNames (TemplateName, by default
// registration/login.html) with GetContextData: title "Log in", site_name,
// next (the safe next page the request names, for a hidden input),
// redirect_field_name, username and form_error (after a failed POST), the
// route's arguments, ExtraContext, and the request context of Render
// (csrf_input among it).
//
// POST (CSRF-checked) reads the form fields "username" and "password" (from
// the body only, never the query string) and calls the Authenticate hook,
// which by default calls Config.Authenticate. On success it calls
// session.Login (a new session key: no session fixation), rotates the CSRF
// secret (RotateCSRFToken) and redirects (302) to GetSuccessURL: a safe next
// (form field, then query string; see IsSafeRedirect), else GetNextPage
// (NextPage, else Config.LoginRedirectURL). On failure — a wrong username or
// password, an empty, invalid UTF-8 or overlong field — it renders the form
// again with status 200 and InvalidLoginMessage, keeping the username; the
// password is never echoed back nor logged. Every response carries Django's
// never-cache headers.
//
// Failed logins are counted per username and per client address
// (Config.LoginThrottle, in the session storage); over the limit, an attempt
// is refused for the rest of the window without calling Authenticate: the
// form again with ThrottledMessage and a Retry-After header, alike whether
// the user exists or not. A successful login clears the username's count.
//
// With RedirectAuthenticatedUser, a logged-in user who opens the login page
// is sent to GetSuccessURL instead.
//
// A POST the CSRF check refuses for its token or cookie — a form left open
// while the user logged in or out in another tab — never reads the
// credentials and never shows the CSRF error (see CSRFFailure): a logged-in
// user goes on to GetSuccessURL, anyone else gets the form again with a
// fresh token and StaleFormMessage. A cross-origin POST gets the CSRF
// failure page.
//
// Hooks (define them on your struct; call v.LoginView.Hook(...) for the
// default): Authenticate, GetNextPage, GetRedirectURL, GetSuccessURL,
// GetSuccessURLAllowedHosts, and TemplateView's GetContextData,
// GetTemplateNames and RenderToResponse. The fields are configuration shared
// by every request: never write them in a hook.
type LoginView struct {
	// TemplateView renders the login page: its TemplateName (default
	// registration/login.html) and ExtraContext (added last: its keys win).
	TemplateView
	// NextPage is where to go after logging in when the request names no
	// safe next: a URL or a route name (see ResolveURL). Empty:
	// Config.LoginRedirectURL.
	NextPage string
	// RedirectFieldName is the form or query field naming the page to go to
	// next. Default Config.RedirectFieldName ("next").
	RedirectFieldName string
	// SuccessURLAllowedHosts are hosts besides the request's own that a next
	// URL may point to ("host" or "host:port").
	SuccessURLAllowedHosts []string
	// RedirectAuthenticatedUser sends users who are already logged in to
	// GetSuccessURL when they open the login page (Django's
	// redirect_authenticated_user). Off by default, as in Django, so that a
	// logged-in user can log in as someone else.
	RedirectAuthenticatedUser bool
	// SuccessMessage, when set, is a success message (package
	// views/messages) for the page after the login (Django's
	// SuccessMessageMixin).
	SuccessMessage string
	// InvalidLoginMessage is what the form says after any failed login; it
	// does not tell an unknown username from a wrong password. Default:
	// Django's "Please enter a correct username and password. Note that
	// both fields may be case-sensitive."
	InvalidLoginMessage string
	// ThrottledMessage is what the form says to an attempt refused because
	// the username or the client's address failed too often
	// (Config.LoginThrottle). Default: "Too many failed attempts to log in.
	// Wait a few minutes, then try again."
	ThrottledMessage string
	// StaleFormMessage is what the form says when the one sent was out of
	// date (its CSRF token stale: the visitor logged in or out in another
	// tab). Default: "Your login page was out of date, so you were not
	// logged in. Please try again."
	StaleFormMessage string

	hooks Hooks[loginHooks]
}

const loginViewName = "views.LoginView"

// loginHooks are the hooks of LoginView besides TemplateView's.
type loginHooks interface {
	redirectHooks
	Authenticate(c *fiber.Ctx, username, password string) (string, error)
}

var _ loginHooks = (*LoginView)(nil)

// BindView makes LoginView never cached.
func (v *LoginView) BindView(b *Binding) error {
	b.Decorators = append(b.Decorators, NeverCache)
	return nil
}

// loginForm is a failed login attempt, kept in c.Locals for GetContextData.
type loginForm struct{ username, err string }

type loginFormKey struct{}

// Get renders the login form, or redirects a logged-in user when
// RedirectAuthenticatedUser is set.
func (v *LoginView) Get(c *fiber.Ctx) error {
	if done, err := v.redirectAuthenticated(c); done || err != nil {
		return err
	}
	return v.TemplateView.Get(c)
}

// Post checks the credentials and logs the user in (see LoginView).
func (v *LoginView) Post(c *fiber.Ctx) error {
	if done, err := v.redirectAuthenticated(c); done || err != nil {
		return err
	}
	username, password := formvalue.Post(c, "username"), formvalue.Post(c, "password")
	id, err := v.check(c, username, password)
	var throttled *security.Throttled
	if errors.Is(err, ErrInvalidCredentials) || errors.As(err, &throttled) {
		if !utf8.ValidString(username) || len(username) > maxUsernameLength {
			username = "" // not worth echoing back
		}
		msg := cmp.Or(v.InvalidLoginMessage, invalidLoginMessage)
		if throttled != nil {
			emit(c, EventLockout, "", username)
			msg = cmp.Or(v.ThrottledMessage, throttledMessage)
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(max(throttled.Wait+time.Second-1, time.Second)/time.Second))) // whole seconds, rounded up
		}
		c.Locals(loginFormKey{}, &loginForm{username: username, err: msg})
		return v.TemplateView.Get(c)
	}
	if err != nil {
		return err
	}
	if err := session.Login(c, id); err != nil {
		return err
	}
	emit(c, EventLogin, id, "")
	if err := settings(c).throttle.Succeed(c, username); err != nil {
		return err
	}
	RotateCSRFToken(c)
	messages.Success(c, v.SuccessMessage)
	to, err := v.hooks.Of(v).GetSuccessURL(c)
	if err != nil {
		return err
	}
	if to == "" {
		return &ConfigError{View: viewName(v.Outer(), loginViewName), Field: "NextPage",
			Msg: "no URL to redirect to after login: set NextPage or Config.LoginRedirectURL"}
	}
	return redirect(c, to, fiber.StatusFound)
}

// check refuses malformed credentials and throttled attempts, then calls
// the Authenticate hook, counting a failure.
func (v *LoginView) check(c *fiber.Ctx, username, password string) (string, error) {
	if username == "" || password == "" || len(username) > maxUsernameLength || len(password) > maxPasswordLength ||
		!utf8.ValidString(username) || !utf8.ValidString(password) {
		return "", ErrInvalidCredentials
	}
	s := settings(c)
	ip := s.proxy.ClientIP(c)
	if err := s.throttle.Check(c, username, ip); err != nil {
		return "", err
	}
	id, err := v.hooks.Of(v).Authenticate(c, username, password)
	if errors.Is(err, ErrInvalidCredentials) {
		emit(c, EventLoginFailed, "", username)
		if ferr := s.throttle.Fail(c, username, ip); ferr != nil {
			return "", ferr
		}
	}
	if err == nil && id == "" {
		return "", fmt.Errorf("views: %s: Authenticate returned an empty user id and no error: "+
			"return the user's id, or an error wrapping views.ErrInvalidCredentials", viewName(v.Outer(), loginViewName))
	}
	return id, err
}

// redirectAuthenticated sends a logged-in user to GetSuccessURL when
// RedirectAuthenticatedUser is set, and reports whether it did.
func (v *LoginView) redirectAuthenticated(c *fiber.Ctx) (bool, error) {
	if !v.RedirectAuthenticatedUser {
		return false, nil
	}
	ok, err := IsAuthenticated(c)
	if err != nil || !ok {
		return false, err
	}
	to, err := v.hooks.Of(v).GetSuccessURL(c)
	if err != nil {
		return false, err
	}
	if to == c.Path() || to == c.OriginalURL() {
		return false, &ConfigError{View: viewName(v.Outer(), loginViewName), Field: "RedirectAuthenticatedUser",
			Msg: "redirection loop for an authenticated user: NextPage or Config.LoginRedirectURL points to the login page"}
	}
	return true, redirect(c, to, fiber.StatusFound)
}

// CSRFFailure answers a login POST the CSRF check refused (see LoginView);
// the credentials are never read. Refusals for the origin (Origin,
// Sec-Fetch-Site, Referer) get the CSRF failure page.
func (v *LoginView) CSRFFailure(c *fiber.Ctx, err error) error {
	if errors.Is(err, security.ErrCSRFCrossOrigin) || errors.Is(err, security.ErrCSRFOriginMismatch) || errors.Is(err, security.ErrCSRFBadReferer) {
		return csrfFailure(c, err)
	}
	settings(c).logger.Info("Stale login form", "reason", err.Error(), "path", c.Path())
	ok, err := IsAuthenticated(c)
	if err != nil {
		return err
	}
	if ok { // already logged in (in another tab): go where the form was going
		to, err := v.hooks.Of(v).GetSuccessURL(c)
		if err != nil {
			return err
		}
		if to != "" && to != c.Path() {
			return redirect(c, to, fiber.StatusFound)
		}
	}
	c.Locals(loginFormKey{}, &loginForm{err: cmp.Or(v.StaleFormMessage, staleFormMessage)})
	return v.TemplateView.Get(c)
}

// Authenticate is the hook that checks a username and password and returns
// the user id to log in, or an error wrapping ErrInvalidCredentials: by
// default Config.Authenticate. LoginView calls it only with non-empty, valid
// UTF-8 values within maxUsernameLength and maxPasswordLength.
func (v *LoginView) Authenticate(c *fiber.Ctx, username, password string) (string, error) {
	auth := settings(c).Authenticate
	if auth == nil {
		return "", &ConfigError{View: viewName(v.Outer(), loginViewName), Field: "Authenticate",
			Msg: "no way to check passwords: set views.Config.Authenticate in views.Setup, or define Authenticate on your view"}
	}
	return auth(c, username, password)
}

// GetNextPage is the hook that returns where to go after a login when the
// request names no safe next (Django's get_default_redirect_url): NextPage,
// else Config.LoginRedirectURL, resolved (see ResolveURL).
func (v *LoginView) GetNextPage(c *fiber.Ctx) (string, error) {
	return resolveNextPage(c, v.NextPage, settings(c).LoginRedirectURL)
}

// GetRedirectURL is the hook that returns the next page the request asks
// for: the RedirectFieldName form field, else query parameter, if
// IsSafeRedirect accepts it with GetSuccessURLAllowedHosts; else "".
func (v *LoginView) GetRedirectURL(c *fiber.Ctx) (string, error) {
	return safeRedirectParam(c, v.hooks.Of(v), v.RedirectFieldName), nil
}

// GetSuccessURL is the hook that returns where to go after the login:
// GetRedirectURL, else GetNextPage.
func (v *LoginView) GetSuccessURL(c *fiber.Ctx) (string, error) {
	return successURL(c, v.hooks.Of(v))
}

// GetSuccessURLAllowedHosts is the hook that returns the hosts a next URL may
// point to besides the request's own: SuccessURLAllowedHosts.
func (v *LoginView) GetSuccessURLAllowedHosts(c *fiber.Ctx) []string {
	return v.SuccessURLAllowedHosts
}

// GetTemplateNames is the hook that lists the templates to try for the
// login page: TemplateName, or registration/login.html.
func (v *LoginView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, loginTemplate), nil
}

// GetContextData is the hook that builds the context of the login page:
// TemplateView's (the route's arguments, "view"), then title "Log in",
// site_name, next (GetRedirectURL) under "next" and under
// RedirectFieldName, redirect_field_name, username and form_error (set after
// a failed POST), then ExtraContext.
func (v *LoginView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	s := settings(c)
	next, err := v.hooks.Of(v).GetRedirectURL(c)
	if err != nil {
		return nil, err
	}
	field := v.RedirectFieldName
	if field == "" {
		field = s.RedirectFieldName
	}
	username, formError := "", ""
	if f, ok := c.Locals(loginFormKey{}).(*loginForm); ok {
		username, formError = f.username, f.err
	}
	setDefaults(ctx, "title", "Log in", keySiteName, s.SiteName, "next", next, field, next,
		"redirect_field_name", field, "username", username, "form_error", formError)
	return ctx, nil
}
