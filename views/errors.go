package views

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, one per kind of registration mistake. Every error AsView
// returns matches one of them with errors.Is, and is one of the typed errors
// below for errors.As.
var (
	// ErrInvalidView: the value given to AsView is not a non-nil pointer to a
	// struct, or an embedded base is a nil pointer.
	ErrInvalidView = errors.New("views: invalid view value")
	// ErrSignature: a method named like an HTTP method handler or a hook has
	// the wrong signature, so it hides the base's method instead of
	// overriding it.
	ErrSignature = errors.New("views: wrong method signature")
	// ErrAmbiguous: two embedded fields provide the same method (or base) at
	// the same depth; Go then silently drops it from the method set.
	ErrAmbiguous = errors.New("views: ambiguous selector")
	// ErrAlreadyBound: one base value is embedded (by pointer) in two views,
	// or bound once as a view of its own and once inside another.
	ErrAlreadyBound = errors.New("views: base already bound to another view")
	// ErrImproperlyConfigured: a field of the view has a value that cannot
	// work (Django's ImproperlyConfigured).
	ErrImproperlyConfigured = errors.New("views: improperly configured")
)

// InvalidViewError reports a value AsView cannot use as a view.
type InvalidViewError struct {
	View   string // the Go type given, e.g. "main.MyView"
	Reason string // what is wrong with it
}

// Error describes the mistake and how to fix it.
func (e *InvalidViewError) Error() string {
	return fmt.Sprintf("views: %s cannot be a view: %s", e.View, e.Reason)
}

// Unwrap returns ErrInvalidView.
func (e *InvalidViewError) Unwrap() error { return ErrInvalidView }

// SignatureError reports a method whose name makes it an HTTP method handler
// or a hook but whose signature does not match.
type SignatureError struct {
	View   string // e.g. "*main.MyView"
	Method string // e.g. "GetContextData"
	Owner  string // the base that calls it, e.g. "views.TemplateView"; "AsView" for HTTP method handlers
	Got    string // the signature found
	Want   string // the signature required
}

// Error describes the mistake and how to fix it.
func (e *SignatureError) Error() string {
	if strings.HasPrefix(e.Got, "a field") {
		return fmt.Sprintf("views: %s.%s is %s, which hides the method %s calls as %s; rename the field",
			strings.TrimPrefix(e.View, "*"), e.Method, e.Got, e.Owner, e.Want)
	}
	if e.Owner == "AsView" {
		return fmt.Sprintf("views: (%s).%s has signature %s but AsView serves the %s method with a "+
			"%s: as it is the method would be silently ignored; change it to %s",
			e.View, e.Method, e.Got, strings.ToUpper(e.Method), e.Want, e.Want)
	}
	return fmt.Sprintf("views: (%s).%s has signature %s but %s calls it as %s: "+
		"with this signature it hides the base's %s instead of overriding it; change it to %s",
		e.View, e.Method, e.Got, e.Owner, e.Want, e.Method, e.Want)
}

// Unwrap returns ErrSignature.
func (e *SignatureError) Unwrap() error { return ErrSignature }

// AmbiguousError reports a method or base provided by more than one embedded
// field at the same depth: Go drops such a selector from the method set without
// a word, so the view would silently lose it.
type AmbiguousError struct {
	View       string   // e.g. "*main.MyView"
	Name       string   // the method, or "views.Base"
	Candidates []string // the embedded fields that provide it, e.g. "MyView.TemplateView"
}

// Error describes the mistake and how to fix it.
func (e *AmbiguousError) Error() string {
	if e.Name == "views.Base" {
		return fmt.Sprintf("views: %s embeds more than one base view (%s): Go drops their "+
			"ambiguous methods, so no base would run; embed exactly one base view",
			e.View, strings.Join(e.Candidates, ", "))
	}
	where := "more than one embedded field at the same depth"
	if len(e.Candidates) > 0 {
		where += " (" + strings.Join(e.Candidates, ", ") + ")"
	}
	return fmt.Sprintf("views: (%s).%s is ambiguous: %s defines it, so Go drops it from the "+
		"method set and neither would be called; define %s on %s to choose",
		e.View, e.Name, where, e.Name, e.View)
}

// Unwrap returns ErrAmbiguous.
func (e *AmbiguousError) Unwrap() error { return ErrAmbiguous }

// AlreadyBoundError reports a base value that AsView has already bound to
// another view: its hooks would call the wrong view's methods.
type AlreadyBoundError struct {
	Base  string // the base type, e.g. "views.TemplateView"
	Bound string // the view it is bound to
	View  string // the view that tried to bind it too
}

// Error describes the mistake and how to fix it.
func (e *AlreadyBoundError) Error() string {
	return fmt.Sprintf("views: the %s inside %s is already bound to a %s value: one base value "+
		"cannot serve two views (its hooks call one outer view); give each view its own "+
		"base value (embed it by value, not by a shared pointer)", e.Base, e.View, e.Bound)
}

// Unwrap returns ErrAlreadyBound.
func (e *AlreadyBoundError) Unwrap() error { return ErrAlreadyBound }

// ConfigError reports a field value that cannot work.
type ConfigError struct {
	View  string // e.g. "*main.MyView"
	Field string // e.g. "HTTPMethodNames"; "" when the view as a whole is wrong
	Msg   string // what is wrong and how to fix it
}

// Error describes the mistake and how to fix it.
func (e *ConfigError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("views: %s: %s", e.View, e.Msg)
	}
	return fmt.Sprintf("views: %s.%s: %s", e.View, e.Field, e.Msg)
}

// Unwrap returns ErrImproperlyConfigured.
func (e *ConfigError) Unwrap() error { return ErrImproperlyConfigured }
