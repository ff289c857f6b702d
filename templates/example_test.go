package templates_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
)

// The site's templates (here in memory; usually Dir: "templates") come first,
// the embedded defaults after; {{ url }} reverses through the compiled table,
// and every page renders inside the layout.
func ExampleNew() {
	site := fstest.MapFS{
		"layouts/base.html": {Data: []byte(`<main>{{ embed }}</main>`)},
		"home.html":         {Data: []byte(`<a href="{{ url "blog:post" 2024 "hello" }}">{{ .title }}</a> on {{ .request_path }}`)},
	}
	home := func(c *fiber.Ctx) error {
		return templates.Respond(c, fiber.StatusOK, "home.html", map[string]any{"title": "Hello"})
	}
	table := urls.MustCompile([]urls.Pattern{
		urls.Path("", home, urls.Name("home")),
		urls.Include("blog/", []urls.Pattern{
			urls.Path("<int:year>/<slug:slug>/", home, urls.Name("post")),
		}, urls.Namespace("blog")),
	})
	engine, err := templates.New(templates.Config{FS: site, Resolver: table, Layout: "layouts/base"})
	if err != nil {
		panic(err)
	}
	app := fiber.New(fiber.Config{Views: engine})
	table.Mount(app)

	resp, _ := app.Test(httptest.NewRequest("GET", "/", nil))
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output:
	// <main><a href="/blog/2024/hello/">Hello</a> on /</main>
}

// With no templates of its own a site still renders the embedded defaults,
// such as the logged-out page.
func ExampleDefault() {
	fmt.Println(templates.Default().Names())
	// Output:
	// [500 csrf_failure fiberviews/base fiberviews/error registration/logged_out registration/login registration/password_change_done registration/password_change_form registration/password_reset_complete registration/password_reset_confirm registration/password_reset_done registration/password_reset_email registration/password_reset_form registration/sessions registration/signup]
}

// Processors add keys to every render (Django's context processors), and
// kwargs passes named arguments to url.
func ExampleConfig_processors() {
	site := fstest.MapFS{
		"post.html": {Data: []byte(`{{ .brand }}: <a href="{{ url "post" (kwargs "year" 2024 "slug" .slug) }}">{{ .slug }}</a>`)},
	}
	table := urls.MustCompile([]urls.Pattern{
		urls.Path("<int:year>/<slug:slug>/", func(c *fiber.Ctx) error { return nil }, urls.Name("post")),
	})
	brand := func(c *fiber.Ctx) (map[string]any, error) {
		return map[string]any{"brand": "The Blog"}, nil
	}
	engine := templates.Must(templates.New(templates.Config{FS: site, Resolver: table, Processors: []templates.Processor{brand}}))
	app := fiber.New(fiber.Config{Views: engine})
	app.Get("/latest", func(c *fiber.Ctx) error {
		return templates.Respond(c, fiber.StatusOK, "post.html", map[string]any{"slug": "hello-world"})
	})
	resp, _ := app.Test(httptest.NewRequest("GET", "/latest", nil))
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output:
	// The Blog: <a href="/2024/hello-world/">hello-world</a>
}
