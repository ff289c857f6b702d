package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPasswordChange changes the demo user's password in one browser
// and sees a second browser, logged in as the same user, logged out, while
// the first stays logged in.
func TestBrowserPasswordChange(t *testing.T) {
	_, base := startSite(t)
	browser := newBrowser(t)
	dir := artifactDir(t)
	ctxA, cancelA := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancelA()
	ctxB, cancelB := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancelB()
	a := &tab{t: t, ctx: ctxA, name: "changer", dir: dir}
	b := &tab{t: t, ctx: ctxB, name: "second", dir: dir}
	a.login(base)
	b.login(base)

	a.do(chromedp.Navigate(base + "/accounts/profile/"))
	a.clickAndWait("#change-password-link")
	a.wantPage(base+"/accounts/password_change/", []string{"Change your password", "Old password", "New password again"})
	a.screenshot("30-password-change")

	// Two different new passwords: the form says so and shows none back.
	a.do(chromedp.SendKeys(chromedp.CSS("#id_old_password"), "demo"),
		chromedp.SendKeys(chromedp.CSS("#id_new_password1"), "a brand new one"),
		chromedp.SendKeys(chromedp.CSS("#id_new_password2"), "a different one"))
	a.clickAndWait("#change-password")
	if got := a.text("#new-password-error"); got != "The two password fields didn’t match." {
		t.Errorf("the mismatch error says %q", got)
	}
	a.screenshot("31-password-mismatch")

	a.do(chromedp.SendKeys(chromedp.CSS("#id_old_password"), "demo"),
		chromedp.SendKeys(chromedp.CSS("#id_new_password1"), "a brand new one"),
		chromedp.SendKeys(chromedp.CSS("#id_new_password2"), "a brand new one"))
	a.clickAndWait("#change-password")
	a.wantPage(base+"/accounts/password_change/done/", []string{"Your password was changed."})
	a.screenshot("32-password-changed")
	a.do(chromedp.Navigate(base + "/home/"))
	a.wantPage(base+"/home/", []string{"Hello, demo"})

	// The second browser's next request is anonymous.
	b.do(chromedp.Navigate(base + "/accounts/profile/"))
	if loc := b.location(); !strings.HasPrefix(loc, base+"/accounts/login/?next=") {
		t.Errorf("the second browser opening its profile lands on %s, want the login page", loc)
	}
	b.screenshot("33-second-browser-logged-out")
}
