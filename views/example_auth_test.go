package views_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// newExampleSite builds the app the login and logout examples run on: real
// sessions on a SQLite file in a temporary directory, views.Setup(cfg), the
// templates in files besides the embedded defaults, and the url table with a
// page named "home" whose form carries a CSRF token. Call the returned
// function when done.
func newExampleSite(cfg views.Config, files fstest.MapFS, patterns ...urls.Pattern) (*fiber.App, func()) {
	dir, err := os.MkdirTemp("", "fiberviews-example")
	if err != nil {
		panic(err)
	}
	sessions, err := session.New(session.Config{Database: filepath.Join(dir, "sessions.sqlite3")})
	if err != nil {
		panic(err)
	}
	if files == nil {
		files = fstest.MapFS{}
	}
	files["home.html"] = &fstest.MapFile{Data: []byte(`<form method="post">{{ .csrf_input }}</form>`)}
	engine := templates.Must(templates.New(templates.Config{FS: files}))
	home := views.Path("home/", &views.TemplateView{TemplateName: "home.html"}, urls.Name("home"))
	table := urls.MustCompile(append([]urls.Pattern{home}, patterns...))
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(sessions.Middleware())
	app.Use(views.Setup(cfg))
	table.Mount(app)
	return app, func() { _ = sessions.Close(); _ = os.RemoveAll(dir) }
}

// browser is a tiny web browser for examples: it keeps cookies and posts the
// CSRF token of the last page it loaded, as a form would.
type browser struct {
	app     *fiber.App
	cookies map[string]string
	token   string
}

var exampleTokenRe = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"`)

