package views_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// writer answers every unsafe method; it never touches the session.
type writer struct{ views.Base }

func (v *writer) Get(c *fiber.Ctx) error    { return c.SendString("page") }
func (v *writer) Post(c *fiber.Ctx) error   { return c.SendString("posted") }
func (v *writer) Put(c *fiber.Ctx) error    { return c.SendString("put") }
func (v *writer) Patch(c *fiber.Ctx) error  { return c.SendString("patched") }
func (v *writer) Delete(c *fiber.Ctx) error { return c.SendString("deleted") }

// csrfApp mounts writer at /w and returns a client holding a CSRF cookie and
// a token for it.
func csrfApp(t *testing.T, cfg views.Config) (*fiber.App, *client, string) {
	t.Helper()
	app := newApp(t, appOptions{cfg: cfg})
	app.All("/w", mustAsView(&writer{}))
	cl := newClient(t, app)
	tok := cl.do("GET", "/_token", nil).body
	if len(tok) != 64 || cl.cookie("csrftoken") == "" {
		t.Fatalf("token %q, cookie %q", tok, cl.cookie("csrftoken"))
	}
	return app, cl, tok
}

func TestCSRFAccepts(t *testing.T) {
	_, cl, tok := csrfApp(t, views.Config{})
	other := cl.do("GET", "/_token", nil).body
	if other == tok {
		t.Fatal("two tokens for one secret are equal: they must be masked afresh")
	}
	multipartBody := func() (string, string) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.WriteField("csrfmiddlewaretoken", tok)
		_ = w.Close()
		return b.String(), w.FormDataContentType()
	}
	mpBody, mpType := multipartBody()
	cases := []struct {
		name    string
		method  string
		body    any
		headers []string
		want    string
	}{
		{"form field", "POST", url.Values{"csrfmiddlewaretoken": {tok}}, nil, "posted"},
		{"form field, another mask of the same secret", "POST", url.Values{"csrfmiddlewaretoken": {other}}, nil, "posted"},
		{"header", "POST", nil, []string{"X-CSRFToken", tok}, "posted"},
		{"multipart form field", "POST", mpBody, []string{"Content-Type", mpType}, "posted"},
		{"DELETE with header", "DELETE", nil, []string{"X-CSRFToken", tok}, "deleted"},
		{"Origin equal to Host", "POST", nil, []string{"X-CSRFToken", tok, "Origin", "http://example.com"}, "posted"},
		{"GET needs no token", "GET", nil, nil, "page"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := cl.do(tc.method, "/w", tc.body, tc.headers...)
			if got.status != 200 || got.body != tc.want {
				t.Fatalf("%d %q, want 200 %q", got.status, got.body, tc.want)
			}
		})
	}
}

func TestCSRFRejects(t *testing.T) {
	wrong := strings.Repeat("a", 32) // well formed, not the secret
	cases := []struct {
		name     string
		method   string
		cookie   string // "" keeps the client's, "-" drops it, else this value
		body     func(tok string) any
		headers  func(tok string) []string
		query    bool // the token in the query string
		reason   string
		noCookie bool
	}{
		{name: "no token", method: "POST", reason: "CSRF token missing."},
		{name: "no cookie", method: "POST", cookie: "-",
			headers: func(tok string) []string { return []string{"X-CSRFToken", tok} }, reason: "CSRF cookie not set.", noCookie: true},
		{name: "wrong token in header", method: "POST",
			headers: func(string) []string { return []string{"X-CSRFToken", wrong} }, reason: `CSRF token from the "X-CSRFToken" HTTP header incorrect.`},
		{name: "token in the query string only", method: "POST", query: true, reason: "CSRF token missing."},
		{name: "malformed cookie", method: "POST", cookie: "short",
			headers: func(tok string) []string { return []string{"X-CSRFToken", tok} }, reason: "CSRF cookie has incorrect length."},
		{name: "cross-site request with a valid token", method: "POST",
			headers: func(tok string) []string {
				return []string{"X-CSRFToken", tok, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}
			}, reason: "Cross-origin request detected from Sec-Fetch-Site header."},
		{name: "PATCH with a wrong header", method: "PATCH",
			headers: func(string) []string { return []string{"X-CSRFToken", wrong} }, reason: "incorrect."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, cl, tok := csrfApp(t, views.Config{Debug: true}) // the reason shows with Debug
			switch tc.cookie {
			case "":
			case "-":
				delete(cl.cookies, "csrftoken")
			default:
				cl.cookies["csrftoken"] = tc.cookie
			}
			var body any
			if tc.body != nil {
				body = tc.body(tok)
			}
			var headers []string
			if tc.headers != nil {
				headers = tc.headers(tok)
			}
			path := "/w"
			if tc.query {
				path += "?csrfmiddlewaretoken=" + tok
			}
			got := cl.do(tc.method, path, body, headers...)
			if got.status != 403 {
				t.Fatalf("status %d, want 403; body %q", got.status, got.body)
			}
			for _, want := range []string{"CSRF verification failed. Request aborted.", templateEscape(tc.reason)} {
				if !strings.Contains(got.body, want) {
					t.Errorf("403 page lacks %q:\n%s", want, got.body)
				}
			}
			if strings.Contains(got.body, "requires a CSRF cookie") != tc.noCookie {
				t.Errorf("cookie help shown = %v, want %v", !tc.noCookie, tc.noCookie)
			}
			if !strings.HasPrefix(got.header.Get("Content-Type"), "text/html") {
				t.Errorf("Content-Type %q", got.header.Get("Content-Type"))
			}
		})
	}
}

