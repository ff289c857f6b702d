package views_test

import (
	"testing"

	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// BenchmarkLoginPasswordChangeLogout measures one login → password change →
// logout cycle (three POSTs, each answered 302) through LoginView,
// PasswordChangeView and LogoutView with CSRF checks, beside
// BenchmarkLoginLogout: the difference is the password change (a form bound
// and validated with Django's default validators, the auth hash update that
// moves the session to a new key, and the other sessions looked up and
// logged out). Passwords are compared in memory, so that no hash cost hides
// the framework's. Run both in one command:
//
//	go test ./views/ -run '^$' -bench 'BenchmarkLogin(Logout|PasswordChangeLogout)' -benchmem -count 8 -cpu 2
func BenchmarkLoginPasswordChangeLogout(b *testing.B) {
	for _, st := range benchStores {
		b.Run(st.name+"/LoginView+PasswordChangeView+LogoutView", func(b *testing.B) {
			password := "wonderland"
			app := fiber.New()
			app.Use(st.open(b).Middleware())
			app.Use(views.Setup(views.Config{Logger: discard(), Authenticate: func(c *fiber.Ctx, username, pw string) (string, error) {
				if username == "alice" && pw == password {
					return "1", nil
				}
				return "", views.ErrInvalidCredentials
			}}))
			app.All("/login/", views.MustAsView(&views.LoginView{NextPage: "/home/"}))
			app.All("/password/", views.MustAsView(&views.PasswordChangeView{
				FormView:          views.FormView{SuccessURL: "/done/"},
				CheckPasswordFunc: func(c *fiber.Ctx, id, pw string) (bool, error) { return pw == password, nil },
				SetPasswordFunc:   func(c *fiber.Ctx, id, pw string) error { password = pw; return nil },
			}))
			app.All("/logout/", views.MustAsView(&views.LogoutView{NextPage: "/home/"}))
			passwordChangeCycles(b, app.Handler(), &password)
		})
	}
}

// passwordChangeCycles logs in, changes the password (to the other of two)
// and logs out b.N times on one reused RequestCtx, like loginLogoutCycles.
func passwordChangeCycles(b *testing.B, h fasthttp.RequestHandler, password *string) {
	csrf := "abcdefghijklmnopqrstuvwxyzABCDEF"
	var ctx fasthttp.RequestCtx
	var ck fasthttp.Cookie
	cookie := func(name string) string {
		ck.Reset()
		ck.SetKey(name)
		if !ctx.Response.Header.Cookie(&ck) {
			return ""
		}
		return string(ck.Value())
	}
	sid := ""
	post := func(path, body string) {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.ResetUserValues()
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI(path)
		ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
		ctx.Request.Header.SetCookie("csrftoken", csrf)
		if sid != "" {
			ctx.Request.Header.SetCookie("sessionid", sid)
		}
		ctx.Request.SetBodyString(body + "&csrfmiddlewaretoken=" + csrf)
		h(&ctx)
		if ctx.Response.StatusCode() != fiber.StatusFound {
			b.Fatalf("POST %s: %d %s", path, ctx.Response.StatusCode(), ctx.Response.Body())
		}
		if v := cookie("sessionid"); v != "" {
			sid = v
		}
		if v := cookie("csrftoken"); v != "" {
			csrf = v
		}
	}
	next := map[string]string{"wonderland": "looking-glass", "looking-glass": "wonderland"}
	b.ReportAllocs()
	for b.Loop() {
		sid = ""
		post("/login/", "username=alice&password="+*password)
		n := next[*password]
		post("/password/", "old_password="+*password+"&new_password1="+n+"&new_password2="+n)
		post("/logout/", "next=")
	}
}
