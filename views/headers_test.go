package views_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/internal/fiberversion"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

type frameView struct{ views.Base }

func (frameView) Get(c *fiber.Ctx) error  { return c.SendString("view") }
func (frameView) Post(c *fiber.Ctx) error { return c.SendString("posted") }

// TestSecurityHeaders: every response — pages, views, 403, 404, 405, the
// 400 of a disallowed host, the 400 of a request the parser refuses — has
// Django's security headers by default; a site and a view can change them.
func TestSecurityHeaders(t *testing.T) {
	newSite := func(cfg views.Config) (*fiber.App, string) {
		cfg.Logger = discard()
		app := fiber.New(fiber.Config{ErrorHandler: views.ErrorHandler, DisableStartupMessage: true})
		app.Use(views.Setup(cfg))
		app.Get("/", func(c *fiber.Ctx) error { return c.SendString("page") })
		app.Get("/exempt", views.XFrameOptionsExempt(func(c *fiber.Ctx) error { return c.SendString("exempt") }))
		app.Get("/same", views.XFrameOptionsSameOrigin(func(c *fiber.Ctx) error { return fiber.ErrNotFound }))
		app.Get("/deny", views.XFrameOptionsDeny(func(c *fiber.Ctx) error { return c.SendString("deny") }))
		app.All("/view", mustAsView(&frameView{}))
		app.All("/view-exempt", mustAsView(&frameView{Base: views.Base{Decorators: []views.Decorator{views.XFrameOptionsExempt}}}))
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = app.Listener(ln) }()
		t.Cleanup(func() { _ = app.Shutdown() })
		return app, ln.Addr().String()
	}
	raw := func(t *testing.T, addr, req string) http.Header {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
		_, _ = io.WriteString(conn, req)
		b, _ := io.ReadAll(conn)
		head, _, _ := strings.Cut(string(b), "\r\n\r\n")
		if !strings.HasPrefix(head, "HTTP/1.1 400") {
			t.Fatalf("want a 400, got %q", head)
		}
		h := http.Header{}
		for _, line := range strings.Split(head, "\r\n")[1:] {
			k, v, _ := strings.Cut(line, ": ")
			h.Add(k, v)
		}
		return h
	}
	dflt := map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin", "Strict-Transport-Security": ""}
	frame := func(v string) map[string]string {
		m := map[string]string{}
		for k, val := range dflt {
			m[k] = val
		}
		m["X-Frame-Options"] = v
		return m
	}
	app, addr := newSite(views.Config{AllowedHosts: []string{"example.com"}})
	cases := []struct {
		name, method, path string
		host               string
		status             int
		want               map[string]string
	}{
		{"page", "GET", "/", "example.com", 200, dflt},
		{"404 of no route", "GET", "/nope", "example.com", 404, dflt},
		{"view", "GET", "/view", "example.com", 200, dflt},
		{"405 of a view", "PATCH", "/view", "example.com", 405, dflt},
		{"403 of the CSRF check", "POST", "/view", "example.com", 403, dflt},
		{"400 of a disallowed host", "GET", "/", "evil.example", 400, dflt},
		{"exempt handler", "GET", "/exempt", "example.com", 200, frame("")},
		{"exempt view", "GET", "/view-exempt", "example.com", 200, frame("")},
		{"sameorigin, on the error page of the handler", "GET", "/same", "example.com", 404, frame("SAMEORIGIN")},
		{"deny", "GET", "/deny", "example.com", 200, dflt},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, "http://"+tc.host+tc.path, nil)
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			for k, want := range tc.want {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
	t.Run("400 of a request the parser refuses", func(t *testing.T) {
		// Fiber v2's fasthttp refuses a space before a header's colon (v3's takes it); v3's refuses a header
		// without a colon (v2's waits for more).
		bad := map[int]string{2: "X-A : 1", 3: "X-A"}[fiberversion.Major]
		h := raw(t, addr, "GET / HTTP/1.1\r\nHost: example.com\r\n"+bad+"\r\n\r\n")
		for k, want := range dflt {
			if got := h.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
	})
	t.Run("per site, HSTS through a trusted proxy", func(t *testing.T) {
		app, _ := newSite(views.Config{Proxy: security.ProxyConfig{SchemeHeader: "X-Forwarded-Proto"},
			Headers: security.HeadersConfig{FrameOptions: "SAMEORIGIN", ReferrerPolicy: "off", HSTSMaxAge: time.Hour}})
		for proto, hsts := range map[string]string{"https": "max-age=3600", "http": ""} {
			req, _ := http.NewRequest("GET", "http://example.com/", nil)
			req.Header.Set("X-Forwarded-Proto", proto)
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := [3]string{resp.Header.Get("X-Frame-Options"), resp.Header.Get("Referrer-Policy"), resp.Header.Get("Strict-Transport-Security")}
			if want := [3]string{"SAMEORIGIN", "", hsts}; got != want {
				t.Errorf("%s: X-Frame-Options, Referrer-Policy, HSTS = %q, want %q", proto, got, want)
			}
		}
	})
	t.Run("Setup refuses a bad value", func(t *testing.T) {
		if err := (views.Config{Headers: security.HeadersConfig{FrameOptions: "ALLOWALL"}}).Validate(); err == nil || !strings.Contains(err.Error(), "Config.Headers") {
			t.Errorf("Validate = %v, want an error naming Config.Headers", err)
		}
	})
}
