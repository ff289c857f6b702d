package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/fiberviews/fiberviews/internal/progtest"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// chromiumPath finds Debian's chromium (installed by .ci/run). In CI a
// missing browser fails the test; elsewhere the test is skipped with a hint.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: .ci/run installs it with apt-get install -y chromium")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium); the browser test needs it")
	return ""
}

// newBrowser starts headless Chromium with the flags this sandbox needs, a
// fresh profile and the extra options, and returns a context for its first
// tab.
func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1100, 800),
	}
	opts = append(opts, extra...)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute) // every subtest together, on a loaded CI machine
	t.Cleanup(cancelTimeout)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// tab is one browser tab (or a tab in its own browser context) in a test.
type tab struct {
	t    *testing.T
	ctx  context.Context
	name string
	dir  string // where screenshots go
}

func (b *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", b.name, err)
	}
}

// clickAndWait clicks the element and waits for the page it leads to.
func (b *tab) clickAndWait(sel string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		b.t.Fatalf("%s: clicking %s: %v", b.name, sel, err)
	}
}

// text is the rendered text of the first element matching sel. It asks the
// page's script context, which (unlike a DOM query) also answers for a page
// the browser restored from its back/forward cache.
func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(function(s){var e=document.querySelector(s);if(!e)throw new Error("no element "+s);return e.innerText})(%q)`, sel)))
	if err != nil {
		b.t.Fatalf("%s: reading %s: %v", b.name, sel, err)
	}
	return s
}

func (b *tab) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		b.t.Fatalf("%s: location: %v", b.name, err)
	}
	return s
}

// screenshot saves the page as a PNG test artifact.
func (b *tab) screenshot(label string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG; anything less is JPEG
	if err != nil {
		b.t.Fatalf("%s: screenshot: %v", b.name, err)
	}
	path := filepath.Join(b.dir, b.name+"-"+label+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// login fills in the login form as demo and submits it.
func (b *tab) login(base string) {
	b.t.Helper()
	b.do(chromedp.Navigate(base + "/accounts/login/"))
	b.do(chromedp.SendKeys(chromedp.CSS("#id_username"), "demo"), chromedp.SendKeys(chromedp.CSS("#id_password"), "demo"))
	b.clickAndWait("#login")
}

// artifactDir is where screenshots are kept: $FIBERVIEWS_ARTIFACTS when set
// (CI can upload it), else the test's artifact directory, which is a temp
// dir removed after the test unless go test runs with -artifacts (then it is
// under -outputdir and stays).
func artifactDir(t *testing.T) string {
	if d := os.Getenv("FIBERVIEWS_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.ArtifactDir()
}

// historyIndex is the tab's current position in its history.
func (b *tab) historyIndex() (int64, []*page.NavigationEntry) {
	b.t.Helper()
	h, err := chromedp.Run(b.ctx, chromedp.NavigationEntries())
	if err != nil {
		b.t.Fatalf("%s: history: %v", b.name, err)
	}
	return h.CurrentIndex, h.Entries
}

// back goes one step back in the history, as the Back button does (history
// navigations let the browser use its back/forward cache and HTTP cache),
// waits until the page has settled (loaded, and nothing navigating for a
// moment, so that a page that reloads itself has done so), checks that the
// history moved one step, and says how the page came: the kinds of its
// navigations ("Navigation" from the network or HTTP cache,
// "BackForwardCacheRestore"), and why the back/forward cache was not used.
func (b *tab) back() string {
	b.t.Helper()
	before, entries := b.historyIndex()
	if before < 1 {
		b.t.Fatalf("%s: there is no page to go back to", b.name)
	}
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	events := make(chan string, 32)
	go func() {
		for ev, err := range chromedp.Events(ctx, page.FrameNavigated) {
			if err != nil {
				return
			}
			if ev.Frame.ParentID == "" {
				events <- string(ev.Type)
			}
		}
	}()
	go func() {
		for ev, err := range chromedp.Events(ctx, page.BackForwardCacheNotUsed) {
			if err != nil {
				return
			}
			var why []string
			for _, e := range ev.NotRestoredExplanations {
				why = append(why, string(e.Reason))
			}
			events <- "not restored (" + strings.Join(why, ", ") + ")"
		}
	}()
	go func() {
		for _, err := range chromedp.Events(ctx, page.FrameStartedLoading) {
			if err != nil {
				return
			}
			events <- ""
		}
	}()
	if _, err := chromedp.Call(b.ctx, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: entries[before-1].ID}); err != nil {
		b.t.Fatalf("%s: Back: %v", b.name, err)
	}
	var how []string
	navigated, restored := false, false
	deadline := time.After(20 * time.Second)
	for {
		// A page restored from the back/forward cache gets longer to start
		// reloading itself than a fetched page to start a redirect.
		quiet := 500 * time.Millisecond
		if restored {
			quiet = 2 * time.Second
		}
		select {
		case e := <-events:
			if e != "" {
				how = append(how, e)
				if !strings.HasPrefix(e, "not restored") {
					navigated, restored = true, e == string(page.NavigationTypeBackForwardCacheRestore)
				}
			}
			continue
		case <-time.After(quiet):
		case <-deadline:
			b.t.Fatalf("%s: Back did not settle: %v", b.name, how)
		}
		if !navigated {
			continue
		}
		if state, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.readyState`)); err == nil && state == "complete" {
			break
		}
	}
	if after, _ := b.historyIndex(); after != before-1 {
		b.t.Fatalf("%s: Back moved the history from entry %d to %d", b.name, before, after)
	}
	return strings.Join(how, ", ")
}

