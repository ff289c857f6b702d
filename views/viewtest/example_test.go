package viewtest_test

import (
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/viewtest"
	"github.com/gofiber/fiber/v2"
)

// greetView shows a form on GET and greets on POST, for the logged-in user.
type greetView struct{ views.TemplateView }

func (v *greetView) Post(c *fiber.Ctx) error {
	id, _ := session.UserID(c)
	return c.SendString("hello " + c.FormValue("name") + ", from " + id)
}

// A test logs a user in without a password, opens a page and submits its
// form; the client takes the CSRF token from the form as a browser does.
func Example() {
	dir, _ := os.MkdirTemp("", "viewtest")
	defer os.RemoveAll(dir)
	sessions, err := session.New(session.Config{Database: filepath.Join(dir, "sessions.sqlite3")})
	if err != nil {
		log.Fatal(err)
	}
	defer sessions.Close()
	table := urls.MustCompile([]urls.Pattern{
		views.Path("greet/", &greetView{TemplateView: views.TemplateView{
			Base: views.Base{LoginRequired: true}, TemplateName: "greet.html"}}, urls.Name("greet")),
	})
	engine, err := templates.New(templates.Config{Resolver: table, FS: fstest.MapFS{
		"greet.html": {Data: []byte(`<form method="post" action="{{ url "greet" }}">{{ .csrf_input }}<input name="name"></form>`)},
	}})
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New(fiber.Config{Views: engine})
	app.Use(sessions.Middleware(), views.Setup(views.Config{}))
	table.Mount(app)

	cl := viewtest.New(app, viewtest.Config{Sessions: sessions, URLs: table})
	r, _ := cl.Get("greet")
	fmt.Println("anonymous:", r.StatusCode, r.Location())

	if err := cl.Login("42"); err != nil { // Django's force_login
		log.Fatal(err)
	}
	if _, err := cl.Get("greet"); err != nil {
		log.Fatal(err)
	}
	r, err = cl.PostForm("greet", url.Values{"name": {"Ann"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.StatusCode, r.Body)
	// Output:
	// anonymous: 302 /accounts/login/?next=/greet/
	// 200 hello Ann, from 42
}

// With FollowRedirects the client follows redirects on the site and keeps
// the chain.
func ExampleConfig_followRedirects() {
	table := urls.MustCompile([]urls.Pattern{
		views.Path("", &views.RedirectView{PatternName: "home"}),
		urls.Path("home/", func(c *fiber.Ctx) error { return c.SendString("home") }, urls.Name("home")),
	})
	app := fiber.New()
	table.Mount(app)
	cl := viewtest.New(app, viewtest.Config{URLs: table, FollowRedirects: true})
	r, err := cl.Get("/")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.StatusCode, r.Body, r.Redirects)
	// Output: 200 home [http://example.com/home/]
}
