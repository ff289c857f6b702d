package views_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/mail"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

type resetSite struct {
	app      *fiber.App
	backend  *auth.Backend
	users    *auth.SQLiteUsers
	outbox   *mail.Outbox
	sessions *session.Manager
	table    *urls.Resolver
}

// resetOpts change newResetSite's site: files are the site's templates,
// config changes its views.Config, confirm is its PasswordResetConfirmView.
type resetOpts struct {
	files   fstest.MapFS
	config  func(*views.Config)
	confirm views.PasswordResetConfirmView
}

// newResetSite is a site with the four reset views under accounts/.
func newResetSite(t *testing.T, o resetOpts) *resetSite {
	t.Helper()
	ctx := context.Background()
	st, err := session.OpenSQLite(filepath.Join(t.TempDir(), "site.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	users, err := auth.NewSQLiteUsers(ctx, st.DB())
	if err != nil {
		t.Fatal(err)
	}
	backend := &auth.Backend{Users: users, Hashing: fastHashing(nil)}
	keys := auth.SecretKeys{Key: "a secret key for the tests"}
	m, err := session.New(session.Config{Storage: st, AuthHash: keys.AuthHash(users)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	table := urls.MustCompile([]urls.Pattern{
		views.Path("", &views.TemplateView{TemplateName: "home.html"}, urls.Name("home")),
		urls.Include("accounts/", []urls.Pattern{
			views.Path("login/", &views.LoginView{NextPage: "home"}, urls.Name("login")),
			views.Path("password_reset/", &views.PasswordResetView{}, urls.Name("password_reset")),
			views.Path("password_reset/done/", &views.PasswordResetDoneView{}, urls.Name("password_reset_done")),
			views.Path("reset/<uidb64>/<token>/", &o.confirm, urls.Name("password_reset_confirm")),
			views.Path("reset/done/", &views.PasswordResetCompleteView{}, urls.Name("password_reset_complete")),
		}, urls.Namespace("accounts")),
	})
	fsys := fstest.MapFS{"home.html": {Data: []byte(`home user={{ .user.Username }}`)}}
	for name, f := range o.files {
		fsys[name] = f
	}
	engine, err := templates.New(templates.Config{Resolver: table, FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	outbox := &mail.Outbox{}
	cfg := views.Config{
		Users: backend, LoginURL: "accounts:login", Logger: discard(), URLs: table, SiteName: "Example",
		ResetTokens: auth.PasswordResetTokens{Keys: keys}, Mailer: outbox, SiteURL: "https://example.test",
	}
	if o.config != nil {
		o.config(&cfg)
	}
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(m.Middleware(), views.Setup(cfg))
	table.Mount(app)
	return &resetSite{app: app, backend: backend, users: users, outbox: outbox, sessions: m, table: table}
}

// mails waits for the outbox to hold n messages (the queue sends off the
// request) and returns them.
func (s *resetSite) mails(t *testing.T, n int) []mail.Message {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := s.outbox.Messages()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var resetLinkRe = regexp.MustCompile(`https://example\.test(/accounts/reset/[^/\s]+/[^/\s]+/)`)

// TestPasswordReset walks Django's reset flow: the same answer for every
// address, a mail with a link built from SiteURL for a known one only, the
// token moved out of the URL, the new password checked, every session of the
// user logged out, and a used link refused.
func TestPasswordReset(t *testing.T) {
	s := newResetSite(t, resetOpts{})
	ctx := context.Background()
	if _, err := s.backend.CreateUser(ctx, "ada", "ada@example.com", "old horse battery"); err != nil {
		t.Fatal(err)
	}
	// Ada is logged in elsewhere: the reset must end that session.
	elsewhere := newClient(t, s.app)
	tok := formToken(t, elsewhere.do("GET", "/accounts/login/", nil).body)
	if r := elsewhere.do("POST", "/accounts/login/", form("csrfmiddlewaretoken", tok, "username", "ada", "password", "old horse battery")); r.status != 302 {
		t.Fatalf("login elsewhere: %d", r.status)
	}

	cl := newClient(t, s.app)
	request := func(email string, headers ...string) response {
		tok := formToken(t, cl.do("GET", "/accounts/password_reset/", nil).body)
		return cl.do("POST", "/accounts/password_reset/", form("csrfmiddlewaretoken", tok, "email", email), headers...)
	}
	for _, email := range []string{"nobody@example.com", "ADA@example.com"} {
		r := request(email, "Host", "evil.example", "X-Forwarded-Host", "evil.example")
		if r.status != 302 || r.header.Get("Location") != "/accounts/password_reset/done/" {
			t.Fatalf("%s: %d %q, want the same redirect for every address", email, r.status, r.header.Get("Location"))
		}
	}
	got := s.mails(t, 1)
	if len(got) != 1 || got[0].To[0] != "ada@example.com" || got[0].Subject != "Password reset on Example" {
		t.Fatalf("mails %+v, want one to ada", got)
	}
	m := resetLinkRe.FindStringSubmatch(got[0].Text)
	if m == nil || strings.Contains(got[0].Text, "evil.example") || !strings.Contains(got[0].Text, "Your username, in case you’ve forgotten: ada") {
		t.Fatalf("the mail's link is not on the site's own address:\n%s", got[0].Text)
	}
	link := m[1]
	if r := cl.do("GET", "/accounts/password_reset/done/", nil); r.status != 200 || !strings.Contains(r.body, "We’ve emailed you instructions") {
		t.Errorf("done page: %d", r.status)
	}

	r := cl.do("GET", link, nil)
	setPassword := regexp.MustCompile(`/set-password/$`)
	if r.status != 302 || !setPassword.MatchString(r.header.Get("Location")) {
		t.Fatalf("GET the link: %d %q, want a redirect that takes the token out of the URL", r.status, r.header.Get("Location"))
	}
	page := r.header.Get("Location")
	r = cl.do("GET", page, nil)
	if r.status != 200 || !strings.Contains(r.body, `name="new_password1"`) {
		t.Fatalf("the form: %d\n%s", r.status, r.body)
	}
	tok = formToken(t, r.body)
	for _, tc := range []struct{ name, p1, p2, want string }{
		{"mismatch", "brand new horse 1", "brand new horse 2", "The two password fields didn’t match."},
		{"common", "password123", "password123", "This password is too common."},
	} {
		r := cl.do("POST", page, form("csrfmiddlewaretoken", tok, "new_password1", tc.p1, "new_password2", tc.p2))
		if r.status != 200 || !strings.Contains(r.body, tc.want) {
			t.Errorf("%s: %d, want the form with %q", tc.name, r.status, tc.want)
		}
	}
	r = cl.do("POST", page, form("csrfmiddlewaretoken", tok, "new_password1", "brand new horse 1", "new_password2", "brand new horse 1"))
	if r.status != 302 || r.header.Get("Location") != "/accounts/reset/done/" {
		t.Fatalf("set the password: %d %q", r.status, r.header.Get("Location"))
	}
	if r := cl.do("GET", "/accounts/reset/done/", nil); !strings.Contains(r.body, "Your password has been set.") || !strings.Contains(r.body, `href="/accounts/login/"`) {
		t.Errorf("complete page: %d\n%s", r.status, r.body)
	}
	if _, err := s.backend.Authenticate(ctx, "ada", "brand new horse 1"); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
	if body := elsewhere.do("GET", "/", nil).body; body != "home user=" {
		t.Errorf("ada's other session is still logged in: %q", body)
	}
	for _, again := range []string{link, page} {
		if r := newClient(t, s.app).do("GET", again, nil); r.status != 200 || !strings.Contains(r.body, "The password reset link was invalid") {
			t.Errorf("a used link %s: %d, want the invalid-link page", again, r.status)
		}
	}
	if r := cl.do("GET", "/accounts/reset/MQ/garbage-token/", nil); r.status != 200 || !strings.Contains(r.body, "was invalid") {
		t.Errorf("a forged link: %d", r.status)
	}
}

// TestPasswordResetNeedsSiteURL: without SiteURL the reset views are a
// start-up error, never links built from a request's Host.
func TestPasswordResetNeedsSiteURL(t *testing.T) {
	table := urls.MustCompile([]urls.Pattern{
		views.Path("password_reset/", &views.PasswordResetView{}, urls.Name("password_reset")),
		views.Path("password_reset/done/", &views.PasswordResetDoneView{}, urls.Name("password_reset_done")),
	})
	err := views.Config{URLs: table}.Validate()
	for _, want := range []string{"Users: is not set", "ResetTokens: has no secret key", `SiteURL: is "": set views.Config.SiteURL`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want %q", err, want)
		}
	}
}

// TestPasswordResetSkipsWhoCannotReset: inactive users and users without a
// usable password get no email, and the same answer (Django's get_users).
func TestPasswordResetSkipsWhoCannotReset(t *testing.T) {
	s := newResetSite(t, resetOpts{})
	ctx := context.Background()
	for _, u := range []string{"inactive", "unusable", "able"} {
		if _, err := s.backend.CreateUser(ctx, u, u+"@example.com", "old horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.users.DB().Exec(`UPDATE auth_user SET is_active = 0 WHERE username = 'inactive'`); err != nil {
		t.Fatal(err)
	}
	unusable, err := auth.MakeUnusablePassword()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.users.DB().Exec(`UPDATE auth_user SET password = ? WHERE username = 'unusable'`, unusable); err != nil {
		t.Fatal(err)
	}
	cl := newClient(t, s.app)
	for _, u := range []string{"inactive", "unusable", "able"} {
		tok := formToken(t, cl.do("GET", "/accounts/password_reset/", nil).body)
		r := cl.do("POST", "/accounts/password_reset/", form("csrfmiddlewaretoken", tok, "email", u+"@example.com"))
		if r.status != 302 || r.header.Get("Location") != "/accounts/password_reset/done/" {
			t.Errorf("%s: %d %q, want the same answer", u, r.status, r.header.Get("Location"))
		}
	}
	got := s.mails(t, 1)
	if len(got) != 1 || got[0].To[0] != "able@example.com" {
		t.Errorf("mails to %v, want one, to able@example.com", got)
	}
}
