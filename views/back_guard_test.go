package views_test

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// TestBackGuard checks that a page rendered for a logged-in user carries the
// script that reloads it when Back shows it from a browser cache, in the
// default layout and through BackGuard, and that an anonymous page (also one
// rendered right after a logout) does not; when the user cannot be loaded,
// BackGuard guards.
func TestBackGuard(t *testing.T) {
	script := "<script>" + views.BackGuardScript + "</script>"
	e, err := templates.New(templates.Config{}) // the embedded pages in the default layout
	if err != nil {
		t.Fatal(err)
	}
	load := func(c *fiber.Ctx, id string) (any, error) {
		if id == "broken" {
			return nil, errors.New("users table is down")
		}
		return &siteUser{ID: id}, nil
	}
	app := newApp(t, appOptions{engine: e, sessions: true, cfg: views.Config{LoadUser: load}})
	app.Get("/page", func(c *fiber.Ctx) error {
		return views.Render(c, 200, "registration/login.html", nil)
	})
	app.Get("/func", func(c *fiber.Ctx) error {
		return c.SendString("[" + string(views.BackGuard(c)) + "]")
	})
	app.Get("/out", func(c *fiber.Ctx) error {
		if err := sessionLogout(c); err != nil {
			return err
		}
		return views.Render(c, 200, "registration/login.html", nil)
	})
	for _, tc := range []struct {
		name, login, path string
		want              bool
	}{
		{"anonymous page", "", "/page", false},
		{"logged-in page", "3", "/page", true},
		{"BackGuard, anonymous", "", "/func", false},
		{"BackGuard, logged in", "3", "/func", true},
		{"BackGuard, the user cannot be loaded: guarded", "broken", "/func", true},
		{"page rendered after a logout in the same request", "3", "/out", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := newClient(t, app)
			if tc.login != "" {
				cl.do("POST", "/_login/"+tc.login, nil)
			}
			got := cl.do("GET", tc.path, nil)
			if got.status != 200 {
				t.Fatalf("%d %q", got.status, got.body)
			}
			if has := strings.Contains(got.body, script); has != tc.want {
				t.Errorf("the page has the back guard: %v, want %v:\n%s", has, tc.want, got.body)
			}
			if tc.path == "/page" && tc.want && strings.Index(got.body, script) > strings.Index(got.body, "</head>") {
				t.Errorf("the back guard is not in the <head>:\n%s", got.body)
			}
		})
	}
}

// TestBackGuardCSP checks the Content-Security-Policy source a site adds to
// allow the script: the hash of its exact text.
func TestBackGuardCSP(t *testing.T) {
	sum := sha256.Sum256([]byte(views.BackGuardScript))
	if want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; views.BackGuardCSP != want {
		t.Errorf("BackGuardCSP = %s, want %s (the hash of BackGuardScript)", views.BackGuardCSP, want)
	}
}
