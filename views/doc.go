// Package views brings Django's class-based views to Fiber v2: a view is a
// struct with methods named after HTTP methods, AsView turns it into a
// fiber.Handler for a url table, and base views (TemplateView, RedirectView,
// ...) do the common work while calling hooks you override on your own
// struct.
//
// # Views and dispatch
//
//	type Hello struct{ views.Base }
//
//	func (v *Hello) Get(c *fiber.Ctx) error  { return c.SendString("hello") }
//	func (v *Hello) Post(c *fiber.Ctx) error { return c.SendString("posted") }
//
//	views.Path("hello/", &Hello{}, urls.Name("hello"))
//
// views.Path is urls.Path with MustAsView(&Hello{}), listed by the view's
// type in urls.Resolver.WriteTable. AsView inspects the view once, at registration. Its handler dispatches on
// the method with a switch (no reflection per request): Get, Head, Post,
// Put, Patch, Delete and Options methods (func(*fiber.Ctx) error) answer
// their method; HEAD falls back to Get without a body; OPTIONS answers 200
// with an Allow header and an empty body; anything else answers 405 with
// Allow. Base.HTTPMethodNames (Django's http_method_names) restricts the
// methods explicitly, so that a base having Get does not make GET allowed.
//
// # Hooks: overriding a base's methods
//
// Go has no virtual methods: when TemplateView.Get calls
// v.GetContextData(c), Go runs TemplateView's own method even if your outer
// struct defines GetContextData. So AsView binds the outermost value (the
// pointer you pass it) into the embedded Base, and a base calls each hook on
// that value: Go's method promotion hands back your method where your struct
// (or any struct between yours and the base) defines one, and the base's own
// otherwise. Calling a base's method explicitly
// (v.TemplateView.GetContextData(c)) is the super() call.
//
//	type Articles struct{ views.TemplateView }
//
//	func (v *Articles) GetContextData(c *fiber.Ctx) (map[string]any, error) {
//		ctx, err := v.TemplateView.GetContextData(c)
//		if err != nil {
//			return nil, err
//		}
//		ctx["articles"] = latest()
//		return ctx, nil
//	}
//
// Mistakes that Go would accept silently are registration errors: a value
// that is not a non-nil pointer to a struct (*InvalidViewError); a hook or
// method handler with the wrong signature, which would hide the base's
// method instead of overriding it (*SignatureError); a hook, handler or base
// that two embedded fields provide at the same depth, which Go drops from the
// method set (*AmbiguousError); one base value (embedded by pointer) bound to
// two views (*AlreadyBoundError). Each matches a sentinel with errors.Is
// (ErrInvalidView, ErrSignature, ErrAmbiguous, ErrAlreadyBound,
// ErrImproperlyConfigured).
//
// # Writing a base view
//
// (For contributors to this package.) A base view declares its hooks as one
// interface, lets AsView check the user's view against it in bind, and calls
// every hook through hooksOf, never directly; this is the whole pattern:
//
//	type GoodbyeView struct {
//		TemplateView // the base it extends, by value
//		NextPage     string
//	}
//
//	// goodbyeHooks are the methods a user's view may override.
//	type goodbyeHooks interface {
//		GetNextPage(c *fiber.Ctx) (string, error)
//	}
//
//	func (v *GoodbyeView) bind(s *spec) error {
//		if err := v.TemplateView.bind(s); err != nil { // super()
//			return err
//		}
//		s.defaultMethods = []string{"post", "options"} // optional
//		s.decorators = append(s.decorators, NeverCache) // optional
//		return hooks[goodbyeHooks](s, "views.GoodbyeView")
//	}
//
//	// GetNextPage is the hook's default.
//	func (v *GoodbyeView) GetNextPage(c *fiber.Ctx) (string, error) { return v.NextPage, nil }
//
//	func (v *GoodbyeView) Post(c *fiber.Ctx) error {
//		next, err := hooksOf[goodbyeHooks](v).GetNextPage(c) // the user's, or the default
//		…
//	}
//
// hooksOf (hooks.go, the one file of the mechanism) asserts the bound view
// to the interface; an unbound base falls back to its own methods. bind may
// also validate fields (a *ConfigError) and keep values computed from them
// while the base is not bound yet (Outer() == nil): AsView of a view already
// bound, which may be serving, must write nothing.
//
// # Views are shared configuration
//
// A view value serves every request its handler gets, concurrently. Its
// fields are configuration: set them before AsView, never write them in a
// method or hook. Per-request state lives in the *fiber.Ctx each method and
// hook receives — where Django has self.request, self.args and self.kwargs,
// a hook here has c (c.Params, urls.Resolve(c), c.Locals).
//
// # Base views and decorators
//
// TemplateView renders TemplateName with the context of GetContextData;
// RedirectView redirects to URL ("%(id)s" placeholders filled from the
// route's arguments) or to the route PatternName reversed, 301 or 302,
// keeping the query string or not, 410 when there is no target. Decorators
// are plain handler wrappers: LoginRequired, RequirePOST, RequireGET,
// RequireSafe, RequireMethods, NeverCache, CSRFProtect; Decorate applies
// them to a view.
//
// # Logging in and out
//
// LoginView and LogoutView are Django 5's, with the same fields and hooks:
//
//	type CustomLogoutView struct{ views.LogoutView }
//
//	func (v *CustomLogoutView) GetNextPage(c *fiber.Ctx) (string, error) { … } // optional override
//
//	views.Path("logout/", &CustomLogoutView{
//		LogoutView: views.LogoutView{NextPage: "home"},
//	}, urls.Name("logout"))
//
// LogoutView answers POST and OPTIONS only (405 otherwise, and the user stays
// logged in), checks CSRF, calls session.Logout, then goes to a safe next
// (form field, then query string), else NextPage or Config.LogoutRedirectURL
// (302, never 301), else renders registration/logged_out.html (a request
// with a query string, such as an unsafe next, is sent back to the logout's
// path instead, as Django does); every response is never cached. SuccessMessage, on either view, adds a success message
// (package views/messages) for the next page (Django's SuccessMessageMixin).
// Beyond Django: htmx requests get HX-Redirect, JSON clients
// a JSON answer, ClearSiteData sends Clear-Site-Data, AllSessions logs out
// every session of the user. LoginView checks credentials with
// Config.Authenticate (or an Authenticate hook), calls session.Login (a new
// key) and rotates the CSRF secret; a failure shows the form again with one
// message for every kind of wrong credentials.
//
// # Forms and account pages
//
// FormView is Django's editing FormView: its Form is a pointer to a plain
// struct whose tags give each field's request name (form:"email"; the
// option secret keeps a password out of a re-rendered form) and its rules
// (validate:"required,email", those of github.com/go-playground/validator).
// GET renders the template with "form", a *BoundForm holding Initial; POST
// binds a fresh copy of Form from the body with BindForm, then calls
// FormValid (a 302 to SuccessURL) or FormInvalid (the page again, 200, with
// FormErrors by field and the submitted values). Hooks: GetForm,
// GetInitial, FormValid, FormInvalid, GetSuccessURL. A form may define
// Bind(c, values) to decode itself and Validate(c) for checks across fields
// (Django's clean); bad input of any kind is a form error, never a 500.
//
// PasswordChangeView and PasswordChangeDoneView are Django's: login
// required and never cached; the old password is checked by
// CheckPasswordFunc (or a CheckPassword hook), the new one given twice and
// checked by PasswordValidators (Django's defaults: UserAttributeSimilarity,
// MinimumLength(8), NotNumeric); SetPasswordFunc (or a SetPassword hook)
// stores it, session.UpdateAuthHash keeps this session logged in on a new
// key and session.LogoutOthers logs out the user's other sessions.
//
// Package views/viewtest is a test client for such pages (Django's
// django.test.Client): requests through app.Test, a cookie jar, Login
// without a password, and CSRF handled as a browser does.
//
// A next URL is followed only if IsSafeRedirect accepts it: a port of
// Django's url_has_allowed_host_and_scheme checked again against a model of
// how browsers parse URLs, so that "//evil.com", "/\evil.com", "http:/\evil.com",
// control characters, user-info and look-alike hosts never lead off-site.
//
// # Errors
//
// ErrorHandler (for fiber.Config.ErrorHandler) renders the site's
// "<status>.html" for Fiber's 4xx errors (404.html, ...), else the embedded
// fiberviews/error.html, and answers any other failure with a generic 500
// page while logging the details, where Fiber's default handler sends the
// error's text to the client. A view's 405 renders the same page. No error
// page shows an error's text: it may quote the request.
//
// # Rendering and context
//
// Render renders a template with the request context Django's context
// processors give: user, user_id, is_authenticated, csrf_token, csrf_input,
// site_name, back_guard (from this package), messages (package
// views/messages: the request's one-time messages, read only when the
// template ranges over them), request_path and resolver_match (from package
// templates), then the processors of templates.Config, then the view's data.
// The templates are those of the app's fiber.Config.Views (a
// *templates.Engine), or the embedded defaults when the app has none.
//
// # The Back button after a logout
//
// Browsers keep the pages a user leaves in a back/forward cache and show
// them again on Back without asking the server, even pages sent with
// Cache-Control: no-store (Chromium does so unless an HttpOnly cookie
// changed after it stored the page: the logout's own Set-Cookie comes too
// early to count, and a logout in another browser changes nothing here).
// Clear-Site-Data on the logout response does not help either: it empties
// the cache before the page being left is put in it. So every page
// rendered for a logged-in user carries BackGuard, in the context as
// back_guard: a script that reloads the page when the browser shows it from
// its back/forward cache, or from its HTTP cache on a history navigation,
// so that the server answers for whoever is logged in now. The default layout writes {{ .back_guard }} in
// its <head>; a site's own layout must do the same, and a page rendered
// without Render adds BackGuard(c) to its data. Under a
// Content-Security-Policy, allow it with BackGuardCSP in script-src.
//
// # CSRF
//
// POST, PUT, PATCH and DELETE requests to every view are checked before the
// method runs, unless the view sets Base.CSRFExempt (or the CSRFExempt
// option): the token comes from the form field csrfmiddlewaretoken or the
// X-CSRFToken header; a missing or wrong token gets a 403 page
// (csrf_failure.html, which a site overrides in its template directory).
// The secret lives in a cookie (csrftoken, HttpOnly, SameSite=Lax) and every
// render hands out a freshly masked token (Django's scheme, BREACH-safe), so
// checking never touches the session and a page rendered after logout
// carries a working token. RotateCSRFToken replaces the secret (call it on
// login). A second layer refuses cross-origin unsafe requests by their
// Sec-Fetch-Site or Origin header, as Go's net/http.CrossOriginProtection
// does, except from Config.CSRF.TrustedOrigins; an Origin must be the
// request's scheme://host[:port], and an https request with neither header
// needs a same-site https Referer (Django's checks). The 403 page speaks to
// the visitor (reload the page and try again); the reason and developers'
// hints show only with Config.Debug. An error page never sets a new CSRF
// cookie, so a malformed request cannot reset a visitor's secret. LoginView
// answers a stale login form itself: on to the next page for a logged-in
// user, else the form again with a fresh token; its credentials are never
// read.
//
// # Security headers, proxies, caches, login throttling
//
// Setup sets Django's SecurityMiddleware headers on every response, error
// pages included: X-Frame-Options: DENY, X-Content-Type-Options: nosniff,
// Referrer-Policy: same-origin, Cross-Origin-Opener-Policy: same-origin, and
// Strict-Transport-Security only when Config.Headers.HSTSMaxAge is set. A
// site changes them in Config.Headers; a view with XFrameOptionsExempt,
// XFrameOptionsSameOrigin, XFrameOptionsDeny, or its own header.
//
// Forwarded headers are believed only as Config.Proxy says (Django's
// SECURE_PROXY_SSL_HEADER): by default a client's X-Forwarded-Proto or
// X-Forwarded-For changes nothing — not the CSRF checks, HSTS, the https-only
// next, nor ClientIP — whatever fiber.Config says, since views never calls
// c.Protocol(), c.IP() or c.Hostname(). IsSecure and ClientIP answer by the
// setting.
//
// A response built from the session or the CSRF token carries Vary: Cookie
// (Django's), and one built for a logged-in user Cache-Control: private
// unless the view set its own, so shared caches never hand it to others.
//
// LoginView counts failed logins per username (hashed) and per client
// address in the session storage, so that servers sharing it share the
// counts (Config.LoginThrottle: 10 per username, 100 per address, within 3
// minutes, by default); over the limit an attempt is refused without calling
// Authenticate, alike whether the user exists or not.
//
// These mechanisms, and the check of Config.AllowedHosts, are package
// views/security; views builds them in Setup and renders their refusals.
//
// # Settings
//
// Config is the site's settings (Django's settings.py): login URL, redirect
// URLs, site name, how to load the user, CSRF options. Setup installs it as
// a middleware; without it views use the defaults. ResolveURL is Django's
// resolve_url: a URL, or a route name reversed.
package views
