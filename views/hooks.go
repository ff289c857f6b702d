package views

import (
	"fmt"
	"reflect"
	"strings"
)

// Hooks declares the hooks of a base view: the methods of the interface I,
// which a view embedding the base may override. A base holds one as a field
// and calls every hook through it; AsView finds the field and checks the view
// against I, so a hook with the wrong signature is a registration error
// rather than a method that silently never runs:
//
//	type ListView struct {
//		views.TemplateView
//		hooks views.Hooks[listHooks]
//	}
//
//	type listHooks interface {
//		GetQueryset(c *fiber.Ctx) ([]Item, error)
//	}
//
//	var _ listHooks = (*ListView)(nil) // every hook has a default
//
//	func (v *ListView) GetQueryset(c *fiber.Ctx) ([]Item, error) { return nil, nil }
//
//	func (v *ListView) Get(c *fiber.Ctx) error {
//		items, err := v.hooks.Of(v).GetQueryset(c) // the view's override, or the default
//		…
//	}
//
// The zero value is ready to use and takes no space.
type Hooks[I any] struct{}

// Of returns the implementation of the hooks that base must call: the view
// AsView bound it to (whose method set holds the user's overrides, and by
// Go's promotion the base's own methods otherwise), or base itself when it
// was never bound.
func (Hooks[I]) Of(base interface{ Outer() any }) I {
	if h, ok := base.Outer().(I); ok {
		return h
	}
	return base.(I)
}

func (Hooks[I]) hookType() reflect.Type { return reflect.TypeFor[I]() }

// hookDecl is implemented by every Hooks[I].
type hookDecl interface{ hookType() reflect.Type }

var hookDeclType = reflect.TypeFor[hookDecl]()

// Binding is what AsView learns of a view while binding it. A base view
// that needs more than its hooks checked defines
//
//	BindView(b *views.Binding) error
//
// which AsView calls once per registration: it calls the BindView of the
// base it embeds first (super), validates its fields (returning b.Errorf),
// and sets the defaults below. While v.Outer() is nil it may also keep
// values computed from its fields; once bound, the view may be serving and
// BindView must write nothing.
type Binding struct {
	// View is the view's Go type, for messages: "*main.MyView".
	View string
	// Methods are the HTTP methods allowed when Base.HTTPMethodNames is nil
	// (LogoutView: post, options). Nil: every method the view defines.
	Methods []string
	// Decorators wrap the view inside Base.Decorators, the first outermost
	// (LogoutView: NeverCache).
	Decorators []Decorator
	// LoginRequired sends anonymous visitors to the login page, as
	// Base.LoginRequired does (PasswordChangeView sets it).
	LoginRequired bool
}

