package main

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/views/viewtest"
)

// testSite is the example site on a fresh database with the demo user, for
// the test client (no listener).
func testSite(t *testing.T) *site {
	t.Helper()
	s, err := newSite(context.Background(), siteOptions{
		db: filepath.Join(t.TempDir(), "example.sqlite3"), demo: true, iterations: 1000, secretKey: "the tests' secret key",
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// client is a test client of the site: cfg with the site's sessions and
// url table.
func (s *site) client(cfg viewtest.Config) *viewtest.Client {
	cfg.Sessions, cfg.URLs = s.sessions, s.resolver
	return viewtest.New(s.app, cfg)
}

// must returns v, or panics with err: for calls that fail only when the
// test itself is broken.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestPasswordChange(t *testing.T) {
	s := testSite(t)
	a, b := s.client(viewtest.Config{}), s.client(viewtest.Config{})
	for _, cl := range []*viewtest.Client{a, b} {
		if err := cl.Login("1"); err != nil { // demo
			t.Fatal(err)
		}
	}
	profile := must(a.Get("accounts:profile"))
	if !strings.Contains(profile.Body, `href="/accounts/password_change/"`) {
		t.Fatalf("the profile has no Change password link:\n%s", profile.Body)
	}
	must(a.Get("accounts:password_change"))
	r := must(a.PostForm("accounts:password_change", url.Values{
		"old_password": {"wrong"}, "new_password1": {"a new password"}, "new_password2": {"a new password"}}))
	if r.StatusCode != 200 || !strings.Contains(r.Body, "Your old password was entered incorrectly.") {
		t.Fatalf("a wrong old password: %d\n%s", r.StatusCode, r.Body)
	}
	r = must(a.PostForm("accounts:password_change", url.Values{
		"old_password": {"demo"}, "new_password1": {"a new password"}, "new_password2": {"a new password"}}))
	if r.StatusCode != 302 || r.Location() != "/accounts/password_change/done/" {
		t.Fatalf("the change: %d %q\n%s", r.StatusCode, r.Location(), r.Body)
	}
	if r := must(a.Get("accounts:password_change_done")); strings.Count(r.Body, "Your password was changed.") != 1 ||
		!strings.Contains(r.Body, "your other sessions have been logged out") {
		t.Errorf("the done page, with the message once: %d\n%s", r.StatusCode, r.Body)
	}
	if r := must(a.Get("accounts:profile")); r.StatusCode != 200 {
		t.Errorf("this browser was logged out: %d", r.StatusCode)
	}
	if r := must(b.Get("accounts:profile")); r.StatusCode != 302 {
		t.Errorf("the other browser is still logged in: %d", r.StatusCode)
	}
	// The new password logs in through the login form; the old one no longer.
	for password, want := range map[string]int{"demo": 200, "a new password": 302} {
		cl := s.client(viewtest.Config{})
		must(cl.Get("accounts:login"))
		if r := must(cl.PostForm("accounts:login", url.Values{"username": {"demo"}, "password": {password}})); r.StatusCode != want {
			t.Errorf("logging in with %q: %d, want %d", password, r.StatusCode, want)
		}
	}
}
