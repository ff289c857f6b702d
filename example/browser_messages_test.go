package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserMessages: in real Chromium, every logout says "You have been
// logged out." once, and the sessions page tells two logged-in browsers
// apart and logs one out by its button.
func TestBrowserMessages(t *testing.T) {
	_, base := startSite(t)
	browser := newBrowser(t)
	dir := artifactDir(t)
	t.Logf("screenshots go to %s", dir)

	t.Run("every logout button says so once", func(t *testing.T) {
		ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		defer cancel()
		b := &tab{t: t, ctx: ctx, name: "messages", dir: dir}
		for i, c := range []struct{ button, url string }{
			{"#logout", base + "/home/"},
			{"#logout-function", base + "/home/"},
			{"#logout-then-login", base + "/accounts/login/"},
			{"#logout-message", base + "/accounts/logout/message/"},
			{"#logout-goodbye", base + "/accounts/logout/goodbye/"},
		} {
			b.login(base)
			b.wantPage(base+"/home/", []string{"Hello, demo"})
			b.clickAndWait(c.button)
			b.wantPage(c.url, []string{loggedOut}, "Hello, demo", "Logged in as")
			if n := strings.Count(b.text("body"), loggedOut); n != 1 {
				t.Errorf("after %s the page says %q %d times", c.button, loggedOut, n)
			}
			b.screenshot(fmt.Sprintf("%02d-message-after-%s", 30+i, strings.TrimPrefix(c.button, "#")))
			// Shown once: the next page no longer says it.
			b.do(chromedp.Navigate(base + "/home/"))
			b.wantPage(base+"/home/", anonymous, loggedOut)
		}
	})

	t.Run("the sessions page tells browsers apart and logs one out", func(t *testing.T) {
		ctxA, cancelA := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		defer cancelA()
		ctxB, cancelB := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		defer cancelB()
		ctxC, cancelC := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		defer cancelC()
		a := &tab{t: t, ctx: ctxA, name: "alice", dir: dir}
		b := &tab{t: t, ctx: ctxB, name: "bob", dir: dir}
		// A third browser that says it is Safari on an iPhone.
		c := &tab{t: t, ctx: ctxC, name: "carol", dir: dir}
		if _, err := chromedp.Call(ctxC, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: uaIPhone}); err != nil {
			t.Fatalf("carol: overriding the user agent: %v", err)
		}
		for _, x := range []*tab{c, b, a} {
			x.login(base)
			x.wantPage(base+"/home/", []string{"Hello, demo"})
		}
		a.do(chromedp.Navigate(base + "/accounts/sessions/"))
		rows, err := chromedp.Run(ctxA, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll("#sessions tbody tr")].map(r => r.cells[0].innerText + " | " + r.cells[1].innerText + " | " + r.className)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || !strings.HasSuffix(rows[0], "| current") || !strings.Contains(rows[0], "this browser") {
			t.Fatalf("the sessions page rows are %q, want three with this browser first and marked", rows)
		}
		seen := map[string]bool{}
		for _, r := range rows {
			label := strings.SplitN(r, " | ", 2)[0]
			if seen[label] {
				t.Errorf("two rows read the same: %q", label)
			}
			seen[label] = true
		}
		if !strings.Contains(strings.Join(rows, "\n"), "Safari 17 on iOS, mobile") {
			t.Errorf("the iPhone's row is not named: %q", rows)
		}
		a.screenshot("40-sessions-three-browsers")

		// Log out bob's session, the second Headless Chrome, by its row's button.
		b.do(chromedp.Navigate(base + "/accounts/sessions/"))
		bobRow, err := chromedp.Run(ctxB, chromedp.Evaluate[string](`document.querySelector("#sessions tr.current").id`))
		if err != nil || bobRow == "" {
			t.Fatalf("bob's own row: %q, %v", bobRow, err)
		}
		a.clickAndWait("#" + bobRow + " button")
		a.wantPage(base+"/accounts/sessions/", []string{"Logged out Chrome", "(127.0.0.1, last seen"}, "this browser\n"+bobRow)
		if n, _ := chromedp.Run(ctxA, chromedp.Evaluate[int](`document.querySelectorAll("#sessions tbody tr").length`)); n != 2 {
			t.Errorf("%d sessions listed after logging out bob's, want 2", n)
		}
		a.screenshot("41-sessions-one-logged-out")
		b.do(chromedp.Reload())
		if loc := b.location(); !strings.HasPrefix(loc, base+"/accounts/login/?next=") {
			t.Errorf("bob: after his session was logged out the sessions page reloads as %s, want the login page", loc)
		}

		// Log out the others: carol is out, alice stays and is told so.
		a.clickAndWait("#logout-others")
		a.wantPage(base+"/accounts/sessions/", []string{"Your other sessions have been logged out.", "this browser"})
		a.screenshot("42-sessions-others-logged-out")
		c.do(chromedp.Navigate(base + "/home/"))
		c.wantPage(base+"/home/", anonymous, "Hello, demo")

		// Log out everywhere.
		c.login(base)
		a.do(chromedp.Reload())
		a.clickAndWait("#logout-everywhere")
		a.wantPage(base+"/home/", append([]string{"You have been logged out everywhere"}, anonymous...), "Hello, demo")
		a.screenshot("43-logged-out-everywhere")
		c.do(chromedp.Navigate(base + "/home/"))
		c.wantPage(base+"/home/", anonymous, "Hello, demo")
	})
}
