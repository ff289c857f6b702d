package views_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/mail"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// slowMailer takes a second per message, as a slow mail server does.
type slowMailer struct{}

func (slowMailer) Send(ctx context.Context, m *mail.Message) error {
	select {
	case <-time.After(time.Second):
	case <-ctx.Done():
	}
	return nil
}

// BenchmarkPasswordResetRequest times the reset request's answer for a
// known and an unknown address while the mail server takes 1 s per message:
// the mail leaves off the request, so both answer alike.
//
//	go test -run '^$' -bench PasswordResetRequest -benchtime 200x -count 6 ./views/
func BenchmarkPasswordResetRequest(b *testing.B) {
	ctx := context.Background()
	st, err := session.OpenSQLite(filepath.Join(b.TempDir(), "site.sqlite3"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	users, err := auth.NewSQLiteUsers(ctx, st.DB())
	if err != nil {
		b.Fatal(err)
	}
	backend := &auth.Backend{Users: users, Hashing: fastHashing(nil)}
	if _, err := backend.CreateUser(ctx, "ada", "ada@example.com", "old horse battery"); err != nil {
		b.Fatal(err)
	}
	m, err := session.New(session.Config{Storage: st})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	table := urls.MustCompile([]urls.Pattern{
		views.Path("password_reset/", &views.PasswordResetView{FormView: views.FormView[views.PasswordResetForm]{
			TemplateView: views.TemplateView{Base: views.Base{CSRFExempt: true}}}}, urls.Name("password_reset")), // no token to fetch in the loop
		views.Path("password_reset/done/", &views.PasswordResetDoneView{}, urls.Name("password_reset_done")),
		views.Path("reset/<uidb64>/<token>/", &views.PasswordResetConfirmView{}, urls.Name("password_reset_confirm")),
		views.Path("reset/done/", &views.PasswordResetCompleteView{}, urls.Name("password_reset_complete")),
	})
	engine := templates.Must(templates.New(templates.Config{Resolver: table}))
	queue := &mail.Queue{Mailer: slowMailer{}, Size: 1 << 20, Logger: discard()}
	app := fiber.New(fiber.Config{Views: engine})
	app.Use(m.Middleware(), views.Setup(views.Config{Users: backend, Logger: discard(), URLs: table,
		ResetTokens: auth.PasswordResetTokens{Keys: auth.SecretKeys{Key: "k"}}, Mailer: queue, SiteURL: "https://example.test",
		LoginThrottle: security.ThrottleConfig{Limit: 1 << 30, IPLimit: 1 << 30}}))
	table.Mount(app)
	h := app.Handler()
	for _, tc := range []struct{ name, email string }{{"known", "ada@example.com"}, {"unknown", "nobody@example.com"}} {
		b.Run("address="+tc.name, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			for range b.N {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.Header.SetMethod("POST")
				ctx.Request.SetRequestURI("/password_reset/")
				ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
				ctx.Request.SetBodyString("email=" + tc.email)
				h(&ctx)
				if ctx.Response.StatusCode() != 302 {
					b.Fatalf("%d %s", ctx.Response.StatusCode(), ctx.Response.Body())
				}
			}
		})
	}
}
