// Command quickstart is a complete fiberviews site in one file: a home page,
// Django's LoginView and LogoutView, and a function-based logout, with
// sessions in a SQLite file. Log in as demo / demo.
package main

import (
	"html/template"
	"log"
	"os"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"
)

// demoHash is the bcrypt hash of the demo user's password, "demo".
var demoHash, _ = bcrypt.GenerateFromPassword([]byte("demo"), bcrypt.DefaultCost)

// checkPassword is views.Config.Authenticate: the user id, or an error
// wrapping views.ErrInvalidCredentials. It always runs bcrypt, so that an
// unknown username takes as long as a wrong password.
func checkPassword(c *fiber.Ctx, username, password string) (string, error) {
	wrong := bcrypt.CompareHashAndPassword(demoHash, []byte(password)) != nil
	if wrong || username != "demo" {
		return "", views.ErrInvalidCredentials
	}
	return "demo", nil
}

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<title>Home</title>
{{ .BackGuard }}
<h1>Welcome to the homepage!</h1>
{{ range .Messages }}<p class="{{ .Tags }}">{{ . }}</p>{{ end }}
{{ if .User }}
  <p>Hello, {{ .User }}.</p>
  <form method="post" action="{{ .Logout }}">{{ .CSRF }}<button>Log out</button></form>
  <form method="post" action="{{ .LogoutFunc }}">{{ .CSRF }}<button>Log out (function view)</button></form>
{{ else }}
  <p><a href="{{ .Login }}">Log in</a></p>
{{ end }}`))

// home is a function view: anyone may see it; a logged-in user gets two
// logout buttons, one for each logout route (POST forms with the CSRF token,
// as logouts must be).
func home(c *fiber.Ctx) error {
	user, _ := session.UserID(c)
	logout, err := urls.Reverse(c, "accounts:logout")
	if err != nil {
		return err
	}
	logoutFunc, err := urls.Reverse(c, "logout")
	if err != nil {
		return err
	}
	login, err := urls.Reverse(c, "accounts:login")
	if err != nil {
		return err
	}
	views.AddNeverCacheHeaders(c) // the page shows who is logged in
	c.Type("html")
	return homePage.Execute(c.Response().BodyWriter(), map[string]any{
		"User": user, "Logout": logout, "LogoutFunc": logoutFunc, "Login": login, "CSRF": views.CSRFInput(c),
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

	sessions, err := session.New(session.Config{Database: "quickstart.sqlite3"})
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
		Authenticate: checkPassword,
		URLs:         table, // every route name is checked here, at start-up
	}))
	table.Mount(app)

	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8000"
	}
	log.Printf("open http://%s/ and log in as demo / demo", addr)
	log.Fatal(app.Listen(addr))
}
