package views_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// TestEvents: logins, failed logins, lockouts and logouts reach
// Config.OnEvent and the log, with the user and the address, never the
// password.
func TestEvents(t *testing.T) {
	var mu sync.Mutex
	var got []string
	logs := &testLogger{}
	app := newApp(t, appOptions{sessions: true, cfg: views.Config{
		Logger: logs.logger(),
		Authenticate: func(c *fiber.Ctx, u, p string) (string, error) {
			if u == "alice" && p == "right horse" {
				return "7", nil
			}
			return "", views.ErrInvalidCredentials
		},
		LoginThrottle: security.ThrottleConfig{Limit: 2, Window: time.Minute},
		OnEvent: func(c *fiber.Ctx, e views.Event) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, e.Kind+" user="+e.UserID+" username="+e.Username+" ip="+e.ClientIP)
		},
	}, patterns: []urls.Pattern{
		views.Path("login/", &views.LoginView{NextPage: "/home/"}),
		views.Path("logout/", &views.LogoutView{NextPage: "/home/"}),
		views.Path("logout-all/", &views.LogoutView{NextPage: "/home/", AllSessions: true}),
	}})
	cl := newClient(t, app)
	login := func(user, pw string) int {
		tok := formToken(t, cl.do("GET", "/login/", nil).body)
		return cl.do("POST", "/login/", url.Values{"username": {user}, "password": {pw}, "csrfmiddlewaretoken": {tok}}).status
	}
	post := func(path string) int {
		tok := formToken(t, cl.do("GET", "/login/", nil).body)
		return cl.do("POST", path, url.Values{"csrfmiddlewaretoken": {tok}}).status
	}
	steps := []struct {
		name string
		run  func() int
		want string
	}{
		{"wrong password", func() int { return login("bob", "wrong secret 1") }, "login_failed user= username=bob ip=0.0.0.0"},
		{"right password", func() int { return login("alice", "right horse") }, "login user=7 username= ip=0.0.0.0"},
		{"logout", func() int { return post("/logout/") }, "logout user=7 username= ip=0.0.0.0"},
		{"log out everywhere", func() int { login("alice", "right horse"); return post("/logout-all/") },
			"logout_others user=7 username= ip=0.0.0.0"},
		{"locked out", func() int { login("bob", "wrong secret 2"); return login("bob", "wrong secret 3") },
			"lockout user= username=bob ip=0.0.0.0"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			mu.Lock()
			before := len(got)
			mu.Unlock()
			if status := s.run(); status >= 400 {
				t.Fatalf("status %d", status)
			}
			mu.Lock()
			defer mu.Unlock()
			if !strings.Contains(strings.Join(got[before:], "\n"), s.want) {
				t.Errorf("events %q, want %q among them", got[before:], s.want)
			}
		})
	}
	log := logs.String()
	for _, want := range []string{`msg="auth event" event=login_failed ip=0.0.0.0 username=bob`, `level=WARN msg="auth event" event=lockout`,
		`level=INFO msg="auth event" event=login ip=0.0.0.0 user=7`, `event=logout ip=0.0.0.0 user=7`} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{"right horse", "wrong secret", "csrfmiddlewaretoken"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q:\n%s", secret, log)
		}
	}
}