// templateEscape is what html/template makes of a reason in text.
func templateEscape(s string) string {
	return strings.NewReplacer(`"`, "&#34;").Replace(s)
}

func TestCSRFTrustedOrigins(t *testing.T) {
	cfg := views.Config{CSRF: security.CSRFConfig{TrustedOrigins: []string{"https://partner.example", "https://*.corp.example"}}}
	cases := []struct {
		name    string
		headers []string
		status  int
	}{
		{"trusted origin, cross-site", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://partner.example"}, 200},
		{"wildcard subdomain", []string{"Origin", "https://a.b.corp.example"}, 200},
		{"untrusted", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, cl, tok := csrfApp(t, cfg)
			got := cl.do("POST", "/w", nil, append([]string{"X-CSRFToken", tok}, tc.headers...)...)
			if got.status != tc.status {
				t.Fatalf("status %d, want %d", got.status, tc.status)
			}
		})
	}
}

func TestCSRFExempt(t *testing.T) {
	cases := []struct {
		name   string
		view   any
		status int
	}{
		{"Base.CSRFExempt", &writer{Base: views.Base{CSRFExempt: true}}, 200},
		{"checked by default", &writer{}, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, appOptions{})
			app.All("/w", mustAsView(tc.view))
			if got := newClient(t, app).do("POST", "/w", nil); got.status != tc.status || tc.status == 200 && got.body != "posted" {
				t.Fatalf("%d %q", got.status, got.body)
			}
		})
	}
}

// TestCSRFCookie checks that Config.CSRF reaches the cookie views.Setup
// sets; every attribute's default and parsing are security's TestTokenCookie.
func TestCSRFCookie(t *testing.T) {
	cases := []struct {
		name     string
		cfg      security.CSRFConfig
		contains []string
		lacks    []string
	}{
		{"configured", security.CSRFConfig{CookieName: "xsrf", CookiePath: "/app", CookieDomain: "example.com", CookieSecure: true,
			CookieSameSite: "Strict", CookieAge: time.Hour, CookieReadableByScripts: true},
			[]string{"xsrf=", "path=/app", "domain=example.com", "secure", "SameSite=Strict", "max-age=3600"}, []string{"HttpOnly"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, appOptions{cfg: views.Config{CSRF: tc.cfg}})
			cl := newClient(t, app)
			got := cl.do("GET", "/_token", nil)
			sc := got.header.Get("Set-Cookie")
			for _, s := range tc.contains {
				if !strings.Contains(sc, s) {
					t.Errorf("Set-Cookie %q lacks %q", sc, s)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(sc, s) {
					t.Errorf("Set-Cookie %q has %q", sc, s)
				}
			}
			// With a valid cookie, rendering a token sets no cookie again.
			if again := cl.do("GET", "/_token", nil); again.header.Get("Set-Cookie") != "" {
				t.Errorf("second token set a cookie again: %q", again.header.Get("Set-Cookie"))
			}
		})
	}
}

func TestRotateCSRFToken(t *testing.T) {
	app := newApp(t, appOptions{})
	app.All("/w", mustAsView(&writer{}))
	app.Post("/rotate", func(c *fiber.Ctx) error {
		before := views.CSRFToken(c)
		views.RotateCSRFToken(c)
		return c.SendString(before + " " + views.CSRFToken(c))
	})
	cl := newClient(t, app)
	old := cl.do("GET", "/_token", nil).body
	oldSecret := cl.cookie("csrftoken")
	got := cl.do("POST", "/rotate", nil)
	if cl.cookie("csrftoken") == oldSecret {
		t.Fatal("RotateCSRFToken did not set a new cookie")
	}
	toks := strings.Fields(got.body)
	if len(toks) != 2 {
		t.Fatalf("body %q", got.body)
	}
	if r := cl.do("POST", "/w", nil, "X-CSRFToken", old); r.status != 403 {
		t.Errorf("token from before the rotation: %d, want 403", r.status)
	}
	if r := cl.do("POST", "/w", nil, "X-CSRFToken", toks[0]); r.status != 403 {
		t.Errorf("token rendered before the rotation in the same request: %d, want 403", r.status)
	}
	if r := cl.do("POST", "/w", nil, "X-CSRFToken", toks[1]); r.status != 200 {
		t.Errorf("token rendered after the rotation: %d, want 200", r.status)
	}
}

