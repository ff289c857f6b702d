package views_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// The wiring of accounts: users in Django's auth_user beside the sessions,
// Config.Users for the views, the secret key's session auth hash for the
// sessions; then a visitor signs up.
func ExampleSignupView() {
	dir, _ := os.MkdirTemp("", "fiberviews-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	storage, _ := session.OpenSQLite(filepath.Join(dir, "site.sqlite3"))
	defer storage.Close()
	users, _ := auth.NewSQLiteUsers(ctx, storage.DB())
	backend := &auth.Backend{Users: users}
	sessions, _ := session.New(session.Config{
		Storage:  storage,
		AuthHash: auth.SecretKeys{Key: "the site's secret key"}.AuthHash(users), // a password change logs out the other sessions
	})
	defer sessions.Close()

	table, err := urls.Compile([]urls.Pattern{
		views.Path("", &views.TemplateView{TemplateName: "home.html"}, urls.Name("home")),
		views.Path("signup/", &views.SignupView{LoginAfter: true}, urls.Name("signup")),
		views.Path("login/", &views.LoginView{}, urls.Name("login")),
		views.Path("sessions/", &views.SessionsView{}, urls.Name("sessions")),
	})
	engine, err := templates.New(templates.Config{Resolver: table, FS: fstest.MapFS{
		"home.html": {Data: []byte(`Hello, {{ .user.Username }}.`)}, // the *auth.User
	}})
	if err != nil {
		panic(err)
	}
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(sessions.Middleware(), views.Setup(views.Config{
		Users: backend, LoginURL: "login", LoginRedirectURL: "home", URLs: table,
	}))
	table.Mount(app)

	// A visitor opens the sign-up page, then sends it.
	page, _ := app.Test(httptest.NewRequest("GET", "/signup/", nil))
	body, _ := io.ReadAll(page.Body)
	token := regexp.MustCompile(`name="csrfmiddlewaretoken" value="(\w+)"`).FindSubmatch(body)[1]
	form := url.Values{"csrfmiddlewaretoken": {string(token)}, "username": {"Ada"},
		"password1": {"analytical engine"}, "password2": {"analytical engine"}}
	req := httptest.NewRequest("POST", "/signup/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range page.Cookies() {
		req.AddCookie(c)
	}
	resp, _ := app.Test(req, -1)
	fmt.Println(resp.StatusCode, resp.Header.Get("Location"))

	home := httptest.NewRequest("GET", "/", nil) // logged in (LoginAfter)
	for _, c := range resp.Cookies() {
		home.AddCookie(c)
	}
	resp, _ = app.Test(home, -1)
	body, _ = io.ReadAll(resp.Body)
	fmt.Println(string(body))

	u, _ := users.UserByUsername(ctx, "ada")
	fmt.Println(u.Username, strings.SplitN(u.Password, "$", 2)[0])
	// Output:
	// 302 /
	// Hello, Ada.
	// Ada pbkdf2_sha256
}
