package views_test

import (
	"testing"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// TestVaryCookie: a response built from the session or the CSRF token says
// Vary: Cookie (Django's), and one rendered for a logged-in user is not for
// shared caches (Cache-Control: private), the 404 page included; a response
// that used neither says neither.
func TestVaryCookie(t *testing.T) {
	engine, err := templates.New(templates.Config{})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(newSessions(t).Middleware(), views.Setup(views.Config{Logger: discard()}))
	app.Post("/_login/:id", func(c *fiber.Ctx) error { return session.Login(c, c.Params("id")) })
	app.Get("/static", func(c *fiber.Ctx) error { return c.SendString("same for all") })
	app.Get("/token", func(c *fiber.Ctx) error { return c.SendString(views.CSRFToken(c)) })
	app.Get("/private", views.LoginRequired(func(c *fiber.Ctx) error { return c.SendString("private") }))
	app.Get("/cached", views.LoginRequired(func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=60") // the view's own choice stands
		return c.SendString("public")
	}))
	anon, in := newClient(t, app), newClient(t, app)
	in.do("POST", "/_login/7", nil)
	cases := []struct {
		name        string
		cl          *client
		path        string
		status      int
		vary, cache string
	}{
		{"anonymous, nothing used", anon, "/static", 200, "", ""},
		{"anonymous, the CSRF token", anon, "/token", 200, "Cookie", ""},
		{"anonymous 404 page (user and token)", anon, "/nope", 404, "Cookie", ""},
		{"anonymous, login required", anon, "/private", 302, "Cookie", ""},
		{"logged in, nothing used", in, "/static", 200, "", ""},
		{"logged in 404 page", in, "/nope", 404, "Cookie", "private"},
		{"logged in, login required", in, "/private", 200, "Cookie", "private"},
		{"logged in, the view's Cache-Control", in, "/cached", 200, "Cookie", "public, max-age=60"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.cl.do("GET", tc.path, nil)
			if r.status != tc.status || r.header.Get("Vary") != tc.vary || r.header.Get("Cache-Control") != tc.cache {
				t.Fatalf("%d Vary %q Cache-Control %q, want %d %q %q", r.status, r.header.Get("Vary"), r.header.Get("Cache-Control"), tc.status, tc.vary, tc.cache)
			}
		})
	}
}
