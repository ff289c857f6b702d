package views_test

import (
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/fiberviews/fiberviews/auth"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/fiberviews/fiberviews/views/viewtest"
	"github.com/gofiber/fiber/v2"
)

// passwordUser is what LoadUser gives the password views: a username for
// the similarity check.
type passwordUser struct{ Username, Email string }

// passwordDB is a user store of plain passwords, for the tests only.
type passwordDB struct {
	mu  sync.Mutex
	pw  map[string]string
	err error // returned by check, when set
}

func (db *passwordDB) check(c *fiber.Ctx, id, password string) (bool, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.pw[id] == password, db.err
}

func (db *passwordDB) set(c *fiber.Ctx, id, password string) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.pw[id] = password
	return nil
}

func (db *passwordDB) get(id string) string {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.pw[id]
}

type passwordSite struct {
	m     *session.Manager
	db    *passwordDB
	table *urls.Resolver
	app   *fiber.App
}

func newPasswordSite(t *testing.T) *passwordSite {
	t.Helper()
	s := &passwordSite{db: &passwordDB{pw: map[string]string{"alice": "old secret pw"}}}
	s.table = urls.MustCompile([]urls.Pattern{
		urls.Path("accounts/login/", func(c *fiber.Ctx) error { return c.SendString("login") }, urls.Name("login")),
		views.Path("password_change/", &views.PasswordChangeView{CheckPasswordFunc: s.db.check, SetPasswordFunc: s.db.set},
			urls.Name("password_change")),
		views.Path("password_change/done/", &views.PasswordChangeDoneView{}, urls.Name("password_change_done")),
	})
	engine, err := templates.New(templates.Config{Resolver: s.table})
	if err != nil {
		t.Fatal(err)
	}
	s.m = newSessions(t)
	s.app = fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	s.app.Use(s.m.Middleware(), views.Setup(views.Config{
		Logger: slog.New(slog.DiscardHandler), LoginURL: "login",
		LoadUser: func(c *fiber.Ctx, id string) (any, error) {
			return &passwordUser{Username: id + "_wonder", Email: id + "@example.com"}, nil
		},
	}))
	s.table.Mount(s.app)
	return s
}

// client returns a client logged in as alice, on the password change page.
func (s *passwordSite) client(t *testing.T) *viewtest.Client {
	t.Helper()
	cl := viewtest.New(s.app, viewtest.Config{Sessions: s.m, URLs: s.table})
	if err := cl.Login("alice"); err != nil {
		t.Fatal(err)
	}
	if r := must(cl.Get("password_change")); r.StatusCode != 200 {
		t.Fatalf("GET password_change: %d %s", r.StatusCode, r.Body)
	}
	return cl
}

func pwForm(old, new1, new2 string) url.Values {
	return url.Values{"old_password": {old}, "new_password1": {new1}, "new_password2": {new2}}
}

func TestPasswordChangeViewGet(t *testing.T) {
	s := newPasswordSite(t)
	for _, name := range []string{"password_change", "password_change_done"} {
		t.Run(name+" anonymous", func(t *testing.T) {
			r := must(viewtest.New(s.app, viewtest.Config{URLs: s.table}).Get(name))
			if r.StatusCode != 302 || !strings.HasPrefix(r.Location(), "/accounts/login/?next=") {
				t.Errorf("%d Location %q, want the login page", r.StatusCode, r.Location())
			}
			if r.Header.Get("Cache-Control") != views.NeverCacheControl {
				t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
			}
		})
	}
	cl := s.client(t)
	r := cl.LastPage()
	for _, w := range []string{"<h1>Password change</h1>", `name="old_password"`, `name="new_password1"`, `name="new_password2"`, `name="csrfmiddlewaretoken"`} {
		if !strings.Contains(r.Body, w) {
			t.Errorf("the form lacks %q", w)
		}
	}
	if r.Header.Get("Cache-Control") != views.NeverCacheControl {
		t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
	}
}

