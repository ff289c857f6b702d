package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitLocation waits until the tab's address starts with prefix, with no
// input in the tab, and says how long it took.
func (b *tab) waitLocation(prefix string, limit time.Duration) time.Duration {
	b.t.Helper()
	start := time.Now()
	for {
		s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href`))
		if err == nil && strings.HasPrefix(s, prefix) {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			b.t.Fatalf("%s: still at %s (%v) after %s, want %s", b.name, s, err, limit, prefix)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBrowserEveryTab: when the session ends, every open tab of the site
// leaves its logged-in page without any input there: another tab of the same
// browser at once (BroadcastChannel), a tab of another browser within the
// check's interval (5 s) while it is visible.
func TestBrowserEveryTab(t *testing.T) {
	_, base := startSite(t)
	dir := artifactDir(t)
	browser := newBrowser(t)
	t.Run("two tabs of one browser", func(t *testing.T) {
		a := &tab{t: t, ctx: browser, name: "60-tab-a", dir: dir}
		a.login(base)
		a.do(chromedp.Navigate(base + "/accounts/profile/"))
		ctxB, cancelB := chromedp.NewContext(browser) // a second tab, same cookies
		defer cancelB()
		b := &tab{t: t, ctx: ctxB, name: "60-tab-b", dir: dir}
		b.do(chromedp.Navigate(base + "/accounts/profile/"))
		b.wantPage(base+"/accounts/profile/", []string{"demo"})
		a.do(chromedp.Navigate(base + "/home/"))
		a.clickAndWait("#logout")
		took := b.waitLocation(base+"/accounts/login/", 5*time.Second)
		t.Logf("the other tab showed the login page %s after the logout", took)
	})
	t.Run("another browser", func(t *testing.T) {
		ctx1, cancel1 := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		defer cancel1()
		one := &tab{t: t, ctx: ctx1, name: "61-browser-one", dir: dir}
		other := &tab{t: t, ctx: newBrowser(t), name: "61-browser-two", dir: dir}
		other.login(base)
		other.do(chromedp.Navigate(base + "/accounts/profile/"))
		one.login(base)
		one.do(chromedp.Navigate(base + "/accounts/sessions/"))
		one.clickAndWait("#logout-everywhere")
		took := other.waitLocation(base+"/accounts/login/", 15*time.Second)
		t.Logf("the other browser showed the login page %s after 'log out everywhere'", took)
	})
}

// TestBrowserEveryTabTwoProcesses: two processes on one SQLite file; "log
// out everywhere" on one ends the session a browser shows from the other,
// whose check reads the shared file.
func TestBrowserEveryTabTwoProcesses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shared.sqlite3")
	on := func(o *siteOptions) { o.db = db }
	_, base1 := startSiteWith(t, on)
	_, base2 := startSiteWith(t, on)
	dir := artifactDir(t)
	one := &tab{t: t, ctx: newBrowser(t), name: "62-process-one", dir: dir}
	two := &tab{t: t, ctx: newBrowser(t), name: "62-process-two", dir: dir}
	two.login(base2)
	two.do(chromedp.Navigate(base2 + "/accounts/profile/"))
	two.wantPage(base2+"/accounts/profile/", []string{"demo"})
	one.login(base1)
	one.do(chromedp.Navigate(base1 + "/accounts/sessions/"))
	one.clickAndWait("#logout-everywhere")
	took := two.waitLocation(base2+"/accounts/login/", 15*time.Second)
	t.Logf("the browser on the other process showed the login page %s after 'log out everywhere'", took)
}
