package views

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fiberviews/fiberviews/internal/formvalue"
	"github.com/go-playground/form/v4"
	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
)

// A form is a struct of your own, whose exported fields are the form's
// fields:
//
//	type ContactForm struct {
//		Email   string `form:"email" validate:"required,email,max=254"`
//		Message string `form:"message" validate:"required,max=2000"`
//		Copies  int    `form:"copies" validate:"min=0,max=5"`
//		Code    string `form:"code,secret"` // never shown back in the form
//	}
//
// The form tag names the request field (default: the Go field's name; "-"
// leaves the field out), its option secret keeps the value out of a
// re-rendered form (passwords), and the validate tag holds rules of
// github.com/go-playground/validator. BindForm fills such a struct from the
// request body and checks it; a form may also define, on *ContactForm,
//
//	Bind(c *fiber.Ctx, values url.Values) error // replaces the decoding
//	Validate(c *fiber.Ctx) error                // checks after the rules (Django's clean)
//
// (another signature is a registration error, as it would never run).
// Validate runs even when fields failed, so that the user sees every error
// at once: a field that failed holds its zero value, its default (Form of
// FormView), or a partial value (the elements of a list that were read), a
// pointer field may be nil, and Validate should check only what it can.
//
// The errors of Bind and Validate are shown to the user: a FormErrors adds
// its messages, any other error its text as a non-field error (key ""),
// Django's ValidationError. A failure of the server is not the user's
// mistake: return it as, or wrapped around, a *fiber.Error (e.g.
// fmt.Errorf("spam check: %w", fiber.ErrServiceUnavailable)), which
// BindForm returns as its err, as it does a *ConfigError.

// FormErrors are a form's error messages by field name (the form tag); the
// key "" holds the errors of the form as a whole (Django's non-field
// errors). A FormErrors is an error, so that Bind and Validate return it.
type FormErrors map[string][]string

// Add appends msg to the errors of field ("" for the whole form).
func (e FormErrors) Add(field, msg string) { e[field] = append(e[field], msg) }

// Error lists the messages, field by field.
func (e FormErrors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("views: the form has errors:")
	for _, k := range keys {
		fmt.Fprintf(&b, " %s: %s;", cmp.Or(k, "(form)"), strings.Join(e[k], " "))
	}
	return strings.TrimSuffix(b.String(), ";")
}

// MaxFormValueLength is the longest value BindForm accepts in any field
// (64 KiB); a longer one is a field error, never decoded.
const MaxFormValueLength = 64 << 10

// Messages of the checks BindForm makes before decoding.
const (
	msgRequired = "This field is required."
	msgInvalid  = "Enter a valid value."
	msgUTF8     = "Enter valid text."
	msgRepeated = "Enter a single value."
)

// formField is what BindForm knows of a field: its request name, whether it
// is secret, whether it takes several values, and the kind of its values
// for messages.
type formField struct {
	name   string
	secret bool
	multi  bool
	kind   reflect.Kind
}

// formType is what BindForm knows of a form's struct type.
type formType struct {
	fields               []formField
	hasBind, hasValidate bool // *F has the methods Bind and Validate
}

// formMethods are the methods BindForm calls on a form, with their
// signatures as Go source writes them.
var formMethods = []struct {
	name, source string
	want         reflect.Type
}{
	{"Bind", "(c *fiber.Ctx, values url.Values) error", reflect.TypeFor[func(*fiber.Ctx, url.Values) error]()},
	{"Validate", "(c *fiber.Ctx) error", reflect.TypeFor[func(*fiber.Ctx) error]()},
}

var formTypes sync.Map // reflect.Type → formTypeResult

type formTypeResult struct {
	ft  *formType
	err error
}

// formTypeOf inspects the form type t (once: the result is cached), which
// must be a struct.
func formTypeOf(t reflect.Type) (*formType, error) {
	if r, ok := formTypes.Load(t); ok {
		return r.(formTypeResult).ft, r.(formTypeResult).err
	}
	ft, err := inspectForm(t)
	formTypes.Store(t, formTypeResult{ft, err})
	return ft, err
}

