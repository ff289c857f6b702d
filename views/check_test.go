package views_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/viewtest"
	"github.com/gofiber/fiber/v2"
)

// authLogin is a LoginView that checks passwords with a hook of its own.
type authLogin struct{ views.LoginView }

func (v *authLogin) Authenticate(c *fiber.Ctx, username, password string) (string, error) {
	return "", views.ErrInvalidCredentials
}

// deepAuthLogin overrides Authenticate one level further down.
type deepAuthLogin struct{ authLogin }

// validForm answers a valid form itself: it needs no SuccessURL.
type validForm struct{ views.FormView[contactForm] }

func (v *validForm) FormValid(c *fiber.Ctx, form *contactForm) error { return c.SendString("thanks") }

// plainLogin embeds LoginView without overriding anything.
type plainLogin struct{ views.LoginView }

// TestStartupChecks: with Config.URLs, Setup refuses at start-up every route
// name the settings and the views refer to that the table lacks (with the
// nearest one), and the views that lack what they need.
func TestStartupChecks(t *testing.T) {
	ok := func(c *fiber.Ctx) error { return nil }
	auth := func(c *fiber.Ctx, u, p string) (string, error) { return "", views.ErrInvalidCredentials }
	check := func(c *fiber.Ctx, id, pw string) (bool, error) { return false, nil }
	set := func(c *fiber.Ctx, id, pw string) error { return nil }
	table := func(account ...urls.Pattern) *urls.Resolver {
		return urls.MustCompile([]urls.Pattern{
			urls.Path("", ok, urls.Name("home")),
			urls.Path("articles/<int:year>/", ok, urls.Name("year-archive")),
			urls.Include("accounts/", append([]urls.Pattern{
				urls.Path("profile/", ok, urls.Name("profile")),
			}, account...), urls.Namespace("accounts")),
		})
	}
	cases := []struct {
		name string
		cfg  views.Config
		want []string // "" entries: none; the error must contain each
	}{
		{"all good", views.Config{Authenticate: auth, LoginURL: "accounts:login", LoginRedirectURL: "home", URLs: table(
			views.Path("login/", &views.LoginView{NextPage: "accounts:profile"}, urls.Name("login")),
			views.Path("logout/", &views.LogoutView{NextPage: "/elsewhere/"}, urls.Name("logout")),
			views.Path("password_change/", &views.PasswordChangeView{CheckPasswordFunc: check, SetPasswordFunc: set}, urls.Name("password_change")),
			views.Path("password_change/done/", &views.PasswordChangeDoneView{}, urls.Name("password_change_done")),
			views.Path("old/<int:year>/", &views.RedirectView{PatternName: "year-archive"}),
		)}, nil},
		{"bad names, each with a suggestion", views.Config{Authenticate: auth, LoginURL: "acounts:login", LogoutRedirectURL: "hme", URLs: table(
			views.Path("login/", &views.LoginView{NextPage: "profile"}, urls.Name("login")),
			views.Path("logout/", &views.LogoutView{NextPage: "year-archive"}, urls.Name("logout")),
			views.Path("go/", &views.RedirectView{PatternName: "year_archive"}),
		)}, []string{
			`views.Config.LoginURL: "acounts:login" is neither a URL nor the name of a route: did you mean "accounts:login"?`,
			`views.Config.LogoutRedirectURL: "hme" is neither a URL nor the name of a route: did you mean "home"?`,
			`*views.LoginView.NextPage: "profile" is neither a URL nor the name of a route: did you mean "accounts:profile"?`,
			`*views.LogoutView.NextPage: the route "year-archive" needs arguments`,
			`*views.RedirectView.PatternName: "year_archive" is neither a URL nor the name of a route: did you mean "year-archive"?`,
		}},
		{"the password views' default outside the namespace", views.Config{URLs: table(
			views.Path("password_change/", &views.PasswordChangeView{CheckPasswordFunc: check, SetPasswordFunc: set}, urls.Name("password_change")),
		)}, []string{`*views.PasswordChangeView.SuccessURL: "password_change_done" is neither a URL nor the name of a route`}},
		{"LoginView with no way to authenticate", views.Config{URLs: table(
			views.Path("login/", &views.LoginView{}, urls.Name("login")),
			views.Path("login2/", &plainLogin{}, urls.Name("login2")),
			views.Path("login3/", &authLogin{}, urls.Name("login3")),
			views.Path("login4/", &deepAuthLogin{}, urls.Name("login4")),
		)}, []string{
			`*views.LoginView.Authenticate: has no way to check passwords: set views.Config.Authenticate, or define Authenticate on *views.LoginView`,
			`*views_test.plainLogin.Authenticate: has no way`,
		}},
		{"FormView without a success URL, or with a wrong one", views.Config{URLs: table(
			views.Path("a/", &views.FormView[contactForm]{}, urls.Name("a")),
			views.Path("b/", &views.FormView[contactForm]{SuccessURL: "accounts:profil"}, urls.Name("b")),
			views.Path("c/", &views.FormView[contactForm]{SuccessURL: "accounts:profile"}, urls.Name("c")),
			views.Path("d/", &validForm{}, urls.Name("d")),
		)}, []string{
			`*views.FormView[views_test.contactForm].SuccessURL: is not set: set it, or define GetSuccessURL or FormValid`,
			`*views.FormView[views_test.contactForm].SuccessURL: "accounts:profil" is neither a URL nor the name of a route: did you mean "accounts:profile"?`,
		}},
		{"PasswordChangeView without check and set", views.Config{URLs: table(
			views.Path("password_change/", &views.PasswordChangeView{}, urls.Name("password_change")),
			views.Path("password_change/done/", &views.PasswordChangeDoneView{}, urls.Name("password_change_done")),
			views.Path("hooked/", &hookedPasswordView{}, urls.Name("hooked")),
		)}, []string{
			`*views.PasswordChangeView.CheckPasswordFunc: is not set: set it, or define CheckPassword on *views.PasswordChangeView`,
			`*views.PasswordChangeView.SetPasswordFunc: is not set`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Logger = slog.New(slog.DiscardHandler)
			err := tc.cfg.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, views.ErrImproperlyConfigured) {
				t.Fatalf("Validate = %v, want ErrImproperlyConfigured", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if n := strings.Count(err.Error(), "\n") + 1; n != len(tc.want) {
				t.Errorf("%d mistakes reported, want %d:\n%v", n, len(tc.want), err)
			}
			defer func() {
				if r := recover(); r == nil {
					t.Error("Setup did not panic")
				}
			}()
			views.Setup(tc.cfg)
		})
	}
}

// TestNamespacedPasswordChange: the README's account routes live in the
// namespace "accounts"; the password change's default next page is found
// there, so a changed password leads to the done page, not to a 500 after
// the password was saved.
func TestNamespacedPasswordChange(t *testing.T) {
	db := &passwordDB{pw: map[string]string{"alice": "old secret pw"}}
	table := urls.MustCompile([]urls.Pattern{
		urls.Include("accounts/", []urls.Pattern{
			urls.Path("login/", func(c *fiber.Ctx) error { return c.SendString("login") }, urls.Name("login")),
			views.Path("password_change/", &views.PasswordChangeView{CheckPasswordFunc: db.check, SetPasswordFunc: db.set},
				urls.Name("password_change")),
			views.Path("password_change/done/", &views.PasswordChangeDoneView{}, urls.Name("password_change_done")),
		}, urls.Namespace("accounts")),
	})
	engine, err := templates.New(templates.Config{Resolver: table})
	if err != nil {
		t.Fatal(err)
	}
	m := newSessions(t)
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(m.Middleware(), views.Setup(views.Config{Logger: discard(), LoginURL: "accounts:login", URLs: table}))
	table.Mount(app)
	cl := viewtest.New(app, viewtest.Config{Sessions: m, URLs: table})
	if err := cl.Login("alice"); err != nil {
		t.Fatal(err)
	}
	must(cl.Get("accounts:password_change"))
	r := must(cl.PostForm("accounts:password_change", pwForm("old secret pw", "brand new pw 1", "brand new pw 1")))
	if r.StatusCode != 302 || r.Location() != "/accounts/password_change/done/" {
		t.Fatalf("%d Location %q, want 302 to the done page", r.StatusCode, r.Location())
	}
	if db.get("alice") != "brand new pw 1" {
		t.Errorf("stored %q", db.get("alice"))
	}
}

// TestMissingTemplateAtStartup: a view of the table whose TemplateName does
// not exist stops templates.New, naming the view and where it looked.
func TestMissingTemplateAtStartup(t *testing.T) {
	table := urls.MustCompile([]urls.Pattern{
		views.Path("a/", &views.TemplateView{TemplateName: "a.html"}),
		views.Path("b/", &views.TemplateView{TemplateName: "nope.html"}),
		views.Path("login/", &views.LoginView{}), // its default, embedded
		views.Path("c/", &views.LogoutView{TemplateView: views.TemplateView{TemplateName: "bye.html"}}),
	})
	_, err := templates.New(templates.Config{Resolver: table, FS: fstest.MapFS{"a.html": {Data: []byte("a")}}})
	if !errors.Is(err, templates.ErrMissingTemplate) {
		t.Fatalf("New = %v, want ErrMissingTemplate", err)
	}
	for _, want := range []string{
		`*views.TemplateView: TemplateName "nope.html" does not exist (searched Config.FS:nope.html, embedded defaults:nope.html)`,
		`*views.LogoutView: TemplateName "bye.html" does not exist`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "a.html") || strings.Contains(err.Error(), "LoginView") {
		t.Errorf("error names a template that exists:\n%v", err)
	}
}