// visit sends a request (a POST carries form plus the token) and prints the
// status, the Location, HX-Redirect or Clear-Site-Data header if any, and a
// short body.
func (b *browser) visit(method, target string, form url.Values, headers ...string) {
	if b.cookies == nil {
		b.cookies = map[string]string{}
	}
	var body io.Reader
	if method == "POST" {
		if form == nil {
			form = url.Values{}
		}
		if b.token != "" {
			form.Set("csrfmiddlewaretoken", b.token)
		}
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.app.Test(req, -1)
	if err != nil {
		panic(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(b.cookies, ck.Name)
		} else {
			b.cookies[ck.Name] = ck.Value
		}
	}
	if m := exampleTokenRe.FindSubmatch(raw); m != nil {
		b.token = string(m[1])
	}
	fmt.Printf("%s %s → %d", method, target, resp.StatusCode)
	for _, h := range []string{"Location", "HX-Redirect", "Clear-Site-Data", "Allow"} {
		if v := resp.Header.Get(h); v != "" {
			fmt.Printf(" %s: %s", h, v)
		}
	}
	text := exampleTokenRe.ReplaceAllString(string(raw), `name="csrfmiddlewaretoken" value="…"`)
	if len(text) > 0 && len(text) <= 100 {
		fmt.Printf(" %s", text)
	}
	fmt.Println()
}

// logIn is the stand-in for a login form in the logout examples.
var logIn = urls.Path("login/<str:user>/", func(c *fiber.Ctx) error {
	if err := session.Login(c, c.Params("user")); err != nil {
		return err
	}
	return c.SendString("logged in as " + c.Params("user"))
})

// CustomLogout is a site's logout view: it embeds LogoutView and overrides
// a hook on its own struct, which LogoutView.Post calls.
type CustomLogout struct{ views.LogoutView }

// GetNextPage sends people who came from the shop back to it.
func (v *CustomLogout) GetNextPage(c *fiber.Ctx) (string, error) {
	if c.Query("from") == "shop" {
		return "/shop/", nil
	}
	return v.LogoutView.GetNextPage(c) // super(): NextPage
}

// LogoutView answers POST (and OPTIONS) only; a POST needs the CSRF token of
// a page of the site, logs out and goes to a safe next, else to NextPage.
func ExampleLogoutView() {
	app, done := newExampleSite(views.Config{}, nil,
		logIn,
		views.Path("logout/", &CustomLogout{views.LogoutView{NextPage: "home"}}, urls.Name("logout")),
	)
	defer done()
	b := &browser{app: app}
	b.visit("GET", "/login/alice/", nil)
	b.visit("GET", "/home/", nil)         // a page with a form: the browser keeps its token
	b.visit("GET", "/logout/", nil)       // never on GET
	b.visit("POST", "/logout/", nil)      // NextPage "home", reversed
	b.visit("POST", "/login/alice/", nil) // (the stand-in login answers any method)
	b.visit("POST", "/logout/?next=//evil.example/", nil)
	b.visit("POST", "/login/alice/", nil)
	b.visit("POST", "/logout/?from=shop", nil) // the hook on CustomLogout
	b.visit("POST", "/login/alice/", nil)
	b.visit("POST", "/logout/", url.Values{"next": {"/accounts/profile/"}})
	// Output:
	// GET /login/alice/ → 200 logged in as alice
	// GET /home/ → 200 <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="…"></form>
	// GET /logout/ → 405 Allow: POST, OPTIONS
	// POST /logout/ → 302 Location: /home/
	// POST /login/alice/ → 200 logged in as alice
	// POST /logout/?next=//evil.example/ → 302 Location: /home/
	// POST /login/alice/ → 200 logged in as alice
	// POST /logout/?from=shop → 302 Location: /shop/
	// POST /login/alice/ → 200 logged in as alice
	// POST /logout/ → 302 Location: /accounts/profile/
}

// Beyond Django: htmx requests get HX-Redirect instead of a 302, JSON
// clients a JSON answer, and ClearSiteData asks the browser to drop what the
// site stored.
func ExampleLogoutView_htmxJSONAndClearSiteData() {
	app, done := newExampleSite(views.Config{}, nil,
		logIn,
		views.Path("logout/", &views.LogoutView{NextPage: "home", ClearSiteData: []string{"cache", "storage"}}),
	)
	defer done()
	b := &browser{app: app}
	b.visit("GET", "/home/", nil)
	b.visit("POST", "/login/alice/", nil)
	b.visit("POST", "/logout/", nil, "HX-Request", "true")
	b.visit("POST", "/login/alice/", nil)
	b.visit("POST", "/logout/", nil, "Accept", "application/json")
	// Output:
	// GET /home/ → 200 <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="…"></form>
	// POST /login/alice/ → 200 logged in as alice
	// POST /logout/ → 200 HX-Redirect: /home/ Clear-Site-Data: "cache", "storage"
	// POST /login/alice/ → 200 logged in as alice
	// POST /logout/ → 200 Clear-Site-Data: "cache", "storage" {"logged_out":true,"redirect":"/home/"}
}

// LoginView checks the password with Config.Authenticate, then logs in
// with a new session key and goes to a safe next, else NextPage.
func ExampleLoginView() {
	checkPassword := func(c *fiber.Ctx, username, password string) (string, error) {
		if username == "alice" && password == "wonderland" { // use a password hash in real code
			return "1", nil
		}
		return "", views.ErrInvalidCredentials
	}
	app, done := newExampleSite(views.Config{Authenticate: checkPassword}, nil,
		views.Path("login/", &views.LoginView{NextPage: "home"}, urls.Name("login")),
	)
	defer done()
	b := &browser{app: app}
	b.visit("GET", "/login/?next=/orders/", nil) // the form (long: not printed)
	b.visit("POST", "/login/", url.Values{"username": {"alice"}, "password": {"guess"}, "next": {"/orders/"}})
	b.visit("POST", "/login/", url.Values{"username": {"alice"}, "password": {"wonderland"}, "next": {"/orders/"}})
	// Output:
	// GET /login/?next=/orders/ → 200
	// POST /login/ → 200
	// POST /login/ → 302 Location: /orders/
}

// A function-based logout: log out, then redirect to the
// page named "home". A plain handler is made POST-only, CSRF-checked and
// never cached with decorators.
func Example_logoutThenRedirect() {
	logout := func(c *fiber.Ctx) error {
		if err := session.Logout(c); err != nil {
			return err
		}
		home, err := urls.Reverse(c, "home")
		if err != nil {
			return err
		}
		return c.Redirect(home)
	}
	app, done := newExampleSite(views.Config{}, nil, logIn,
		urls.Path("logout/", views.NeverCache(views.RequirePOST(views.CSRFProtect(logout))), urls.Name("logout")))
	defer done()
	b := &browser{app: app}
	b.visit("GET", "/home/", nil)
	b.visit("POST", "/login/alice/", nil)
	b.visit("POST", "/logout/", nil)
	// Output:
	// GET /home/ → 200 <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="…"></form>
	// POST /login/alice/ → 200 logged in as alice
	// POST /logout/ → 302 Location: /home/
}

// A second function-based logout: log out and say so.
func Example_logoutWithMessage() {
	logout := func(c *fiber.Ctx) error {
		if err := session.Logout(c); err != nil {
			return err
		}
		return c.SendString("You have been logged out.")
	}
	app, done := newExampleSite(views.Config{}, nil, logIn,
		urls.Path("logout/", views.NeverCache(views.RequirePOST(views.CSRFProtect(logout)))))
	defer done()
	b := &browser{app: app}
	b.visit("GET", "/home/", nil)
	b.visit("POST", "/login/alice/", nil)
	b.visit("GET", "/logout/", nil)
	b.visit("POST", "/logout/", nil)
	// Output:
	// GET /home/ → 200 <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="…"></form>
	// POST /login/alice/ → 200 logged in as alice
	// GET /logout/ → 405 Allow: POST
	// POST /logout/ → 200 You have been logged out.
}

// A third function-based logout: log out and render the site's
// goodbye.html (with the request context: user is now anonymous).
func Example_logoutWithTemplate() {
	logout := func(c *fiber.Ctx) error {
		if err := session.Logout(c); err != nil {
			return err
		}
		return views.Render(c, fiber.StatusOK, "goodbye.html", nil)
	}
	files := fstest.MapFS{"goodbye.html": {Data: []byte(`<h1>Goodbye, {{ .user }}!</h1>`)}}
	app, done := newExampleSite(views.Config{}, files, logIn,
		urls.Path("logout/", views.NeverCache(views.RequirePOST(views.CSRFProtect(logout)))))
	defer done()
	b := &browser{app: app}
	b.visit("GET", "/home/", nil)
	b.visit("POST", "/login/alice/", nil)
	b.visit("POST", "/logout/", nil)
	// Output:
	// GET /home/ → 200 <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="…"></form>
	// POST /login/alice/ → 200 logged in as alice
	// POST /logout/ → 200 <h1>Goodbye, AnonymousUser!</h1>
}

// IsSafeRedirect is the check behind LoginView's and LogoutView's next, for
// handlers of your own.
func ExampleIsSafeRedirect() {
	app := fiber.New()
	app.Get("/check", func(c *fiber.Ctx) error {
		next := c.Query("next")
		return c.SendString(fmt.Sprintf("%-28q %v", next, views.IsSafeRedirect(c, next, "docs.example.com")))
	})
	for _, next := range []string{
		"/account/", "https://example.com/x", "https://docs.example.com/", "//evil.example/",
		`/\evil.example/`, "https://example.com@evil.example/", "javascript:alert(1)",
	} {
		resp, _ := app.Test(httptest.NewRequest("GET", "/check?next="+url.QueryEscape(next), nil))
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(string(body))
	}
	// Output:
	// "/account/"                  true
	// "https://example.com/x"      true
	// "https://docs.example.com/"  true
	// "//evil.example/"            false
	// "/\\evil.example/"           false
	// "https://example.com@evil.example/" false
	// "javascript:alert(1)"        false
}

// ErrorHandler answers failures with a generic 500 page and logs the
// details, instead of sending the error's text to the client.
func ExampleErrorHandler() {
	app := fiber.New(fiber.Config{ErrorHandler: views.ErrorHandler})
	app.Use(views.Setup(views.Config{Logger: discard()}))
	app.Get("/report", func(c *fiber.Ctx) error {
		return errors.New("open /srv/reports/q3.db: permission denied")
	})
	resp, _ := app.Test(httptest.NewRequest("GET", "/report", nil))
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.Contains(string(body), "/srv/"), strings.Contains(string(body), "Server Error (500)"))
	// Output:
	// 500 false true
}
