package messages_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
)

// countingStorage is the SQLite session storage, counting every operation
// on it.
type countingStorage struct {
	*session.SQLiteStorage
	ops atomic.Int64
}

func (s *countingStorage) Get(key string) ([]byte, error) {
	s.ops.Add(1)
	return s.SQLiteStorage.Get(key)
}

func (s *countingStorage) GetMany(keys []string) ([][]byte, error) {
	s.ops.Add(1)
	return s.SQLiteStorage.GetMany(keys)
}

func (s *countingStorage) Set(key string, val []byte, exp time.Duration) error {
	s.ops.Add(1)
	return s.SQLiteStorage.Set(key, val, exp)
}

func (s *countingStorage) Update(key string, fn func([]byte) ([]byte, time.Duration, error), also ...session.Write) error {
	s.ops.Add(1)
	return s.SQLiteStorage.Update(key, fn, also...)
}

// testSecret signs the cookies of the test apps.
var testSecret = []byte(strings.Repeat("k", 32))

// newApp is a site on SQLite sessions whose routes add and show messages,
// log in (demo/demo) and out with a success message.
func newApp(t *testing.T, cfg messages.Config) (*fiber.App, *countingStorage) {
	t.Helper()
	sqlite, err := session.OpenSQLite(filepath.Join(t.TempDir(), "sessions.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	store := &countingStorage{SQLiteStorage: sqlite}
	m, err := session.New(session.Config{Storage: store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); sqlite.Close() })
	engine := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{
		"show.html":  {Data: []byte(`{{ range .messages }}<p class="{{ .Tags }}">{{ . }}</p>{{ end }}`)},
		"quiet.html": {Data: []byte(`quiet`)},
	}}))
	add := func(c *fiber.Ctx) {
		q := c.Queries()
		level, _ := strconv.Atoi(q["level"])
		if q["tags"] != "" {
			messages.Add(c, messages.Level(level), q["text"], q["tags"])
		} else {
			messages.Add(c, messages.Level(level), q["text"])
		}
	}
	table, err := urls.Compile([]urls.Pattern{
		urls.Path("add/", func(c *fiber.Ctx) error { add(c); return c.Redirect("/show/") }),
		urls.Path("add-show/", func(c *fiber.Ctx) error { add(c); return views.Render(c, 200, "show.html", nil) }),
		urls.Path("show-add/", func(c *fiber.Ctx) error {
			if err := views.Render(c, 200, "show.html", nil); err != nil {
				return err
			}
			messages.Warning(c, "added after the page")
			return nil
		}),
		urls.Path("show/", func(c *fiber.Ctx) error { return views.Render(c, 200, "show.html", nil) }),
		urls.Path("quiet/", func(c *fiber.Ctx) error { return views.Render(c, 200, "quiet.html", nil) }),
		urls.Path("get/", func(c *fiber.Ctx) error { return c.JSON(messages.Get(c)) }),
		views.Path("login/", &views.LoginView{NextPage: "/show/", SuccessMessage: "Welcome back."}),
		views.Path("logout/", &views.LogoutView{NextPage: "/show/", SuccessMessage: "You have been logged out."}),
		views.Path("logout/page/", &views.LogoutView{SuccessMessage: "You have been logged out."}),
		views.Path("logout/quiet/", &views.LogoutView{NextPage: "/show/"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	// A read buffer large enough for the oversized cookies of the tests.
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler, ReadBufferSize: 64 << 10})
	app.Use(m.Middleware(), views.Setup(views.Config{Authenticate: func(c *fiber.Ctx, u, p string) (string, error) {
		if u == "demo" && p == "demo" {
			return "1", nil
		}
		return "", views.ErrInvalidCredentials
	}}), messages.Setup(cfg))
	table.Mount(app)
	return app, store
}

// client sends requests to an app, keeping its cookies as a browser does.
type client struct {
	t       *testing.T
	app     *fiber.App
	cookies map[string]string
}

type response struct {
	status int
	body   string
	header http.Header
}

func (cl *client) do(method, target string, form url.Values) response {
	cl.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
	if form != nil {
		req.Header.Set("Content-Type", fiber.MIMEApplicationForm)
	}
	for k, v := range cl.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := cl.app.Test(req, -1)
	if err != nil {
		cl.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Value == "" || ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(cl.cookies, ck.Name)
		} else {
			cl.cookies[ck.Name] = ck.Value
		}
	}
	return response{resp.StatusCode, string(b), resp.Header}
}

