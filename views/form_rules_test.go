package views_test

import (
	"errors"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/viewtest"
	"github.com/gofiber/fiber/v2"
)

// usernameRE is Django's UnicodeUsernameValidator.
var usernameRE = regexp.MustCompile(`^[\pL\pN_.@+-]+$`)

const usernameMessage = "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."

func init() {
	// A site registers its rules before registering its views.
	if err := views.RegisterRule("username", usernameRE.MatchString, usernameMessage); err != nil {
		panic(err)
	}
}

// signupForm words its messages with msg tags: one per rule, or one for
// every rule of the field.
type signupForm struct {
	Username string `form:"username" validate:"required,username,max=150"`
	Nick     string `form:"nick" validate:"omitempty,alphanum,max=10" msg:"alphanum=Only letters and digits.;max=At most {param} characters."`
	Name     string `form:"name" validate:"required" msg:"required=Tell us your name."`
	Age      int    `form:"age" validate:"min=18" msg:"You must be an adult (18 or more)."`
	Code     string `form:"code" validate:"omitempty,alphanum"`
}

func postForm[F any](t *testing.T, body string) string {
	t.Helper()
	app := fiber.New()
	app.Post("/", func(c *fiber.Ctx) error {
		errs, err := views.BindForm(c, new(F))
		if err != nil {
			return err
		}
		return c.SendString(errs.Error())
	})
	req := httptest.NewRequest("POST", "/", strings.NewReader(body))
	req.Header.Set("Content-Type", fiber.MIMEApplicationForm)
	r := must(viewtest.New(app, viewtest.Config{}).Do(req))
	if r.StatusCode != 200 {
		t.Fatalf("%q: %d %s", body, r.StatusCode, r.Body)
	}
	return r.Body
}

func TestFormMessages(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // "field: message" in FormErrors.Error()
	}{
		{"a registered rule's message", "username=ann%20smith&name=Ann&age=20", []string{"username: " + usernameMessage}},
		{"a registered rule passes", "username=ann.smith@x&name=Ann&age=20", []string{"views: the form has errors:"}},
		{"per rule, with the rule's param", "username=a&nick=a-b&name=Ann&age=20", []string{"nick: Only letters and digits."}},
		{"per rule: {param}", "username=a&nick=abcdefghijk&name=Ann&age=20", []string{"nick: At most 10 characters."}},
		{"per rule: required", "username=a&age=20", []string{"name: Tell us your name."}},
		{"one message for every rule of the field", "username=a&name=Ann&age=12", []string{"age: You must be an adult (18 or more)."}},
		{"one message for every rule, a wrong type too", "username=a&name=Ann&age=old", []string{"age: You must be an adult (18 or more)."}},
		{"built-in messages elsewhere", "code=a-b", []string{"code: Enter a valid value.", "username: This field is required."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := postForm[signupForm](t, tt.body)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s\nlacks %q", got, w)
				}
			}
		})
	}
}

// TestSiteMessages: a site words the built-in messages its own way.
func TestSiteMessages(t *testing.T) {
	set := func(rule, msg string) {
		t.Helper()
		if err := views.RegisterRule(rule, nil, msg); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = views.RegisterRule(rule, nil, "") }) // back to the built-in
	}
	set("required", "Required.")
	set("invalid", "Not valid.")
	set("alphanum", "Letters and digits, please.")
	set("min", "{param} or more.")
	got := postForm[signupForm](t, "age=x&code=a-b")
	for _, w := range []string{"username: Required.", "name: Tell us your name.", "code: Letters and digits, please.", "age: You must be an adult"} {
		if !strings.Contains(got, w) {
			t.Errorf("%s\nlacks %q", got, w)
		}
	}
	type plain struct {
		Age   int    `form:"age" validate:"min=18"`
		Email string `form:"email" validate:"omitempty,email"`
	}
	for body, want := range map[string]string{
		"age=x":           "age: Not valid.",
		"age=3":           "age: 18 or more.",
		"age=20&email=no": "email: Enter a valid email address.",
	} {
		if got := postForm[plain](t, body); !strings.Contains(got, want) {
			t.Errorf("%q: %s\nlacks %q", body, got, want)
		}
	}
}

func TestRegisterRuleErrors(t *testing.T) {
	tests := []struct {
		name, rule string
		fn         func(string) bool
		want       string
	}{
		{"a validator rule", "email", func(string) bool { return true },
			`views: views.RegisterRule("email") is a rule of github.com/go-playground/validator already: pass fn nil to change its message only`},
		{"no such rule to reword", "emial", nil, `views: views.RegisterRule("emial") is no rule: pass fn to add it`},
		{"not a name", "a,b", nil, `views: views.RegisterRule("a,b") is not a rule name: use letters, digits and _`},
		{"invalid is no rule", "invalid", func(string) bool { return true }, `views: views.RegisterRule("invalid") names the failures`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := views.RegisterRule(tt.rule, tt.fn, "x")
			if !errors.Is(err, views.ErrImproperlyConfigured) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("RegisterRule: %v\nwant %q", err, tt.want)
			}
		})
	}
}

// Forms whose tags cannot work: registration errors.
type (
	msgTypo struct {
		Nick string `form:"nick" validate:"alphanum" msg:"alphanumeric=Only letters and digits."`
	}
	undefinedRule struct {
		Nick string `form:"nick" validate:"required,nickname"`
	}
)

func TestFormTagErrors(t *testing.T) {
	tests := []struct {
		name string
		view any
		want string
	}{
		{"a msg naming a rule the field lacks", &views.FormView[msgTypo]{},
			`views: *views.FormView[views_test.msgTypo].Form: views_test.msgTypo.Nick: its msg tag names the rule alphanumeric, which its validate tag "alphanum" lacks`},
		{"a rule nobody registered", &views.FormView[undefinedRule]{},
			`views: *views.FormView[views_test.undefinedRule].Form: views_test.undefinedRule has a validate tag the validator cannot use: Undefined validation function 'nickname' on field 'Nick' (register a rule of your own with views.RegisterRule before registering the view)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := views.AsView(tt.view)
			if !errors.Is(err, views.ErrImproperlyConfigured) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("AsView: %v\nwant ErrImproperlyConfigured with %q", err, tt.want)
			}
		})
	}
}

// TestRegisterRuleWhileServing: RegisterRule may run while forms are bound.
func TestRegisterRuleWhileServing(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			_ = views.RegisterRule("username", usernameRE.MatchString, usernameMessage[:len(usernameMessage)-i%2])
		}
	}()
	for range 20 {
		if got := postForm[signupForm](t, "username=a%20b"); !strings.Contains(got, "username: Enter a valid username.") {
			t.Fatal(got)
		}
	}
	<-done
	_ = views.RegisterRule("username", usernameRE.MatchString, usernameMessage)
}
