package views_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// siteUser is what a site's LoadUser returns.
type siteUser struct{ ID, Username string }

func TestRenderUserContext(t *testing.T) {
	files := fstest.MapFS{
		"u.html": {Data: []byte(
			`user={{ .user }} name={{ .user.Username }} id={{ .user_id }} auth={{ .is_authenticated }} site={{ .site_name }} mine={{ .mine }}`)},
		"id.html": {Data: []byte(`user={{ .user }} id={{ .user_id }} auth={{ .is_authenticated }}`)},
	}
	load := func(c *fiber.Ctx, id string) (any, error) {
		switch id {
		case "gone":
			return nil, nil
		case "typed-nil":
			return (*siteUser)(nil), nil
		case "broken":
			return nil, errors.New("users table is down")
		}
		return &siteUser{ID: id, Username: "user" + id}, nil
	}
	cases := []struct {
		name   string
		load   func(*fiber.Ctx, string) (any, error)
		tmpl   string
		login  string
		status int
		want   string
	}{
		{"anonymous", load, "u.html", "", 200, "user=AnonymousUser name= id= auth=false site=Example mine=1"},
		{"LoadUser", load, "u.html", "7", 200, "user={7 user7} name=user7 id=7 auth=true"},
		{"LoadUser: the user no longer exists", load, "u.html", "gone", 200, "user=AnonymousUser name= id= auth=false"},
		{"LoadUser: a typed nil pointer is no user too", load, "u.html", "typed-nil", 200, "user=AnonymousUser name= id= auth=false"},
		{"no LoadUser: SessionUser", nil, "id.html", "9", 200, "user=9 id=9 auth=true"},
		{"LoadUser fails: 500", load, "u.html", "broken", 500, "users table is down"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := templates.New(templates.Config{FS: files})
			if err != nil {
				t.Fatal(err)
			}
			app := newApp(t, appOptions{engine: e, sessions: true, cfg: views.Config{SiteName: "Example", LoadUser: tc.load}})
			app.Get("/u", func(c *fiber.Ctx) error {
				return views.Render(c, 200, tc.tmpl, map[string]any{"mine": 1})
			})
			cl := newClient(t, app)
			if tc.login != "" {
				cl.do("POST", "/_login/"+tc.login, nil)
			}
			got := cl.do("GET", "/u", nil)
			if got.status != tc.status || !strings.Contains(got.body, tc.want) {
				t.Fatalf("%d %q, want %d with %q", got.status, got.body, tc.status, tc.want)
			}
		})
	}
}