// countingStorage counts the writes a session manager makes.
type countingStorage struct {
	*session.SQLiteStorage
	writes atomic.Int64
}

func (s *countingStorage) Set(k string, v []byte, exp time.Duration) error {
	s.writes.Add(1)
	return s.SQLiteStorage.Set(k, v, exp)
}

func (s *countingStorage) Replace(k string, v []byte, exp time.Duration) (bool, error) {
	s.writes.Add(1)
	return s.SQLiteStorage.Replace(k, v, exp)
}

func (s *countingStorage) Update(k string, fn func([]byte) ([]byte, time.Duration, error)) error {
	s.writes.Add(1)
	return s.SQLiteStorage.Update(k, fn)
}

func (s *countingStorage) Delete(k string) error {
	s.writes.Add(1)
	return s.SQLiteStorage.Delete(k)
}

// TestCSRFDoesNotWriteTheSession checks a logged-in user's token render, CSRF
// check (passing and failing) and rotation: none writes the session.
func TestCSRFDoesNotWriteTheSession(t *testing.T) {
	sq, err := session.OpenSQLite(filepath.Join(t.TempDir(), "sessions.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sq.Close() })
	store := &countingStorage{SQLiteStorage: sq}
	m, err := session.New(session.Config{Storage: store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	app := fiber.New(fiber.Config{Views: hookEngine(t)})
	app.Use(m.Middleware(), views.Setup(views.Config{Logger: discard()}))
	app.Post("/_login/:id", func(c *fiber.Ctx) error { return session.Login(c, c.Params("id")) })
	app.Get("/page", mustAsView(&views.TemplateView{TemplateName: "form.html"}))
	app.All("/w", mustAsView(&writer{}))
	cl := newClient(t, app)
	cl.do("POST", "/_login/42", nil)
	if cl.cookie("sessionid") == "" {
		t.Fatal("login set no session cookie")
	}
	before := store.writes.Load()
	page := cl.do("GET", "/page", nil)
	tok := formToken(t, page.body)
	steps := []struct {
		name   string
		status int
		resp   response
	}{
		{"valid POST", 200, cl.do("POST", "/w", url.Values{"csrfmiddlewaretoken": {tok}})},
		{"invalid POST", 403, cl.do("POST", "/w", url.Values{"csrfmiddlewaretoken": {strings.Repeat("x", 64)}})},
	}
	for _, s := range steps {
		if s.resp.status != s.status {
			t.Errorf("%s: status %d, want %d", s.name, s.resp.status, s.status)
		}
		if strings.Contains(s.resp.header.Get("Set-Cookie"), "sessionid") {
			t.Errorf("%s set the session cookie", s.name)
		}
	}
	if n := store.writes.Load() - before; n != 0 {
		t.Errorf("rendering and checking CSRF tokens wrote the session %d times", n)
	}
}

// loggedOutPage logs out on POST and renders a page carrying a token, as
// LogoutView will.
type loggedOutPage struct{ views.TemplateView }

func (v *loggedOutPage) Post(c *fiber.Ctx) error {
	if err := session.Logout(c); err != nil {
		return err
	}
	ctx, err := v.GetContextData(c)
	if err != nil {
		return err
	}
	return v.RenderToResponse(c, ctx)
}

func TestTokenAfterLogoutWorks(t *testing.T) {
	engine, err := templates.New(templates.Config{FS: fstest.MapFS{
		"bye.html": {Data: []byte(`authenticated={{ .is_authenticated }} {{ .csrf_input }}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(t, appOptions{engine: engine, sessions: true})
	app.All("/logout", mustAsView(&loggedOutPage{views.TemplateView{TemplateName: "bye.html"}}))
	app.All("/w", mustAsView(&writer{}))
	cl := newClient(t, app)
	tok := cl.do("GET", "/_token", nil).body
	cl.do("POST", "/_login/7", nil)
	out := cl.do("POST", "/logout", url.Values{"csrfmiddlewaretoken": {tok}})
	if out.status != 200 || !strings.Contains(out.body, "authenticated=false") {
		t.Fatalf("logout page: %d %q", out.status, out.body)
	}
	if cl.cookie("sessionid") != "" {
		t.Fatal("still holding a session cookie after logout")
	}
	after := formToken(t, out.body)
	if got := cl.do("POST", "/w", url.Values{"csrfmiddlewaretoken": {after}}); got.status != 200 {
		t.Fatalf("token of the page rendered after logout: %d, want 200", got.status)
	}
}

func TestCSRFFailurePage(t *testing.T) {
	custom, err := templates.New(templates.Config{FS: fstest.MapFS{
		"csrf_failure.html": {Data: []byte(`custom 403: {{ .reason }}`)},
		"denied.html":       {Data: []byte(`denied: {{ .reason }}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		engine *templates.Engine
		cfg    views.Config
		want   string
	}{
		{"embedded default", nil, views.Config{}, "The form could not be sent <span class=\"muted\">(403)</span>"},
		{"site overrides csrf_failure.html", custom, views.Config{}, "custom 403: CSRF cookie not set."},
		{"FailureTemplate setting", custom, views.Config{CSRFFailureTemplate: "denied.html"}, "denied: CSRF cookie not set."},
		{"template missing: plain page", custom, views.Config{CSRFFailureTemplate: "nope.html"},
			"<h1>403 Forbidden</h1><p>This site needs a cookie to accept forms, and your browser did not send it. Allow cookies for this site, then reload the page and try again.</p>"},
		{"template missing, Debug: the reason too", custom, views.Config{CSRFFailureTemplate: "nope.html", Debug: true},
			"then reload the page and try again. CSRF verification failed: CSRF cookie not set.</p>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logs := &testLogger{}
			tc.cfg.Logger = logs.logger()
			app := newApp(t, appOptions{engine: tc.engine, cfg: tc.cfg})
			app.All("/w", mustAsView(&writer{}))
			got := newClient(t, app).do("POST", "/w", nil)
			if got.status != 403 || !strings.Contains(got.body, tc.want) {
				t.Fatalf("%d %q, want 403 with %q", got.status, got.body, tc.want)
			}
			if !strings.Contains(logs.String(), `msg="Forbidden (CSRF)" reason="CSRF cookie not set." method=POST path=/w`) {
				t.Errorf("log: %q", logs.String())
			}
		})
	}
}

func TestCSRFProtectDecorator(t *testing.T) {
	app := newApp(t, appOptions{})
	app.All("/f", views.CSRFProtect(func(c *fiber.Ctx) error { return c.SendString("ran") }))
	cl := newClient(t, app)
	tok := cl.do("GET", "/_token", nil).body
	cases := []struct {
		name    string
		method  string
		headers []string
		status  int
	}{
		{"GET passes", "GET", nil, 200},
		{"POST without token", "POST", nil, 403},
		{"POST with token", "POST", []string{"X-CSRFToken", tok}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := cl.do(tc.method, "/f", nil, tc.headers...)
			if got.status != tc.status || (tc.status == 200) != (got.body == "ran") {
				t.Fatalf("%d %q, want %d", got.status, got.body, tc.status)
			}
		})
	}
}

// TestCheckCSRFWithoutSetup checks the defaults apply with no Setup.
func TestCheckCSRFWithoutSetup(t *testing.T) {
	app := fiber.New()
	app.All("/w", mustAsView(&writer{}))
	app.Get("/_token", func(c *fiber.Ctx) error { return c.SendString(views.CSRFToken(c)) })
	cl := newClient(t, app)
	tok := cl.do("GET", "/_token", nil).body
	if got := cl.do("POST", "/w", nil, "X-CSRFToken", tok); got.status != 200 {
		t.Fatalf("with token: %d", got.status)
	}
	req := httptest.NewRequest("POST", "/w", nil)
	resp, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 403 || !strings.Contains(string(b), "Allow cookies for this site") {
		t.Fatalf("without cookie: %d %q", resp.StatusCode, b)
	}
}

// TestCheckCSRF checks the request-level check a handler calls to answer a
// refusal itself: it applies the site's settings and returns error values.
func TestCheckCSRF(t *testing.T) {
	app := newApp(t, appOptions{cfg: views.Config{CSRF: security.CSRFConfig{HeaderName: "X-Token"}}})
	app.Post("/f", func(c *fiber.Ctx) error {
		err := views.CheckCSRF(c)
		return c.SendString(fmt.Sprintf("missing=%v incorrect=%v: %v",
			errors.Is(err, security.ErrCSRFTokenMissing), errors.Is(err, security.ErrCSRFTokenIncorrect), err))
	})
	cl := newClient(t, app)
	tok := cl.do("GET", "/_token", nil).body
	cases := []struct {
		name    string
		headers []string
		want    string
	}{
		{"no token", nil, "missing=true incorrect=false: CSRF token missing."},
		{"token in the configured header", []string{"X-Token", tok}, "missing=false incorrect=false: <nil>"},
		{"wrong token", []string{"X-Token", strings.Repeat("a", 32)},
			`missing=false incorrect=true: CSRF token from the "X-Token" HTTP header incorrect.`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := cl.do("POST", "/f", nil, tc.headers...); got.body != tc.want {
				t.Fatalf("%d %q, want %q", got.status, got.body, tc.want)
			}
		})
	}
}
