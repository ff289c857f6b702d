package main

import (
	"html/template"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// injected stands for what an XSS would put in a page: an inline script
// without the response's nonce.
const injected = template.HTML(`<script>document.title = "pwned"; window.injected = true</script>`)

// startCSPApp serves the default layout under security.StrictCSP: a home
// page with an injected script, a script of the site's own (with the
// nonce), and a listener that records what the policy blocked.
func startCSPApp(t *testing.T) string {
	t.Helper()
	engine, err := templates.New(templates.Config{Layout: templates.DefaultLayout, FS: fstest.MapFS{"home.html": {Data: []byte(
		`<script nonce="{{ .csp_nonce }}">window.blocked = []; document.addEventListener("securitypolicyviolation",` +
			` e => window.blocked.push(e.violatedDirective + " " + e.blockedURI)); window.own = true</script>` +
			`{{ .inject }}` +
			`{{ if .is_authenticated }}<p>Hello, demo</p><form method="post" action="/logout/">{{ .csrf_input }}<button id="logout">Log out</button></form>` +
			`{{ else }}<p>Not logged in</p>{{ end }}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	table, err := urls.Compile([]urls.Pattern{
		views.Path("home/", &views.TemplateView{TemplateName: "home.html", ExtraContext: map[string]any{"inject": injected}}, urls.Name("home")),
		views.Path("login/", &views.LoginView{NextPage: "home"}, urls.Name("login")),
		views.Path("logout/", &views.LogoutView{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := session.New(session.Config{Database: filepath.Join(t.TempDir(), "sessions.sqlite3")})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler, DisableStartupMessage: true})
	app.Use(sessions.Middleware())
	app.Use(views.Setup(views.Config{LoginURL: "login", Logger: slog.New(slog.DiscardHandler), URLs: table,
		CSP: security.CSPConfig{Policy: security.StrictCSP},
		Authenticate: func(c *fiber.Ctx, username, password string) (string, error) {
			if username != "demo" || password != "demo" {
				return "", views.ErrInvalidCredentials
			}
			return "demo", nil
		}}))
	table.Mount(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown(); _ = sessions.Close() })
	return "http://" + ln.Addr().String()
}

// TestBrowserCSP: under the strict policy an injected inline script does
// not run, while the site's own script (with the nonce), the layout's style
// and the Back guard do: Back after a logout still reloads the page.
func TestBrowserCSP(t *testing.T) {
	base := startCSPApp(t)
	b := &tab{t: t, ctx: newBrowser(t, chromedp.Flag("disable-back-forward-cache", true)), name: "50-csp", dir: artifactDir(t)}
	b.do(chromedp.Navigate(base + "/login/"))
	b.do(chromedp.SendKeys(chromedp.CSS("#id_username"), "demo"), chromedp.SendKeys(chromedp.CSS("#id_password"), "demo"))
	b.clickAndWait("#login-form button")
	b.wantPage(base+"/home/", []string{"Hello, demo"})
	state, err := chromedp.Run(b.ctx, chromedp.Evaluate[map[string]any](`({
		title: document.title, own: window.own === true, injected: window.injected === true,
		blocked: window.blocked, styled: getComputedStyle(document.querySelector("main")).maxWidth !== "none",
		guard: [...document.scripts].some(s => s.textContent.includes("pageshow") && s.nonce !== "")})`))
	if err != nil {
		t.Fatal(err)
	}
	b.screenshot("home")
	if state["title"] == "pwned" || state["injected"] == true {
		t.Errorf("the injected script ran: %v", state)
	}
	if state["own"] != true || state["styled"] != true || state["guard"] != true {
		t.Errorf("the site's own script, the layout's style or the Back guard was blocked: %v", state)
	}
	if blocked, _ := state["blocked"].([]any); len(blocked) != 1 || blocked[0] != "script-src-elem inline" {
		t.Errorf("the policy blocked %v, want only the injected script", state["blocked"])
	}
	b.clickAndWait("#logout")
	how := b.back()
	t.Logf("Back: %s", how)
	b.wantPage(base+"/home/", []string{"Not logged in"}, "Hello, demo")
}
