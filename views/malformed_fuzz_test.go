package views_test

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// malformedCSRFCookie is the well-formed CSRF secret the requests of
// FuzzMalformedRequest carry; malformedMarker marks the bytes of theirs (the
// session key, header names and values, bodies) that no answer may quote.
const (
	malformedCSRFCookie = "abcdefghijklmnopqrstuvwxyzABCDEF"
	malformedMarker     = "SECRET"
)

// FuzzMalformedRequest sends raw requests — broken header lines, bodies and
// content types, malformed multipart forms among them — through a real
// listener to a site with sessions on SQLite, views.Setup, views.ErrorHandler
// and a CSRF-checked view. Its corpus (testdata/fuzz/FuzzMalformedRequest)
// runs with every go test. Properties of every answer:
//   - never a 5xx;
//   - none of the request's marked bytes (malformedMarker), whatever the
//     parser's error message quotes;
//   - no Set-Cookie for the CSRF cookie: a malformed request never replaces
//     the visitor's secret (which would break every form open in the
//     browser), and none of the site's pages or error pages sets a new one.
func FuzzMalformedRequest(f *testing.F) {
	engine, err := templates.New(templates.Config{})
	if err != nil {
		f.Fatal(err)
	}
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler, DisableStartupMessage: true,
		ReadTimeout: 300 * time.Millisecond})
	app.Use(newSessions(f).Middleware(), views.Setup(views.Config{Logger: discard()}))
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("home") })
	app.All("/view", mustAsView(&frameView{}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	f.Cleanup(func() { _ = app.Shutdown() })
	f.Add("POST /view HTTP/1.1\r\nHost: x\r\nCookie: csrftoken=" + malformedCSRFCookie + "; sessionid=" + malformedMarker +
		"\r\nContent-Type: multipart/form-data; boundary=X\r\nContent-Length: 20\r\n\r\n--X\r\n" + malformedMarker + "--Y\r\n")
	f.Fuzz(func(t *testing.T, raw string) {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
		_, _ = io.WriteString(conn, raw)
		if c, ok := conn.(*net.TCPConn); ok {
			_ = c.CloseWrite() // the whole request is sent: a short body times out at once
		}
		b, _ := io.ReadAll(conn)
		resp := string(b)
		if resp == "" {
			return // the server closed the connection without an answer
		}
		for _, one := range strings.SplitAfter(resp, "HTTP/1.1 ")[1:] {
			if one[0] == '5' {
				t.Fatalf("a 5xx answer:\n%s", resp)
			}
		}
		if strings.Contains(resp, malformedMarker) {
			t.Fatalf("the answer quotes the request:\n%s", resp)
		}
		if strings.Contains(strings.ToLower(resp), "set-cookie: csrftoken") {
			t.Fatalf("the answer sets the CSRF cookie:\n%s", resp)
		}
	})
}
