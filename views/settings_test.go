package views_test

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

func TestAllowedHosts(t *testing.T) {
	logs := &testLogger{}
	app := fiber.New()
	app.Use(views.Setup(views.Config{
		AllowedHosts: []string{"example.com", ".shop.example", "[::1]", "LOCALHOST"},
		Logger:       logs.logger(),
	}))
	app.All("/*", func(c *fiber.Ctx) error { return c.SendString("page") })
	open := fiber.New()
	open.Use(views.Setup(views.Config{}))
	open.All("/*", func(c *fiber.Ctx) error { return c.SendString("page") })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	// raw sends a request line and Host header as they are (net/http would
	// refuse some of them) and returns the status line.
	raw := func(target, host string) string {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, _ = io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n")
		line, _ := bufio.NewReader(conn).ReadString('\n')
		return strings.TrimSpace(line)
	}
	cases := []struct {
		name, target, host string
		status             int
	}{
		{"listed host", "/", "example.com", 200},
		{"subdomain pattern: a subdomain", "/", "a.b.shop.example:8000", 200},
		{"another host", "/", "evil.example", 400},
		{"empty Host", "/", "", 400},
		{"absolute-form target names another host", "http://evil.example/", "example.com", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := raw(tc.target, tc.host)
			want := map[int]string{200: "HTTP/1.1 200 OK", 400: "HTTP/1.1 400 Bad Request"}[tc.status]
			if got != want {
				t.Errorf("GET %s Host %q: %q, want %q", tc.target, tc.host, got, want)
			}
		})
	}
	if !strings.Contains(logs.String(), "Invalid HTTP_HOST header") || !strings.Contains(logs.String(), "evil.example") {
		t.Errorf("refusals are not logged:\n%s", logs.String())
	}
	t.Run("the refusal is the 400 page, naming no host", func(t *testing.T) {
		r := newClient(t, app).do("GET", "http://evil.example/", nil)
		if r.status != 400 || !strings.Contains(r.body, "<h1>400 Bad Request</h1>") || strings.Contains(r.body, "evil") ||
			r.header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%d X-Frame-Options %q:\n%s", r.status, r.header.Get("X-Frame-Options"), r.body)
		}
	})
	t.Run("no AllowedHosts: no check", func(t *testing.T) {
		r := newClient(t, open).do("GET", "http://anything.example/", nil)
		if r.status != 200 {
			t.Errorf("status %d", r.status)
		}
	})
	t.Run("invalid entries are refused at start-up", func(t *testing.T) {
		for _, h := range []string{"https://example.com", "example.com:8000", "example.com/path", "", "user@example.com"} {
			err := views.Config{AllowedHosts: []string{h}}.Validate()
			if err == nil || !strings.Contains(err.Error(), "Config.AllowedHosts") {
				t.Errorf("%q: err = %v", h, err)
			}
		}
	})
}
