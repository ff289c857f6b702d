package views

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Decorator wraps a handler, like a Django view decorator: NeverCache,
// LoginRequired and CSRFProtect are decorators.
type Decorator func(fiber.Handler) fiber.Handler

// ViewOption changes how AsView serves a view.
type ViewOption func(*viewOptions)

type viewOptions struct {
	methods    []string
	hasMethods bool
	csrfExempt bool
	decorators []Decorator
}

// HTTPMethodNames restricts the methods the view answers, like setting
// Base.HTTPMethodNames (Django's http_method_names); it also works for views
// that embed no base. Names are case-insensitive: "get", "post", "put",
// "patch", "delete", "head", "options", "trace".
func HTTPMethodNames(names ...string) ViewOption {
	return func(o *viewOptions) { o.methods, o.hasMethods = names, true }
}

// CSRFExempt turns the CSRF check off for this view, like Base.CSRFExempt
// (Django's csrf_exempt). Only for endpoints that authenticate every request
// some other way (an API token, a webhook signature).
func CSRFExempt() ViewOption {
	return func(o *viewOptions) { o.csrfExempt = true }
}

// Decorate wraps the view's handler in decorators, the first outermost:
// AsView(v, Decorate(LoginRequired, NeverCache)) is
// LoginRequired(NeverCache(AsView(v))). They see every request, including
// the ones answered 405 or 403. Order matters as in Django: with
// Decorate(LoginRequired, NeverCache) the redirect of an anonymous visitor
// to the login page is sent before NeverCache runs and carries no
// never-cache headers; write Decorate(NeverCache, LoginRequired) to cover it.
func Decorate(decorators ...Decorator) ViewOption {
	return func(o *viewOptions) { o.decorators = append(o.decorators, decorators...) }
}

// AsView turns a view into a fiber.Handler (Django's View.as_view()).
//
// v must be a non-nil pointer to a struct. Its HTTP method handlers are its
// methods Get, Head, Post, Put, Patch, Delete and Options, each
// func(*fiber.Ctx) error. AsView inspects v once; the handler it returns does
// no reflection:
//
//   - a method the view allows and defines runs; HEAD runs Get without a
//     body when the view has no Head;
//   - OPTIONS without an Options method answers 200 with an Allow header and
//     an empty body;
//   - any other method answers 405 with the Allow header;
//   - POST, PUT, PATCH and DELETE are CSRF-checked first (see CSRFProtect)
//     unless the view is exempt.
//
// When v embeds a base view (Base, TemplateView, RedirectView, ...), AsView
// binds v into it, so that the base calls the hooks v defines (see the
// package documentation). Mistakes are registration errors: a non-pointer
// (*InvalidViewError), a method or hook with the wrong signature
// (*SignatureError), a method or base that Go drops as ambiguous
// (*AmbiguousError), a base value already bound to another view
// (*AlreadyBoundError), a bad field value (*ConfigError). A failed AsView
// binds nothing.
//
// The view value is shared by every request the handler serves: never keep
// per-request state in its fields.
func AsView(v any, opts ...ViewOption) (fiber.Handler, error) {
	var o viewOptions
	for _, opt := range opts {
		opt(&o)
	}
	s, baseName, err := inspect(v)
	if err != nil {
		return nil, err
	}
	names, field, csrf := []string(nil), "HTTPMethodNames", true
	var base *Base
	if b, ok := v.(binder); ok {
		base = b.viewBase()
		if base.outer != nil && base.outer != v {
			return nil, &AlreadyBoundError{Base: baseName, Bound: typeName(base.outer), View: s.name}
		}
		if err := b.bind(s); err != nil {
			return nil, err
		}
		names, csrf = base.HTTPMethodNames, !base.CSRFExempt
		if names == nil {
			names = s.defaultMethods
		}
	}
	if o.hasMethods {
		names, field = o.methods, "HTTPMethodNames option"
	}
	d, err := newDispatcher(s, names, field, csrf && !o.csrfExempt)
	if err != nil {
		return nil, err
	}
	h := fiber.Handler(d.serve)
	if g, ok := v.(interface{ Get(*fiber.Ctx) error }); ok && d.h[mGet] != nil {
		// GET, the hot path, calls the view's Get through its interface
		// (GET is never CSRF-wrapped): one indirect call, no table lookup.
		h = func(c *fiber.Ctx) error {
			if c.Method() == fiber.MethodGet {
				return g.Get(c)
			}
			return d.serve(c)
		}
	}
	for _, decs := range [][]Decorator{s.decorators, o.decorators} {
		for i := len(decs) - 1; i >= 0; i-- {
			h = decs[i](h)
		}
	}
	if base != nil {
		base.outer = v // last: a failed AsView binds nothing
	}
	return h, nil
}

// MustAsView is AsView for url tables: it panics on a registration error.
func MustAsView(v any, opts ...ViewOption) fiber.Handler {
	h, err := AsView(v, opts...)
	if err != nil {
		panic(err)
	}
	return h
}

// inspect checks the shape of v and finds its base, returning the type name
// of the base view it embeds ("views.TemplateView").
func inspect(v any) (*spec, string, error) {
	if v == nil {
		return nil, "", &InvalidViewError{View: "nil", Reason: "pass a pointer to your view struct, e.g. AsView(&MyView{})"}
	}
	rv := reflect.ValueOf(v)
	t := rv.Type()
	reason := ""
	switch {
	case t.Kind() != reflect.Pointer:
		reason = fmt.Sprintf("it is not a pointer: pass &%s{...}, so that AsView can bind the view into its base "+
			"and your methods with pointer receivers are found", strings.TrimPrefix(t.String(), "*"))
	case rv.IsNil():
		reason = "it is a nil pointer"
	case t.Elem().Kind() != reflect.Struct:
		reason = "it does not point to a struct"
	}
	if reason != "" {
		return nil, "", &InvalidViewError{View: t.String(), Reason: reason}
	}
	s := &spec{outer: v, val: rv, name: t.String()}
	var paths []string
	var baseName string
	if err := findBases(rv.Elem(), typeLabel(t.Elem()), "", 0, &paths, &baseName); err != nil {
		return nil, "", &InvalidViewError{View: s.name, Reason: err.Error()}
	}
	if len(paths) > 1 {
		return nil, "", &AmbiguousError{View: s.name, Name: "views.Base", Candidates: paths}
	}
	return s, baseName, nil
}

// typeName is the Go type of v, e.g. "*main.MyView".
func typeName(v any) string { return reflect.TypeOf(v).String() }

// viewName names the view for messages: the outer view's type, or def.
func viewName(outer any, def string) string {
	if outer == nil {
		return def
	}
	return typeName(outer)
}
