package main

import (
	"context"
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
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
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
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(90))
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
// (CI can upload it), else the test's temp dir.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("FIBERVIEWS_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func TestBrowser(t *testing.T) {
	_, base := startSite(t)
	browser := newBrowser(t)
	dir := artifactDir(t)

	t.Run("log in, log out, back button shows no private page", func(t *testing.T) {
		b := &tab{t: t, ctx: browser, name: "main", dir: dir}
		b.do(chromedp.Navigate(base + "/home/"))
		if got := b.text("main"); !strings.Contains(got, "Welcome to the homepage!") || !strings.Contains(got, "You are not logged in.") {
			t.Fatalf("anonymous home page says %q", got)
		}
		b.screenshot("1-home-anonymous")

		b.clickAndWait("#nav-login")
		if loc := b.location(); !strings.HasSuffix(loc, "/accounts/login/") {
			t.Fatalf("the Log in link led to %s", loc)
		}
		b.do(chromedp.SendKeys(chromedp.CSS("#id_username"), "demo"), chromedp.SendKeys(chromedp.CSS("#id_password"), "demo"))
		b.screenshot("2-login-form")
		b.clickAndWait("#login")
		if loc := b.location(); loc != base+"/home/" {
			t.Fatalf("after login the browser is at %s, want %s/home/", loc, base)
		}
		if got := b.text("#greeting"); got != "Hello, demo" {
			t.Fatalf("greeting = %q, want %q", got, "Hello, demo")
		}
		b.screenshot("3-home-logged-in")

		b.clickAndWait("#logout")
		if loc := b.location(); loc != base+"/home/" {
			t.Fatalf("after logout the browser is at %s, want %s/home/", loc, base)
		}
		if got := b.text("main"); strings.Contains(got, "Hello, demo") || !strings.Contains(got, "You are not logged in.") {
			t.Fatalf("home page after logout says %q", got)
		}
		b.screenshot("4-home-after-logout")

		b.do(chromedp.NavigateBack())
		if got := b.text("main"); strings.Contains(got, "Hello, demo") {
			t.Fatalf("Back showed the private page from cache: %q", got)
		}
		b.screenshot("5-after-back")
		b.do(chromedp.Navigate(base + "/accounts/profile/"))
		if loc := b.location(); !strings.Contains(loc, "/accounts/login/?next=") {
			t.Fatalf("the profile page after logout is at %s, want the login page", loc)
		}
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
		a.screenshot("6-sessions")
		a.clickAndWait("#logout-everywhere")
		if got := a.text("main"); !strings.Contains(got, "You are not logged in.") {
			t.Fatalf("after log out everywhere the first context sees %q", got)
		}
		b.do(chromedp.Navigate(base + "/home/"))
		if got := b.text("main"); strings.Contains(got, "Hello, demo") || !strings.Contains(got, "You are not logged in.") {
			t.Fatalf("the other context is still logged in: %q", got)
		}
		b.screenshot("7-other-context-anonymous")
	})
}
