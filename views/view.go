package views

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Decorator wraps a handler, like a Django view decorator: NeverCache,
// LoginRequired and CSRFProtect are decorators.
type Decorator func(fiber.Handler) fiber.Handler

// AsView turns a view into a fiber.Handler (Django's View.as_view()); Path
// calls it for a url table.
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
//     unless Base.CSRFExempt is set.
//
// When v embeds a base view (Base, TemplateView, LogoutView, ...), AsView
// binds v into it, so that the base calls the hooks v defines (see Hooks).
// Every mistake Go would accept silently is a *ConfigError matching
// ErrImproperlyConfigured: a value that is not a non-nil pointer to a struct,
// a method or hook with the wrong signature (it would hide the base's
// instead of overriding it), a method or base that two embedded fields
// provide (Go drops it), a base value already bound to another view, a bad
// field value. A failed AsView binds nothing.
func AsView(v any) (fiber.Handler, error) {
	s, baseName, err := inspect(v)
	if err != nil {
		return nil, err
	}
	b := Binding{View: s.name}
	var base *Base
	if bd, ok := v.(binder); ok {
		base = bd.viewBase()
		if base.outer != nil && base.outer != v {
			return nil, &ConfigError{View: s.name, Msg: fmt.Sprintf(
				"its %s is already bound to a %s value: one base value cannot serve two views; "+
					"give each view its own base value (embed it by value, not by a shared pointer)",
				baseName, typeName(base.outer))}
		}
		if err := s.checkHooks(); err != nil {
			return nil, err
		}
		if vb, ok := v.(viewBinder); ok {
			if err := vb.BindView(&b); err != nil {
				return nil, err
			}
		}
	}
	names, csrf := b.Methods, true
	var decorators []Decorator
	login := b.LoginRequired
	if base != nil {
		if base.HTTPMethodNames != nil {
			names = base.HTTPMethodNames
		}
		csrf = !base.CSRFExempt
		decorators = append(slices.Clone(base.Decorators), b.Decorators...)
		login = login || base.LoginRequired
	}
	d, err := newDispatcher(s, names, csrf)
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
	if login {
		h = LoginRequired(h)
	}
	for i := len(decorators) - 1; i >= 0; i-- {
		h = decorators[i](h)
	}
	if base != nil && base.outer == nil {
		base.outer = v // last, and only once: a failed AsView binds nothing, and a bound view may be serving
	}
	return h, nil
}

// inspect checks the shape of v and finds its base, returning the type name
// of the base view it embeds ("views.TemplateView").
func inspect(v any) (*spec, string, error) {
	if v == nil {
		return nil, "", &ConfigError{View: "nil", Msg: "is not a view: pass a pointer to your view struct, e.g. &MyView{}"}
	}
	rv := reflect.ValueOf(v)
	t := rv.Type()
	reason := ""
	switch {
	case t.Kind() != reflect.Pointer:
		reason = fmt.Sprintf("is not a pointer: pass &%s{...}, so that the view can be bound into its base "+
			"and your methods with pointer receivers are found", strings.TrimPrefix(typeString(t), "*"))
	case rv.IsNil():
		reason = "is a nil pointer"
	case t.Elem().Kind() != reflect.Struct:
		reason = "does not point to a struct"
	}
	if reason != "" {
		return nil, "", &ConfigError{View: typeString(t), Msg: reason}
	}
	s := &spec{outer: v, val: rv, name: typeString(t)}
	var paths []string
	var baseName string
	if err := findBases(rv.Elem(), typeLabel(t.Elem()), "", 0, &paths, &baseName); err != nil {
		return nil, "", &ConfigError{View: s.name, Msg: err.Error()}
	}
	if len(paths) > 1 {
		return nil, "", &ConfigError{View: s.name, Msg: fmt.Sprintf("embeds more than one base view (%s): Go drops their "+
			"ambiguous methods, so no base would run; embed exactly one base view", strings.Join(paths, ", "))}
	}
	return s, baseName, nil
}

// typeName is the Go type of v, e.g. "*main.MyView".
func typeName(v any) string { return typeString(reflect.TypeOf(v)) }

// importPath matches the import path reflect writes before the package
// name of a generic type's arguments.
var importPath = regexp.MustCompile(`[^\s\[\](),*]+/`)

// typeString is t as Go source in its package's importer writes it, for
// messages: "*views.FormView[main.ContactForm]" where reflect says
// "*views.FormView[example.com/site/main.ContactForm]".
func typeString(t reflect.Type) string { return importPath.ReplaceAllString(t.String(), "") }

// viewName names the view for messages: the outer view's type, or def.
func viewName(outer any, def string) string {
	if outer == nil {
		return def
	}
	return typeName(outer)
}
