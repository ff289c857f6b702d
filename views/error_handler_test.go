package views_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fiberviews/fiberviews/internal/fiberversion"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

func TestErrorHandler(t *testing.T) {
	secret := "open /srv/site/secret.db: SELECT password FROM users"
	routes := func(app *fiber.App) {
		app.Get("/fail", func(c *fiber.Ctx) error { return errors.New(secret) })
		app.Get("/fiber-500", func(c *fiber.Ctx) error { return fiber.NewError(502, secret) })
		app.Get("/busy", func(c *fiber.Ctx) error { return fmt.Errorf("%w: saving: %w", session.ErrStorage, session.ErrBusy) })
		app.Get("/fiber-503", func(c *fiber.Ctx) error { return fiber.NewError(503, secret) })
		app.Get("/teapot", func(c *fiber.Ctx) error { return fiber.NewError(418, "I'm a teapot: "+secret) })
		app.Get("/bad", func(c *fiber.Ctx) error { return fiber.NewError(400, "error when reading request headers: "+secret) })
		app.Get("/not-implemented", func(c *fiber.Ctx) error { return fiber.ErrNotImplemented })
		app.Get("/fiber-501", func(c *fiber.Ctx) error { return fiber.NewError(501, secret) })
		app.Get("/missing-template", func(c *fiber.Ctx) error { return views.Render(c, 200, "nope.html", nil) })
	}
	site, err := templates.New(templates.Config{FS: fstest.MapFS{
		"500.html": {Data: []byte(`site 500: {{ .title }}`)},
		"404.html": {Data: []byte(`site 404: {{ .title }} / {{ .status }} / {{ .message }} / {{ .site_name }} / {{ .user }}`)},
		"418.html": {Data: []byte(`{{ url "nowhere" }}`)}, // fails to render: plain text instead
	}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		engine *templates.Engine
		path   string
		status int
		want   string
		logged bool
	}{
		{"a busy session storage is a 503 to retry", nil, "/busy", 503, "The site is busy", false},
		{"so is any fiber.Error 503, without its text", nil, "/fiber-503", 503, "<h1>503 Service Unavailable</h1>", false},
		{"an error is a generic 500", nil, "/fail", 500, "Server Error (500)", true},
		{"a fiber.Error of 500 or more too", nil, "/fiber-500", 500, "Server Error (500)", true},
		{"a missing template names no path", nil, "/missing-template", 500, "Server Error (500)", true},
		{"a fiber.Error below 500 keeps its status, not its text", nil, "/teapot", 418, "<h1>418 I&#39;m a teapot</h1>", false},
		{"no route: the library's 404 page", nil, "/nowhere", 404, "<h1>404 Not Found</h1>", false},
		{"a client error without a page of its own: the library's", nil, "/bad", 400, "The request could not be understood", false},
		{"an unknown method (Fiber v3 answers 501) is the client's mistake, not a 500", nil, "/not-implemented", 501, "<h1>501 Not Implemented</h1>", false},
		{"so is any fiber.Error 501, without its text", nil, "/fiber-501", 501, "<h1>501 Not Implemented</h1>", false},
		{"the site's 500.html", site, "/fail", 500, "site 500: Server Error (500)", true},
		{"the site's 404.html, with the request context", site, "/nowhere", 404, "site 404: 404 Not Found / 404 / There is no page at this address.", false},
		{"a page that fails to render: a plain page", site, "/teapot", 418, "<h1>418 I&#39;m a teapot</h1><p>I&#39;m a teapot.</p>", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logs := &testLogger{}
			cfg := fiber.Config{ErrorHandler: views.ErrorHandler}
			if tc.engine != nil {
				cfg.Views = tc.engine
			}
			app := fiber.New(cfg)
			app.Use(views.Setup(views.Config{SiteName: "Test", Logger: logs.logger()}))
			routes(app)
			r := newClient(t, app).do("GET", tc.path, nil)
			if r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Fatalf("%d %q, want %d containing %q", r.status, r.body, tc.status, tc.want)
			}
			if got, want := r.header.Get("Retry-After"), map[bool]string{true: "1"}[tc.status == 503]; got != want {
				t.Errorf("Retry-After %q, want %q", got, want)
			}
			if strings.Contains(r.body, "secret") || strings.Contains(r.body, "/srv/") || strings.Contains(r.body, "nope.html") {
				t.Errorf("the body leaks the error: %q", r.body)
			}
			if strings.Contains(r.body, "Cannot GET") {
				t.Errorf("the body shows Fiber's text: %q", r.body)
			}
			if got := strings.Contains(logs.String(), "level=ERROR"); got != tc.logged {
				t.Errorf("logged an ERROR: %v, want %v:\n%s", got, tc.logged, logs.String())
			}
			if got := strings.Contains(logs.String(), "Internal Server Error"); got != tc.logged {
				t.Errorf("logged: %v, want %v:\n%s", got, tc.logged, logs.String())
			}
			if tc.path == "/fail" && !strings.Contains(logs.String(), "secret.db") {
				t.Errorf("the log lacks the error:\n%s", logs.String())
			}
		})
	}
}