func TestPasswordChangeViewErrors(t *testing.T) {
	s := newPasswordSite(t)
	tests := []struct {
		name string
		form url.Values
		want []string
	}{
		{"wrong old password", pwForm("guess", "brand new pw 1", "brand new pw 1"), []string{"Your old password was entered incorrectly. Please enter it again."}},
		{"mismatch", pwForm("old secret pw", "brand new pw 1", "brand new pw 2"), []string{"The two password fields didn’t match."}},
		{"wrong and mismatched", pwForm("guess", "brand new pw 1", "brand new pw 2"),
			[]string{"Your old password was entered incorrectly. Please enter it again.", "The two password fields didn’t match."}},
		{"missing", url.Values{}, []string{"This field is required."}},
		{"too short", pwForm("old secret pw", "x7!", "x7!"), []string{"This password is too short. It must contain at least 8 characters."}},
		{"entirely numeric", pwForm("old secret pw", "3141592653", "3141592653"), []string{"This password is entirely numeric."}},
		{"a common password (Django's list)", pwForm("old secret pw", "sunshine1", "sunshine1"), []string{"This password is too common."}},
		{"similar to the username", pwForm("old secret pw", "alice_wonder1", "alice_wonder1"), []string{"The password is too similar to the username."}},
		{"similar to the email", pwForm("old secret pw", "alice@example.co", "alice@example.co"), []string{"The password is too similar to the email address."}},
		{"too long", pwForm("old secret pw", strings.Repeat("p", 4097), strings.Repeat("p", 4097)), []string{"at most 4096 characters"}},
		{"invalid UTF-8", pwForm("old\xff", "brand new pw 1", "brand new pw 1"), []string{"Enter valid text."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := s.client(t)
			r := must(cl.PostForm("password_change", tt.form))
			if r.StatusCode != 200 {
				t.Fatalf("status %d: %s", r.StatusCode, r.Body)
			}
			body := strings.ReplaceAll(r.Body, "&rsquo;", "’")
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page lacks %q:\n%s", w, r.Body)
				}
			}
			for _, v := range tt.form {
				if len(v[0]) > 2 && strings.Contains(r.Body, v[0]) {
					t.Errorf("the page shows a password back: %q", v[0])
				}
			}
			if s.db.get("alice") != "old secret pw" {
				t.Fatalf("the password changed to %q", s.db.get("alice"))
			}
		})
	}
	t.Run("a failing CheckPassword is a 500", func(t *testing.T) {
		cl := s.client(t)
		s.db.err = errors.New("users table locked")
		defer func() { s.db.err = nil }()
		if r := must(cl.PostForm("password_change", pwForm("old secret pw", "brand new pw 1", "brand new pw 1"))); r.StatusCode != 500 ||
			strings.Contains(r.Body, "locked") {
			t.Errorf("%d %s", r.StatusCode, r.Body)
		}
	})
}

func TestPasswordChangeViewSuccess(t *testing.T) {
	s := newPasswordSite(t)
	other := viewtest.New(s.app, viewtest.Config{Sessions: s.m, URLs: s.table})
	if err := other.Login("alice"); err != nil {
		t.Fatal(err)
	}
	bob := viewtest.New(s.app, viewtest.Config{Sessions: s.m, URLs: s.table})
	if err := bob.Login("bob"); err != nil {
		t.Fatal(err)
	}
	cl := s.client(t)
	before := cl.Cookie(session.DefaultCookieName).Value
	r := must(cl.PostForm("password_change", pwForm("old secret pw", "brand new pw 1", "brand new pw 1")))
	if r.StatusCode != 302 || r.Location() != "/password_change/done/" {
		t.Fatalf("%d Location %q: %s", r.StatusCode, r.Location(), r.Body)
	}
	if len(r.Messages) != 1 || r.Messages[0].Message != passwordChanged || r.Messages[0].Level != messages.LevelSuccess {
		t.Errorf("messages after the change: %v, want one success %q", r.Messages, passwordChanged)
	}
	if s.db.get("alice") != "brand new pw 1" {
		t.Errorf("SetPassword stored %q", s.db.get("alice"))
	}
	if after := cl.Cookie(session.DefaultCookieName); after == nil || after.Value == before {
		t.Errorf("the session kept its key (%v): UpdateAuthHash moves it", after)
	}
	if r := must(cl.Get("password_change_done")); r.StatusCode != 200 || !strings.Contains(r.Body, "Password change successful") ||
		strings.Count(r.Body, passwordChanged) != 1 {
		t.Errorf("the done page for this browser: %d %s", r.StatusCode, r.Body)
	}
	if r := must(other.Get("password_change_done")); r.StatusCode != 302 {
		t.Errorf("alice's other session still sees the done page: %d; want it logged out", r.StatusCode)
	}
	if list := must(s.m.UserSessions("alice")); len(list) != 1 {
		t.Errorf("alice has %d sessions, want 1", len(list))
	}
	if r := must(bob.Get("password_change_done")); r.StatusCode != 200 {
		t.Errorf("bob was logged out too: %d", r.StatusCode)
	}
}

// hookedPasswordView checks and stores passwords with hooks of its own.
type hookedPasswordView struct {
	views.PasswordChangeView
	set *string
}