var tokenRE = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([^"]+)"`)

// login logs the client in as demo through LoginView.
func (cl *client) login() response {
	cl.t.Helper()
	m := tokenRE.FindStringSubmatch(cl.do("GET", "/login/", nil).body)
	if m == nil {
		cl.t.Fatal("no CSRF token on the login page")
	}
	return cl.do("POST", "/login/", url.Values{"username": {"demo"}, "password": {"demo"}, "csrfmiddlewaretoken": {m[1]}})
}

// logout posts to a LogoutView at path with a fresh token.
func (cl *client) logout(path string) response {
	cl.t.Helper()
	m := tokenRE.FindStringSubmatch(cl.do("GET", "/login/", nil).body)
	return cl.do("POST", path, url.Values{"csrfmiddlewaretoken": {m[1]}})
}

// step is one request and what its answer must say.
type step struct {
	target  string
	status  int    // 0: 200
	body    string // the exact body, when status is 200
	cookie  string // "set", "expired" or "" (no messages cookie in the answer)
	jarSays string // when set, the messages cookie is (still) held: "yes" or "no"
}

func TestMessages(t *testing.T) {
	long := strings.Repeat("x", 100)
	var many strings.Builder
	for i := 28; i < 40; i++ {
		fmt.Fprintf(&many, `<p class="info">%d%s</p>`, i, long)
	}
	cases := []struct {
		name  string
		cfg   messages.Config
		pre   func(cl *client)
		steps []step
	}{
		{name: "a success message survives a redirect and shows once", steps: []step{
			{target: "/add/?level=25&text=Saved.", status: 302, cookie: "set"},
			{target: "/show/", body: `<p class="success">Saved.</p>`, cookie: "expired"},
			{target: "/show/", body: ``, cookie: ""},
		}},
		{name: "levels and their tags, debug dropped by default", steps: []step{
			{target: "/add/?level=10&text=d", status: 302, cookie: ""},
			{target: "/add/?level=20&text=i", status: 302, cookie: "set"},
			{target: "/add/?level=25&text=s", status: 302, cookie: "set"},
			{target: "/add/?level=30&text=w", status: 302, cookie: "set"},
			{target: "/add/?level=40&text=e&tags=big+red", status: 302, cookie: "set"},
			{target: "/add/?level=35&text=own", status: 302, cookie: "set"},
			{target: "/show/", body: `<p class="info">i</p><p class="success">s</p><p class="warning">w</p>` +
				`<p class="big red error">e</p><p class="">own</p>`, cookie: "expired"},
		}},
		{name: "debug shown with Level LevelDebug", cfg: messages.Config{Level: messages.LevelDebug, Secret: testSecret}, steps: []step{
			{target: "/add/?level=10&text=d", status: 302, cookie: "set"},
			{target: "/show/", body: `<p class="debug">d</p>`, cookie: "expired"},
		}},
		{name: "text is escaped", steps: []step{
			{target: "/add/?level=40&text=" + url.QueryEscape(`<script>alert("x")</script> & co`), status: 302, cookie: "set"},
			{target: "/show/", body: `<p class="error">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co</p>`, cookie: "expired"},
		}},
		{name: "a page that does not show messages keeps them", steps: []step{
			{target: "/add/?level=20&text=kept", status: 302, cookie: "set"},
			{target: "/quiet/", body: `quiet`, cookie: "", jarSays: "yes"},
			{target: "/show/", body: `<p class="info">kept</p>`, cookie: "expired", jarSays: "no"},
		}},
		{name: "shown by the request that adds it", steps: []step{
			{target: "/add-show/?level=25&text=now", body: `<p class="success">now</p>`, jarSays: "no"},
		}},
		{name: "a message added after the page waits for the next", steps: []step{
			{target: "/add/?level=20&text=first", status: 302, cookie: "set"},
			{target: "/show-add/", body: `<p class="info">first</p>`, cookie: "set"},
			{target: "/show/", body: `<p class="warning">added after the page</p>`, cookie: "expired"},
		}},
		{name: "Get in a handler", steps: []step{
			{target: "/add/?level=30&text=careful", status: 302, cookie: "set"},
			{target: "/get/", body: `[{"l":30,"m":"careful"}]`, cookie: "expired"},
			{target: "/get/", body: `null`, cookie: ""},
		}},
		{name: "empty text or a level not above 0 records nothing", cfg: messages.Config{Level: -10, Secret: testSecret}, steps: []step{
			{target: "/add/?level=40&text=", status: 302, cookie: ""},
			{target: "/add/?level=0&text=zero", status: 302, cookie: ""},
			{target: "/add/?level=-5&text=negative", status: 302, cookie: ""},
			{target: "/show/", body: ``, cookie: ""},
		}},
		{name: "the oldest are dropped when they do not fit", pre: func(cl *client) {
			for i := range 40 {
				cl.do("GET", fmt.Sprintf("/add/?level=20&text=%d%s", i, long), nil)
			}
			if n := len(cl.cookies[messages.CookieName]); n > messages.MaxCookieSize || n < messages.MaxCookieSize*3/4 {
				t.Errorf("the messages cookie has %d bytes, want nearly %d", n, messages.MaxCookieSize)
			}
		}, steps: []step{
			{target: "/show/", body: many.String(), cookie: "expired"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			if cfg.Secret == nil {
				cfg.Secret = testSecret
			}
			app, store := newApp(t, cfg)
			cl := &client{t: t, app: app, cookies: map[string]string{}}
			if tc.pre != nil {
				tc.pre(cl)
			}
			for _, s := range tc.steps {
				r := cl.do("GET", s.target, nil)
				want := s.status
				if want == 0 {
					want = 200
				}
				if r.status != want || (want == 200 && r.body != s.body) {
					t.Fatalf("GET %s: %d %q, want %d %q", s.target, r.status, r.body, want, s.body)
				}
				if got := cookieState(r.header); got != s.cookie {
					t.Errorf("GET %s: messages cookie %q, want %q", s.target, got, s.cookie)
				}
				if _, held := cl.cookies[messages.CookieName]; s.jarSays != "" && held != (s.jarSays == "yes") {
					t.Errorf("GET %s: the browser holds a messages cookie: %v, want %s", s.target, held, s.jarSays)
				}
			}
			if n := store.ops.Load(); n != 0 {
				t.Errorf("%d session storage operations for anonymous requests, want none: messages live in the cookie", n)
			}
		})
	}
}

// cookieState says what the answer does with the messages cookie: "set",
// "expired" or "" (nothing), and checks its attributes.
func cookieState(h http.Header) string {
	for _, line := range h.Values("Set-Cookie") {
		if !strings.HasPrefix(line, messages.CookieName+"=") {
			continue
		}
		low := strings.ToLower(line)
		if !strings.Contains(low, "httponly") || !strings.Contains(low, "samesite=lax") || !strings.Contains(low, "path=/") {
			return "bad attributes: " + line
		}
		if strings.HasPrefix(line, messages.CookieName+"=;") || strings.Contains(low, "expires=tue, 10 nov 2009") {
			return "expired"
		}
		if strings.Contains(low, "max-age") || strings.Contains(low, "expires") {
			return "not a browser-session cookie: " + line
		}
		return "set"
	}
	return ""
}

func TestBadCookieIgnored(t *testing.T) {
	app, _ := newApp(t, messages.Config{Secret: testSecret})
	cl := &client{t: t, app: app, cookies: map[string]string{}}
	cl.do("GET", "/add/?level=25&text=real", nil)
	good := cl.cookies[messages.CookieName]
	other, _ := newApp(t, messages.Config{Secret: []byte(strings.Repeat("o", 32))})
	ocl := &client{t: t, app: other, cookies: map[string]string{}}
	ocl.do("GET", "/add/?level=25&text=real", nil)
	payload, sig, _ := strings.Cut(good, ".")
	for _, tc := range []struct{ name, value string }{
		{"garbage", "not a cookie"},
		{"no signature", payload},
		{"empty signature", payload + "."},
		{"signed with another secret", ocl.cookies[messages.CookieName]},
		{"payload changed", "X" + payload[1:] + "." + sig},
		{"signature changed", payload + "." + strings.ToUpper(sig)},
		{"oversized", payload + "." + sig + strings.Repeat("A", 10*messages.MaxCookieSize)},
		{"not base64", "!!!." + sig},
	} {
		for _, target := range []string{"/show/", "/get/", "/add/?level=20&text=new"} {
			t.Run(tc.name+target, func(t *testing.T) {
				cl := &client{t: t, app: app, cookies: map[string]string{messages.CookieName: tc.value}}
				r := cl.do("GET", target, nil)
				switch {
				case target == "/show/" && (r.status != 200 || r.body != ""):
					t.Errorf("GET %s with a %s cookie: %d %q, want 200 and no message", target, tc.name, r.status, r.body)
				case target == "/get/" && (r.status != 200 || r.body != "null"):
					t.Errorf("GET %s with a %s cookie: %d %q, want 200 null", target, tc.name, r.status, r.body)
				case strings.HasPrefix(target, "/add/") && r.status != 302:
					t.Errorf("GET %s with a %s cookie: %d, want 302", target, tc.name, r.status)
				}
				want := "expired"
				if strings.HasPrefix(target, "/add/") {
					want = "set"
					if r := cl.do("GET", "/get/", nil); r.body != `[{"l":20,"m":"new"}]` {
						t.Errorf("after adding to a %s cookie the messages are %s, want the new one only", tc.name, r.body)
					}
				}
				if got := cookieState(r.header); got != want {
					t.Errorf("the %s cookie is %q, want %q", tc.name, got, want)
				}
			})
		}
	}
	if r := cl.do("GET", "/show/", nil); r.body != `<p class="success">real</p>` {
		t.Errorf("the untampered cookie shows %q", r.body)
	}
}

func TestLoginLogoutSuccessMessage(t *testing.T) {
	for _, tc := range []struct {
		name, logout string
		status       int
		page, next   string // the logout's answer, then /show/ after it
	}{
		{"redirect to a page that shows messages", "/logout/", 302, "", `<p class="success">You have been logged out.</p>`},
		{"the logged-out page shows it at once", "/logout/page/", 200, `<p class="message success">You have been logged out.</p>`, ``},
		{"no SuccessMessage, no message", "/logout/quiet/", 302, "", ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, _ := newApp(t, messages.Config{Secret: testSecret})
			cl := &client{t: t, app: app, cookies: map[string]string{}}
			if r := cl.login(); r.status != 302 || r.header.Get("Location") != "/show/" {
				t.Fatalf("login: %d %s", r.status, r.header.Get("Location"))
			}
			if r := cl.do("GET", "/show/", nil); r.body != `<p class="success">Welcome back.</p>` {
				t.Errorf("after login /show/ says %q", r.body)
			}
			r := cl.logout(tc.logout)
			if r.status != tc.status || !strings.Contains(r.body, tc.page) {
				t.Fatalf("logout: %d, want %d with %q:\n%s", r.status, tc.status, tc.page, r.body)
			}
			if tc.status == 200 && strings.Count(r.body, "You have been logged out.") != 1 {
				t.Errorf("the logged-out page says it %d times", strings.Count(r.body, "You have been logged out."))
			}
			if r := cl.do("GET", "/show/", nil); r.body != tc.next {
				t.Errorf("after logout /show/ says %q, want %q", r.body, tc.next)
			}
			if _, ok := cl.cookies["sessionid"]; ok {
				t.Error("still holding a session cookie after logout")
			}
		})
	}
}

func TestSetupRefusesShortSecret(t *testing.T) {
	defer func() {
		err, _ := recover().(error)
		if err == nil || !strings.Contains(err.Error(), "Config.Secret has 5 bytes: use at least 32") {
			t.Errorf("Setup with a 5-byte secret panicked with %v", err)
		}
	}()
	messages.Setup(messages.Config{Secret: []byte("short")})
}

func TestWithoutSetup(t *testing.T) {
	app := fiber.New()
	app.Get("/add", func(c *fiber.Ctx) error { messages.Info(c, "hi"); return c.Redirect("/get") })
	app.Get("/get", func(c *fiber.Ctx) error { return c.JSON(messages.Get(c)) })
	cl := &client{t: t, app: app, cookies: map[string]string{}}
	cl.do("GET", "/add", nil)
	var got []messages.Message
	if err := json.Unmarshal([]byte(cl.do("GET", "/get", nil).body), &got); err != nil || len(got) != 1 || got[0].Message != "hi" || got[0].Tags() != "info" {
		t.Errorf("without Setup the messages are %+v (%v), want one info \"hi\"", got, err)
	}
}
