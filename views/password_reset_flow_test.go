package views_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/mail"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/fiberviews/fiberviews/views/viewtest"
)

// resetLink is the path of the link in the only mail of got.
func resetLink(t *testing.T, got []mail.Message) string {
	t.Helper()
	if len(got) != 1 {
		t.Fatalf("%d mails, want 1", len(got))
	}
	m := resetLinkRe.FindStringSubmatch(got[0].Text)
	if m == nil {
		t.Fatalf("no link to https://example.test in\n%s", got[0].Text)
	}
	return m[1]
}

// TestPasswordResetFlowViewtest is the whole flow as a browser sees it
// (views/viewtest, redirects followed): request, email, link, new password,
// complete page, logged in after the reset (PostResetLogin), the sessions
// of before logged out, and no request carrying the token as its Referer.
func TestPasswordResetFlowViewtest(t *testing.T) {
	s := newResetSite(t, resetOpts{confirm: views.PasswordResetConfirmView{PostResetLogin: true}})
	ctx := context.Background()
	if _, err := s.backend.CreateUser(ctx, "grace", "grace@example.com", "old horse battery"); err != nil {
		t.Fatal(err)
	}
	newBrowser := func() *viewtest.Client {
		return viewtest.New(s.app, viewtest.Config{Sessions: s.sessions, URLs: s.table, BaseURL: "https://example.test", FollowRedirects: true})
	}
	before := newBrowser()
	if _, err := before.Get("accounts:login"); err != nil {
		t.Fatal(err)
	}
	if r, err := before.PostForm("accounts:login", url.Values{"username": {"grace"}, "password": {"old horse battery"}}); err != nil || !strings.Contains(r.Body, "home user=grace") {
		t.Fatalf("login before the reset: %v %+v", err, r)
	}

	b := newBrowser()
	if _, err := b.Get("accounts:password_reset"); err != nil {
		t.Fatal(err)
	}
	r, err := b.PostForm("accounts:password_reset", url.Values{"email": {"grace@example.com"}})
	if err != nil || r.URL.Path != "/accounts/password_reset/done/" {
		t.Fatalf("reset request: %v, at %v", err, r.URL)
	}
	link := resetLink(t, s.mails(t, 1))
	r, err = b.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(r.URL.Path, "/set-password/") || !strings.Contains(r.Body, `name="new_password1"`) {
		t.Fatalf("the link led to %s:\n%s", r.URL, r.Body)
	}
	token := strings.Split(strings.TrimSuffix(link, "/"), "/")[4]
	if strings.Contains(r.URL.String(), token) || strings.Contains(r.Body, token) {
		t.Fatalf("the page after the link still holds the token %s (it would leak in a Referer)", token)
	}
	setPage := r.URL.Path
	r, err = b.PostForm(setPage, url.Values{"new_password1": {"a fresh horse 7"}, "new_password2": {"a fresh horse 7"}})
	if err != nil || r.URL.Path != "/accounts/reset/done/" || !strings.Contains(r.Body, "Your password has been set.") {
		t.Fatalf("set the password: %v, at %v:\n%s", err, r.URL, r.Body)
	}
	if slices.ContainsFunc(r.Redirects, func(u string) bool { return strings.Contains(u, token) }) {
		t.Errorf("a redirect after the form carries the token: %v", r.Redirects)
	}
	if r, _ := before.Get("/"); r.Body != "home user=" {
		t.Errorf("the session of before the reset is still logged in: %q", r.Body)
	}
	if r, _ := b.Get("/"); r.Body != "home user=grace" {
		t.Errorf("PostResetLogin: after the reset the browser shows %q, want grace logged in", r.Body)
	}
	if r, _ := newBrowser().Get(link); !strings.Contains(r.Body, "The password reset link was invalid") {
		t.Errorf("the used link: %s", r.Body)
	}
}

// TestPasswordResetExpiredLink: past Timeout (three days by default) the
// link shows Django's invalid-link page; a second before, the form.
func TestPasswordResetExpiredLink(t *testing.T) {
	now := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	s := newResetSite(t, resetOpts{config: func(c *views.Config) { c.ResetTokens.Now = func() time.Time { return now } }})
	if _, err := s.backend.CreateUser(context.Background(), "ada", "ada@example.com", "old horse battery"); err != nil {
		t.Fatal(err)
	}
	cl := newClient(t, s.app)
	tok := formToken(t, cl.do("GET", "/accounts/password_reset/", nil).body)
	cl.do("POST", "/accounts/password_reset/", form("csrfmiddlewaretoken", tok, "email", "ada@example.com"))
	link := resetLink(t, s.mails(t, 1))
	for _, tc := range []struct {
		after time.Duration
		want  string
	}{
		{auth.DefaultResetTimeout, "302"},
		{auth.DefaultResetTimeout + time.Second, "The password reset link was invalid, possibly because it has already been used."},
	} {
		now = time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC).Add(tc.after)
		r := newClient(t, s.app).do("GET", link, nil)
		if got := r.body; tc.want == "302" && r.status != 302 || tc.want != "302" && (r.status != 200 || !strings.Contains(got, tc.want)) {
			t.Errorf("after %v: %d %s, want %s", tc.after, r.status, got, tc.want)
		}
	}
}

