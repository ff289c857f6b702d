package views

// Base is the root of every base view (Django's View). Embed it, or a view
// that embeds it, in your view struct and pass a pointer to AsView:
//
//	type Hello struct{ views.Base }
//
//	func (v *Hello) Get(c *fiber.Ctx) error { return c.SendString("hello") }
//
//	urls.Path("hello/", views.MustAsView(&Hello{}), urls.Name("hello"))
//
// AsView binds the outermost value (*Hello) into the embedded Base, and the
// bases call their hooks on it, so a hook defined on your struct overrides
// the base's. Each base value serves exactly one view.
//
// A view value is configuration shared by all the requests its handler
// serves, concurrently: set its fields before AsView and never write them
// afterwards. Per-request data lives in the *fiber.Ctx every method and hook
// receives (Django's self.request, self.args and self.kwargs are c,
// c.Params / urls.Resolve(c)).
type Base struct {
	// HTTPMethodNames restricts the methods the view answers (Django's
	// http_method_names), e.g. []string{"post", "options"}: a method the
	// view defines but this list lacks answers 405. Nil allows all of
	// get, post, put, patch, delete, head, options, trace (each only if the
	// view can answer it) unless the base view sets its own default.
	HTTPMethodNames []string
	// CSRFExempt turns the CSRF check of POST, PUT, PATCH and DELETE off
	// (Django's csrf_exempt). Only for endpoints authenticated by other
	// means than a cookie.
	CSRFExempt bool

	outer any // the view AsView bound this base to
}

// viewBase returns the embedded Base (see binder).
func (b *Base) viewBase() *Base { return b }

// bind is the binding step of Base, which has no hooks.
func (b *Base) bind(*spec) error { return nil }

// Outer returns the view AsView bound this base to: the pointer you passed
// to AsView, whose methods override the base's. It is nil before AsView.
// TemplateView puts it in the context as "view".
func (b *Base) Outer() any { return b.outer }