func inspectForm(t reflect.Type) (*formType, error) {
	if t.Kind() != reflect.Struct {
		return nil, &ConfigError{View: typeString(t), Msg: "is not a struct: a form is a struct whose exported fields are its fields"}
	}
	ft := &formType{}
	for _, fm := range formMethods {
		m := reflect.New(t).MethodByName(fm.name)
		if !m.IsValid() {
			continue
		}
		if m.Type() != fm.want {
			return nil, &ConfigError{View: typeString(t), Field: fm.name, Msg: fmt.Sprintf(
				"has signature %s but BindForm calls it as %s: as it is, it never runs; change it to func (f *%s) %s%s",
				typeString(m.Type()), typeString(fm.want), typeLabel(t), fm.name, fm.source)}
		}
		ft.hasBind = ft.hasBind || fm.name == "Bind"
		ft.hasValidate = ft.hasValidate || fm.name == "Validate"
	}
	for _, sf := range reflect.VisibleFields(t) {
		if !sf.IsExported() || sf.Anonymous {
			continue
		}
		tag := sf.Tag.Get("form")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		t := deref(sf.Type)
		fd := formField{name: cmp.Or(name, sf.Name), secret: opts == "secret", kind: t.Kind()}
		if k := t.Kind(); k == reflect.Slice || k == reflect.Array || k == reflect.Map {
			fd.multi, fd.kind = true, deref(t.Elem()).Kind() // its values' kind, for messages
		}
		ft.fields = append(ft.fields, fd)
	}
	return ft, nil
}

var (
	formDecoder   = newDecoder()
	formValidator = newValidator()
)

func newDecoder() *form.Decoder {
	d := form.NewDecoder()
	d.SetTagName("form")
	d.SetMaxArraySize(100) // "a[99999999]=x" would allocate that much
	return d
}

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(sf reflect.StructField) string {
		name, _, _ := strings.Cut(sf.Tag.Get("form"), ",")
		if name == "-" {
			return ""
		}
		return cmp.Or(name, sf.Name)
	})
	return v
}

// BindForm fills the form (see above) from the request body — never the
// query string — and checks it, returning the user's mistakes as FormErrors
// (empty when the form is valid) and a failure of the server as err. Before
// decoding, a value that is not valid UTF-8, longer than
// MaxFormValueLength, or repeated for a field taking one value is a field
// error; then the values are decoded with github.com/go-playground/form
// (a value of the wrong type is a field error), the validate tags checked
// with github.com/go-playground/validator, and f's Validate method called.
// Fields the form does not have are ignored, as Django does.
func BindForm[F any](c *fiber.Ctx, form *F) (FormErrors, error) {
	ft, err := formTypeOf(reflect.TypeFor[F]())
	if err != nil {
		return nil, err
	}
	if form == nil {
		return nil, &ConfigError{View: "views.BindForm", Msg: "got a nil form: pass a pointer to a new one, e.g. &" + typeString(reflect.TypeFor[F]()) + "{}"}
	}
	return ft.bind(c, form)
}

// bind is BindForm, f being a non-nil pointer to a struct of the type ft.
func (ft *formType) bind(c *fiber.Ctx, f any) (FormErrors, error) {
	fields := ft.fields
	values, errs := formvalue.All(c), FormErrors{}
	for _, fd := range fields {
		vs := values[fd.name]
		for _, v := range vs {
			switch {
			case len(v) > MaxFormValueLength:
				errs.Add(fd.name, fmt.Sprintf("Ensure this value has at most %d characters (it has more).", MaxFormValueLength))
			case !utf8.ValidString(v):
				errs.Add(fd.name, msgUTF8)
			default:
				continue
			}
			break
		}
		if len(vs) > 1 && !fd.multi && len(errs[fd.name]) == 0 {
			errs.Add(fd.name, msgRepeated)
		}
		if len(errs[fd.name]) > 0 {
			delete(values, fd.name)
		}
	}
	if ft.hasBind {
		if err := merge(errs, f.(interface {
			Bind(*fiber.Ctx, url.Values) error
		}).Bind(c, values)); err != nil {
			return nil, err
		}
	} else if err := decode(f, fields, values, errs); err != nil {
		return nil, err
	}
	if err := formValidator.Struct(f); err != nil {
		var ve validator.ValidationErrors
		if !errors.As(err, &ve) {
			return nil, fmt.Errorf("views: validating the form %T: %w", f, err)
		}
		for _, fe := range ve {
			field, _, _ := strings.Cut(fe.Field(), "[") // "topic[1]" is the field topic
			if len(errs[field]) == 0 {
				errs.Add(field, ruleMessage(fe))
			}
		}
	}
	if ft.hasValidate { // even when fields failed, as Django's clean: every error at once
		if err := merge(errs, f.(interface{ Validate(*fiber.Ctx) error }).Validate(c)); err != nil {
			return nil, err
		}
	}
	return errs, nil
}

