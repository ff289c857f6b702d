package views_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/viewtest"
	"github.com/gofiber/fiber/v2"
)

// contactForm is a plain struct meeting the form contract with tags, and a
// Validate method for a check across fields.
type contactForm struct {
	Email   string   `form:"email" validate:"required,email,max=254"`
	Message string   `form:"message" validate:"required,max=20"`
	Copies  int      `form:"copies" validate:"min=0,max=5"`
	Topics  []string `form:"topic" validate:"dive,oneof=a b"`
	Code    string   `form:"code,secret"`
}

func (f *contactForm) Validate(c *fiber.Ctx) error {
	if f.Code == "boom" {
		return errors.New("The code checker is down, try again later.")
	}
	if f.Code == "down" {
		return fmt.Errorf("the code checker: %w", fiber.ErrServiceUnavailable)
	}
	if f.Code != "" && f.Code != "1234" {
		return views.FormErrors{"": {"The code is wrong."}}
	}
	return nil
}

// contactView counts on FormValid: it answers the valid form itself.
type contactView struct {
	views.FormView[contactForm]
}

func (v *contactView) FormValid(c *fiber.Ctx, f *contactForm) error {
	if f.Message == "redirect" {
		return v.FormView.FormValid(c, f)
	}
	return c.SendString("sent " + f.Email + " " + f.Message)
}

var formTemplates = fstest.MapFS{
	"contact.html": {Data: []byte(`<form method="post" action="{{ url "contact" }}">{{ .csrf_input }}` +
		`email=[{{ .form.Value "email" }}] message=[{{ .form.Value "message" }}] code=[{{ .form.Value "code" }}] ` +
		`{{ range $k, $v := .form.Errors }}{{ $k }}:{{ range $v }}{{ . }}|{{ end }} {{ end }}` +
		`nonfield={{ .form.NonFieldErrors }}</form>`)},
	"nocsrf.html": {Data: []byte(`<form method="post" action="{{ url "contact" }}"></form>`)},
}

func formSite(t *testing.T) (*viewtest.Client, *session.Manager) {
	t.Helper()
	table, err := urls.Compile([]urls.Pattern{
		urls.Path("thanks/", func(c *fiber.Ctx) error { return c.SendString("thanks") }, urls.Name("thanks")),
		views.Path("contact/", &contactView{FormView: views.FormView[contactForm]{
			Form: contactForm{Copies: 1}, SuccessURL: "thanks", Initial: url.Values{"email": {"you@example.com"}},
			TemplateView: views.TemplateView{TemplateName: "contact.html"},
		}}, urls.Name("contact")),
		views.Path("nocsrf/", &views.TemplateView{TemplateName: "nocsrf.html"}, urls.Name("nocsrf")),
	})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := templates.New(templates.Config{FS: formTemplates, Resolver: table})
	if err != nil {
		t.Fatal(err)
	}
	m := newSessions(t)
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(m.Middleware(), views.Setup(views.Config{Logger: slog.New(slog.DiscardHandler)}))
	table.Mount(app)
	return viewtest.New(app, viewtest.Config{Sessions: m, URLs: table}), m
}

func TestFormViewGet(t *testing.T) {
	cl, _ := formSite(t)
	r := must(cl.Get("contact"))
	if r.StatusCode != 200 || !strings.Contains(r.Body, "email=[you@example.com] message=[] code=[]") ||
		!strings.Contains(r.Body, `name="csrfmiddlewaretoken"`) {
		t.Errorf("GET: %d %s", r.StatusCode, r.Body)
	}
}

