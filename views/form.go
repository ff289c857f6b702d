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
// github.com/go-playground/validator and those of RegisterRule. The msg tag
// words the field's messages (Django's error_messages), one per rule or one
// for whatever failed, "invalid" naming a value of the wrong type or form:
//
//	Nick string `form:"nick" validate:"required,alphanum,max=30" msg:"alphanum=Only letters and digits.;max=At most {param} characters."`
//	Age  int    `form:"age" validate:"min=18" msg:"You must be 18 or older."`
//
// (a rule the field lacks, in msg, is a registration error; a message of the
// first form cannot hold ";"). Without a msg, a field shows RegisterRule's
// message for the rule, else the built-in one, Django's wording.
//
// BindForm fills such a struct from the request body and checks it; a form
// may also define, on *ContactForm,
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

// maxFormValueLength is the longest value BindForm accepts in any field
// (64 KiB); a longer one is a field error, never decoded.
const maxFormValueLength = 64 << 10

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
	msg    string            // the msg tag's message for every failure
	msgs   map[string]string // the msg tag's messages by rule
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
		st := deref(sf.Type)
		fd := formField{name: cmp.Or(name, sf.Name), secret: opts == "secret", kind: st.Kind()}
		if k := st.Kind(); k == reflect.Slice || k == reflect.Array || k == reflect.Map {
			fd.multi, fd.kind = true, deref(st.Elem()).Kind() // its values' kind, for messages
		}
		fd.msg, fd.msgs = parseMsg(sf.Tag.Get("msg"))
		for rule := range fd.msgs {
			if vt := sf.Tag.Get("validate"); rule != "invalid" && !slices.Contains(ruleNames(vt), rule) {
				return nil, &ConfigError{View: typeString(t), Field: sf.Name, Msg: fmt.Sprintf(
					"its msg tag names the rule %s, which its validate tag %q lacks: name one of its rules, or invalid "+
						"(a value of the wrong type or form); for one message whatever failed, write it without rule=", rule, vt)}
			}
		}
		ft.fields = append(ft.fields, fd)
	}
	if err := checkRules(t); err != nil {
		return nil, &ConfigError{View: typeString(t), Msg: "has a validate tag the validator cannot use: " + err.Error() +
			" (register a rule of your own with views.RegisterRule before registering the view)"}
	}
	return ft, nil
}

// checkRules validates a zero value of the form type t, reporting the panic
// of the validator on a rule nobody defined.
func checkRules(t reflect.Type) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	rulesMu.RLock()
	defer rulesMu.RUnlock()
	_ = formValidator.Struct(reflect.New(t).Interface())
	return nil
}

// parseMsg reads a msg tag: "rule=message;rule=message" when every part is
// so, else one message for every failure of the field.
func parseMsg(tag string) (all string, byRule map[string]string) {
	if tag == "" {
		return "", nil
	}
	byRule = map[string]string{}
	for part := range strings.SplitSeq(tag, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		rule, msg, ok := strings.Cut(part, "=")
		if rule = strings.TrimSpace(rule); !ok || !isRuleName(rule) {
			return tag, nil
		}
		byRule[rule] = strings.TrimSpace(msg)
	}
	return "", byRule
}

// ruleNames are the names of the rules of a validate tag.
func ruleNames(tag string) []string {
	var names []string
	for part := range strings.SplitSeq(tag, ",") {
		for alt := range strings.SplitSeq(part, "|") {
			name, _, _ := strings.Cut(alt, "=")
			names = append(names, strings.TrimSpace(name))
		}
	}
	return names
}

func isRuleName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

var (
	formDecoder   = newDecoder()
	formValidator = newValidator()

	// rulesMu guards formValidator's rules, ruleFuncs and ruleMessages:
	// RegisterRule writes them, BindForm reads them.
	rulesMu      sync.RWMutex
	ruleFuncs    = map[string]func(string) bool{} // the rules of RegisterRule
	ruleMessages = map[string]string{}            // the messages of RegisterRule
)

// RegisterRule adds the rule name to the validate tags of every form: fn
// reports whether a field's value (as text; an empty value passes, as with
// Django's validators: use required) is valid, and message is what the
// field shows when it is not. Calling it again with the same name replaces
// the rule.
//
// With fn nil it sets the message of a rule only, for every form: one of
// github.com/go-playground/validator's ("required", "alphanum", ...), one
// added before, or "invalid", the failures BindForm finds before the rules
// (a value of the wrong type, invalid UTF-8, repeated or too long) and the
// message of a rule that has none. So a site words the built-in messages
// ("This field is required.", "Enter a valid value.", ...) its own way; a
// message "" restores the built-in one.
//
// A message may hold {param}, the rule's parameter ("max=10": 10). A field's
// msg tag (see BindForm) overrides these messages. Register rules before
// the views using them: a form whose validate tag names an unknown rule is
// a registration error.
func RegisterRule(name string, fn func(value string) bool, message string) error {
	fail := func(msg string) error {
		return &ConfigError{View: fmt.Sprintf("views.RegisterRule(%q)", name), Msg: msg}
	}
	if !isRuleName(name) {
		return fail("is not a rule name: use letters, digits and _")
	}
	rulesMu.Lock()
	defer rulesMu.Unlock()
	_, custom := ruleFuncs[name]
	switch {
	case name == "invalid" && fn != nil:
		return fail("names the failures BindForm finds before the rules, not a rule: pass fn nil to change their message")
	case fn != nil && !custom && validatorRule(name):
		return fail("is a rule of github.com/go-playground/validator already: pass fn nil to change its message only")
	case fn == nil && name != "invalid" && !custom && !validatorRule(name):
		return fail("is no rule: pass fn to add it, or name one of github.com/go-playground/validator's")
	case fn != nil && !custom:
		err := formValidator.RegisterValidation(name, func(fl validator.FieldLevel) bool {
			if !fl.Field().IsValid() {
				return true
			}
			s := fmt.Sprint(fl.Field().Interface())
			return s == "" || ruleFuncs[name](s) // under BindForm's rulesMu.RLock
		})
		if err != nil {
			return fail(err.Error())
		}
	}
	if fn != nil {
		ruleFuncs[name] = fn
		formTypes.Clear() // forms that named the rule before it was defined
	}
	if message == "" {
		delete(ruleMessages, name)
	} else {
		ruleMessages[name] = message
	}
	return nil
}