// wantPage checks the tab's URL and that its main text has every want and
// none of the unwanted.
func (b *tab) wantPage(url string, want []string, unwanted ...string) {
	b.t.Helper()
	if loc := b.location(); loc != url {
		b.t.Fatalf("%s: the browser is at %s, want %s", b.name, loc, url)
	}
	got := b.text("body")
	var wrong []string
	for _, w := range want {
		if !strings.Contains(got, w) {
			wrong = append(wrong, fmt.Sprintf("does not say %q", w))
		}
	}
	for _, u := range unwanted {
		if strings.Contains(got, u) {
			wrong = append(wrong, fmt.Sprintf("says %q", u))
		}
	}
	if wrong != nil {
		b.t.Errorf("%s: %s %s:\n%s", b.name, url, strings.Join(wrong, ", "), got)
	}
}

var anonymous = []string{"You are not logged in.", "Not logged in"}

// loggedIn is what only a page rendered for demo says.
var loggedIn = []string{"Hello, demo", "Logged in as demo", "Log out"}

func TestBrowser(t *testing.T) {
	_, base := startSite(t)
	browser := newBrowser(t)
	dir := artifactDir(t)
	t.Logf("screenshots go to %s", dir)

	t.Run("log in, log out, Back shows no private page", func(t *testing.T) {
		b := &tab{t: t, ctx: browser, name: "main", dir: dir}
		b.do(chromedp.Navigate(base + "/home/"))
		b.wantPage(base+"/home/", append([]string{"Welcome to the homepage!"}, anonymous...), "Hello, demo")
		b.screenshot("01-home-anonymous")

		b.clickAndWait("#nav-login")
		b.wantPage(base+"/accounts/login/", []string{"Log in", "Username", "Password"})
		b.do(chromedp.SendKeys(chromedp.CSS("#id_username"), "demo"), chromedp.SendKeys(chromedp.CSS("#id_password"), "wrong"))
		b.clickAndWait("#login")
		b.wantPage(base+"/accounts/login/", []string{"Please enter a correct username and password."})
		if got, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#id_username"))); err != nil || got != "demo" {
			t.Errorf("the username after a failed login is %q (%v), want demo kept", got, err)
		}
		b.screenshot("02-login-failed")

		b.do(chromedp.SendKeys(chromedp.CSS("#id_password"), "demo"))
		b.clickAndWait("#login")
		b.wantPage(base+"/home/", []string{"Welcome to the homepage!", "Hello, demo", "Logged in as demo"}, anonymous...)
		if got := b.text("#greeting"); got != "Hello, demo" {
			t.Errorf("greeting = %q, want %q", got, "Hello, demo")
		}
		b.screenshot("03-home-logged-in")

		b.clickAndWait("a[href='/accounts/profile/']")
		b.wantPage(base+"/accounts/profile/", []string{"Your profile", "demo"})
		b.screenshot("04-profile")
		b.clickAndWait("nav a[href='/home/']:not(.brand)")

		b.clickAndWait("#logout")
		b.wantPage(base+"/home/", append([]string{"Welcome to the homepage!"}, anonymous...), "Hello, demo")
		b.screenshot("05-home-after-logout")

		// Back to the home page that greeted demo: it now says nobody is
		// logged in.
		t.Logf("Back: %s", b.back())
		b.wantPage(base+"/home/", anonymous, loggedIn...)
		b.screenshot("06-back-to-home")
		// Back once more, to the profile: the browser asks again and is sent
		// to the login page.
		t.Logf("Back: %s", b.back())
		if loc := b.location(); !strings.HasPrefix(loc, base+"/accounts/login/?next=") {
			t.Errorf("Back to the profile after logout is at %s, want the login page", loc)
		}
		b.wantPage(b.location(), []string{"Please log in to see that page."}, "Your profile", "Logged in as")
		b.screenshot("07-back-to-profile")
	})

	// Every logout of the example, in a fresh browser context each: log in,
	// press the button (on the home page; log out everywhere on the sessions
	// page), then Back twice: to that page (which the browser keeps in its
	// back/forward cache and shows again unless the page reloads itself) and
	// to the page before it. Neither may show demo logged in.
	for i, c := range []struct {
		name, start, button, url string
		says                     []string
		back                     []string // where Back once and twice lead
	}{
		{"log out in the nav bar", "/home/", "#nav-logout", "/home/", anonymous, []string{"/home/", "/accounts/login/"}},
		{"log out", "/home/", "#logout", "/home/", anonymous, []string{"/home/", "/accounts/login/"}},
		{"log out (function view)", "/home/", "#logout-function", "/home/", anonymous, []string{"/home/", "/accounts/login/"}},
		{"log out, then log in again", "/home/", "#logout-then-login", "/accounts/login/", []string{"Log in", "Not logged in"}, []string{"/home/", "/accounts/login/"}},
		{"log out with a message", "/home/", "#logout-message", "/accounts/logout/message/", []string{"You have been logged out."}, []string{"/home/", "/accounts/login/"}},
		{"log out with a goodbye page", "/home/", "#logout-goodbye", "/accounts/logout/goodbye/", []string{"Goodbye!", "You have been logged out.", "Not logged in"}, []string{"/home/", "/accounts/login/"}},
		{"log out everywhere", "/accounts/sessions/", "#logout-everywhere", "/home/", anonymous, []string{"/accounts/login/?next=/accounts/sessions/", "/home/"}},
	} {
		t.Run(c.name+", then Back twice", func(t *testing.T) {
			ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
			defer cancel()
			b := &tab{t: t, ctx: ctx, name: fmt.Sprintf("%02d-%s", 10+i, strings.TrimPrefix(c.button, "#")), dir: dir}
			b.login(base)
			b.wantPage(base+"/home/", loggedIn)
			if c.start != "/home/" {
				b.clickAndWait("a[href='" + c.start + "']")
				b.wantPage(base+c.start, []string{"Logged in as demo"})
			}
			b.clickAndWait(c.button)
			b.wantPage(base+c.url, c.says, loggedIn...)
			b.screenshot("after")
			for n, url := range c.back {
				how := b.back()
				t.Logf("Back %d to %s: %s", n+1, url, how)
				b.wantPage(base+url, []string{"Not logged in"}, loggedIn...)
				b.screenshot(fmt.Sprintf("back-%d", n+1))
			}
		})
	}

	t.Run("a logout address typed in does not log out", func(t *testing.T) {
		ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		defer cancel()
		b := &tab{t: t, ctx: ctx, name: "typed", dir: dir}
		b.login(base)
		b.do(chromedp.Navigate(base + "/accounts/logout/"))
		b.wantPage(base+"/accounts/logout/", []string{"405 Method Not Allowed", "To log out, use a Log out button.", "Logged in as demo"})
		b.screenshot("18-logout-typed-in")
	})

	t.Run("log out everywhere reaches a second browser", func(t *testing.T) {
		a := &tab{t: t, ctx: browser, name: "alice", dir: dir}
		// A second Chromium with its own profile: nothing it holds changes
		// when alice logs out everywhere, so only the server can tell it.
		b := &tab{t: t, ctx: newBrowser(t), name: "bob", dir: dir}
		a.login(base)
		b.login(base)
		for _, x := range []*tab{a, b} {
			if got := x.text("#greeting"); got != "Hello, demo" {
				t.Fatalf("%s: greeting = %q after login", x.name, got)
			}
		}
		a.clickAndWait("a[href='/accounts/sessions/']")
		rows, err := chromedp.Run(a.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#sessions tbody tr").length`))
		if err != nil {
			t.Fatal(err)
		}
		if rows < 2 {
			t.Fatalf("the sessions page lists %d sessions, want at least 2", rows)
		}
		a.screenshot("20-sessions")
		b.clickAndWait("a[href='/accounts/sessions/']")
		b.screenshot("21-sessions-other-browser")

		a.clickAndWait("#logout-everywhere")
		a.wantPage(base+"/home/", anonymous, loggedIn...)
		a.screenshot("22-after-logout-everywhere")

		// Back in the other browser, to the home page that greeted demo:
		// it says nobody is logged in, and so does the page before it.
		t.Logf("bob: Back: %s", b.back())
		b.wantPage(base+"/home/", anonymous, loggedIn...)
		b.screenshot("23-other-browser-back")
		t.Logf("bob: Back: %s", b.back())
		b.wantPage(base+"/accounts/login/", []string{"Not logged in"}, loggedIn...)
		// Forward to the sessions page: a private page sends it to the
		// login page.
		b.do(chromedp.Navigate(base + "/accounts/sessions/"))
		if loc := b.location(); !strings.HasPrefix(loc, base+"/accounts/login/?next=") {
			t.Errorf("bob: the sessions page after log out everywhere lands on %s, want the login page", loc)
		}
		b.screenshot("24-other-browser-sent-to-login")
		b.do(chromedp.Navigate(base + "/home/"))
		b.wantPage(base+"/home/", anonymous, loggedIn...)
	})
}

