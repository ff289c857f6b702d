package views

import "fmt"

// Base is the root of every base view (Django's View). Embed it, or a view
// that embeds it, in your view struct and pass a pointer to AsView:
//
//	type Hello struct{ views.Base }
//
//	func (v *Hello) Get(c *fiber.Ctx) error { return c.SendString("hello") }
//
//	urls.Path("hello/", views.MustAsView(&Hello{}), urls.Name("hello"))
//
// AsView binds the outermost value (*Hello) into the embedded Base. Bases
// that have hooks (TemplateView.GetContextData, ...) take the outer value's
// methods at that moment and call them, so a hook defined on your struct
// overrides the base's. Each base value serves exactly one view.
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

// Writing a base view in this package (LogoutView, LoginView, ...):
//
//  1. Embed the base it extends (Base, TemplateView, ...) by value.
//  2. Give it one unexported field per hook, holding the outer view's method
//     value, e.g. getNextPage func(*fiber.Ctx) (string, error), and an
//     exported method of the same name and signature as the hook
//     (GetNextPage): the default, and the super() users call.
//  3. Define setup(s *spec) error: call the embedded base's setup first;
//     take each hook with hook(s, "views.LogoutView", "GetNextPage", pick),
//     which checks the outer view's method by reflection (wrong signature,
//     ambiguity) and returns its method value; store the values with
//     s.onCommit (written only if AsView succeeds, once per view). setup may
//     also set s.defaultMethods (used when HTTPMethodNames is nil, e.g.
//     POST and OPTIONS) and append to s.decorators (e.g. NeverCache, which
//     then wraps every response, 405 and 403 included).
//  4. In the base's methods call hooks through the stored values, falling
//     back to the base's own method when nil (the view was not bound), as
//     TemplateView.contextData does; never call v.Hook(c) directly, which
//     would skip the override.

// viewBase returns the embedded Base (see binder).
func (b *Base) viewBase() *Base { return b }

// setup is the binding step of Base; every base view's setup calls its
// embedded base's setup first, like a super() call.
func (b *Base) setup(s *spec) error {
	if b.outer != nil {
		if b.outer != s.outer {
			return &AlreadyBoundError{Base: s.baseName, Bound: fmt.Sprintf("%T", b.outer), View: s.name}
		}
		s.fresh = false // the same view registered twice: nothing to write
		return nil
	}
	s.onCommit(func() { b.outer = s.outer })
	return nil
}

// Outer returns the view AsView bound this base to: the pointer you passed
// to AsView, whose methods override the base's. It is nil before AsView.
// TemplateView puts it in the context as "view".
func (b *Base) Outer() any { return b.outer }
