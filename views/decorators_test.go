package views_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

func TestLoginRequired(t *testing.T) {
	secret := func(c *fiber.Ctx) error { return c.SendString("secret") }
	cases := []struct {
		name     string
		cfg      views.Config
		login    string
		path     string
		status   int
		location string
	}{
		{name: "anonymous: to the default login URL with next", path: "/profile/", status: 302,
			location: "/accounts/login/?next=/profile/"},
		{name: "next keeps the query string", path: "/profile/?tab=keys&x=%2F", status: 302,
			location: "/accounts/login/?next=/profile/%3Ftab%3Dkeys%26x%3D%252F"},
		{name: "LoginURL as a route name", cfg: views.Config{LoginURL: "accounts:login"}, path: "/profile/", status: 302,
			location: "/accounts/signin/?next=/profile/"},
		{name: "LoginURL with its own query", cfg: views.Config{LoginURL: "/login/?lang=fr"}, path: "/profile/", status: 302,
			location: "/login/?lang=fr&next=/profile/"},
		{name: "RedirectFieldName", cfg: views.Config{RedirectFieldName: "back"}, path: "/profile/", status: 302,
			location: "/accounts/login/?back=/profile/"},
		{name: "login on another host: next is absolute", cfg: views.Config{LoginURL: "https://sso.example/login"}, path: "/profile/", status: 302,
			location: "https://sso.example/login?next=http%3A//example.com/profile/"},
		{name: "logged in (real session)", login: "1", path: "/profile/", status: 200},
		{name: "logged in, but LoadUser says the user is gone", login: "gone",
			cfg: views.Config{LoadUser: func(c *fiber.Ctx, id string) (any, error) {
				if id == "gone" {
					return nil, nil
				}
				return id, nil
			}}, path: "/profile/", status: 302, location: "/accounts/login/?next=/profile/"},
		{name: "logged in, but LoadUser returns a nil *User", login: "gone",
			cfg: views.Config{LoadUser: func(c *fiber.Ctx, id string) (any, error) {
				return (*siteUser)(nil), nil
			}}, path: "/profile/", status: 302, location: "/accounts/login/?next=/profile/"},
		{name: "logged in, LoadUser finds the user", login: "here",
			cfg:  views.Config{LoadUser: func(c *fiber.Ctx, id string) (any, error) { return "user " + id, nil }},
			path: "/profile/", status: 200},
		{name: "LoadUser fails: 500", login: "x",
			cfg:  views.Config{LoadUser: func(c *fiber.Ctx, id string) (any, error) { return nil, errors.New("db down") }},
			path: "/profile/", status: 500},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			table := urls.MustCompile([]urls.Pattern{
				urls.Include("accounts/", []urls.Pattern{
					urls.Path("signin/", secret, urls.Name("login")),
				}, urls.Namespace("accounts")),
				urls.Path("profile/", views.LoginRequired(secret), urls.Name("profile")),
			})
			app := newApp(t, appOptions{cfg: tc.cfg, sessions: true})
			table.Mount(app)
			cl := newClient(t, app)
			if tc.login != "" {
				cl.do("POST", "/_login/"+tc.login, nil)
			}
			got := cl.do("GET", tc.path, nil)
			if got.status != tc.status {
				t.Fatalf("status %d, want %d: %q", got.status, tc.status, got.body)
			}
			if got.header.Get("Location") != tc.location {
				t.Errorf("Location %q, want %q", got.header.Get("Location"), tc.location)
			}
			if tc.status == 200 && got.body != "secret" {
				t.Errorf("body %q", got.body)
			}
		})
	}
}

func TestLoginRequiredOnAView(t *testing.T) {
	app := newApp(t, appOptions{sessions: true})
	app.All("/a", views.LoginRequired(mustAsView(&getOnly{})))
	app.All("/b", mustAsView(&getOnly{Base: views.Base{LoginRequired: true}}))
	cl := newClient(t, app)
	for _, p := range []string{"/a", "/b"} {
		if got := cl.do("GET", p, nil); got.status != 302 || got.header.Get("Location") != "/accounts/login/?next="+p {
			t.Errorf("%s anonymous: %d %q", p, got.status, got.header.Get("Location"))
		}
	}
	cl.do("POST", "/_login/3", nil)
	for _, p := range []string{"/a", "/b"} {
		if got := cl.do("GET", p, nil); got.status != 200 {
			t.Errorf("%s logged in: %d", p, got.status)
		}
	}
}

