package views_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fiberviews/fiberviews/views"
)

// TestLoginStaleForm: a login form whose CSRF token went stale (the user
// logged in or out in another tab since it was rendered) never shows a CSRF
// error and never has its credentials checked: a logged-in user goes where
// the form was going, anyone else gets the form again with a fresh token,
// which then works. A cross-origin POST still gets the CSRF failure page.
func TestLoginStaleForm(t *testing.T) {
	var calls atomic.Int32
	logout := views.Path("logout/", &views.LogoutView{NextPage: "home", ClearSiteData: []string{`"cookies"`}})
	s := newAuthSite(t, views.Config{Authenticate: checkPasswords(&calls)}, append(loginPatterns(), logout)...)
	login := func(cl *client, token string, extra ...string) response {
		return cl.do("POST", "/login/", form(append([]string{"csrfmiddlewaretoken", token, "username", "alice", "password", alicePassword}, extra...)...))
	}
	checked := func(t *testing.T, before int32, want bool) {
		t.Helper()
		if got := calls.Load() != before; got != want {
			t.Errorf("Authenticate called: %v, want %v", got, want)
		}
	}
	t.Run("logged in in another tab: on to the next page", func(t *testing.T) {
		cl, _ := s.client()
		stale := formToken(t, cl.do("GET", "/login/?next=/profile/", nil).body)
		if r := login(cl, formToken(t, cl.do("GET", "/login/", nil).body)); r.status != 302 {
			t.Fatalf("login in the other tab: %d", r.status)
		}
		before := calls.Load()
		r := login(cl, stale, "next", "/profile/")
		if r.status != 302 || r.header.Get("Location") != "/profile/" {
			t.Fatalf("%d %q, want 302 /profile/", r.status, r.header.Get("Location"))
		}
		checked(t, before, false)
	})
	for _, how := range []struct {
		name string
		out  func(cl *client, token string)
	}{
		{"logged in and out in another tab", func(cl *client, token string) {
			login(cl, token)
			cl.do("POST", "/_logout", nil)
		}},
		{"logged out with the cookies cleared", func(cl *client, token string) {
			login(cl, token)
			cl.do("POST", "/logout/", form("csrfmiddlewaretoken", formToken(t, cl.do("GET", "/login/", nil).body)))
			delete(cl.cookies, "csrftoken") // what Clear-Site-Data "cookies" does in a browser
		}},
	} {
		t.Run(how.name+": the form again, and its token works", func(t *testing.T) {
			cl, _ := s.client()
			stale := formToken(t, cl.do("GET", "/login/", nil).body)
			how.out(cl, formToken(t, cl.do("GET", "/login/", nil).body))
			if who := s.whoami(cl); who != "" {
				t.Fatalf("still logged in as %q", who)
			}
			before := calls.Load()
			r := login(cl, stale)
			if r.status != 200 || !strings.Contains(r.body, staleFormMessage) || strings.Contains(r.body, "CSRF") || strings.Contains(r.body, "alice") {
				t.Fatalf("%d, want the form again with StaleFormMessage, no CSRF words, no username:\n%s", r.status, r.body)
			}
			checked(t, before, false)
			if s.whoami(cl) != "" {
				t.Fatal("a stale form logged in")
			}
			if r := login(cl, formToken(t, r.body)); r.status != 302 || s.whoami(cl) != "1" {
				t.Fatalf("the fresh form: %d, user %q; want 302 and logged in", r.status, s.whoami(cl))
			}
		})
	}
	t.Run("cross-origin: the CSRF failure page in plain words", func(t *testing.T) {
		cl, token := s.client()
		before := calls.Load()
		r := cl.do("POST", "/login/", form("csrfmiddlewaretoken", token, "username", "alice", "password", alicePassword), "Origin", "https://evil.example")
		if r.status != 403 || !strings.Contains(r.body, "reload the page and try again") || strings.Contains(r.body, "Origin checking failed") ||
			strings.Contains(r.body, "Developers") {
			t.Fatalf("%d, want 403 in plain words, no reason, no developers' hints:\n%s", r.status, r.body)
		}
		checked(t, before, false)
	})
	t.Run("Debug: the reason and the hints", func(t *testing.T) {
		d := newAuthSite(t, views.Config{Debug: true, Authenticate: checkPasswords(&calls)}, loginPatterns()...)
		cl, token := d.client()
		r := cl.do("POST", "/login/", form("csrfmiddlewaretoken", token), "Origin", "https://evil.example")
		if r.status != 403 || !strings.Contains(r.body, "Origin checking failed") || !strings.Contains(r.body, "Developers") {
			t.Fatalf("%d, want 403 with the reason and the hints:\n%s", r.status, r.body)
		}
	})
}