// TestHeadSendsNoBody reads the raw bytes a real listener sends for HEAD:
// app.Test parses responses with net/http, which never reads a HEAD body.
func TestHeadSendsNoBody(t *testing.T) {
	app := fiber.New()
	app.All("/get", mustAsView(&getOnly{}))
	app.All("/head-only", mustAsView(&getOnly{Base: views.Base{HTTPMethodNames: []string{"head"}}}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	for _, path := range []string{"/get", "/head-only"} {
		t.Run(path, func(t *testing.T) {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, "HEAD "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(conn)
			if err != nil {
				t.Fatal(err)
			}
			head, body, ok := strings.Cut(string(raw), "\r\n\r\n")
			if !ok || !strings.HasPrefix(head, "HTTP/1.1 200") || body != "" {
				t.Fatalf("raw response %q: want 200 and nothing after the headers", raw)
			}
			if !strings.Contains(head, "Content-Length: 8") {
				t.Errorf("headers %q: want the GET body's Content-Length: 8", head)
			}
		})
	}
}

// TestMalformedRequestsEchoNothing sends raw requests that fasthttp refuses
// before any handler runs: Fiber then calls the error handler with the
// parser's message, which quotes the request (the HttpOnly session cookie
// included). The answer must be a 4xx page with none of those bytes.
func TestMalformedRequestsEchoNothing(t *testing.T) {
	const secret = "SECRETSESSIONKEYabcdefghijklmnop"
	app := fiber.New(fiber.Config{ErrorHandler: views.ErrorHandler})
	app.Use(views.Setup(views.Config{}))
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	cases := []struct {
		name, raw string
		ok        bool // answered 200: the parser takes it
		major     int  // only on this major of Fiber (0: both)
	}{
		// Fiber v2's fasthttp refuses a space before a header's colon; the newer one of Fiber v3 takes it.
		{"space before the colon", "GET / HTTP/1.1\r\nHost: x\r\nCookie: sessionid=" + secret + "\r\nX-A" + secret + " : 1\r\n\r\n", fiberversion.Major >= 3, 0},
		// v3's refuses a header without a colon; v2's waits for more.
		{"no colon", "GET / HTTP/1.1\r\nHost: x\r\nCookie: sessionid=" + secret + "\r\nX-A" + secret + "\r\n\r\n", false, 3},
		{"bad Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nCookie: sessionid=" + secret + "\r\nContent-Length: " + secret + "\r\n\r\n", false, 0},
		{"bad request line", "GET /" + secret + " HTTP/9\r\nHost: x\r\n\r\n", false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.major != 0 && tc.major != fiberversion.Major {
				t.Skipf("Fiber v%d's parser only", tc.major)
			}
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
			if _, err := io.WriteString(conn, tc.raw); err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(conn) // until the server closes or the deadline
			resp := string(raw)
			if want := map[bool]string{false: "HTTP/1.1 4", true: "HTTP/1.1 200 "}[tc.ok]; !strings.HasPrefix(resp, want) {
				t.Fatalf("Fiber v%d: want %q..., got %q", fiberversion.Major, want, resp)
			}
			if strings.Contains(resp, "SECRET") || strings.Contains(resp, "sessionid") {
				t.Errorf("the answer echoes the request:\n%s", resp)
			}
		})
	}
}
