package views_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// show sends a request to app and prints the status, a header and the body.
func show(app *fiber.App, method, target, header string) {
	resp, err := app.Test(httptest.NewRequest(method, target, nil))
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Printf("%s %s → %d", method, target, resp.StatusCode)
	if header != "" {
		fmt.Printf(" %s: %s", header, resp.Header.Get(header))
	}
	if b := string(body); strings.HasPrefix(b, "<!doctype") {
		// A whole page: its title is enough.
		b = b[strings.Index(b, "<title>")+len("<title>"):]
		fmt.Printf(" page %q", b[:strings.Index(b, "</title>")])
	} else if len(body) > 0 {
		fmt.Printf(" %s", body)
	}
	fmt.Println()
}

// GreetingView embeds views.TemplateView and overrides one hook on its own
// struct: TemplateView.Get calls it.
type GreetingView struct{ views.TemplateView }

// GetContextData adds the name from the route to the base's context.
func (v *GreetingView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c) // super()
	if err != nil {
		return nil, err
	}
	ctx["greeting"] = "Hello, " + c.Params("name")
	return ctx, nil
}

// A view with an overridden hook: AsView binds *GreetingView into the
// embedded TemplateView, whose Get then calls the override.
func ExampleAsView() {
	engine := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{
		"greet.html": {Data: []byte(`<p>{{ .greeting }}!</p>`)},
	}}))
	app := fiber.New(fiber.Config{Views: engine})
	app.All("/hello/:name", mustAsView(&GreetingView{
		TemplateView: views.TemplateView{TemplateName: "greet.html"},
	}))

	show(app, "GET", "/hello/Ada", "")
	show(app, "OPTIONS", "/hello/Ada", "Allow")
	show(app, "DELETE", "/hello/Ada", "Allow")
	// Output:
	// GET /hello/Ada → 200 <p>Hello, Ada!</p>
	// OPTIONS /hello/Ada → 200 Allow: GET, HEAD, OPTIONS
	// DELETE /hello/Ada → 405 Allow: GET, HEAD, OPTIONS page "405 Method Not Allowed | Site"
}

// A mistake Go would accept silently is a registration error.
func ExampleAsView_registrationError() {
	type Broken struct{ views.TemplateView }
	_, err := views.AsView(Broken{})
	fmt.Println(err)
	// Output:
	// views: views_test.Broken is not a pointer: pass &views_test.Broken{...}, so that the view can be bound into its base and your methods with pointer receivers are found
}

// TemplateView renders TemplateName with the route's arguments and
// ExtraContext; the embedded default templates need no setup at all.
func ExampleTemplateView() {
	about := &views.TemplateView{
		TemplateName: "about.html",
		ExtraContext: map[string]any{"team": []string{"Ada", "Grace"}},
	}
	engine := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{
		"about.html": {Data: []byte(`{{ range .team }}[{{ . }}]{{ end }} since {{ .year }}`)},
	}}))
	table := urls.MustCompile([]urls.Pattern{
		views.Path("about/<int:year>/", about, urls.Name("about")),
	})
	app := fiber.New(fiber.Config{Views: engine})
	table.Mount(app)

	show(app, "GET", "/about/2015/", "")
	// Output:
	// GET /about/2015/ → 200 [Ada][Grace] since 2015
}

// RedirectView fills "%(name)s" placeholders from the route's arguments, or
// reverses a route name with them.
func ExampleRedirectView() {
	article := func(c *fiber.Ctx) error { return c.SendString("article") }
	table := urls.MustCompile([]urls.Pattern{
		urls.Path("articles/<int:id>/", article, urls.Name("article")),
		views.Path("old/<int:id>/", &views.RedirectView{URL: "/articles/%(id)s/", Permanent: true}),
		views.Path("go/<int:id>/", &views.RedirectView{PatternName: "article", QueryString: true}),
		views.Path("gone/", &views.RedirectView{}),
	})
	app := fiber.New()
	table.Mount(app)

	show(app, "GET", "/old/7/", "Location")
	show(app, "GET", "/go/7/?ref=mail", "Location")
	show(app, "GET", "/gone/", "")
	// Output:
	// GET /old/7/ → 301 Location: /articles/7/
	// GET /go/7/?ref=mail → 302 Location: /articles/7/?ref=mail
	// GET /gone/ → 410
}

// Decorators are plain handler wrappers.
func ExampleLoginRequired() {
	profile := func(c *fiber.Ctx) error { return c.SendString("your profile") }
	app := fiber.New()
	app.Use(views.Setup(views.Config{LoginURL: "/login/"}))
	app.Get("/profile/", views.LoginRequired(profile))

	show(app, "GET", "/profile/?tab=keys", "Location")
	// Output:
	// GET /profile/?tab=keys → 302 Location: /login/?next=/profile/%3Ftab%3Dkeys
}

func ExampleNeverCache() {
	app := fiber.New()
	app.Get("/balance", views.NeverCache(func(c *fiber.Ctx) error { return c.SendString("42") }))

	show(app, "GET", "/balance", "Cache-Control")
	// Output:
	// GET /balance → 200 Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private 42
}