// TestRenderSeesLogout checks that the user value follows a logout in the
// same request (the cached user is keyed by the session's user id).
func TestRenderSeesLogout(t *testing.T) {
	e, err := templates.New(templates.Config{FS: fstest.MapFS{"u.html": {Data: []byte(`auth={{ .is_authenticated }} user={{ .user }}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(t, appOptions{engine: e, sessions: true})
	app.Get("/out", func(c *fiber.Ctx) error {
		if _, err := views.CurrentUser(c); err != nil { // cache the logged-in user
			return err
		}
		if err := sessionLogout(c); err != nil {
			return err
		}
		return views.Render(c, 200, "u.html", nil)
	})
	cl := newClient(t, app)
	cl.do("POST", "/_login/5", nil)
	if got := cl.do("GET", "/out", nil); got.body != "auth=false user=AnonymousUser" {
		t.Fatalf("%d %q", got.status, got.body)
	}
}

func TestRenderStatusAndData(t *testing.T) {
	e, err := templates.New(templates.Config{FS: fstest.MapFS{"s.html": {Data: []byte(`{{ .site_name }} {{ .user_id }}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(t, appOptions{engine: e, cfg: views.Config{SiteName: "S"}})
	app.Get("/s", func(c *fiber.Ctx) error {
		// The view's data wins over the request context.
		return views.Render(c, 418, "s", map[string]any{"user_id": "mine"})
	})
	got := newClient(t, app).do("GET", "/s", nil)
	if got.status != 418 || got.body != "S mine" || got.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("%d %q %q", got.status, got.body, got.header.Get("Content-Type"))
	}
}

func TestRequestContextAsProcessor(t *testing.T) {
	// A site using templates.Respond directly can add views' keys as a processor.
	e, err := templates.New(templates.Config{
		FS:         fstest.MapFS{"p.html": {Data: []byte(`{{ .is_authenticated }} {{ len .csrf_token }}`)}},
		Processors: []templates.Processor{views.RequestContext},
	})
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(t, appOptions{engine: e})
	app.Get("/p", func(c *fiber.Ctx) error { return templates.Respond(c, 200, "p", nil) })
	if got := newClient(t, app).do("GET", "/p", nil); got.body != "false 64" {
		t.Fatalf("%q", got.body)
	}
}

func TestCSRFInput(t *testing.T) {
	app := newApp(t, appOptions{})
	app.Get("/i", func(c *fiber.Ctx) error { return c.SendString(string(views.CSRFInput(c))) })
	got := newClient(t, app).do("GET", "/i", nil)
	if !tokenRe.MatchString(got.body) || !strings.HasPrefix(got.body, `<input type="hidden" name="csrfmiddlewaretoken" value="`) {
		t.Fatalf("%q", got.body)
	}
}

func TestResolveURL(t *testing.T) {
	cases := []struct {
		to      string
		args    []any
		mounted bool
		want    string
		err     bool
	}{
		{to: "/plain/path/", want: "/plain/path/"},
		{to: "/plain/path/", mounted: true, want: "/plain/path/"},
		{to: "https://example.org/x", want: "https://example.org/x"},
		{to: "./relative", want: "./relative"},
		{to: "../up", want: "../up"},
		{to: "home", mounted: true, want: "/"},
		{to: "accounts:logout", mounted: true, want: "/accounts/logout/"},
		{to: "article", args: []any{12}, mounted: true, want: "/articles/12/"},
		{to: "article", args: []any{urls.Kwargs{"id": 3}}, mounted: true, want: "/articles/3/"},
		{to: "example.com", mounted: true, want: "example.com"},
		{to: "mailto:a@b.example", mounted: true, want: "mailto:a@b.example"},
		{to: "no-such-route", mounted: true, err: true},
		{to: "accounts:typo", mounted: true, err: true},
		{to: "article", mounted: true, err: true}, // missing argument
		{to: "home", mounted: false, err: true},   // no table for this request
		{to: "", mounted: true, err: true},
	}
	for _, tc := range cases {
		t.Run(tc.to, func(t *testing.T) {
			resolve := func(c *fiber.Ctx) error {
				u, err := views.ResolveURL(c, tc.to, tc.args...)
				if err != nil {
					return c.Status(599).SendString(err.Error())
				}
				return c.SendString(u)
			}
			table := urls.MustCompile([]urls.Pattern{
				urls.Path("", resolve, urls.Name("home")),
				urls.Path("articles/<int:id>/", resolve, urls.Name("article")),
				urls.Include("accounts/", []urls.Pattern{urls.Path("logout/", resolve, urls.Name("logout"))}, urls.Namespace("accounts")),
			})
			app := fiber.New()
			path := "/"
			if tc.mounted {
				table.Mount(app)
			} else {
				app.Get("/unmounted", resolve)
				path = "/unmounted"
			}
			got := newClient(t, app).do("GET", path, nil)
			if tc.err {
				if got.status != 599 {
					t.Fatalf("got %q, want an error", got.body)
				}
				if tc.to != "" && !strings.Contains(got.body, tc.to) {
					t.Errorf("error %q does not name %q", got.body, tc.to)
				}
				return
			}
			if got.status != 200 || got.body != tc.want {
				t.Fatalf("%d %q, want %q", got.status, got.body, tc.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  views.Config
		err  string
	}{
		{"zero", views.Config{}, ""},
		{"trusted origins", views.Config{CSRF: security.CSRFConfig{TrustedOrigins: []string{"https://a.example", "https://*.b.example:8443"}}}, ""},
		{"origin without scheme", views.Config{CSRF: security.CSRFConfig{TrustedOrigins: []string{"a.example"}}}, "the scheme is required"},
		{"origin with a path", views.Config{CSRF: security.CSRFConfig{TrustedOrigins: []string{"https://a.example/x"}}}, "path, query and fragment are not allowed"},
		{"origin without host", views.Config{CSRF: security.CSRFConfig{TrustedOrigins: []string{"https://"}}}, "the host is required"},
		{"bad SameSite", views.Config{CSRF: security.CSRFConfig{CookieSameSite: "loose"}}, "want Lax, Strict or None"},
		{"SameSite None without Secure", views.Config{CSRF: security.CSRFConfig{CookieSameSite: "None"}}, "needs CookieSecure"},
		{"SameSite None with Secure", views.Config{CSRF: security.CSRFConfig{CookieSameSite: "None", CookieSecure: true}}, ""},
		{"negative cookie age", views.Config{CSRF: security.CSRFConfig{CookieAge: -1}}, "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("Validate() = %v, want %q", err, tc.err)
			}
			func() {
				defer func() {
					if r := recover(); (r != nil) != (tc.err != "") {
						t.Errorf("Setup panicked with %v, want panic = %v", r, tc.err != "")
					}
				}()
				views.Setup(tc.cfg)
			}()
		})
	}
}

func TestSettings(t *testing.T) {
	app := fiber.New()
	app.Get("/default", func(c *fiber.Ctx) error {
		s := views.Settings(c)
		return c.SendString(s.LoginURL + " " + s.LoginRedirectURL + " " + s.RedirectFieldName + " " + s.CSRF.CookieName)
	})
	app.Use(views.Setup(views.Config{LoginURL: "login", SiteName: "S"}))
	app.Get("/set", func(c *fiber.Ctx) error {
		s := views.Settings(c)
		return c.SendString(s.LoginURL + " " + s.SiteName + " " + s.CSRF.HeaderName)
	})
	cl := newClient(t, app)
	if got := cl.do("GET", "/default", nil).body; got != "/accounts/login/ /accounts/profile/ next csrftoken" {
		t.Errorf("defaults: %q", got)
	}
	if got := cl.do("GET", "/set", nil).body; got != "login S X-CSRFToken" {
		t.Errorf("with Setup: %q", got)
	}
}
