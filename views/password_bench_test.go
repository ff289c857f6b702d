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
			app.All("/login/", mustAsView(&views.LoginView{NextPage: "/home/"}))
			app.All("/password/", mustAsView(&views.PasswordChangeView{
				FormView:          views.FormView[views.PasswordChangeForm]{SuccessURL: "/done/"},
				CheckPasswordFunc: func(c *fiber.Ctx, id, pw string) (bool, error) { return pw == password, nil },
				SetPasswordFunc:   func(c *fiber.Ctx, id, pw string) error { password = pw; return nil },
			}))
			app.All("/logout/", mustAsView(&views.LogoutView{NextPage: "/home/"}))
			passwordChangeCycles(b, app.Handler(), &password)
		})
	}
}

// passwordChangeCycles logs in, changes the password (to the other of two)
// and logs out b.N times, like loginLogoutCycles.
func passwordChangeCycles(b *testing.B, h fasthttp.RequestHandler, password *string) {
	cl := newBenchClient(h)
	next := map[string]string{"wonderland": "looking-glass", "looking-glass": "wonderland"}
	b.ReportAllocs()
	for b.Loop() {
		cl.sid = ""
		cl.post(b, "/login/", "username=alice&password="+*password)
		cl.keepCookies()
		n := next[*password]
		cl.post(b, "/password/", "old_password="+*password+"&new_password1="+n+"&new_password2="+n)
		cl.keepCookies() // the session moved to a new key
		cl.post(b, "/logout/", "next=")
	}
}
