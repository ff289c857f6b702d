package views

import (
	"maps"
	"net/url"
	"reflect"

	"github.com/gofiber/fiber/v2"
)

// FormView shows a form on GET and handles it on POST (Django's editing
// FormView):
//
//	type ContactView struct{ views.FormView }
//
//	func (v *ContactView) FormValid(c *fiber.Ctx, form any) error {
//		send(form.(*ContactForm))
//		return v.FormView.FormValid(c, form) // super(): redirect to SuccessURL
//	}
//
//	views.Path("contact/", &ContactView{FormView: views.FormView{
//		Form: &ContactForm{}, SuccessURL: "contact-thanks",
//		TemplateView: views.TemplateView{TemplateName: "contact.html"},
//	}}, urls.Name("contact"))
//
// GET renders the template with the context of GetContextData, whose "form"
// is a *BoundForm holding GetInitial. POST (CSRF-checked) takes GetForm (a
// new form per request), binds and checks it with BindForm, then calls
// FormValid (default: a 302 to GetSuccessURL) when it has no errors, else
// FormInvalid (default: the page again, status 200, with the errors and the
// submitted values, secret fields left out). Bad input — missing fields,
// wrong types, invalid UTF-8, oversized or repeated values — is a form error,
// never a 500. Templates escape what they show, as html/template does.
//
// Hooks: GetForm, GetInitial, FormValid, FormInvalid, GetSuccessURL, and
// TemplateView's.
type FormView struct {
	TemplateView
	// Form is the form (a pointer to a struct; see BindForm): GetForm
	// gives each request a copy of it, so its field values are defaults.
	Form any
	// Initial are the values the inputs show on GET (Django's initial).
	Initial url.Values
	// SuccessURL is where FormValid redirects: a URL or a route name (see
	// ResolveURL).
	SuccessURL string

	hooks Hooks[formHooks]
}

const formViewName = "views.FormView"

// formHooks are the hooks of FormView besides TemplateView's.
type formHooks interface {
	templateHooks
	GetForm(c *fiber.Ctx) (any, error)
	GetInitial(c *fiber.Ctx) (url.Values, error)
	FormValid(c *fiber.Ctx, form any) error
	FormInvalid(c *fiber.Ctx, form any, errs FormErrors) error
	GetSuccessURL(c *fiber.Ctx) (string, error)
}

var _ formHooks = (*FormView)(nil)

// BindView checks Form.
func (v *FormView) BindView(b *Binding) error {
	if v.Form != nil {
		if _, err := fieldsOf(v.Form); err != nil {
			return b.Errorf("Form", "%v", err)
		}
	}
	return nil
}

type boundFormKey struct{}

// Post binds and checks the form, then calls FormValid or FormInvalid.
func (v *FormView) Post(c *fiber.Ctx) error {
	f, errs, err := v.bound(c)
	if err != nil {
		return err
	}
	return v.finish(c, f, errs)
}

// bound is a new form (GetForm) bound and checked with BindForm.
func (v *FormView) bound(c *fiber.Ctx) (any, FormErrors, error) {
	f, err := v.hooks.Of(v).GetForm(c)
	if err != nil {
		return nil, nil, err
	}
	errs, err := BindForm(c, f)
	return f, errs, err
}

// finish calls FormValid, or FormInvalid when errs has any error.
func (v *FormView) finish(c *fiber.Ctx, f any, errs FormErrors) error {
	if len(errs) == 0 {
		return v.hooks.Of(v).FormValid(c, f)
	}
	return v.hooks.Of(v).FormInvalid(c, f, errs)
}

// GetForm is the hook that returns a new form for the request (Django's
// get_form): a copy of Form. Without Form it fails with a *ConfigError.
func (v *FormView) GetForm(c *fiber.Ctx) (any, error) {
	if v.Form == nil {
		return nil, &ConfigError{View: viewName(v.Outer(), formViewName), Field: "Form",
			Msg: "FormView requires a Form (a pointer to a struct, e.g. &ContactForm{}) or an implementation of GetForm"}
	}
	proto := reflect.ValueOf(v.Form)
	f := reflect.New(proto.Type().Elem())
	f.Elem().Set(proto.Elem())
	return f.Interface(), nil
}

// GetInitial is the hook that returns the values the inputs show on GET
// (Django's get_initial): a copy of Initial.
func (v *FormView) GetInitial(c *fiber.Ctx) (url.Values, error) { return maps.Clone(v.Initial), nil }

// FormValid is the hook called with a valid form (Django's form_valid):
// by default a 302 to GetSuccessURL.
func (v *FormView) FormValid(c *fiber.Ctx, form any) error {
	to, err := v.hooks.Of(v).GetSuccessURL(c)
	if err != nil {
		return err
	}
	return redirect(c, to, fiber.StatusFound)
}

// FormInvalid is the hook called with a form that has errors (Django's
// form_invalid): by default the page again, status 200, whose "form" holds
// errs and the submitted values less the secret fields.
func (v *FormView) FormInvalid(c *fiber.Ctx, form any, errs FormErrors) error {
	c.Locals(boundFormKey{}, &BoundForm{Form: form, Values: shownValues(c, form), Errors: errs})
	return v.TemplateView.Get(c)
}

// GetSuccessURL is the hook that returns where FormValid goes: SuccessURL
// resolved (see ResolveURL). Without SuccessURL it fails with a
// *ConfigError.
func (v *FormView) GetSuccessURL(c *fiber.Ctx) (string, error) {
	if v.SuccessURL == "" {
		return "", &ConfigError{View: viewName(v.Outer(), formViewName), Field: "SuccessURL",
			Msg: "no URL to redirect to after a valid form: set SuccessURL, or define GetSuccessURL or FormValid"}
	}
	return ResolveURL(c, v.SuccessURL)
}

// GetContextData is the hook that builds the page's context: TemplateView's,
// then "form", a *BoundForm (GetForm and GetInitial on GET; the bound form
// and its errors after an invalid POST).
func (v *FormView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
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