func TestFormViewPost(t *testing.T) {
	long := strings.Repeat("x", 64<<10+1)
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   []string // in the body
		not    []string
	}{
		{"valid: FormValid", url.Values{"email": {"a@b.example"}, "message": {"hi"}}, 200, []string{"sent a@b.example hi"}, nil},
		{"valid: the default FormValid redirects", url.Values{"email": {"a@b.example"}, "message": {"redirect"}}, 302, nil, nil},
		{"missing fields", url.Values{}, 200, []string{"email:This field is required.|", "message:This field is required.|"}, []string{"sent"}},
		{"wrong type", url.Values{"email": {"a@b.example"}, "message": {"hi"}, "copies": {"many"}}, 200,
			[]string{"copies:Enter a whole number.|", "message=[hi]"}, nil},
		{"out of range", url.Values{"email": {"a@b.example"}, "message": {"hi"}, "copies": {"9"}}, 200,
			[]string{"copies:Ensure this value is less than or equal to 5.|"}, nil},
		{"too long for its rule", url.Values{"email": {"a@b.example"}, "message": {strings.Repeat("m", 21)}}, 200,
			[]string{"message:Ensure this value has at most 20 characters (it has 21).|"}, nil},
		{"bad email", url.Values{"email": {"nope"}, "message": {"hi"}}, 200, []string{"email:Enter a valid email address.|", "email=[nope]"}, nil},
		{"invalid UTF-8 is not echoed", url.Values{"email": {"a\xffb@x.example"}, "message": {"hi"}}, 200,
			[]string{"email:Enter valid text.|", "email=[]"}, nil},
		{"oversized is not echoed", url.Values{"email": {"a@b.example"}, "message": {long}}, 200,
			[]string{"message:Ensure this value has at most 65536 characters (it has more).|", "message=[]"}, nil},
		{"repeated field", url.Values{"email": {"a@b.example", "c@d.example"}, "message": {"hi"}}, 200,
			[]string{"email:Enter a single value.|"}, nil},
		{"repeated values of a list field are fine, each checked", url.Values{"email": {"a@b.example"}, "message": {"hi"}, "topic": {"a", "c"}}, 200,
			[]string{"topic:Select a valid choice.|"}, nil},
		{"too many list indexes", url.Values{"email": {"a@b.example"}, "message": {"hi"}, "topic[5000]": {"a"}}, 200,
			[]string{"topic:Enter a valid value.|"}, nil},
		{"escaped", url.Values{"email": {`"><script>x</script>`}, "message": {"hi"}}, 200,
			[]string{"email=[&#34;&gt;&lt;script&gt;x&lt;/script&gt;]"}, []string{"<script>"}},
		{"a secret field is never shown back", url.Values{"email": {"a@b.example"}, "message": {"hi"}, "code": {"9999"}}, 200,
			[]string{"nonfield=[The code is wrong.]", "code=[]"}, []string{"9999"}},
		{"unknown fields are ignored", url.Values{"email": {"a@b.example"}, "message": {"hi"}, "admin": {"1"}}, 200, []string{"sent"}, nil},
		{"a plain error of Validate is shown as a non-field error", url.Values{"email": {"a@b.example"}, "message": {"hi"}, "code": {"boom"}}, 200,
			[]string{"nonfield=[The code checker is down, try again later.]"}, []string{"sent"}},
		{"a *fiber.Error of Validate is the response's", url.Values{"email": {"a@b.example"}, "message": {"hi"}, "code": {"down"}}, 503, nil, []string{"checker"}},
		{"every error at once: the fields' and Validate's", url.Values{"email": {"nope"}, "copies": {"many"}, "code": {"9999"}}, 200,
			[]string{"email:Enter a valid email address.|", "message:This field is required.|", "copies:Enter a whole number.|", "nonfield=[The code is wrong.]"}, []string{"sent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, _ := formSite(t)
			must(cl.Get("contact"))
			r := must(cl.PostForm("contact", tt.form))
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tt.status, r.Body)
			}
			if tt.status == 302 && r.Location() != "/thanks/" {
				t.Errorf("Location %q, want /thanks/", r.Location())
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("body lacks %q:\n%s", w, r.Body)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(r.Body, w) {
					t.Errorf("body has %q:\n%s", w, r.Body)
				}
			}
		})
	}
	t.Run("a query string is never read", func(t *testing.T) {
		cl, _ := formSite(t)
		must(cl.Get("contact"))
		u := must(cl.URL("contact"))
		u.RawQuery = "email=a@b.example&message=hi"
		r := must(cl.Post(u.String(), fiber.MIMEApplicationForm, nil))
		if !strings.Contains(r.Body, "email:This field is required.") {
			t.Errorf("query values were bound: %s", r.Body)
		}
	})
	t.Run("CSRF-checked", func(t *testing.T) {
		cl, _ := formSite(t)
		must(cl.Get("nocsrf"))
		if r := must(cl.PostForm("contact", url.Values{"email": {"a@b.example"}, "message": {"hi"}})); r.StatusCode != 403 {
			t.Errorf("a form without its CSRF input: %d, want 403", r.StatusCode)
		}
	})
}

// oldContactView overrides FormValid with the signature of the FormView
// without a type parameter: it would never be called.
type oldContactView struct {
	views.FormView[contactForm]
}

func (v *oldContactView) FormValid(c *fiber.Ctx, form any) error { return nil }