// TestPasswordResetThrottled: past the throttle's limit for an address, the
// answer stays the same and no more mail leaves.
func TestPasswordResetThrottled(t *testing.T) {
	s := newResetSite(t, resetOpts{config: func(c *views.Config) { c.LoginThrottle = security.ThrottleConfig{Limit: 2, IPLimit: 100} }})
	if _, err := s.backend.CreateUser(context.Background(), "ada", "ada@example.com", "old horse battery"); err != nil {
		t.Fatal(err)
	}
	cl := newClient(t, s.app)
	for i := range 4 {
		tok := formToken(t, cl.do("GET", "/accounts/password_reset/", nil).body)
		r := cl.do("POST", "/accounts/password_reset/", form("csrfmiddlewaretoken", tok, "email", []string{"ada@example.com", "Ada@Example.com"}[i%2]))
		if r.status != 302 || r.header.Get("Location") != "/accounts/password_reset/done/" {
			t.Fatalf("request %d: %d %q, want the same answer", i, r.status, r.header.Get("Location"))
		}
	}
	time.Sleep(100 * time.Millisecond) // a third mail would have left by now
	if got := s.mails(t, 2); len(got) != 2 {
		t.Errorf("%d mails after 4 requests with a limit of 2 per address", len(got))
	}
}

// TestPasswordResetEmailTemplates: the site's registration/password_reset_*
// files replace the defaults, and the email is text: nothing is escaped.
func TestPasswordResetEmailTemplates(t *testing.T) {
	s := newResetSite(t, resetOpts{files: fstest.MapFS{
		"registration/password_reset_subject.txt": {Data: []byte("Reset\nfor {{ .user.Username }} at {{ .domain }}\n")},
		"registration/password_reset_email.html":  {Data: []byte(`{{ .protocol }}://{{ .domain }}/accounts/reset/{{ .uid }}/{{ .token }}/ & {{ .email }} {{ .site_name }}`)},
	}})
	u, err := s.backend.CreateUser(context.Background(), "o'brien+1", "ob+1@example.com", "old horse battery")
	if err != nil {
		t.Fatal(err)
	}
	cl := newClient(t, s.app)
	tok := formToken(t, cl.do("GET", "/accounts/password_reset/", nil).body)
	cl.do("POST", "/accounts/password_reset/", form("csrfmiddlewaretoken", tok, "email", "ob+1@example.com"))
	got := s.mails(t, 1)
	link := resetLink(t, got)
	if want := "/accounts/reset/" + auth.EncodeUID(u.ID) + "/"; !strings.HasPrefix(link, want) {
		t.Errorf("link %s, want it under %s", link, want)
	}
	if got[0].Subject != "Reset for o'brien+1 at example.test" || !strings.HasSuffix(got[0].Text, " & ob+1@example.com Example") {
		t.Errorf("subject %q, text %q", got[0].Subject, got[0].Text)
	}
}

// TestPasswordResetAnswersAtOnce: with a mail server that takes a second per
// message, behind the mail.Queue, a known and an unknown address are
// answered alike and at once.
func TestPasswordResetAnswersAtOnce(t *testing.T) {
	queue := &mail.Queue{Mailer: slowMailer{}, Logger: discard()}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		_ = queue.Close(ctx)
	})
	s := newResetSite(t, resetOpts{config: func(c *views.Config) {
		c.Mailer = queue
		c.LoginThrottle = security.ThrottleConfig{Limit: 1 << 20, IPLimit: 1 << 20}
	}})
	if _, err := s.backend.CreateUser(context.Background(), "ada", "ada@example.com", "old horse battery"); err != nil {
		t.Fatal(err)
	}
	cl := newClient(t, s.app)
	tok := formToken(t, cl.do("GET", "/accounts/password_reset/", nil).body)
	const rounds = 20
	took := map[string][]time.Duration{}
	for range rounds {
		for _, email := range []string{"ada@example.com", "nobody@example.com"} {
			start := time.Now()
			r := cl.do("POST", "/accounts/password_reset/", form("csrfmiddlewaretoken", tok, "email", email))
			took[email] = append(took[email], time.Since(start))
			if r.status != 302 || r.header.Get("Location") != "/accounts/password_reset/done/" {
				t.Fatalf("%s: %d %q", email, r.status, r.header.Get("Location"))
			}
		}
	}
	median := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	known, unknown := median(took["ada@example.com"]), median(took["nobody@example.com"])
	t.Logf("median answer over %d requests each: known address %v, unknown %v (the mail server takes 1 s a message)", rounds, known, unknown)
	if known > 200*time.Millisecond || unknown > 200*time.Millisecond {
		t.Errorf("the answer waited on the mail server: known %v, unknown %v", known, unknown)
	}
}
