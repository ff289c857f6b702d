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
	var want []string
	for _, script := range []string{views.BackGuardScript, logoutBroadcast} {
		sum := sha256.Sum256([]byte(script))
		want = append(want, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	if views.BackGuardCSP != strings.Join(want, " ") {
		t.Errorf("BackGuardCSP = %s, want %s (the hashes of BackGuardScript and of the logged-out pages' script)", views.BackGuardCSP, want)
	}
}

// logoutBroadcast is the script of a page rendered for no one: it tells the
// browser's other tabs that the session has ended.
const logoutBroadcast = `self.BroadcastChannel&&new BroadcastChannel("fiberviews-session").postMessage("out")`

// TestSessionStatus: SessionStatusPath answers 204 while the session is
// logged in and 401 once it ended (here, or on another device), without a
// body, a cookie or a refresh of the session; a page rendered for no one
// tells the other tabs.
func TestSessionStatus(t *testing.T) {
	m := newSessions(t)
	app := newApp(t, appOptions{manager: m})
	app.Get("/anon", func(c *fiber.Ctx) error { return c.SendString(string(views.BackGuard(c))) })
	cl := newClient(t, app)
	if r := cl.do("GET", views.SessionStatusPath, nil); r.status != 401 || r.body != "" || len(r.header.Values("Set-Cookie")) != 0 {
		t.Errorf("anonymous: %d %q Set-Cookie %q, want a bare 401", r.status, r.body, r.header.Values("Set-Cookie"))
	}
	if r := cl.do("GET", "/anon", nil); r.body != "<script>"+logoutBroadcast+"</script>" {
		t.Errorf("a page for no one: %q, want the logout broadcast", r.body)
	}
	cl.do("POST", "/_login/5", nil)
	r := cl.do("GET", views.SessionStatusPath, nil)
	if r.status != 204 || r.body != "" || len(r.header.Values("Set-Cookie")) != 0 || r.header.Get("Cache-Control") != views.NeverCacheControl {
		t.Errorf("logged in: %d %q Set-Cookie %q Cache-Control %q, want a bare, uncached 204", r.status, r.body, r.header.Values("Set-Cookie"), r.header.Get("Cache-Control"))
	}
	if r := cl.do("POST", views.SessionStatusPath, nil); r.status == 204 {
		t.Errorf("POST answered like GET: %d", r.status)
	}
	if err := m.LogoutAll("5"); err != nil { // "log out everywhere" from another device
		t.Fatal(err)
	}
	if r := cl.do("GET", views.SessionStatusPath, nil); r.status != 401 {
		t.Errorf("after the user's sessions ended elsewhere: %d, want 401", r.status)
	}
}