// withTopics has a slice field, which a Form default would share.
type withTopics struct {
	Topics []string `form:"topic"`
}

func TestFormViewConfig(t *testing.T) {
	tests := []struct {
		name string
		view any
		want string // the registration error
	}{
		{"a form that is not a struct", &views.FormView[int]{},
			"views: *views.FormView[int].Form: int is not a struct: a form is a struct whose exported fields are its fields"},
		{"a hook with the signature of the untyped FormView", &oldContactView{},
			"views: *views_test.oldContactView.FormValid: has signature func(*fiber.Ctx, interface {}) error " +
				"but views.FormView[views_test.contactForm] calls it as func(*fiber.Ctx, *views_test.contactForm) error"},
		{"a Form sharing a slice", &views.FormView[withTopics]{Form: withTopics{Topics: []string{"a"}}},
			"views: *views.FormView[views_test.withTopics].Form: its field Topics holds a slice, which every request's copy of Form would share"},
		{"a field hiding a hook", &struct {
			views.FormView[contactForm]
			FormValid func()
		}{}, "FormValid: is a field of type func(), which hides the method views.FormView[views_test.contactForm] calls as func(*fiber.Ctx, *views_test.contactForm) error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := views.AsView(tt.view)
			if !errors.Is(err, views.ErrImproperlyConfigured) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("AsView: %v\nwant ErrImproperlyConfigured with %q", err, tt.want)
			}
		})
	}
	t.Run("a Form with defaults but no shared values", func(t *testing.T) {
		if _, err := views.AsView(&views.FormView[contactForm]{Form: contactForm{Copies: 2}}); err != nil {
			t.Error(err)
		}
	})
}

// must returns v, or panics with err: for calls that fail only when the
// test itself is broken.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// answerForm decodes itself: Bind replaces the tag decoding.
type answerForm struct {
	Answer string `form:"answer" validate:"required"`
}

func (f *answerForm) Bind(c *fiber.Ctx, values url.Values) error {
	switch v := values.Get("answer"); v {
	case "forty-two", "42":
		f.Answer = "42"
	case "fail":
		return errors.New("The oracle is out.")
	case "down":
		return fiber.ErrServiceUnavailable
	default:
		return views.FormErrors{"answer": {"Not the answer."}}
	}
	return nil
}

func TestBindFormWithBind(t *testing.T) {
	app := fiber.New()
	app.Post("/", func(c *fiber.Ctx) error {
		f := &answerForm{}
		errs, err := views.BindForm(c, f)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return c.SendString(errs.Error())
		}
		return c.SendString("bound " + f.Answer)
	})
	cl := viewtest.New(app, viewtest.Config{})
	for _, tt := range []struct {
		body   string
		status int
		want   string
	}{
		{"answer=forty-two", 200, "bound 42"},
		{"answer=41", 200, "views: the form has errors: answer: Not the answer."},
		{"", 200, "views: the form has errors: answer: Not the answer."},
		{"answer=fail", 200, "views: the form has errors: (form): The oracle is out.; answer: This field is required."},
		{"answer=down", 503, "Service Unavailable"},
	} {
		t.Run(tt.body, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", fiber.MIMEApplicationForm)
			if r := must(cl.Do(req)); r.StatusCode != tt.status || r.Body != tt.want {
				t.Errorf("%q: %d %q, want %d %q", tt.body, r.StatusCode, r.Body, tt.status, tt.want)
			}
		})
	}
	t.Run("not a struct, or nil", func(t *testing.T) {
		app := fiber.New()
		app.Post("/", func(c *fiber.Ctx) error {
			n := 1
			_, err1 := views.BindForm(c, &n)
			_, err2 := views.BindForm[answerForm](c, nil)
			return c.SendString(fmt.Sprint(errors.Is(err1, views.ErrImproperlyConfigured), errors.Is(err2, views.ErrImproperlyConfigured)))
		})
		if r := must(viewtest.New(app, viewtest.Config{}).Do(httptest.NewRequest("POST", "/", nil))); r.Body != "true true" {
			t.Errorf("BindForm of an *int, of nil: ErrImproperlyConfigured %s", r.Body)
		}
	})
}

// Forms whose Validate or Bind would never be called: the signature is not
// the one BindForm calls.
type (
	validateNoCtx  struct{ Name string }
	validateBool   struct{ Name string }
	bindNoValues   struct{ Name string }
	validateValue  struct{ Name string } // value receiver: in *F's method set, fine
	validateCallsC struct{ Name string }
)

