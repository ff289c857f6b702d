package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
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

// newBrowser starts headless Chromium with the flags this sandbox needs and
// a fresh profile, and returns a context for its first tab.
func newBrowser(t *testing.T) context.Context {
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

func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("%s: reading %s: %v", b.name, sel, err)
	}
	return s
}

func (b *tab) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
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
func (b *tab) historyIndex() int64 {
	b.t.Helper()
	h, err := chromedp.Run(b.ctx, chromedp.NavigationEntries())
	if err != nil {
		b.t.Fatalf("%s: history: %v", b.name, err)
	}
	return h.CurrentIndex
}

// back goes one step back in the history, as the Back button does (history
// navigations let the browser use its caches), and checks it did.
func (b *tab) back() {
	b.t.Helper()
	before := b.historyIndex()
	b.do(chromedp.NavigateBack())
	if after := b.historyIndex(); after != before-1 {
		b.t.Fatalf("%s: Back moved the history from entry %d to %d", b.name, before, after)
	}
}

// wantPage checks the tab's URL and that its main text has every want and
// none of the unwanted.
func (b *tab) wantPage(url string, want []string, unwanted ...string) {
	b.t.Helper()
	if loc := b.location(); loc != url {
		b.t.Fatalf("%s: the browser is at %s, want %s", b.name, loc, url)
	}
	got := b.text("body")
	for _, w := range want {
		if !strings.Contains(got, w) {
			b.t.Errorf("%s: %s does not say %q:\n%s", b.name, url, w, got)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(got, u) {
			b.t.Errorf("%s: %s says %q:\n%s", b.name, url, u, got)
		}
	}
}

var anonymous = []string{"You are not logged in.", "Not logged in"}

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

		// Back to the home page that greeted demo: it is fetched again, and
		// now says nobody is logged in.
		b.back()
		b.wantPage(base+"/home/", anonymous, "Hello, demo", "Logged in as demo")
		b.screenshot("06-back-to-home")
		// Back once more, to the profile: the browser asks again and is sent
		// to the login page.
		b.back()
		if loc := b.location(); !strings.HasPrefix(loc, base+"/accounts/login/?next=") {
			t.Errorf("Back to the profile after logout is at %s, want the login page", loc)
		}
		b.wantPage(b.location(), []string{"Please log in to see that page."}, "Your profile")
		b.screenshot("07-back-to-profile")
	})

	t.Run("every logout button", func(t *testing.T) {
		ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		defer cancel()
		b := &tab{t: t, ctx: ctx, name: "buttons", dir: dir}
		for i, c := range []struct {
			button, url string
			says        []string
		}{
			{"#nav-logout", base + "/home/", anonymous},
			{"#logout-function", base + "/home/", anonymous},
			{"#logout-then-login", base + "/accounts/login/", []string{"Log in", "Not logged in"}},
			{"#logout-message", base + "/accounts/logout/message/", []string{"You have been logged out."}},
			{"#logout-goodbye", base + "/accounts/logout/goodbye/", []string{"Goodbye!", "You have been logged out.", "Not logged in"}},
		} {
			b.login(base)
			b.wantPage(base+"/home/", []string{"Hello, demo"})
			b.clickAndWait(c.button)
			b.wantPage(c.url, c.says, "Hello, demo", "Logged in as")
			b.screenshot(fmt.Sprintf("%02d-after-%s", 10+i, strings.TrimPrefix(c.button, "#")))
		}
		// Typing a logout address does not log out: it says why.
		b.login(base)
		b.do(chromedp.Navigate(base + "/accounts/logout/"))
		b.wantPage(base+"/accounts/logout/", []string{"405 Method Not Allowed", "To log out, use a Log out button.", "Logged in as demo"})
		b.screenshot("15-logout-typed-in")
	})

	t.Run("log out everywhere from one browser context reaches the other", func(t *testing.T) {
		ctxA, cancelA := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		defer cancelA()
		ctxB, cancelB := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		defer cancelB()
		a := &tab{t: t, ctx: ctxA, name: "alice", dir: dir}
		b := &tab{t: t, ctx: ctxB, name: "bob", dir: dir}
		a.login(base)
		b.login(base)
		for _, x := range []*tab{a, b} {
			if got := x.text("#greeting"); got != "Hello, demo" {
				t.Fatalf("%s: greeting = %q after login", x.name, got)
			}
		}
		a.do(chromedp.Navigate(base + "/accounts/sessions/"))
		rows, err := chromedp.Run(ctxA, chromedp.Evaluate[int](`document.querySelectorAll("#sessions tbody tr").length`))
		if err != nil {
			t.Fatal(err)
		}
		if rows < 2 {
			t.Fatalf("the sessions page lists %d sessions, want at least 2", rows)
		}
		a.screenshot("20-sessions")
		b.do(chromedp.Navigate(base + "/accounts/sessions/"))
		b.screenshot("21-sessions-other-context")

		a.clickAndWait("#logout-everywhere")
		a.wantPage(base+"/home/", anonymous, "Hello, demo")
		a.screenshot("22-after-logout-everywhere")
		// The other context's next request is anonymous: its private page
		// now sends it to the login page.
		b.do(chromedp.Reload())
		if loc := b.location(); !strings.HasPrefix(loc, base+"/accounts/login/?next=") {
			t.Errorf("bob: reloading the sessions page after log out everywhere lands on %s, want the login page", loc)
		}
		b.screenshot("23-other-context-sent-to-login")
		b.do(chromedp.Navigate(base + "/home/"))
		b.wantPage(base+"/home/", anonymous, "Hello, demo")
	})
}