// startQuickstart builds the quick start program (example/quickstart, the
// README's) and runs it in an empty folder on a free loopback port, as a
// newcomer does, and returns its base URL.
func startQuickstart(t *testing.T) string {
	t.Helper()
	return progtest.Start(t, "./quickstart").Base
}

// TestBrowserQuickstart logs in to the quick start program and out through
// both of its logouts (the LogoutView and the function view), then presses
// Back twice: neither page may show demo logged in.
func TestBrowserQuickstart(t *testing.T) {
	browser := newBrowser(t)
	base := startQuickstart(t)
	dir := artifactDir(t)
	anonymousHome := []string{"Welcome to the homepage!", "Log in"}
	quickLoggedIn := []string{"Hello, demo.", "Log out"}
	for i, c := range []struct{ name, action string }{
		{"LogoutView", "/accounts/logout/"},
		{"function-based logout", "/logout/"},
	} {
		t.Run(c.name+", then Back twice", func(t *testing.T) {
			ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
			defer cancel()
			b := &tab{t: t, ctx: ctx, name: fmt.Sprintf("%02d-quickstart-%d", 30+i, i+1), dir: dir}
			b.do(chromedp.Navigate(base + "/accounts/login/"))
			b.do(chromedp.SendKeys(chromedp.CSS("#id_username"), "demo"), chromedp.SendKeys(chromedp.CSS("#id_password"), "demo"))
			b.clickAndWait("#login-form button")
			b.wantPage(base+"/home/", quickLoggedIn)
			// The home page has a Log out button for each logout.
			b.clickAndWait(`form[method=post][action="` + c.action + `"] button`)
			b.wantPage(base+"/home/", anonymousHome, quickLoggedIn...)
			for n, url := range []string{"/home/", "/accounts/login/"} {
				t.Logf("Back %d to %s: %s", n+1, url, b.back())
				b.wantPage(base+url, []string{"Log in"}, quickLoggedIn...)
				b.screenshot(fmt.Sprintf("back-%d", n+1))
			}
		})
	}
	// The library's own pages, which a fresh app gets with no template of
	// its own: the login form, a 404, a typed-in logout address (405) and a
	// stale form (403). Their screenshots are artifacts to look at.
	t.Run("the built-in pages", func(t *testing.T) {
		ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		defer cancel()
		b := &tab{t: t, ctx: ctx, name: "32-quickstart-pages", dir: dir}
		b.do(chromedp.Navigate(base + "/accounts/login/"))
		b.wantPage(base+"/accounts/login/", []string{"Log in", "Username", "Password"})
		b.screenshot("login")
		b.do(chromedp.Navigate(base + "/nope/"))
		b.wantPage(base+"/nope/", []string{"404 Not Found", "There is no page at this address."}, "Cannot GET")
		b.screenshot("404")
		b.do(chromedp.Navigate(base + "/accounts/logout/"))
		b.wantPage(base+"/accounts/logout/", []string{"405 Method Not Allowed", "To log out, use a Log out button."})
		b.screenshot("405")
		// A form whose token no longer matches: the CSRF page in plain words.
		b.do(chromedp.Navigate(base + "/accounts/login/"))
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("input[name=csrfmiddlewaretoken]").value = "`+
			strings.Repeat("x", 64)+`"; document.getElementById("login-form").action = "/logout/"`)); err != nil {
			t.Fatal(err)
		}
		b.do(chromedp.SendKeys(chromedp.CSS("#id_username"), "demo"), chromedp.SendKeys(chromedp.CSS("#id_password"), "demo"))
		b.clickAndWait("#login-form button")
		b.wantPage(base+"/logout/", []string{"The form could not be sent", "reload the page"}, "csrfmiddlewaretoken", "CSRF token")
		b.screenshot("403")
	})
}