// validatorRule reports whether the validator knows the rule name; the
// caller holds rulesMu.
func validatorRule(name string) (known bool) {
	defer func() {
		if p := recover(); p != nil {
			s, _ := p.(string)
			known = !strings.HasPrefix(s, "Undefined validation function")
		}
	}()
	_ = formValidator.Var("", name)
	return true
}

// message is the message of the field fd for the failed rule with param:
// fd's msg tag for the rule, or for every rule; RegisterRule's message for
// the rule; def, the built-in one; else that of "invalid".
func (fd *formField) message(rule, param, def string) string {
	m, ok := fd.msgs[rule]
	if !ok {
		m = fd.msg
	}
	if m == "" {
		rulesMu.RLock()
		m = cmp.Or(ruleMessages[rule], def, fd.msgs["invalid"], ruleMessages["invalid"], msgInvalid)
		rulesMu.RUnlock()
	}
	return strings.ReplaceAll(m, "{param}", param)
}

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
// maxFormValueLength, or repeated for a field taking one value is a field
// error; then the values are decoded with github.com/go-playground/form
// (a value of the wrong type is a field error), the validate tags checked
// with github.com/go-playground/validator, and the form's Validate method
// called, whatever failed before. Fields the form does not have are
// ignored, as Django does. A form type BindForm cannot use (not a struct, a
// Bind or Validate of another signature, a bad msg or validate tag) is a
// *ConfigError; FormView reports it when registered.
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
			case len(v) > maxFormValueLength:
				errs.Add(fd.name, fd.message("invalid", "", fmt.Sprintf("Ensure this value has at most %d characters (it has more).", maxFormValueLength)))
			case !utf8.ValidString(v):
				errs.Add(fd.name, fd.message("invalid", "", msgUTF8))
			default:
				continue
			}
			break
		}
		if len(vs) > 1 && !fd.multi && len(errs[fd.name]) == 0 {
			errs.Add(fd.name, fd.message("invalid", "", msgRepeated))
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
	} else if err := ft.decode(f, values, errs); err != nil {
		return nil, err
	}
	rulesMu.RLock()
	err := formValidator.Struct(f)
	rulesMu.RUnlock()
	if err != nil {
		var ve validator.ValidationErrors
		if !errors.As(err, &ve) {
			return nil, fmt.Errorf("views: validating the form %T: %w", f, err)
		}
		for _, fe := range ve {
			field, _, _ := strings.Cut(fe.Field(), "[") // "topic[1]" is the field topic
			if len(errs[field]) == 0 {
				errs.Add(field, ft.field(field).message(fe.Tag(), fe.Param(), ruleMessage(fe)))
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
func (ft *formType) decode(f any, values url.Values, errs FormErrors) (err error) {
	known := url.Values{}
	for k, vs := range values {
		root, rest, _ := strings.Cut(k, "[")
		fd := ft.field(root)
		if fd.name == "" {
			continue
		}
		if rest == "" || (strings.Count(rest, "[") == 0 && strings.Count(rest, "]") == 1 && strings.HasSuffix(rest, "]")) {
			known[k] = vs
		} else if len(errs[root]) == 0 {
			errs.Add(root, fd.message("invalid", "", msgInvalid))
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
			if fd := ft.field(field); len(errs[field]) == 0 {
				errs.Add(field, fd.message("invalid", "", kindMessage(fd.kind)))
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

// kindMessage is the message for a value of the wrong kind (Django's).
func kindMessage(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "Enter a whole number."
	case reflect.Float32, reflect.Float64:
		return "Enter a number."
	}
	return msgInvalid
}

// field is the field of the request name, a zero formField if none.
func (ft *formType) field(name string) *formField {
	for i := range ft.fields {
		if ft.fields[i].name == name {
			return &ft.fields[i]
		}
	}
	return &formField{}
}

// ruleMessage is the built-in message for a failed validate rule, Django's
// wording where Django has one, "" for the rules without one.
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
	return "" // "invalid"'s
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
			return len(v) > maxFormValueLength || !utf8.ValidString(v)
		}) {
			shown[fd.name] = vs
		}
	}
	return shown
}
