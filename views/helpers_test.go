package views_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   string
}

// client sends requests to a Fiber app through app.Test and keeps cookies
// like a browser (host-only, path ignored: tests use one host).
type client struct {
	t       testing.TB
	app     *fiber.App
	mu      sync.Mutex
	cookies map[string]string
}

func newClient(t testing.TB, app *fiber.App) *client {
	return &client{t: t, app: app, cookies: map[string]string{}}
}

// do sends method path with an optional body (a url.Values is sent as a form)
// and extra headers given as name, value pairs.
func (cl *client) do(method, path string, body any, headers ...string) response {
	cl.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), fiber.MIMEApplicationForm
	case string:
		rd = strings.NewReader(b)
	default:
		cl.t.Fatalf("body of type %T", body)
	}
	req := httptest.NewRequest(method, path, rd)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	cl.mu.Lock()
	for k, v := range cl.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	cl.mu.Unlock()
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := cl.app.Test(req, -1)
	if err != nil {
		cl.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		cl.t.Fatal(err)
	}
	cl.mu.Lock()
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(cl.cookies, ck.Name)
		} else {
			cl.cookies[ck.Name] = ck.Value
		}
	}
	cl.mu.Unlock()
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (cl *client) cookie(name string) string {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.cookies[name]
}

var tokenRe = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"`)

// formToken extracts the CSRF token of the first hidden input of a page.
func formToken(t testing.TB, page string) string {
	t.Helper()
	m := tokenRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf input in page:\n%s", page)
	}
	return m[1]
}

// newSessions opens a session manager on a SQLite file under t.TempDir().
func newSessions(t testing.TB) *session.Manager {
	t.Helper()
	m, err := session.New(session.Config{Database: filepath.Join(t.TempDir(), "sessions.sqlite3")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// testLogger collects log records for assertions.
type testLogger struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *testLogger) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{l}, nil))
}

func (l *testLogger) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

type lockedWriter struct{ l *testLogger }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	return w.l.buf.Write(p)
}

// appOptions configure newApp.
type appOptions struct {
	cfg      views.Config
	engine   *templates.Engine
	sessions bool
	manager  *session.Manager // the sessions to use (implies sessions); nil: a new one
	patterns []urls.Pattern   // a url table mounted after the helper routes
}

// newApp is a Fiber app with views.Setup, optionally an engine and real
// sessions on SQLite, and the helper routes /_login/:id (log in as id),
// /_logout and /_token (a CSRF token).
func newApp(t testing.TB, o appOptions) *fiber.App {
	t.Helper()
	fc := fiber.Config{}
	if o.engine != nil {
		fc.Views = o.engine
	}
	app := fiber.New(fc)
	if o.cfg.Logger == nil {
		o.cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if o.manager != nil {
		app.Use(o.manager.Middleware())
	} else if o.sessions {
		app.Use(newSessions(t).Middleware())
	}
	app.Use(views.Setup(o.cfg))
	app.Post("/_login/:id", func(c *fiber.Ctx) error {
		if err := session.Login(c, c.Params("id")); err != nil {
			return err
		}
		return c.SendString("in")
	})
	app.Post("/_logout", func(c *fiber.Ctx) error {
		if err := session.Logout(c); err != nil {
			return err
		}
		return c.SendString("out")
	})
	app.Get("/_token", func(c *fiber.Ctx) error { return c.SendString(views.CSRFToken(c)) })
	app.Get("/_whoami", func(c *fiber.Ctx) error {
		id, _ := session.UserID(c)
		return c.SendString("user=" + id)
	})
	if o.patterns != nil {
		r, err := urls.Compile(o.patterns)
		if err != nil {
			t.Fatal(err)
		}
		r.Mount(app)
	}
	return app
}

// discard is a logger that drops everything.
func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// sessionLogout is session.Logout (a variable so tests read as steps).
var sessionLogout = session.Logout

// mustAsView is views.AsView for tests: it panics on a registration error,
// as views.Path does.
func mustAsView(v any) fiber.Handler {
	h, err := views.AsView(v)
	if err != nil {
		panic(err)
	}
	return h
}

// The default messages of LoginView, as a visitor reads them.
const (
	invalidLoginMessage = "Please enter a correct username and password. Note that both fields may be case-sensitive."
	staleFormMessage    = "Your login page was out of date, so you were not logged in. Please try again."
	throttledMessage    = "Too many failed attempts to log in. Wait a few minutes, then try again."
)