func (f *validateNoCtx) Validate() error                        { return nil }
func (f *validateBool) Validate(c *fiber.Ctx) bool              { return true }
func (f *bindNoValues) Bind(c *fiber.Ctx) error                 { return nil }
func (f validateValue) Validate(c *fiber.Ctx) error             { return nil }
func (f *validateCallsC) Validate(c *fiber.Ctx) error           { return nil }
func (f *validateCallsC) Bind(c *fiber.Ctx, v url.Values) error { return nil }

func TestFormMethodSignatures(t *testing.T) {
	tests := []struct {
		name string
		view any
		want string // the registration error; "" for none
	}{
		{"Validate without c", &views.FormView[validateNoCtx]{},
			"views: *views.FormView[views_test.validateNoCtx].Form: views_test.validateNoCtx.Validate: has signature func() error " +
				"but BindForm calls it as func(*fiber.Ctx) error: as it is, it never runs; change it to func (f *validateNoCtx) Validate(c *fiber.Ctx) error"},
		{"Validate returning bool", &views.FormView[validateBool]{},
			"views_test.validateBool.Validate: has signature func(*fiber.Ctx) bool but BindForm calls it as func(*fiber.Ctx) error"},
		{"Bind without values", &views.FormView[bindNoValues]{},
			"views_test.bindNoValues.Bind: has signature func(*fiber.Ctx) error but BindForm calls it as func(*fiber.Ctx, url.Values) error: " +
				"as it is, it never runs; change it to func (f *bindNoValues) Bind(c *fiber.Ctx, values url.Values) error"},
		{"Validate on the value", &views.FormView[validateValue]{}, ""},
		{"both right", &views.FormView[validateCallsC]{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := views.AsView(tt.view)
			if tt.want == "" {
				if err != nil {
					t.Errorf("AsView: %v", err)
				}
				return
			}
			if !errors.Is(err, views.ErrImproperlyConfigured) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("AsView: %v\nwant ErrImproperlyConfigured with %q", err, tt.want)
			}
		})
	}
	t.Run("BindForm fails too, rather than skip the method", func(t *testing.T) {
		app := fiber.New()
		app.Post("/", func(c *fiber.Ctx) error {
			_, err := views.BindForm(c, &validateBool{})
			return c.SendString(fmt.Sprint(errors.Is(err, views.ErrImproperlyConfigured)))
		})
		if r := must(viewtest.New(app, viewtest.Config{}).Do(httptest.NewRequest("POST", "/", nil))); r.Body != "true" {
			t.Errorf("BindForm of a form whose Validate returns bool: ErrImproperlyConfigured %s", r.Body)
		}
	})
}

// partialForm's Validate reads fields that may have failed.
type partialForm struct {
	Age  int    `form:"age" validate:"min=18"`
	Tags []int  `form:"tag"`
	Ptr  *int   `form:"ptr"`
	Name string `form:"name" validate:"required"`
}

func (f *partialForm) Validate(c *fiber.Ctx) error {
	return views.FormErrors{"": {fmt.Sprintf("age=%d tags=%d ptr-nil=%t name=%q", f.Age, len(f.Tags), f.Ptr == nil, f.Name)}}
}

// TestValidateAfterFailedFields: Validate runs after fields failed (Django's
// clean), seeing their zero or partial values, so the page shows every error.
func TestValidateAfterFailedFields(t *testing.T) {
	app := fiber.New()
	app.Post("/", func(c *fiber.Ctx) error {
		errs, err := views.BindForm(c, &partialForm{})
		if err != nil {
			return err
		}
		return c.SendString(errs.Error())
	})
	cl := viewtest.New(app, viewtest.Config{})
	for _, tt := range []struct{ body, want string }{
		{"age=twelve&tag=1&tag=x&ptr=y", `views: the form has errors: (form): age=0 tags=2 ptr-nil=true name=""; age: Enter a whole number.; name: This field is required.; ptr: Enter a whole number.; tag: Enter a whole number.`},
		{"age=12&name=Ann", `views: the form has errors: (form): age=12 tags=0 ptr-nil=true name="Ann"; age: Ensure this value is greater than or equal to 18.`},
	} {
		t.Run(tt.body, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", fiber.MIMEApplicationForm)
			if r := must(cl.Do(req)); r.StatusCode != 200 || r.Body != tt.want {
				t.Errorf("%d %q\nwant %q", r.StatusCode, r.Body, tt.want)
			}
		})
	}
}
