package views_test

import (
	"fmt"
	"log"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/viewtest"
	"github.com/gofiber/fiber/v2"
)

// SignupForm is a plain struct: its tags name the fields and their rules.
type SignupForm struct {
	Name string `form:"name" validate:"required,max=30"`
	Age  int    `form:"age" validate:"min=18"`
}

// A FormView shows the form again with its errors until it is valid, then
// redirects to SuccessURL.
func ExampleFormView() {
	table := urls.MustCompile([]urls.Pattern{
		views.Path("signup/", &views.FormView[SignupForm]{SuccessURL: "/welcome/",
			TemplateView: views.TemplateView{TemplateName: "signup.html"}}, urls.Name("signup")),
	})
	engine, err := templates.New(templates.Config{Resolver: table, FS: fstest.MapFS{"signup.html": {Data: []byte(
		`<form method="post" action="{{ url "signup" }}">{{ .csrf_input }}` +
			`<p>name={{ .form.Value "name" }}{{ range $f, $e := .form.Errors }} {{ $f }}: {{ index $e 0 }}{{ end }}</p></form>`)}}})
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New(fiber.Config{Views: engine})
	app.Use(views.Setup(views.Config{}))
	table.Mount(app)

	cl := viewtest.New(app, viewtest.Config{URLs: table})
	if _, err := cl.Get("signup"); err != nil {
		log.Fatal(err)
	}
	r, _ := cl.PostForm("signup", url.Values{"name": {"Ann"}, "age": {"twelve"}})
	fmt.Println(r.StatusCode, r.Body[strings.Index(r.Body, "<p>")+3:strings.Index(r.Body, "</p>")])
	r, _ = cl.PostForm("signup", url.Values{"name": {"Ann"}, "age": {"30"}})
	fmt.Println(r.StatusCode, r.Location())
	// Output:
	// 200 name=Ann age: Enter a whole number.
	// 302 /welcome/
}

// ProfileForm uses a rule of the site's and words a message with a msg tag.
type ProfileForm struct {
	Slug string `form:"slug" validate:"required,slug"`
	Bio  string `form:"bio" validate:"max=20" msg:"max=Keep it under {param} characters."`
}

// A site adds its rules, and may reword the built-in messages, before
// registering its views.
func ExampleRegisterRule() {
	isSlug := func(s string) bool { return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == "" }
	if err := views.RegisterRule("slug", isSlug, "Enter a valid “slug” of lowercase letters, numbers or hyphens."); err != nil {
		log.Fatal(err)
	}
	app := fiber.New()
	app.Post("/", func(c *fiber.Ctx) error {
		errs, err := views.BindForm(c, &ProfileForm{})
		if err != nil {
			return err
		}
		fmt.Println(errs["slug"], errs["bio"])
		return nil
	})
	cl := viewtest.New(app, viewtest.Config{})
	req := httptest.NewRequest("POST", "/", strings.NewReader("slug=Hello+World&bio="+strings.Repeat("x", 21)))
	req.Header.Set("Content-Type", fiber.MIMEApplicationForm)
	if _, err := cl.Do(req); err != nil {
		log.Fatal(err)
	}
	// Output:
	// [Enter a valid “slug” of lowercase letters, numbers or hyphens.] [Keep it under 20 characters.]
}
