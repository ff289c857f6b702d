package views

import (
	"maps"
	"net/url"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// FormView shows a form on GET and handles it on POST (Django's editing
// FormView); F is the form, a struct of your own (Django's form_class, see
// BindForm):
//
//	type ContactView struct {
//		views.FormView[ContactForm]
//	}
//
//	func (v *ContactView) FormValid(c *fiber.Ctx, form *ContactForm) error {
//		send(form)
//		return v.FormView.FormValid(c, form) // super(): redirect to SuccessURL
//	}
//
//	views.Path("contact/", &ContactView{FormView: views.FormView[ContactForm]{
//		SuccessURL:   "contact-thanks",
//		TemplateView: views.TemplateView{TemplateName: "contact.html"},
//	}}, urls.Name("contact"))
//
// GET renders the template with the context of GetContextData, whose "form"
// is a *BoundForm holding GetInitial. POST (CSRF-checked) takes GetForm (a
// new form per request), binds and checks it with BindForm, then calls
// FormValid (default: a 302 to GetSuccessURL) when it has no errors, else
// FormInvalid (default: the page again, status 200, with every error and
// the submitted values, secret fields left out). Bad input — missing fields,
// wrong types, invalid UTF-8, oversized or repeated values — is a form error,
// never a 500. Templates escape what they show, as html/template does.
//
// AsView checks F: a type that is not a struct, a Bind or Validate method
// whose signature is not the one BindForm calls (it would never run), or a
// Form sharing a slice, map or pointer between requests, is a registration
// error.
//
// Hooks: GetForm, GetInitial, FormValid, FormInvalid, GetSuccessURL, and
// TemplateView's.
type FormView[F any] struct {
	TemplateView
	// Form holds the form's defaults: GetForm gives each request a copy of
	// it, into which BindForm decodes the body, so a field the request
	// lacks keeps its value here. The zero value (no defaults) is the
	// usual one. Its slices, maps and pointers must be nil, since a copy
	// would share them: set such defaults in GetForm.
	Form F
	// Initial are the values the inputs show on GET (Django's initial).
	Initial url.Values
	// SuccessURL is where FormValid redirects: a URL or a route name (see
	// ResolveURL).
	SuccessURL string

	hooks Hooks[formHooks[F]]
}

// formHooks are the hooks of FormView besides TemplateView's.
type formHooks[F any] interface {
	templateHooks
	GetForm(c *fiber.Ctx) (*F, error)
	GetInitial(c *fiber.Ctx) (url.Values, error)
	FormValid(c *fiber.Ctx, form *F) error
	FormInvalid(c *fiber.Ctx, form *F, errs FormErrors) error
	GetSuccessURL(c *fiber.Ctx) (string, error)
}

var _ formHooks[struct{}] = (*FormView[struct{}])(nil)

// BindView checks F (see BindForm) and Form.
func (v *FormView[F]) BindView(b *Binding) error {
	if _, err := formTypeOf(reflect.TypeFor[F]()); err != nil {
		return b.Errorf("Form", "%s", strings.TrimPrefix(err.Error(), "views: "))
	}
	if name, kind := sharedField(reflect.ValueOf(&v.Form).Elem()); name != "" {
		return b.Errorf("Form", "its field %s holds a %s, which every request's copy of Form would share "+
			"(the decoder would write one request's values into another's): leave it nil in Form and set the default in GetForm", name, kind)
	}
	return nil
}

// sharedField names the first exported field of the struct v that holds a
// non-nil slice, map or pointer, and its kind.
func sharedField(v reflect.Value) (string, reflect.Kind) {
	for _, sf := range reflect.VisibleFields(v.Type()) {
		if !sf.IsExported() || sf.Anonymous {
			continue
		}
		f, err := v.FieldByIndexErr(sf.Index)
		if err != nil {
			continue // promoted through a nil embedded pointer
		}
		switch f.Kind() {
		case reflect.Slice, reflect.Map, reflect.Pointer:
			if !f.IsNil() {
				return sf.Name, f.Kind()
			}
		}
	}
	return "", reflect.Invalid
}

type boundFormKey struct{}

// Post binds and checks the form, then calls FormValid or FormInvalid.
func (v *FormView[F]) Post(c *fiber.Ctx) error {
	f, errs, err := v.bound(c)
	if err != nil {
		return err
	}
	return v.finish(c, f, errs)
}

// bound is a new form (GetForm) bound and checked with BindForm.
func (v *FormView[F]) bound(c *fiber.Ctx) (*F, FormErrors, error) {
	f, err := v.hooks.Of(v).GetForm(c)
	if err != nil {
		return nil, nil, err
	}
	if f == nil {
		return nil, nil, &ConfigError{View: viewName(v.Outer(), typeString(reflect.TypeOf(v))), Field: "GetForm",
			Msg: "returned a nil form: return a new one, e.g. &" + typeString(reflect.TypeFor[F]()) + "{}"}
	}
	errs, err := BindForm(c, f)
	return f, errs, err
}

// finish calls FormValid, or FormInvalid when errs has any error.
func (v *FormView[F]) finish(c *fiber.Ctx, f *F, errs FormErrors) error {
	if len(errs) == 0 {
		return v.hooks.Of(v).FormValid(c, f)
	}
	return v.hooks.Of(v).FormInvalid(c, f, errs)
}

// GetForm is the hook that returns a new form for the request (Django's
// get_form): a copy of Form.
func (v *FormView[F]) GetForm(c *fiber.Ctx) (*F, error) {
	f := new(F)
	*f = v.Form
	return f, nil
}

// GetInitial is the hook that returns the values the inputs show on GET
// (Django's get_initial): a copy of Initial.
func (v *FormView[F]) GetInitial(c *fiber.Ctx) (url.Values, error) { return maps.Clone(v.Initial), nil }

// FormValid is the hook called with a valid form (Django's form_valid):
// by default a 302 to GetSuccessURL.
func (v *FormView[F]) FormValid(c *fiber.Ctx, form *F) error {
	to, err := v.hooks.Of(v).GetSuccessURL(c)
	if err != nil {
		return err
	}
	return redirect(c, to, fiber.StatusFound)
}

// FormInvalid is the hook called with a form that has errors (Django's
// form_invalid): by default the page again, status 200, whose "form" holds
// errs and the submitted values less the secret fields.
func (v *FormView[F]) FormInvalid(c *fiber.Ctx, form *F, errs FormErrors) error {
	c.Locals(boundFormKey{}, &BoundForm{Form: form, Values: shownValues(c, reflect.TypeFor[F]()), Errors: errs})
	return v.TemplateView.Get(c)
}

// GetSuccessURL is the hook that returns where FormValid goes: SuccessURL
// resolved (see ResolveURL). Without SuccessURL it fails with a
// *ConfigError.
func (v *FormView[F]) GetSuccessURL(c *fiber.Ctx) (string, error) {
	if v.SuccessURL == "" {
		return "", &ConfigError{View: viewName(v.Outer(), typeString(reflect.TypeOf(v))), Field: "SuccessURL",
			Msg: "no URL to redirect to after a valid form: set SuccessURL, or define GetSuccessURL or FormValid"}
	}
	return ResolveURL(c, v.SuccessURL)
}

// GetContextData is the hook that builds the page's context: TemplateView's,
// then "form", a *BoundForm (GetForm and GetInitial on GET; the bound form
// and its errors after an invalid POST).
func (v *FormView[F]) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	bf, ok := c.Locals(boundFormKey{}).(*BoundForm)
	if !ok {
		h := v.hooks.Of(v)
		f, err := h.GetForm(c)
		if err != nil {
			return nil, err
		}
		initial, err := h.GetInitial(c)
		if err != nil {
			return nil, err
		}
		bf = &BoundForm{Form: f, Values: initial, Errors: FormErrors{}}
	}
	ctx["form"] = bf
	return ctx, nil
}
