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

// methodOrder is Django's View.http_method_names: the allowed names and the
// order of the Allow header.
var methodOrder = [...]string{
	fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
	fiber.MethodDelete, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace,
}

// handlerType is the signature of an HTTP method handler.
var handlerType = reflect.TypeFor[func(*fiber.Ctx) error]()

// The method handlers a view may define.
type (
	getter   interface{ Get(*fiber.Ctx) error }
	header   interface{ Head(*fiber.Ctx) error }
	poster   interface{ Post(*fiber.Ctx) error }
	putter   interface{ Put(*fiber.Ctx) error }
	patcher  interface{ Patch(*fiber.Ctx) error }
	deleter  interface{ Delete(*fiber.Ctx) error }
	optioner interface {
		Options(*fiber.Ctx) error
	}
)

// binder is implemented by every struct that embeds Base (the methods are
// unexported, so only this package's bases provide them, promoted through
// embedding): it is how AsView reaches the embedded base and lets each base
// bind its hooks to the outermost value.
type binder interface {
	viewBase() *Base
	setup(s *spec) error
}

// spec is what AsView learns about a view while binding it.
type spec struct {
	outer    any
	val      reflect.Value // the pointer
	name     string        // e.g. "*main.MyView"
	baseName string        // the outermost base view embedded, e.g. "views.TemplateView"

	// defaultMethods are used when neither Base.HTTPMethodNames nor the
	// HTTPMethodNames option is set (LogoutView: POST, OPTIONS).
	defaultMethods []string
	// decorators are added by bases (LogoutView: NeverCache); they wrap
	// the dispatch inside the AsView options' decorators.
	decorators []Decorator
	// commits run once every check passed, and only the first time this
	// outer value is bound: they store the hooks in the bases.
	commits []func()
	fresh   bool
}