// decode fills f from values with github.com/go-playground/form, adding a
// field error for each value of the wrong type. Only keys naming a field of
// f ("name", or "name[index]" for lists and maps) reach the decoder, which
// panics on some malformed keys ("grid["); a panic left is reported as a
// form error rather than a 500.
func decode(f any, fields []formField, values url.Values, errs FormErrors) (err error) {
	known := url.Values{}
	for k, vs := range values {
		root, rest, _ := strings.Cut(k, "[")
		if !slices.ContainsFunc(fields, func(fd formField) bool { return fd.name == root }) {
			continue
		}
		if rest == "" || (strings.Count(rest, "[") == 0 && strings.Count(rest, "]") == 1 && strings.HasSuffix(rest, "]")) {
			known[k] = vs
		} else if len(errs[root]) == 0 {
			errs.Add(root, msgInvalid)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			errs.Add("", "The form could not be read: "+msgInvalid)
		}
	}()
	if err := formDecoder.Decode(f, known); err != nil {
		var de form.DecodeErrors
		if !errors.As(err, &de) {
			return fmt.Errorf("views: decoding the form %T: %w", f, err)
		}
		for name := range de {
			field, _, _ := strings.Cut(name, "[")
			if len(errs[field]) == 0 {
				errs.Add(field, kindMessage(fields, field))
			}
		}
	}
	return nil
}

// merge adds the error err of Bind or Validate to errs: a FormErrors's
// messages, or any other error's text as a non-field error. It returns the
// errors that are not the user's: a *fiber.Error, a *ConfigError.
func merge(errs FormErrors, err error) error {
	var fe FormErrors
	var he *fiber.Error
	switch {
	case err == nil:
	case errors.As(err, &he) || errors.Is(err, ErrImproperlyConfigured):
		return err
	case errors.As(err, &fe):
		for k, msgs := range fe {
			errs[k] = append(errs[k], msgs...)
		}
	default:
		errs.Add("", err.Error())
	}
	return nil
}

// kindMessage is the message for a value of the wrong type (Django's).
func kindMessage(fields []formField, name string) string {
	for _, fd := range fields {
		if fd.name != name {
			continue
		}
		switch fd.kind {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return "Enter a whole number."
		case reflect.Float32, reflect.Float64:
			return "Enter a number."
		}
	}
	return msgInvalid
}

// ruleMessage is the message for a failed validate rule, Django's wording
// where Django has one.
func ruleMessage(fe validator.FieldError) string {
	text := fe.Kind() == reflect.String
	switch fe.Tag() {
	case "required":
		return msgRequired
	case "email":
		return "Enter a valid email address."
	case "url", "http_url":
		return "Enter a valid URL."
	case "oneof":
		return "Select a valid choice."
	case "min", "gte":
		if text {
			return fmt.Sprintf("Ensure this value has at least %s characters (it has %d).", fe.Param(), utf8.RuneCountInString(fmt.Sprint(fe.Value())))
		}
		return "Ensure this value is greater than or equal to " + fe.Param() + "."
	case "max", "lte":
		if text {
			return fmt.Sprintf("Ensure this value has at most %s characters (it has %d).", fe.Param(), utf8.RuneCountInString(fmt.Sprint(fe.Value())))
		}
		return "Ensure this value is less than or equal to " + fe.Param() + "."
	case "eqfield":
		return "This field must match " + fe.Param() + "."
	}
	return msgInvalid
}

// BoundForm is a form as a template shows it, the context key "form" of
// FormView: the form's struct, the values to put in its inputs, and its
// errors.
//
//	<input name="email" value="{{ .form.Value "email" }}">
//	{{ range .form.FieldErrors "email" }}<p class="error">{{ . }}</p>{{ end }}
type BoundForm struct {
	// Form is the form struct: bound from the request after a POST.
	Form any
	// Values are what the inputs show: GetInitial on GET, the submitted
	// values without the secret fields after a POST.
	Values url.Values
	// Errors are the form's errors (empty on GET).
	Errors FormErrors
}

// Value is the first value of the field name, "" if none.
func (b *BoundForm) Value(name string) string { return b.Values.Get(name) }

// FieldErrors are the errors of the field name.
func (b *BoundForm) FieldErrors(name string) []string { return b.Errors[name] }

// NonFieldErrors are the errors of the form as a whole.
func (b *BoundForm) NonFieldErrors() []string { return b.Errors[""] }

// HasErrors reports whether the form has any error.
func (b *BoundForm) HasErrors() bool { return len(b.Errors) > 0 }

// shownValues are the submitted values of the fields of the form type t
// that are not secret (nor invalid UTF-8 or oversized: not worth echoing
// back).
func shownValues(c *fiber.Ctx, t reflect.Type) url.Values {
	ft, err := formTypeOf(t)
	if err != nil {
		return url.Values{}
	}
	all, shown := formvalue.All(c), url.Values{}
	for _, fd := range ft.fields {
		vs, ok := all[fd.name]
		if ok && !fd.secret && !slices.ContainsFunc(vs, func(v string) bool {
			return len(v) > MaxFormValueLength || !utf8.ValidString(v)
		}) {
			shown[fd.name] = vs
		}
	}
	return shown
}
