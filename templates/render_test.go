package templates_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/internal/progtest"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"
)

func get(t testing.TB, app *fiber.App, path string) (int, string, string) {
	t.Helper()
	resp, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestRender(t *testing.T) {
	files := fstest.MapFS{
		"ctx.html":    {Data: []byte(`path={{ .request_path }} match={{ with .resolver_match }}{{ .ViewName }} {{ .Kwargs.id }}{{ else }}none{{ end }} a={{ .a }} b={{ .b }} c={{ .c }}`)},
		"layout.html": {Data: []byte(`<l>{{ embed }}</l>`)},
	}
	logs := &progtest.Buffer{}
	procs := []templates.Processor{
		func(c *fiber.Ctx) (map[string]any, error) { return map[string]any{"a": "engine", "b": "engine"}, nil },
	}
	e := templates.Must(templates.New(templates.Config{FS: files, Processors: procs, Logger: slog.New(slog.NewTextHandler(logs, nil))}))
	failing := func(c *fiber.Ctx) (map[string]any, error) { return nil, errors.New("processor broke") }
	extra := func(c *fiber.Ctx) (map[string]any, error) {
		return map[string]any{"a": "extra", "b": "extra", "c": "extra", "request_path": "overridden"}, nil
	}
	handler := func(name string, status int, data map[string]any, ps ...templates.Processor) fiber.Handler {
		return func(c *fiber.Ctx) error { return templates.Respond(c, status, name, data, ps...) }
	}
	table := urls.MustCompile([]urls.Pattern{
		urls.Path("things/<int:id>/", handler("ctx.html", 200, map[string]any{"b": "data"}), urls.Name("thing")),
	})
	app := fiber.New(fiber.Config{Views: e})
	app.Get("/plain", handler("ctx", 201, nil))
	app.Get("/extra", handler("ctx", 200, map[string]any{"c": "data"}, extra))
	app.Get("/missing", handler("nope.html", 200, nil))
	app.Get("/failing", handler("ctx", 200, nil, failing))
	table.Mount(app)

	cases := []struct {
		path, want string
		status     int
		logged     string
	}{
		{"/plain", "path=/plain match=none a=engine b=engine c=", 201, ""},
		// extra processors run before the engine's; data wins over both.
		{"/extra", "path=overridden match=none a=engine b=engine c=data", 200, ""},
		{"/things/7/", "path=/things/7/ match=thing 7 a=engine b=data c=", 200, ""},
		{"/missing", `templates: template "nope.html" does not exist (searched Config.FS:nope.html, embedded defaults:nope.html)`, 500,
			`msg="templates: render failed" template=nope.html method=GET path=/missing`},
		{"/failing", "templates: context processor 0: processor broke", 500, "path=/failing"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			status, ctype, body := get(t, app, tc.path)
			if status != tc.status || body != tc.want {
				t.Fatalf("%d %q, want %d %q", status, body, tc.status, tc.want)
			}
			if status < 300 && ctype != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ctype)
			}
			if tc.logged != "" && !strings.Contains(logs.String(), tc.logged) {
				t.Errorf("log %q lacks %q", logs.String(), tc.logged)
			}
		})
	}
}

func TestRenderEngines(t *testing.T) {
	page := func(c *fiber.Ctx) error {
		return templates.Respond(c, 200, "registration/logged_out.html", map[string]any{"site_name": "S"})
	}
	t.Run("no Views: the embedded defaults", func(t *testing.T) {
		app := fiber.New()
		app.Get("/", page)
		if status, _, body := get(t, app, "/"); status != 200 || !strings.Contains(body, "quality time with S today") ||
			!strings.Contains(body, "<!doctype html>") {
			t.Fatalf("%d %q", status, body)
		}
	})
	t.Run("fiber ViewsLayout applies", func(t *testing.T) {
		e := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{
			"p.html": {Data: []byte("p")}, "l.html": {Data: []byte("<l>{{ embed }}</l>")},
		}}))
		app := fiber.New(fiber.Config{Views: e, ViewsLayout: "l"})
		app.Get("/", func(c *fiber.Ctx) error { return templates.Respond(c, 200, "p", nil) })
		if _, _, body := get(t, app, "/"); body != "<l>p</l>" {
			t.Fatalf("%q", body)
		}
	})
	t.Run("c.Render drives the Engine (fiber.Views)", func(t *testing.T) {
		e := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{
			"p.html": {Data: []byte("p={{ .x }}")}, "l.html": {Data: []byte("<l>{{ embed }}</l>")},
		}}))
		app := fiber.New(fiber.Config{Views: e})
		app.Get("/", func(c *fiber.Ctx) error { return c.Render("p", fiber.Map{"x": 1}, "l") })
		if _, _, body := get(t, app, "/"); body != "<l>p=1</l>" {
			t.Fatalf("%q", body)
		}
	})
	t.Run("another engine: through c.Render", func(t *testing.T) {
		h := html.New(writeFiles(t, map[string]string{"p.html": "other engine {{ .request_path }}"}), ".html")
		app := fiber.New(fiber.Config{Views: h})
		app.Get("/x", func(c *fiber.Ctx) error {
			name, err := templates.Select(c, "p", "q")
			if err != nil {
				return err
			}
			return templates.Respond(c, 202, name, nil)
		})
		if status, _, body := get(t, app, "/x"); status != 202 || body != "other engine /x" {
			t.Fatalf("%d %q", status, body)
		}
	})
	t.Run("Select", func(t *testing.T) {
		e := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{"b.html": {Data: []byte("b")}}, Logger: slog.New(slog.DiscardHandler)}))
		app := fiber.New(fiber.Config{Views: e})
		app.Get("/:names", func(c *fiber.Ctx) error {
			name, err := templates.Select(c, strings.Split(c.Params("names"), ",")...)
			if err != nil {
				return err
			}
			return c.SendString(name)
		})
		if _, _, body := get(t, app, "/a.html,b.html,c.html"); body != "b.html" {
			t.Errorf("%q", body)
		}
		if status, _, body := get(t, app, "/a.html,c.html"); status != 500 || !strings.Contains(body, `"a.html, c.html" does not exist`) {
			t.Errorf("%d %q", status, body)
		}
	})
}
