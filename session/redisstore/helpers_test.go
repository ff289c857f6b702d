package redisstore_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/fiberviews/fiberviews/session"
	"github.com/gofiber/fiber/v2"
)

// newManager returns a Manager for cfg, closed at cleanup.
func newManager(t *testing.T, cfg session.Config) *session.Manager {
	t.Helper()
	m, err := session.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// newTestApp returns an app with m's middleware and the test routes:
//
//	GET  /read      reads "n" and the user: "user=<id> n=<n>"
//	POST /inc       increments "n"
//	POST /login?u=  logs u in
//	POST /others    logs out the other sessions
func newTestApp(m *session.Manager) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(m.Middleware())
	app.Get("/read", func(c *fiber.Ctx) error {
		s, err := session.Get(c)
		if err != nil {
			return err
		}
		n, _ := s.GetInt("n")
		uid, _ := s.UserID()
		return c.SendString("user=" + uid + " n=" + strconv.FormatInt(n, 10))
	})
	app.Post("/inc", func(c *fiber.Ctx) error {
		s, err := session.Get(c)
		if err != nil {
			return err
		}
		n, _ := s.GetInt("n")
		return s.Set("n", n+1)
	})
	app.Post("/login", func(c *fiber.Ctx) error { return session.Login(c, c.Query("u")) })
	app.Post("/others", func(c *fiber.Ctx) error { return session.LogoutOthers(c) })
	return app
}

// userOfCookie reports the user a request carrying cookie is logged in as on m.
func userOfCookie(t *testing.T, m *session.Manager, cookie string) (string, bool) {
	t.Helper()
	app := fiber.New()
	app.Use(m.Middleware())
	app.Get("/", func(c *fiber.Ctx) error {
		uid, _ := session.UserID(c)
		return c.SendString(uid)
	})
	uid := newClient(t, app).raw("GET", "/", cookie).body
	return uid, uid != ""
}

// client is a browser stand-in: it keeps the session cookie between requests.
type client struct {
	t      *testing.T
	app    *fiber.App
	cookie string // current session cookie value; "" none
}

func newClient(t *testing.T, app *fiber.App) *client { return &client{t: t, app: app} }

type result struct {
	status int
	body   string
}

// do sends a request, updating the client's cookie from the response like a browser.
func (cl *client) do(method, target string) result {
	cl.t.Helper()
	r, resp := cl.send(method, target, cl.cookie)
	for _, ck := range resp.Cookies() {
		if ck.Name == session.DefaultCookieName {
			cl.cookie = ck.Value
			if ck.MaxAge < 0 {
				cl.cookie = ""
			}
		}
	}
	return r
}

// raw sends a request with the given session cookie value (none when empty), keeping no state.
func (cl *client) raw(method, target, cookie string) result {
	cl.t.Helper()
	r, _ := cl.send(method, target, cookie)
	return r
}

func (cl *client) send(method, target, cookie string) (result, *http.Response) {
	cl.t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if cookie != "" {
		req.Header.Set("Cookie", session.DefaultCookieName+"="+cookie)
	}
	resp, err := cl.app.Test(req, -1)
	if err != nil {
		cl.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: string(body)}, resp
}

// must sends a request and fails the test unless the status is 200.
func (cl *client) must(method, target string) string {
	cl.t.Helper()
	r := cl.do(method, target)
	if r.status != http.StatusOK {
		cl.t.Fatalf("%s %s: status %d, body %q", method, target, r.status, r.body)
	}
	return r.body
}
