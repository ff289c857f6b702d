package views_test

import (
	"testing"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// benchAuthenticate knows one user; both sides of BenchmarkLoginLogout call
// it.
func benchAuthenticate(c *fiber.Ctx, username, password string) (string, error) {
	if username == "alice" && password == "wonderland" {
		return "1", nil
	}
	return "", views.ErrInvalidCredentials
}

// BenchmarkLoginLogout measures one login→logout cycle (two POSTs, each
// answered 302) through LoginView and LogoutView with CSRF checks, against
// hand-written Fiber handlers doing the same session work (session.Login,
// session.Logout) with no CSRF check, each on its own SQLite file. Run both
// in one command:
//
//	go test ./views/ -run '^$' -bench BenchmarkLoginLogout -benchmem -count 5 -cpu 2
func BenchmarkLoginLogout(b *testing.B) {
	b.Run("hand-written", func(b *testing.B) {
		m := newSessions(b)
		app := fiber.New()
		app.Use(m.Middleware())
		app.Post("/login/", func(c *fiber.Ctx) error {
			id, err := benchAuthenticate(c, c.FormValue("username"), c.FormValue("password"))
			if err != nil {
				return c.SendString("try again")
			}
			if err := session.Login(c, id); err != nil {
				return err
			}
			return c.Redirect("/home/", fiber.StatusFound)
		})
		app.Post("/logout/", func(c *fiber.Ctx) error {
			if err := session.Logout(c); err != nil {
				return err
			}
			return c.Redirect("/home/", fiber.StatusFound)
		})
		loginLogoutCycles(b, app.Handler())
	})
	b.Run("LoginView+LogoutView", func(b *testing.B) {
		m := newSessions(b)
		app := fiber.New()
		app.Use(m.Middleware())
		app.Use(views.Setup(views.Config{Authenticate: benchAuthenticate, Logger: discard()}))
		app.All("/login/", views.MustAsView(&views.LoginView{NextPage: "/home/"}))
		app.All("/logout/", views.MustAsView(&views.LogoutView{NextPage: "/home/"}))
		loginLogoutCycles(b, app.Handler())
	})
}

// loginLogoutCycles logs in and out b.N times on one reused RequestCtx,
// carrying the cookies like a browser and posting the CSRF secret as the
// token (Django accepts the unmasked secret too).
func loginLogoutCycles(b *testing.B, h fasthttp.RequestHandler) {
	csrf := "abcdefghijklmnopqrstuvwxyzABCDEF"
	var ctx fasthttp.RequestCtx
	var ck fasthttp.Cookie
	post := func(path, sessionID, body string) {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.ResetUserValues() // a server starts every request with no c.Locals
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI(path)
		ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
		ctx.Request.Header.SetCookie("csrftoken", csrf)
		if sessionID != "" {
			ctx.Request.Header.SetCookie("sessionid", sessionID)
		}
		ctx.Request.SetBodyString(body + "&csrfmiddlewaretoken=" + csrf)
		h(&ctx)
		if ctx.Response.StatusCode() != fiber.StatusFound {
			b.Fatalf("POST %s: %d %s", path, ctx.Response.StatusCode(), ctx.Response.Body())
		}
	}
	cookie := func(name string) string {
		ck.Reset()
		ck.SetKey(name)
		if !ctx.Response.Header.Cookie(&ck) {
			return ""
		}
		return string(ck.Value())
	}
	b.ReportAllocs()
	for b.Loop() {
		post("/login/", "", "username=alice&password=wonderland")
		sid := cookie("sessionid")
		if rotated := cookie("csrftoken"); rotated != "" {
			csrf = rotated // LoginView rotates the CSRF secret
		}
		post("/logout/", sid, "next=")
	}
}
