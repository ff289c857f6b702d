package views

// Base is the root of every base view (Django's View). Embed it, or a view
// that embeds it, in your view struct and register a pointer with Path:
//
//	type Hello struct{ views.Base }
//
//	func (v *Hello) Get(c *fiber.Ctx) error { return c.SendString("hello") }
//
//	views.Path("hello/", &Hello{}, urls.Name("hello"))
//
// AsView binds the outermost value (*Hello) into the embedded Base, and the
// bases call their hooks on it (see Hooks), so a hook defined on your struct
// overrides the base's. Each base value serves exactly one view.
//
// A view value is configuration shared by all the requests its handler
// serves, concurrently: set its fields before registering it and never write
// them afterwards. Per-request data lives in the *fiber.Ctx every method and
// hook receives (Django's self.request, self.args and self.kwargs are c,
// urls.Resolve(c), urls.Value).
type Base struct {
	// HTTPMethodNames restricts the methods the view answers (Django's
	// http_method_names), e.g. []string{"post", "options"}: a method the
	// view defines but this list lacks answers 405. Nil allows every method
	// the view can answer, unless the base view sets its own default.
	HTTPMethodNames []string
	// CSRFExempt turns the CSRF check of POST, PUT, PATCH and DELETE off
	// (Django's csrf_exempt). Only for endpoints authenticated by other
	// means than a cookie.
	CSRFExempt bool
	// LoginRequired sends anonymous visitors to Config.LoginURL with the
	// page they asked for as next (Django's LoginRequiredMixin).
	LoginRequired bool
	// Decorators wrap the view, the first outermost (Django's
	// method_decorator on dispatch): Decorators: []views.Decorator{views.NeverCache}.
	// They run before LoginRequired and see every request, those answered
	// 405 or 403 included.
	Decorators []Decorator

	outer any // the view AsView bound this base to
}

// viewBase returns the embedded Base (see binder).
func (b *Base) viewBase() *Base { return b }

// Outer returns the view AsView bound this base to: the pointer you
// registered, whose methods override the base's. It is nil before AsView.
// TemplateView puts it in the context as "view".
func (b *Base) Outer() any { return b.outer }
