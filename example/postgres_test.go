package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/internal/pgtest"
)

// TestTwoProcessesOnPostgreSQL: two example sites on one PostgreSQL
// database share everything: a login on one is a session on the other's
// sessions page, "log out everywhere" from the other ends it, and a login
// throttle tripped on one holds on the other.
func TestTwoProcessesOnPostgreSQL(t *testing.T) {
	db := pgtest.URL(t)
	on := func(o *siteOptions) { o.database = db; o.secretKey = "one key for both processes" }
	_, a := startSiteWith(t, on)
	_, b := startSiteWith(t, on)

	alice := newSiteClient(t, a, "browser-on-a")
	alice.login("demo", "demo")
	bob := newSiteClient(t, b, "browser-on-b")
	bob.login("demo", "demo")
	page := bob.get("/accounts/sessions/").body
	if !strings.Contains(page, "browser-on-a") || !strings.Contains(page, "browser-on-b") {
		t.Fatalf("the sessions page on b does not list the session made on a:\n%s", page)
	}
	if r := bob.postForm("/accounts/sessions/", url.Values{"action": {"everywhere"}}); r.status != 302 {
		t.Fatalf("log out everywhere on b: %d", r.status)
	}
	if who := alice.loggedInAs(); who != "" {
		t.Errorf("a's session survived b's log out everywhere: logged in as %q", who)
	}

	// The throttle's counts: 10 failures for one username, half on each.
	for i := range 10 {
		cl := newSiteClient(t, []string{a, b}[i%2], "attacker")
		cl.postForm("/accounts/login/", url.Values{"username": {"demo"}, "password": {"wrong"}})
	}
	cl := newSiteClient(t, a, "late")
	r := cl.postForm("/accounts/login/", url.Values{"username": {"demo"}, "password": {"demo"}})
	if r.status != 200 || r.header.Get("Retry-After") == "" {
		t.Errorf("after 10 failures spread over both processes, the right password: %d Retry-After %q, want refused", r.status, r.header.Get("Retry-After"))
	}
}

func TestDatabaseFlag(t *testing.T) {
	t.Setenv("SECRET_KEY", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-db", "x.sqlite3", "-database", "postgres://h/db"}, "-db and -database are exclusive"},
		{[]string{"-database", "postgres://h/db"}, "-database needs the site's secret key"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out strings.Builder
			if _, err := parseFlags(tc.args, &out); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parseFlags = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := parseFlags([]string{"-database", "postgres://h/db", "-secret-key-file", "/k"}, new(strings.Builder)); err != nil {
		t.Errorf("-database with a key file: %v", err)
	}
}
