package views_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// ctxDump renders the context keys the tests look at.
const ctxDump = `path={{ .request_path }} route={{ with .resolver_match }}{{ .ViewName }}{{ end }} ` +
	`year={{ .year }} slug={{ .slug }} extra={{ .extra }} view={{ printf "%T" .view }} ` +
	`user={{ .user }} id={{ .user_id }} auth={{ .is_authenticated }} site={{ .site_name }} ` +
	`token={{ len .csrf_token }} proc={{ .proc }} {{ .csrf_input }}`

func TestTemplateView(t *testing.T) {
	files := fstest.MapFS{
		"ctx.html":           {Data: []byte(ctxDump)},
		"broken.html":        {Data: []byte(`{{ .user.NoSuchField }}`)},
		"badurl.html":        {Data: []byte(`<a href="{{ url "blog:post" .nope "go" }}">x</a>`)},
		"layout.html":        {Data: []byte(`<main>{{ embed }}</main>`)},
		"links.html":         {Data: []byte(`<a href="{{ url "blog:post" 2024 "go" }}">post</a>`)},
		"registration/x.txt": {Data: []byte(`not a template`)},
	}
	var table *urls.Resolver
	tv := func(name string) *views.TemplateView {
		return &views.TemplateView{TemplateName: name, ExtraContext: map[string]any{"extra": "e"}}
	}
	table = urls.MustCompile([]urls.Pattern{
		urls.Include("blog/", []urls.Pattern{
			views.Path("<int:year>/<slug:slug>/", tv("ctx.html"), urls.Name("post")),
			views.Path("links/", tv("links.html"), urls.Name("links")),
			views.Path("layout/", tv("links.html"), urls.Name("layout")),
		}, urls.Namespace("blog")),
		views.Path("no-name/", &views.TemplateView{}, urls.Name("no-name")),
		// Registered without views.Path, the view escapes the start-up check
		// of its template: the request answers 500.
		urls.Path("missing/", mustAsView(tv("missing.html")), urls.Name("missing")),
		views.Path("broken/", tv("broken.html"), urls.Name("broken")),
		views.Path("badurl/", tv("badurl.html"), urls.Name("badurl")),
		views.Path("default/", tv("registration/logged_out.html"), urls.Name("default")),
	})
	cases := []struct {
		name     string
		layout   string
		sessions bool
		login    string
		path     string
		status   int
		contains []string
		logged   string
	}{
		{name: "context: route args, extra, view, request keys, processors", path: "/blog/2024/hello-go/", status: 200,
			contains: []string{"path=/blog/2024/hello-go/", "route=blog:post", "year=2024", "slug=hello-go", "extra=e",
				"view=*views.TemplateView", "user=AnonymousUser", "id= auth=false", "site=overridden by processor",
				"token=64", "proc=p", `<input type="hidden" name="csrfmiddlewaretoken" value="`}},
		{name: "logged in (real session)", sessions: true, login: "42", path: "/blog/2024/hello-go/", status: 200,
			contains: []string{"user=42", "id=42", "auth=true"}},
		{name: "url function", path: "/blog/links/", status: 200, contains: []string{`<a href="/blog/2024/go/">post</a>`}},
		{name: "layout from the engine", layout: "layout", path: "/blog/layout/", status: 200,
			contains: []string{`<main><a href="/blog/2024/go/">post</a></main>`}},
		{name: "embedded default renders with no site template", path: "/default/", status: 200,
			contains: []string{"<!doctype html>", "Thanks for spending some quality time"}},
		{name: "no TemplateName: ImproperlyConfigured", path: "/no-name/", status: 500,
			contains: []string{"TemplateView requires either a definition of TemplateName or an implementation of GetTemplateNames"}},
		{name: "missing template: 500 naming it and the places searched, logged", path: "/missing/", status: 500,
			contains: []string{`template "missing.html" does not exist`, "Config.FS:missing.html", "embedded defaults:missing.html"},
			logged:   `template=missing.html`},
		{name: "render error: 500, not a blank 200", path: "/broken/", status: 500,
			contains: []string{"NoSuchField"}, logged: "template=broken.html"},
		{name: "failed reversal names the route", path: "/badurl/", status: 500,
			contains: []string{`blog:post`}, logged: "template=badurl.html"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logs := &testLogger{}
			e, err := templates.New(templates.Config{FS: files, Resolver: table, Layout: tc.layout, Logger: logs.logger(),
				Processors: []templates.Processor{func(c *fiber.Ctx) (map[string]any, error) {
					return map[string]any{"proc": "p", "site_name": "overridden by processor"}, nil
				}}})
			if err != nil {
				t.Fatal(err)
			}
			app := newApp(t, appOptions{engine: e, sessions: tc.sessions, cfg: views.Config{SiteName: "Site"}})
			table.Mount(app)
			cl := newClient(t, app)
			if tc.login != "" {
				cl.do("POST", "/_login/"+tc.login, nil)
			}
			got := cl.do("GET", tc.path, nil)
			if got.status != tc.status {
				t.Fatalf("status %d, want %d: %s", got.status, tc.status, got.body)
			}
			for _, s := range tc.contains {
				if !strings.Contains(got.body, s) {
					t.Errorf("body lacks %q:\n%s", s, got.body)
				}
			}
			if tc.logged != "" && !strings.Contains(logs.String(), tc.logged) {
				t.Errorf("log %q lacks %q", logs.String(), tc.logged)
			}
		})
	}
}

// TestTemplateViewErrorsAreTyped checks the errors a TemplateView returns
// with errors.As, through a Fiber error handler.
func TestTemplateViewErrorsAreTyped(t *testing.T) {
	var got error
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		got = err
		return c.SendStatus(500)
	}})
	app.Use(views.Setup(views.Config{Logger: discard()}))
	app.Get("/missing", mustAsView(&views.TemplateView{TemplateName: "nope.html"}))
	app.Get("/noname", mustAsView(&views.TemplateView{}))
	newClient(t, app).do("GET", "/missing", nil)
	var tdne *templates.TemplateDoesNotExist
	if !errors.As(got, &tdne) || !errors.Is(got, fs.ErrNotExist) || tdne.Name != "nope.html" {
		t.Errorf("missing template: %v", got)
	}
	newClient(t, app).do("GET", "/noname", nil)
	var ce *views.ConfigError
	if !errors.As(got, &ce) || ce.Field != "TemplateName" {
		t.Errorf("no TemplateName: %v", got)
	}
}
