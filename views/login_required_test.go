package views_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// TestLoginRequiredByDefault: with Config.LoginRequired every route of the
// table needs a login but those marked public, and LoginView's and
// LogoutView's, which are public by themselves.
func TestLoginRequiredByDefault(t *testing.T) {
	page := func(name string) fiber.Handler { return func(c *fiber.Ctx) error { return c.SendString(name) } }
	patterns := []urls.Pattern{
		urls.Path("home/", page("home"), urls.Name("home")),
		urls.Path("about/", page("about"), urls.Name("about"), urls.Public()),
		views.Path("hello/", &getOnly{}, urls.Name("hello")),
		urls.Include("docs/", []urls.Pattern{
			urls.Path("intro/", page("intro"), urls.Name("intro")),
			urls.Include("deep/", []urls.Pattern{urls.Path("x/", page("x"), urls.Name("x"))}),
		}, urls.Namespace("docs"), urls.Public()),
		urls.Include("accounts/", []urls.Pattern{
			views.Path("login/", &views.LoginView{}, urls.Name("login")),
			views.Path("logout/", &views.LogoutView{}, urls.Name("logout")),
		}, urls.Namespace("accounts")),
	}
	table := urls.MustCompile(patterns)
	app := newApp(t, appOptions{sessions: true, patterns: patterns, cfg: views.Config{
		URLs: table, LoginRequired: true, LoginURL: "accounts:login",
		Authenticate: func(c *fiber.Ctx, u, p string) (string, error) { return "", views.ErrInvalidCredentials },
	}})
	cl := newClient(t, app)
	cases := []struct {
		path, method string
		status       int
		location     string
	}{
		{"/home/", "GET", 302, "/accounts/login/?next=/home/"},
		{"/home/?q=1", "GET", 302, "/accounts/login/?next=/home/%3Fq%3D1"},
		{"/hello/", "GET", 302, "/accounts/login/?next=/hello/"},
		{"/hello/", "POST", 302, "/accounts/login/?next=/hello/"}, // before the 405 and the CSRF check
		{"/about/", "GET", 200, ""},
		{"/docs/intro/", "GET", 200, ""},
		{"/docs/deep/x/", "GET", 200, ""},
		{"/accounts/login/", "GET", 200, ""},
		{"/accounts/logout/", "OPTIONS", 200, ""},
		{"/nowhere/", "GET", 404, ""},
	}
	for _, tc := range cases {
		t.Run("anonymous "+tc.method+" "+tc.path, func(t *testing.T) {
			r := cl.do(tc.method, tc.path, nil)
			if r.status != tc.status || r.header.Get("Location") != tc.location {
				t.Errorf("%d %q, want %d %q", r.status, r.header.Get("Location"), tc.status, tc.location)
			}
		})
	}
	cl.do("POST", "/_login/7", nil)
	for _, p := range []string{"/home/", "/hello/", "/about/"} {
		if r := cl.do("GET", p, nil); r.status != 200 {
			t.Errorf("logged in, GET %s: %d, want 200", p, r.status)
		}
	}
	t.Run("the listing says which routes are public", func(t *testing.T) {
		var b strings.Builder
		if err := table.WriteTable(&b); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(strings.Fields(b.String()), " ")
		for _, want := range []string{"ROUTE NAME HANDLER ACCESS", "/home/ home views.TestLoginRequiredByDefault /about/",
			"/about/ about views.TestLoginRequiredByDefault public", "/docs/deep/x/ docs:x views.TestLoginRequiredByDefault public",
			"/accounts/login/ accounts:login *views.LoginView public", "/hello/ hello *views_test.getOnly /docs/intro/"} {
			if !strings.Contains(got, want) {
				t.Errorf("the listing lacks %q:\n%s", want, b.String())
			}
		}
	})
}

func TestLoginRequiredConfigErrors(t *testing.T) {
	ok := func(c *fiber.Ctx) error { return nil }
	cases := []struct {
		name string
		cfg  views.Config
		want string
	}{
		{"no url table", views.Config{LoginRequired: true}, "views.Config.LoginRequired: needs URLs"},
		{"a login page that needs a ", views.Config{LoginRequired: true, LoginURL: "login", URLs: urls.MustCompile([]urls.Pattern{
			urls.Path("login/", ok, urls.Name("login")),
		})}, `views.Config.LoginURL: "login" needs a login itself`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if !errors.Is(err, views.ErrImproperlyConfigured) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want %q", err, tc.want)
			}
		})
	}
}