func (v *hookedPasswordView) CheckPassword(c *fiber.Ctx, id, password string) (bool, error) {
	return password == "hook old pw", nil
}

func (v *hookedPasswordView) SetPassword(c *fiber.Ctx, id, password string) error {
	*v.set = id + ":" + password
	return nil
}

func TestPasswordChangeViewHooks(t *testing.T) {
	var stored string
	table := urls.MustCompile([]urls.Pattern{
		views.Path("pw/", &hookedPasswordView{set: &stored, PasswordChangeView: views.PasswordChangeView{
			PasswordValidators: []auth.PasswordValidator{auth.MinimumLength{MinLength: 20}},
			FormView: views.FormView[views.PasswordChangeForm]{SuccessURL: "/changed/",
				TemplateView: views.TemplateView{ExtraContext: map[string]any{"title": "New password"}}},
		}}, urls.Name("pw")),
		views.Path("unset/", &views.PasswordChangeView{}, urls.Name("unset")),
	})
	engine, err := templates.New(templates.Config{Resolver: table})
	if err != nil {
		t.Fatal(err)
	}
	m := newSessions(t)
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(m.Middleware(), views.Setup(views.Config{Logger: slog.New(slog.DiscardHandler)}))
	table.Mount(app)
	cl := viewtest.New(app, viewtest.Config{Sessions: m, URLs: table})
	if err := cl.Login("carol"); err != nil {
		t.Fatal(err)
	}
	if r := must(cl.Get("pw")); !strings.Contains(r.Body, "<h1>New password</h1>") {
		t.Errorf("ExtraContext's title: %s", r.Body)
	}
	if r := must(cl.PostForm("pw", pwForm("hook old pw", "short but fine", "short but fine"))); !strings.Contains(r.Body, "at least 20 characters") {
		t.Errorf("the site's validators: %d %s", r.StatusCode, r.Body)
	}
	r := must(cl.PostForm("pw", pwForm("hook old pw", "twenty characters long", "twenty characters long")))
	if r.StatusCode != 302 || r.Location() != "/changed/" || stored != "carol:twenty characters long" {
		t.Errorf("%d %q stored %q", r.StatusCode, r.Location(), stored)
	}
	t.Run("without CheckPasswordFunc", func(t *testing.T) {
		must(cl.Get("unset"))
		if r := must(cl.PostForm("unset", pwForm("a", "b", "b"))); r.StatusCode != 500 {
			t.Errorf("%d, want 500 (a *views.ConfigError)", r.StatusCode)
		}
	})
}

// passwordChanged is PasswordChangeView's default success message.
const passwordChanged = "Your password was changed."

// TestPasswordChangeMessagesInAnotherLanguage: every text of the password
// change can be replaced.
func TestPasswordChangeMessagesInAnotherLanguage(t *testing.T) {
	db := &passwordDB{pw: map[string]string{"alice": "old secret pw"}}
	table := urls.MustCompile([]urls.Pattern{
		views.Path("pw/", &views.PasswordChangeView{CheckPasswordFunc: db.check, SetPasswordFunc: db.set,
			IncorrectMessage: "Ancien mot de passe incorrect.", MismatchMessage: "Les deux mots de passe diffèrent.",
			ChangedMessage: "Mot de passe modifié.", FormView: views.FormView[views.PasswordChangeForm]{SuccessURL: "/pw/"}},
			urls.Name("pw")),
	})
	engine, err := templates.New(templates.Config{Resolver: table})
	if err != nil {
		t.Fatal(err)
	}
	m := newSessions(t)
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(m.Middleware(), views.Setup(views.Config{Logger: discard()}))
	table.Mount(app)
	cl := viewtest.New(app, viewtest.Config{Sessions: m, URLs: table})
	if err := cl.Login("alice"); err != nil {
		t.Fatal(err)
	}
	must(cl.Get("pw"))
	r := must(cl.PostForm("pw", pwForm("guess", "brand new pw 1", "brand new pw 2")))
	for _, want := range []string{"Ancien mot de passe incorrect.", "Les deux mots de passe diffèrent."} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the form lacks %q:\n%s", want, r.Body)
		}
	}
	r = must(cl.PostForm("pw", pwForm("old secret pw", "brand new pw 1", "brand new pw 1")))
	if r.StatusCode != 302 || len(r.Messages) != 1 || r.Messages[0].Message != "Mot de passe modifié." {
		t.Errorf("%d, messages %v, want 302 and the site's message", r.StatusCode, r.Messages)
	}
}