func TestRequireMethods(t *testing.T) {
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	cases := []struct {
		name    string
		h       fiber.Handler
		allowed []string
		allow   string
	}{
		{"RequirePOST", views.RequirePOST(ok), []string{"POST"}, "POST"},
		{"RequireGET", views.RequireGET(ok), []string{"GET"}, "GET"},
		{"RequireSafe", views.RequireSafe(ok), []string{"GET", "HEAD"}, "GET, HEAD"},
		{"RequireMethods, any case", views.RequireMethods(ok, "get", "Put"), []string{"GET", "PUT"}, "GET, PUT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, appOptions{})
			app.All("/x", tc.h)
			cl := newClient(t, app)
			for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
				got := cl.do(m, "/x", nil)
				allowed := false
				for _, a := range tc.allowed {
					allowed = allowed || a == m
				}
				if allowed {
					if got.status != 200 {
						t.Errorf("%s: %d, want 200", m, got.status)
					}
					continue
				}
				if got.status != 405 || got.header.Get("Allow") != tc.allow || strings.Contains(got.body, "<h1>405 Method Not Allowed</h1>") == (m == "HEAD") {
					t.Errorf("%s: %d Allow %q body %q, want 405 Allow %q", m, got.status, got.header.Get("Allow"), got.body, tc.allow)
				}
			}
		})
	}
}

func TestNeverCache(t *testing.T) {
	cases := []struct {
		name    string
		h       fiber.Handler
		status  int
		expires string // "" means "now"
	}{
		{"plain", func(c *fiber.Ctx) error { return c.SendString("x") }, 200, ""},
		{"handler set caching headers", func(c *fiber.Ctx) error {
			c.Set("Cache-Control", "public, max-age=3600")
			return c.SendString("x")
		}, 200, ""},
		{"handler set Expires: kept", func(c *fiber.Ctx) error {
			c.Set("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")
			return nil
		}, 200, "Thu, 01 Jan 1970 00:00:00 GMT"},
		{"handler failed", func(c *fiber.Ctx) error { return fiber.ErrTeapot }, 418, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, appOptions{})
			app.Get("/x", views.NeverCache(tc.h))
			before := time.Now().Add(-time.Second)
			got := newClient(t, app).do("GET", "/x", nil)
			after := time.Now().Add(time.Second)
			if got.status != tc.status {
				t.Fatalf("status %d", got.status)
			}
			if cc := got.header.Get("Cache-Control"); cc != "max-age=0, no-cache, no-store, must-revalidate, private" {
				t.Errorf("Cache-Control %q", cc)
			}
			exp := got.header.Get("Expires")
			if tc.expires != "" {
				if exp != tc.expires {
					t.Errorf("Expires %q, want %q", exp, tc.expires)
				}
				return
			}
			when, err := http.ParseTime(exp)
			if err != nil || !strings.HasSuffix(exp, " GMT") || when.Before(before) || when.After(after) {
				t.Errorf("Expires %q (%v), want an HTTP date of now", exp, err)
			}
		})
	}
}

// TestWriteTableNamesViews checks what urls.Resolver.WriteTable (Django's
// show_urls) lists for views: the view's type for views.Path, else the
// function that wrote the handler: the outermost decorator, or AsView's.
func TestWriteTableNamesViews(t *testing.T) {
	plain := func(c *fiber.Ctx) error { return nil }
	table := urls.MustCompile([]urls.Pattern{
		views.Path("a/", &getOnly{}, urls.Name("a")),
		views.Path("b/", &getOnly{Base: views.Base{LoginRequired: true, Decorators: []views.Decorator{views.NeverCache}}}, urls.Name("b")),
		urls.Path("c/", views.NeverCache(views.RequirePOST(views.CSRFProtect(views.LoginRequired(hello)))), urls.Name("c")),
		views.Path("d/", &views.LogoutView{}, urls.Name("d")),
		urls.Path("e/", plain, urls.Name("e")),
		urls.Path("f/", hello, urls.Name("f")),
		urls.Path("g/", views.RequirePOST(hello), urls.Name("g")),
		views.Path("h/", &getOnly{}, urls.Name("h"), urls.ViewName("pages.Only")),
	})
	var b strings.Builder
	if err := table.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"/a/ a *views_test.getOnly",
		"/b/ b *views_test.getOnly",
		"/c/ c views.NeverCache",
		"/d/ d *views.LogoutView",
		"/e/ e views.TestWriteTableNamesViews",
		"/f/ f views_test.hello",
		"/g/ g views.RequireMethods",
		"/h/ h pages.Only",
	} {
		if !strings.Contains(strings.Join(strings.Fields(b.String()), " "), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

// TestPathPanics: views.Path panics with AsView's error, which names the mistake.
func TestPathPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		view any
	}{
		{"nil", nil},
		{"not a pointer", getOnly{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, want := views.AsView(tc.view)
			defer func() {
				if err, ok := recover().(error); !ok || want == nil || err.Error() != want.Error() {
					t.Fatalf("recover() = %v, want AsView's error %v", err, want)
				}
			}()
			views.Path("x/", tc.view)
		})
	}
}