func ExampleRequirePOST() {
	app := fiber.New()
	app.All("/vote", views.RequirePOST(func(c *fiber.Ctx) error { return c.SendString("voted") }))

	show(app, "GET", "/vote", "Allow")
	// Output:
	// GET /vote → 405 Allow: POST page "405 Method Not Allowed | Site"
}

// Vote is a view answering POST only.
type Vote struct{ views.Base }

// Post records a vote.
func (v *Vote) Post(c *fiber.Ctx) error { return c.SendString("voted") }

// Unsafe methods of every view are CSRF-checked: a form posts the token of
// {{ .csrf_input }} (the "csrftoken" cookie holds the secret); scripts send
// the token in the X-CSRFToken header.
func ExampleCSRFToken() {
	app := fiber.New()
	app.All("/vote", mustAsView(&Vote{}))
	app.Get("/form", func(c *fiber.Ctx) error { return c.SendString(views.CSRFToken(c)) })

	// A forged POST: no cookie, no token.
	resp, _ := app.Test(httptest.NewRequest("POST", "/vote", nil))
	fmt.Println(resp.StatusCode)

	// The browser got a cookie and a token with the form, and posts both.
	resp, _ = app.Test(httptest.NewRequest("GET", "/form", nil))
	token, _ := io.ReadAll(resp.Body)
	req := httptest.NewRequest("POST", "/vote", strings.NewReader("csrfmiddlewaretoken="+string(token)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(resp.Cookies()[0])
	resp, _ = app.Test(req)
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output:
	// 403
	// 200 voted
}

// Setup installs the site's settings; Render gives every template the
// request context (user, CSRF token, site name, ...) on top of its data.
func ExampleRender() {
	engine := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{
		"hello.html": {Data: []byte(`{{ .site_name }} greets {{ .user }} ({{ .is_authenticated }}); form token: {{ if .csrf_token }}yes{{ end }}`)},
	}}))
	app := fiber.New(fiber.Config{Views: engine})
	app.Use(views.Setup(views.Config{SiteName: "Example"}))
	app.Get("/hello", func(c *fiber.Ctx) error {
		return views.Render(c, fiber.StatusOK, "hello.html", nil)
	})
	show(app, "GET", "/hello", "")
	// Output:
	// GET /hello → 200 Example greets AnonymousUser (false); form token: yes
}

// ResolveURL is Django's resolve_url: settings such as NextPage and LoginURL
// take a route name or a URL.
func ExampleResolveURL() {
	table := urls.MustCompile([]urls.Pattern{
		urls.Path("articles/<int:year>/", func(c *fiber.Ctx) error { return nil }, urls.Name("year-archive")),
		urls.Path("where/", func(c *fiber.Ctx) error {
			for _, to := range []string{"year-archive", "/plain/path/", "https://example.org/", "no-such-route"} {
				u, err := views.ResolveURL(c, to, 2024)
				fmt.Printf("%-22s → %q %v\n", to, u, err != nil)
			}
			return nil
		}),
	})
	app := fiber.New()
	table.Mount(app)
	_, _ = app.Test(httptest.NewRequest("GET", "/where/", nil))
	// Output:
	// year-archive           → "/articles/2024/" false
	// /plain/path/           → "/plain/path/" false
	// https://example.org/   → "https://example.org/" false
	// no-such-route          → "" true
}

// Base.Decorators wrap a view in decorators (outermost first);
// HTTPMethodNames restricts the methods it answers, like Django's
// http_method_names.
func ExampleBase() {
	app := fiber.New()
	table := urls.MustCompile([]urls.Pattern{
		views.Path("vote", &Vote{Base: views.Base{
			HTTPMethodNames: []string{"post"},
			CSRFExempt:      true, // an API endpoint authenticated by a token, say
			Decorators:      []views.Decorator{views.NeverCache},
		}}),
	})
	table.Mount(app)
	show(app, "GET", "/vote", "Allow")
	show(app, "POST", "/vote", "Cache-Control")
	// Output:
	// GET /vote → 405 Allow: POST page "405 Method Not Allowed | Site"
	// POST /vote → 200 Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private voted
}

// Every response gets Django's security headers from Setup; a page meant to
// be framed by other sites drops X-Frame-Options with XFrameOptionsExempt,
// one framed by the site's own pages says SAMEORIGIN.
func ExampleXFrameOptionsExempt() {
	app := fiber.New()
	app.Use(views.Setup(views.Config{}))
	page := func(c *fiber.Ctx) error { return c.SendString("page") }
	app.Get("/", page)
	app.Get("/widget", views.XFrameOptionsExempt(page))
	app.Get("/preview", views.XFrameOptionsSameOrigin(page))
	show(app, "GET", "/", "X-Frame-Options")
	show(app, "GET", "/widget", "X-Frame-Options")
	show(app, "GET", "/preview", "X-Frame-Options")
	// Output:
	// GET / → 200 X-Frame-Options: DENY page
	// GET /widget → 200 X-Frame-Options:  page
	// GET /preview → 200 X-Frame-Options: SAMEORIGIN page
}
