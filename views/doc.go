// Package views brings Django's class-based views to Fiber v2: a view is a
// struct with methods named after HTTP methods, Path registers it in a url
// table, and base views do the common work while calling hooks you override
// on your own struct.
//
//	type Hello struct{ views.Base }
//
//	func (v *Hello) Get(c *fiber.Ctx) error { return c.SendString("hello") }
//
//	views.Path("hello/", &Hello{}, urls.Name("hello"))
//
// # Where to start
//
//   - Path registers a view; AsView is the same without a table. Both check
//     the view once, at start-up: every mistake Go would accept silently is a
//     *ConfigError (see AsView). Dispatch is a table per view, no reflection
//     per request.
//   - Base is the root of every view: the methods it answers, CSRF
//     exemption, LoginRequired and Decorators are its fields.
//   - TemplateView, RedirectView and FormView are Django's generic views;
//     LoginView, LogoutView, PasswordChangeView and PasswordChangeDoneView
//     are Django's auth views, with the same fields and hooks.
//   - Setup installs the site's settings (Config, Django's settings.py) and
//     Django's security middleware; with Config.URLs it checks every route
//     name the settings and views refer to when the app starts.
//   - ErrorHandler, for fiber.Config.ErrorHandler, answers errors with pages
//     that never show an error's text.
//
// # Overriding hooks
//
// Go has no virtual methods: when TemplateView.Get calls GetContextData, Go
// runs TemplateView's own method even if your struct defines one. So AsView
// binds your view into the base it embeds, and the base calls each hook on
// your view: your method where you define one, the base's otherwise.
// Calling the base's method explicitly is the super() call:
//
//	type Articles struct{ views.TemplateView }
//
//	func (v *Articles) GetContextData(c *fiber.Ctx) (map[string]any, error) {
//		ctx, err := v.TemplateView.GetContextData(c) // super()
//		if err != nil {
//			return nil, err
//		}
//		ctx["articles"] = latest()
//		return ctx, nil
//	}
//
// A hook with another signature would hide the base's method instead of
// overriding it: AsView refuses it, naming the signature to write. Your own
// packages write base views the same way (see Hooks).
//
// A view value is configuration shared by every request its handler serves,
// concurrently: set its fields before registering it, never write them in a
// method or hook. Per-request state lives in the *fiber.Ctx (Django's
// self.request, self.args and self.kwargs are c, urls.Resolve(c) and
// urls.Value).
//
// # Decorators
//
// Decorators are plain handler wrappers for function views and
// Base.Decorators: LoginRequired, RequirePOST, RequireGET, RequireSafe,
// RequireMethods, NeverCache, CSRFProtect, XFrameOptionsExempt and friends.
//
// # Security
//
// Unsafe requests to every view are CSRF-checked (see CSRFProtect and
// security.CSRF); logouts are POST-only and never cached (LogoutView); a
// next URL is followed only if IsSafeRedirect accepts it; a page rendered
// for a logged-in user carries BackGuard, so that Back never shows it after
// a logout; responses built from the session carry Vary: Cookie and, for a
// logged-in user, Cache-Control: private; failed logins are throttled
// (Config.LoginThrottle). Setup adds Django's security headers and the
// AllowedHosts check; forwarded headers are believed only as Config.Proxy
// says. The mechanisms live in package views/security.
//
// # Templates
//
// Render renders a template with the request context of Django's context
// processors (user, csrf_input, messages, back_guard, ...; see
// RequestContext). The templates are those of the app's
// fiber.Config.Views (a *templates.Engine), or the embedded defaults of
// package templates; a file of the same name in the site's directory
// replaces a default (registration/login.html, ...).
//
// Package views/viewtest is a test client for such sites (Django's
// django.test.Client); package views/messages holds one-time messages.
package views
