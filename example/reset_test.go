package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/mail"
)

// TestPasswordResetByEmail: "Forgot your password?" on the login page leads
// to Django's reset flow; the email's link is on the site's own address and
// sets a new password.
func TestPasswordResetByEmail(t *testing.T) {
	outbox := &mail.Outbox{}
	_, base := startSiteWith(t, func(o *siteOptions) { o.mailer = outbox; o.siteURL = "http://site.example" })
	cl := newSiteClient(t, base, "reset-test")
	if page := cl.get("/accounts/login/").body; !strings.Contains(page, `href="/accounts/password_reset/"`) {
		t.Fatalf("the login page has no reset link:\n%s", page)
	}
	r := cl.postForm("/accounts/password_reset/", url.Values{"email": {"demo@example.com"}})
	if r.status != 302 || r.header.Get("Location") != "/accounts/password_reset/done/" {
		t.Fatalf("reset request: %d %q", r.status, r.header.Get("Location"))
	}
	var got []mail.Message
	for deadline := time.Now().Add(5 * time.Second); len(got) == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		got = outbox.Messages()
	}
	m := regexp.MustCompile(`http://site\.example(/accounts/reset/\S+/)`).FindStringSubmatch(strings.Join(func() []string {
		var s []string
		for _, x := range got {
			s = append(s, x.Text)
		}
		return s
	}(), "\n"))
	if len(got) != 1 || m == nil {
		t.Fatalf("mails %+v, want one with a link on http://site.example", got)
	}
	r = cl.get(m[1])
	if r.status != 302 || !strings.HasSuffix(r.header.Get("Location"), "/set-password/") {
		t.Fatalf("the link: %d %q", r.status, r.header.Get("Location"))
	}
	r = cl.postForm(r.header.Get("Location"), url.Values{"new_password1": {"a brand new horse"}, "new_password2": {"a brand new horse"}})
	if r.status != 302 || r.header.Get("Location") != "/accounts/reset/done/" {
		t.Fatalf("new password: %d %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	cl.login("demo", "a brand new horse")
	if who := cl.loggedInAs(); who != "demo" {
		t.Errorf("the new password does not log in: %q", who)
	}
}
