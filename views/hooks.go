package views

import (
	"fmt"
	"reflect"
)

// This file is the whole hook mechanism; the package documentation explains
// it (Hooks, and Writing a base view).

// hooksOf returns the implementation of the hook interface I that a base
// view must call: the view AsView bound the base to (the outermost value,
// whose method set holds the user's override, or by Go's promotion the
// base's own method), or self, the base itself, when it was never bound.
//
//	to, err := hooksOf[redirectHooks](v).GetSuccessURL(c)
//
// It is the only way a base calls a hook. AsView has checked that the bound
// view implements every interface its bases declare (see spec.hooks), so the
// fallback to self is taken only by an unbound base.
func hooksOf[I any](self interface{ Outer() any }) I {
	if h, ok := self.Outer().(I); ok {
		return h
	}
	return self.(I)
}

// binder is implemented by every struct that embeds Base; the methods are
// unexported, so only this package's bases provide them, promoted through
// embedding.
type binder interface {
	viewBase() *Base
	// bind declares the base's hooks (hooks[I]), validates its fields
	// and sets what AsView needs (spec.defaultMethods, spec.decorators),
	// calling the bind of the base it embeds, like super(). It may keep
	// values computed from the fields while the base is not yet bound
	// (Outer() == nil): a bound view may be serving.
	bind(s *spec) error
}

// spec is what AsView learns about a view while binding it.
type spec struct {
	outer any
	val   reflect.Value // the pointer
	name  string        // e.g. "*main.MyView"
	// defaultMethods are used when neither Base.HTTPMethodNames nor the
	// HTTPMethodNames option is set (LogoutView: POST, OPTIONS).
	defaultMethods []string
	// decorators are added by bases (LogoutView: NeverCache); they wrap
	// the dispatch inside the AsView options' decorators.
	decorators []Decorator
}

// hooks checks that the view has every method of the interface I with I's
// signature: a method of the wrong signature hides the base's instead of
// overriding it (*SignatureError), and two embedded fields providing one
// make Go drop it (*AmbiguousError). owner names the base in messages.
func hooks[I any](s *spec, owner string) error {
	t := reflect.TypeFor[I]()
	for i := range t.NumMethod() {
		m := t.Method(i)
		ok, err := s.checkMethod(owner, m.Name, m.Type)
		if err != nil {
			return err
		}
		if !ok {
			return &AmbiguousError{View: s.name, Name: m.Name}
		}
	}
	return nil
}

// checkMethod checks the view's method name against the signature want. It
// returns ok=false, err=nil when the view has no such method at all.
func (s *spec) checkMethod(owner, name string, want reflect.Type) (bool, error) {
	m := s.val.MethodByName(name)
	if m.IsValid() && m.Type() == want {
		return true, nil
	}
	if m.IsValid() {
		return false, &SignatureError{View: s.name, Method: name, Owner: owner,
			Got: m.Type().String(), Want: want.String()}
	}
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
			ob = ft.String()
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
		return t.Name()
	}
	return t.String()
}
