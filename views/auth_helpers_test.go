package views_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// authSite is an app with real sessions on a SQLite file, a url table with a
// page named "home" and the views under test, and templates of its own
// besides the embedded defaults.
type authSite struct {
	t   *testing.T
	app *fiber.App
	m   *session.Manager
}

// authTemplates are the site templates the login and logout tests render.
var authTemplates = fstest.MapFS{
	"bye.html": {Data: []byte(`bye title={{ .title }} x={{ .x }} user={{ .user }} auth={{ .is_authenticated }} site={{ .site_name }} {{ .csrf_input }}`)},
	"login_page.html": {Data: []byte(`login_page title={{ .title }} x={{ .x }} next={{ .next }} field={{ .redirect_field_name }} ` +
		`username={{ .username }} error={{ .form_error }} {{ .csrf_input }}`)},
}

func newAuthSite(t *testing.T, cfg views.Config, patterns ...urls.Pattern) *authSite {
	t.Helper()
	engine, err := templates.New(templates.Config{FS: authTemplates})
	if err != nil {
		t.Fatal(err)
	}
	m := newSessions(t)
	home := urls.Path("home/", func(c *fiber.Ctx) error { return c.SendString("home") }, urls.Name("home"))
	all := append([]urls.Pattern{home}, patterns...)
	return &authSite{t: t, m: m, app: newApp(t, appOptions{cfg: cfg, engine: engine, manager: m, patterns: all})}
}

// client returns a new anonymous client holding a CSRF cookie and a token
// for it.
func (s *authSite) client() (*client, string) {
	s.t.Helper()
	cl := newClient(s.t, s.app)
	return cl, cl.do("GET", "/_token", nil).body
}

// login returns a client logged in as id, with a CSRF token.
func (s *authSite) login(id string) (*client, string) {
	s.t.Helper()
	cl, token := s.client()
	if r := cl.do("POST", "/_login/"+id, nil); r.body != "in" {
		s.t.Fatalf("logging in as %s: %d %s", id, r.status, r.body)
	}
	return cl, token
}

// whoami is the user id the client's session holds, "" when anonymous.
func (s *authSite) whoami(cl *client) string {
	s.t.Helper()
	return strings.TrimPrefix(cl.do("GET", "/_whoami", nil).body, "user=")
}

// hasSession reports whether the storage still holds the session key.
func (s *authSite) hasSession(key string) bool {
	s.t.Helper()
	v, err := s.m.Storage().Get(session.DefaultKeyPrefix + key)
	if err != nil {
		s.t.Fatal(err)
	}
	return v != nil
}

// form builds a urlencoded form from name, value pairs.
func form(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return v
}

// setCookie returns the response's Set-Cookie line for name, "" if none.
func setCookie(h http.Header, name string) string {
	for _, line := range h.Values("Set-Cookie") {
		if strings.HasPrefix(line, name+"=") {
			return line
		}
	}
	return ""
}

// assertNeverCache checks Django's never_cache headers.
func assertNeverCache(t *testing.T, r response) {
	t.Helper()
	if got := r.header.Get("Cache-Control"); got != views.NeverCacheControl {
		t.Errorf("Cache-Control = %q, want %q", got, views.NeverCacheControl)
	}
	if r.header.Get("Expires") == "" {
		t.Error("no Expires header")
	}
}
