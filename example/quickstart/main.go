// Command quickstart is a complete fiberviews site in one file: a home page,
// Django's LoginView and LogoutView, a function-based logout, a sign-up page
// and a list of your sessions, with users (Django's auth_user) and sessions
// in one SQLite file. Log in as demo / demo.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"html/template"
	"log"
	"os"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<title>Home</title>
{{ .BackGuard }}
<h1>Welcome to the homepage!</h1>
{{ range .Messages }}<p class="{{ .Tags }}">{{ . }}</p>{{ end }}
{{ if .User }}
  <p>Hello, {{ .User.Username }}. <a href="{{ index .URL "accounts:sessions" }}">Your sessions</a></p>
  <form method="post" action="{{ index .URL "accounts:logout" }}">{{ .CSRF }}<button>Log out</button></form>
  <form method="post" action="{{ index .URL "logout" }}">{{ .CSRF }}<button>Log out (function view)</button></form>
{{ else }}
  <p><a href="{{ index .URL "accounts:login" }}">Log in</a> or <a href="{{ index .URL "accounts:signup" }}">sign up</a></p>
{{ end }}`))

// home is a function view: anyone may see it; a logged-in user gets two
// logout buttons, one for each logout route (POST forms with the CSRF token,
// as logouts must be).
func home(c *fiber.Ctx) error {
	user, err := views.CurrentUser(c) // the *auth.User, or views.AnonymousUser{}
	if err != nil {
		return err
	}
	links := map[string]string{}
	for _, name := range []string{"accounts:login", "accounts:logout", "accounts:signup", "accounts:sessions", "logout"} {
		if links[name], err = urls.Reverse(c, name); err != nil {
			return err
		}
	}
	views.AddNeverCacheHeaders(c) // the page shows who is logged in
	c.Type("html")
	u, _ := user.(*auth.User)
	return homePage.Execute(c.Response().BodyWriter(), map[string]any{
		"User": u, "URL": links, "CSRF": views.CSRFInput(c),
		"Messages":  messages.Get(c),    // one-time messages, such as "You have been logged out."
		"BackGuard": views.BackGuard(c), // reloads the page if Back shows it after a logout
	})
}

// logout is a function-based logout: it logs out, says so, and goes to
// "home".
func logout(c *fiber.Ctx) error {
	if err := session.Logout(c); err != nil {
		return err
	}
	messages.Success(c, "You have been logged out.")
	to, err := urls.Reverse(c, "home")
	if err != nil {
		return err
	}
	return c.Redirect(to)
}

// CustomLogoutView is Django's LogoutView with a next page of our own.
type CustomLogoutView struct{ views.LogoutView }

func main() {
	accounts := []urls.Pattern{
		views.Path("login/", &views.LoginView{NextPage: "home"}, urls.Name("login")),
		views.Path("logout/", &CustomLogoutView{LogoutView: views.LogoutView{
			NextPage: "home", SuccessMessage: "You have been logged out.",
		}}, urls.Name("logout")),
		views.Path("signup/", &views.SignupView{LoginAfter: true}, urls.Name("signup")),
		views.Path("sessions/", &views.SessionsView{}, urls.Name("sessions")),
	}
	table, err := urls.Compile([]urls.Pattern{
		views.Path("", &views.RedirectView{PatternName: "home"}),
		urls.Path("home/", home, urls.Name("home")),
		// A function view is a plain handler: make it POST-only, CSRF-checked and never cached.
		urls.Path("logout/", views.NeverCache(views.RequirePOST(views.CSRFProtect(logout))), urls.Name("logout")),
		urls.Include("accounts/", accounts, urls.Namespace("accounts")),
	})
	if err != nil {
		log.Fatal(err)
	}

	// Users live in Django's auth_user table, beside the sessions.
	const db = "quickstart.sqlite3"
	ctx := context.Background()
	users, err := auth.OpenSQLiteUsers(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	defer users.Close()
	backend := &auth.Backend{Users: users}
	if _, err = users.UserByUsername(ctx, "demo"); errors.Is(err, auth.ErrUserNotFound) {
		_, err = backend.CreateUser(ctx, "demo", "demo@example.com", "demo")
	}
	if err != nil {
		log.Fatal(err)
	}
	// The secret key (Django's SECRET_KEY) signs each session's auth hash,
	// so that a password change logs out the user's other sessions. Keep it
	// secret and the same across restarts, or every restart logs everyone out.
	key := os.Getenv("SECRET_KEY")
	if key == "" {
		key = rand.Text()
		log.Print("SECRET_KEY is not set: a new key for this run only")
	}
	sessions, err := session.New(session.Config{Database: db, AuthHash: auth.SecretKeys{Key: key}.AuthHash(users)})
	if err != nil {
		log.Fatal(err)
	}
	defer sessions.Close()
	engine, err := templates.New(templates.Config{Resolver: table}) // the built-in pages
	if err != nil {
		log.Fatal(err)
	}

	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(sessions.Middleware())
	app.Use(views.Setup(views.Config{
		SiteName:     "Quickstart",
		AllowedHosts: []string{"localhost", "127.0.0.1", "[::1]"},
		Users:        backend, // logs in, loads "user" and signs up, hashing in a bounded pool
		URLs:         table,   // every route name is checked here, at start-up
		// A Content-Security-Policy with a nonce per response: only the
		// page's own scripts and styles run.
		CSP: security.CSPConfig{Policy: security.StrictCSP},
	}))
	table.Mount(app)

	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8000"
	}
	log.Printf("open http://%s/ and log in as demo / demo", addr)
	log.Fatal(app.Listen(addr))
}