// Errorf returns the registration error of a field of the view: a
// *ConfigError naming the view and field, with the message formatted.
func (b *Binding) Errorf(field, format string, args ...any) error {
	return &ConfigError{View: b.View, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// viewBinder is implemented by bases that define BindView.
type viewBinder interface{ BindView(*Binding) error }

// binder is implemented by every struct that embeds Base (viewBase is
// promoted from Base).
type binder interface{ viewBase() *Base }

// spec is what AsView learns about a view while binding it.
type spec struct {
	outer any
	val   reflect.Value // the pointer
	name  string        // e.g. "*main.MyView"
}

// checkHooks finds every Hooks[I] field declared by the view's struct or the
// structs it embeds (at any depth) and checks that the base declaring it has
// every method of I (its default) and that the view's method set has each of
// them with I's signature.
func (s *spec) checkHooks() error {
	var errs []error
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		if depth > 16 || t.Kind() != reflect.Struct {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Type.Implements(hookDeclType) && f.Type.Kind() == reflect.Struct {
				i := reflect.Zero(f.Type).Interface().(hookDecl).hookType()
				if !seen[i] {
					seen[i] = true
					if err := s.checkDecl(t, i); err != nil {
						errs = append(errs, err)
					}
				}
			}
			if f.Anonymous {
				walk(deref(f.Type), depth+1)
			}
		}
	}
	walk(s.val.Type().Elem(), 0)
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// checkDecl checks the hooks I declared by the base type base.
func (s *spec) checkDecl(base, i reflect.Type) error {
	owner, bn, in := typeString(base), typeLabel(base), typeLabel(i)
	if i.Kind() != reflect.Interface {
		return &ConfigError{View: s.name, Msg: fmt.Sprintf(
			"%s declares Hooks[%s], which is not an interface: list the hooks as an interface's methods", owner, i)}
	}
	for j := range i.NumMethod() {
		m := i.Method(j)
		if _, ok := reflect.PointerTo(base).MethodByName(m.Name); !ok {
			return &ConfigError{View: s.name, Field: m.Name, Msg: fmt.Sprintf(
				"%s declares the hook %s but defines no default for it: define (*%s).%s (add var _ %s = (*%s)(nil) to catch this when compiling)",
				owner, m.Name, bn, m.Name, in, bn)}
		}
		if err := s.checkMethod(owner, m.Name, m.Type, true); err != nil {
			return err
		}
	}
	return nil
}

// checkMethod checks the view's method name against the signature want. It
// returns ok=false, err=nil when the view has no such method at all, unless
// required, when that is an error too.
func (s *spec) checkMethod(owner, name string, want reflect.Type, required bool) error {
	m := s.val.MethodByName(name)
	if m.IsValid() && m.Type() == want {
		return nil
	}
	if m.IsValid() {
		got, want := typeString(m.Type()), typeString(want)
		if owner == "AsView" {
			return &ConfigError{View: s.name, Field: name, Msg: fmt.Sprintf(
				"has signature %s but AsView serves %s with a %s: change it to %s",
				got, strings.ToUpper(name), want, want)}
		}
		return &ConfigError{View: s.name, Field: name, Msg: fmt.Sprintf(
			"has signature %s but %s calls it as %s: as it is, it hides the base's %s instead of overriding it; change it to %s",
			got, owner, want, name, want)}
	}
	elem := s.val.Type().Elem()
	if f, ok := elem.FieldByName(name); ok && len(f.Index) == 1 {
		return &ConfigError{View: s.name, Field: name, Msg: fmt.Sprintf(
			"is a field of type %s, which hides the method %s calls as %s; rename the field", typeString(f.Type), owner, typeString(want))}
	}
	if c := providers(elem, name, typeLabel(elem), 0); len(c) > 1 {
		return &ConfigError{View: s.name, Field: name, Msg: fmt.Sprintf(
			"is ambiguous: %s define it at the same depth, so Go drops it from the method set and neither would be called; define %s on %s to choose",
			strings.Join(c, " and "), name, s.name)}
	}
	if required {
		return &ConfigError{View: s.name, Field: name, Msg: fmt.Sprintf(
			"is missing: %s calls it as a hook, but the view's method set has no %s (is the base embedded by value?)", owner, name)}
	}
	return errAbsent
}

// errAbsent is checkMethod's answer for an optional method the view lacks.
var errAbsent = &ConfigError{Msg: "absent"}

// providers lists the embedded fields of struct type t that provide name (as a
// method or a field), descending into embedded structs when fewer than two
// provide it at one level: it explains why Go dropped name as ambiguous.
func providers(t reflect.Type, name, path string, depth int) []string {
	if depth > 16 || t.Kind() != reflect.Struct {
		return nil
	}
	var here []string
	var embedded []reflect.StructField
	for i := range t.NumField() {
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
		if st := deref(ft); !has && st.Kind() == reflect.Struct {
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
		if c := providers(deref(f.Type), name, path+"."+f.Name, depth+1); len(c) > 1 {
			return c
		}
	}
	return here
}

var baseType = reflect.TypeFor[Base]()

// findBases appends the path of every embedded Base reachable from the struct
// value v through embedded fields, and names in baseName the outermost type of
// this package on the way (the base view the user embedded, for messages).
func findBases(v reflect.Value, path, outerBase string, depth int, paths *[]string, baseName *string) error {
	if depth > 16 {
		return nil // embedding cycles through pointers
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.Anonymous {
			continue
		}
		fv, ft, p := v.Field(i), f.Type, path+"."+f.Name
		if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
			if fv.IsNil() {
				if containsBase(ft.Elem(), 0) {
					return fmt.Errorf("its embedded %s (%s) is a nil pointer: set it, or embed the base by value", ft, p)
				}
				continue
			}
			fv, ft = fv.Elem(), ft.Elem()
		}
		ob := outerBase
		if ob == "" && ft.PkgPath() == baseType.PkgPath() {
			ob = typeString(ft)
		}
		if ft == baseType {
			*paths = append(*paths, p)
			*baseName = ob
		} else if ft.Kind() == reflect.Struct {
			if err := findBases(fv, p, ob, depth+1, paths, baseName); err != nil {
				return err
			}
		}
	}
	return nil
}

// containsBase reports whether struct type t is or embeds Base at any depth.
func containsBase(t reflect.Type, depth int) bool {
	if t == baseType {
		return true
	}
	if depth > 16 || t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.Anonymous && containsBase(deref(f.Type), depth+1) {
			return true
		}
	}
	return false
}

func deref(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		return t.Elem()
	}
	return t
}

// typeLabel is the short name of a type for paths: "MyView".
func typeLabel(t reflect.Type) string {
	if t.Name() != "" {
		return importPath.ReplaceAllString(t.Name(), "")
	}
	return typeString(t)
}
