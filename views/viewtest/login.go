package viewtest

import (
	"fmt"
	"net/http"

	"github.com/fiberviews/fiberviews/session"
	"github.com/gofiber/fiber/v2"
)

// Login logs userID in without a password (Django's Client.force_login): a
// real logged-in session is written through session.Login into the storage
// of Config.Sessions, and its cookie put in the jar, so that the client's
// next request to the app is that user's. The session the client had is
// carried over or dropped as session.Login does. Errors wrap ErrNoSessions
// or session.Login's errors.
func (cl *Client) Login(userID string) error {
	return cl.onSession("Login", func(c *fiber.Ctx) error { return session.Login(c, userID) })
}

// Logout ends the client's session through session.Logout (the logout hooks
// run, the row is deleted, the cookie expired), as Django's Client.logout.
// Without a session it does nothing. Errors wrap ErrNoSessions or
// session.Logout's errors.
func (cl *Client) Logout() error {
	return cl.onSession("Logout", session.Logout)
}

// onSession runs fn on a request carrying the client's cookies, through the
// Manager's middleware in an app of its own (so that no route is added to the
// site's app), and keeps the cookies it sets.
func (cl *Client) onSession(what string, fn fiber.Handler) error {
	m := cl.cfg.Sessions
	if m == nil {
		return ErrNoSessions
	}
	var failed error
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(m.Middleware())
	app.Use(func(c *fiber.Ctx) error {
		if failed = fn(c); failed != nil {
			return failed
		}
		return c.SendStatus(http.StatusNoContent)
	})
	u := cl.base.JoinPath(m.Config().CookiePath)
	req, err := http.NewRequest(fiber.MethodPost, u.String(), nil)
	if err != nil {
		return fmt.Errorf("viewtest: %s: %w", what, err)
	}
	resp, err := cl.test(app, req)
	if err != nil {
		return fmt.Errorf("viewtest: %s: %w", what, err)
	}
	_ = resp.Body.Close()
	if failed != nil {
		return fmt.Errorf("viewtest: %s: %w", what, failed)
	}
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("viewtest: %s: the session middleware answered %d (saving the session failed)", what, resp.StatusCode)
	}
	cl.jar.SetCookies(u, resp.Cookies())
	return nil
}