// onCommit queues a write into a base, done only if AsView succeeds.
func (s *spec) onCommit(f func()) { s.commits = append(s.commits, f) }

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
// (*AlreadyBoundError), a bad field value (*ConfigError).
//
// The view value is shared by every request the handler serves: never keep
// per-request state in its fields.
func AsView(v any, opts ...ViewOption) (fiber.Handler, error) {
	var o viewOptions
	for _, opt := range opts {
		opt(&o)
	}
	s, err := inspect(v)
	if err != nil {
		return nil, err
	}
	var base *Base
	if b, ok := v.(binder); ok {
		base = b.viewBase()
		if err := b.setup(s); err != nil {
			return nil, err
		}
	}

	d := &dispatcher{}
	if err := d.collect(s); err != nil {
		return nil, err
	}
	names, field := s.defaultMethods, "HTTPMethodNames"
	csrf := true
	if base != nil {
		if base.HTTPMethodNames != nil {
			names = base.HTTPMethodNames
		}
		csrf = !base.CSRFExempt
	}
	if o.hasMethods {
		names, field = o.methods, "HTTPMethodNames option"
	}
	if o.csrfExempt {
		csrf = false
	}
	if err := d.restrict(s, names, field); err != nil {
		return nil, err
	}
	if csrf {
		d.protect()
	}

	h := d.handler(s.outer)
	for i := len(s.decorators) - 1; i >= 0; i-- {
		h = s.decorators[i](h)
	}
	for i := len(o.decorators) - 1; i >= 0; i-- {
		h = o.decorators[i](h)
	}
	if s.fresh {
		for _, f := range s.commits {
			f()
		}
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

// inspect checks the shape of v and finds its bases.
func inspect(v any) (*spec, error) {
	if v == nil {
		return nil, &InvalidViewError{View: "nil", Reason: "pass a pointer to your view struct, e.g. AsView(&MyView{})"}
	}
	rv := reflect.ValueOf(v)
	t := rv.Type()
	if t.Kind() != reflect.Pointer {
		return nil, &InvalidViewError{View: t.String(), Reason: fmt.Sprintf(
			"it is not a pointer: pass &%s{...}, so that AsView can bind the view into its base "+
				"and your methods with pointer receivers are found", strings.TrimPrefix(t.String(), "*"))}
	}
	if rv.IsNil() {
		return nil, &InvalidViewError{View: t.String(), Reason: "it is a nil pointer"}
	}
	if t.Elem().Kind() != reflect.Struct {
		return nil, &InvalidViewError{View: t.String(), Reason: "it does not point to a struct"}
	}
	s := &spec{outer: v, val: rv, name: t.String(), fresh: true}
	var paths []string
	if err := findBases(rv.Elem(), typeLabel(t.Elem()), "", 0, &paths, &s.baseName); err != nil {
		return nil, &InvalidViewError{View: s.name, Reason: err.Error()}
	}
	if len(paths) > 1 {
		return nil, &AmbiguousError{View: s.name, Name: "views.Base", Candidates: paths}
	}
	return s, nil
}

var baseType = reflect.TypeFor[Base]()

// basePkg is the import path of this package.
var basePkg = baseType.PkgPath()

// findBases appends the path of every embedded Base reachable from the struct
// value v through embedded fields, and names in baseName the outermost type of
// this package on the way (the base view the user embedded).
func findBases(v reflect.Value, path, outerBase string, depth int, paths *[]string, baseName *string) error {
	if depth > 16 {
		return nil // embedding cycles through pointers
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.Anonymous {
			continue
		}
		fv := v.Field(i)
		ft := f.Type
		p := path + "." + f.Name
		if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
			if fv.IsNil() {
				if ft.Elem() == baseType || containsBase(ft.Elem(), 0) {
					return fmt.Errorf("its embedded %s (%s) is a nil pointer: set it, or embed the base by value", ft, p)
				}
				continue
			}
			fv, ft = fv.Elem(), ft.Elem()
		}
		ob := outerBase
		if ob == "" && ft.PkgPath() == basePkg {
			ob = ft.String()
		}
		if ft == baseType {
			*paths = append(*paths, p)
			*baseName = ob
			continue
		}
		if ft.Kind() == reflect.Struct {
			if err := findBases(fv, p, ob, depth+1, paths, baseName); err != nil {
				return err
			}
		}
	}
	return nil
}

// containsBase reports whether struct type t embeds Base at any depth.
func containsBase(t reflect.Type, depth int) bool {
	if depth > 16 {
		return false
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.Anonymous {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft == baseType || (ft.Kind() == reflect.Struct && containsBase(ft, depth+1)) {
			return true
		}
	}
	return false
}

// typeLabel is the short name of a type for paths: "MyView".
func typeLabel(t reflect.Type) string {
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

// checkMethod checks the view's method name against the signature want. It
// returns ok=false, err=nil when the view has no such method at all.
func (s *spec) checkMethod(owner, name string, want reflect.Type) (bool, error) {
	m := s.val.MethodByName(name)
	if !m.IsValid() {
		elem := s.val.Type().Elem()
		if f, ok := elem.FieldByName(name); ok && len(f.Index) == 1 {
			return false, &SignatureError{View: s.name, Method: name, Owner: owner,
				Got: "a field of type " + f.Type.String(), Want: want.String()}
		}
		if c := providers(elem, name, typeLabel(elem), 0); len(c) > 1 {
			return false, &AmbiguousError{View: s.name, Name: name, Candidates: c}
		}
		return false, nil
	}
	if m.Type() != want {
		return false, &SignatureError{View: s.name, Method: name, Owner: owner,
			Got: m.Type().String(), Want: want.String()}
	}
	return true, nil
}

// checkHook checks that the view has hook name with the signature want: it
// always has one (the base defines it) unless the view shadowed it with a
// wrong signature or Go dropped it as ambiguous.
func (s *spec) checkHook(owner, name string, want reflect.Type) error {
	ok, err := s.checkMethod(owner, name, want)
	if err != nil {
		return err
	}
	if !ok {
		return &AmbiguousError{View: s.name, Name: name}
	}
	return nil
}

// hook checks the view's hook name and returns its method value, taken once
// through an interface so that calling it costs no reflection.
func hook[I any, F any](s *spec, owner, name string, method func(I) F) (F, error) {
	var zero F
	if err := s.checkHook(owner, name, reflect.TypeFor[F]()); err != nil {
		return zero, err
	}
	i, ok := s.outer.(I)
	if !ok { // cannot happen after checkHook; kept as a clear error
		return zero, &SignatureError{View: s.name, Method: name, Owner: owner,
			Got: "a method of another type", Want: reflect.TypeFor[F]().String()}
	}
	return method(i), nil
}

// providers lists the embedded fields of struct type t that provide name (as a
// method or a field), descending into embedded structs when fewer than two
// provide it at one level: it explains why Go dropped name as ambiguous.
func providers(t reflect.Type, name, path string, depth int) []string {
	if depth > 16 || t.Kind() != reflect.Struct {
		return nil
	}
	var here []string
	var embedded []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.Anonymous {
			continue
		}
		ft := f.Type
		pt := ft
		if ft.Kind() != reflect.Pointer && ft.Kind() != reflect.Interface {
			pt = reflect.PointerTo(ft)
		}
		_, has := pt.MethodByName(name)
		st := ft
		if st.Kind() == reflect.Pointer {
			st = st.Elem()
		}
		if !has && st.Kind() == reflect.Struct {
			_, has = st.FieldByName(name)
		}
		if has {
			here = append(here, path+"."+f.Name)
		}
		embedded = append(embedded, f)
	}
	if len(here) > 1 {
		return here
	}
	for _, f := range embedded {
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if c := providers(ft, name, path+"."+f.Name, depth+1); len(c) > 1 {
			return c
		}
	}
	return here
}