// startFreshApp runs a fresh app on the library's defaults on a loopback
// port: the default layout, LoginView, a LogoutView that renders the default
// logged-out page, and a home page for demo/demo that, unlike the example's,
// is sent without NeverCache, so that browsers keep it in their HTTP cache.
func startFreshApp(t *testing.T) string {
	t.Helper()
	engine, err := templates.New(templates.Config{Layout: templates.DefaultLayout, FS: fstest.MapFS{"home.html": {Data: []byte(
		`{{ if .is_authenticated }}<p>Hello, demo</p><form method="post" action="/logout/">{{ .csrf_input }}<button id="logout">Log out</button></form>` +
			`{{ else }}<p>Not logged in</p>{{ end }}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	table, err := urls.Compile([]urls.Pattern{
		views.Path("home/", &views.TemplateView{TemplateName: "home.html"}, urls.Name("home")),
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
	app.Use(views.Setup(views.Config{LoginURL: "login", Logger: slog.New(slog.DiscardHandler),
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

// TestBrowserHTTPCache presses Back to a logged-in page that the browser
// shows from its HTTP cache (the back/forward cache is off in this
// browser): the default layout's back guard must reload it.
func TestBrowserHTTPCache(t *testing.T) {
	base := startFreshApp(t)
	b := &tab{t: t, ctx: newBrowser(t, chromedp.Flag("disable-back-forward-cache", true)), name: "40-http-cache", dir: artifactDir(t)}
	b.do(chromedp.Navigate(base + "/login/"))
	b.do(chromedp.SendKeys(chromedp.CSS("#id_username"), "demo"), chromedp.SendKeys(chromedp.CSS("#id_password"), "demo"))
	b.clickAndWait("#login-form button")
	b.wantPage(base+"/home/", []string{"Hello, demo"})
	b.clickAndWait("#logout")
	b.wantPage(base+"/logout/", []string{"Logged out"}, "Hello, demo")
	how := b.back()
	t.Logf("Back: %s", how)
	b.wantPage(base+"/home/", []string{"Not logged in"}, "Hello, demo")
	b.screenshot("back")
}
