package main

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/viewtest"
)

// theURLTable is the example's url table: every route, by name, with the
// handler -urls lists for it.
var theURLTable = []struct{ name, path, handler, access string }{
	{"home", "/home/", "*main.homeView", "public"},
	{"", "/", "*views.RedirectView", "public"}, // redirects to home
	{"logout", "/logout/", "views.NeverCache", "public"},
	{"accounts:login", "/accounts/login/", "*views.LoginView", "public"},
	{"accounts:logout", "/accounts/logout/", "*main.CustomLogoutView", "public"},
	{"accounts:logout-then-login", "/accounts/logout/then-login/", "views.NeverCache", "public"},
	{"accounts:logout-message", "/accounts/logout/message/", "views.NeverCache", "public"},
	{"accounts:logout-goodbye", "/accounts/logout/goodbye/", "views.NeverCache", "public"},
	{"accounts:profile", "/accounts/profile/", "*main.profileView", ""},
	{"accounts:sessions", "/accounts/sessions/", "*views.SessionsView", ""},
	{"accounts:signup", "/accounts/signup/", "*views.SignupView", "public"},
	{"accounts:password_change", "/accounts/password_change/", "*views.PasswordChangeView", ""},
	{"accounts:password_change_done", "/accounts/password_change/done/", "*views.PasswordChangeDoneView", ""},
	{"accounts:password_reset", "/accounts/password_reset/", "*views.PasswordResetView", "public"},
	{"accounts:password_reset_done", "/accounts/password_reset/done/", "*views.PasswordResetDoneView", "public"},
	{"accounts:password_reset_confirm", "/accounts/reset/<uidb64>/<token>/", "*views.PasswordResetConfirmView", "public"},
	{"accounts:password_reset_complete", "/accounts/reset/done/", "*views.PasswordResetCompleteView", "public"},
}

// theLogouts are the five logout routes and what a logout answers on each.
var theLogouts = []struct {
	name, path string
	status     int
	location   string   // for a redirect
	body       []string // for a page
	plainText  bool
}{
	{name: "logout", path: "/logout/", status: http.StatusFound, location: "/home/"},
	{name: "accounts:logout", path: "/accounts/logout/", status: http.StatusFound, location: "/home/"},
	{name: "accounts:logout-then-login", path: "/accounts/logout/then-login/", status: http.StatusFound, location: "/accounts/login/"},
	{name: "accounts:logout-message", path: "/accounts/logout/message/", status: http.StatusOK,
		body: []string{"You have been logged out."}, plainText: true},
	{name: "accounts:logout-goodbye", path: "/accounts/logout/goodbye/", status: http.StatusOK,
		body: []string{"<h1>Goodbye!</h1>", "You have been logged out.", `id="nav-status">Not logged in<`}},
}

func TestURLTableReversesAndResolves(t *testing.T) {
	s, err := newSite(context.Background(), siteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range theURLTable {
		t.Run(r.path, func(t *testing.T) {
			path, args := r.path, []any(nil)
			if strings.Contains(path, "<uidb64>") { // a reset link: Django's uidb64 of 42 and a token
				path, args = "/accounts/reset/NDI/d2s3f4-0123abcd/", []any{"NDI", "d2s3f4-0123abcd"}
			}
			if r.name != "" {
				got, err := s.resolver.Reverse(r.name, args...)
				if err != nil || got != path {
					t.Errorf("Reverse(%q) = %q, %v; want %q", r.name, got, err, path)
				}
			}
			m, ok := s.resolver.Resolve(path)
			if !ok {
				t.Fatalf("Resolve(%q) matched nothing", r.path)
			}
			if r.name != "" && m.ViewName != r.name {
				t.Errorf("Resolve(%q).ViewName = %q, want %q", r.path, m.ViewName, r.name)
			}
			if r.name == "" && m.Name != "" {
				t.Errorf("Resolve(%q).Name = %q, want an unnamed pattern", r.path, m.Name)
			}
		})
	}
	// Nothing more: a route added without a line above fails here.
	var table bytes.Buffer
	if err := s.writeURLTable(&table); err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(table.String(), "\n") - 1; rows != len(theURLTable) {
		t.Errorf("the url table has %d routes, the test knows %d:\n%s", rows, len(theURLTable), table.String())
	}
}

// loginNext is the login page's URL with next.
func loginNext(next string) string { return "/accounts/login/?next=" + url.QueryEscape(next) }

// sameURL compares two URLs by path and decoded query, so that "/" and "%2F"
// in a query value are the same.
func sameURL(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return ua.Scheme == ub.Scheme && ua.Host == ub.Host && ua.Path == ub.Path && ua.Query().Encode() == ub.Query().Encode()
}

// TestRoutes sends each route the requests a browser (or an attacker) would
// and checks status, headers, body, and whether the visitor is still logged
// in afterwards.
func TestRoutes(t *testing.T) {
	_, base := startSite(t)
	type tc struct {
		desc         string
		as           string // "demo": logged in first
		method, path string
		form         url.Values // sent with a valid CSRF token unless noCSRF
		noCSRF       bool
		status       int
		location     string
		allow        string
		body, notIn  []string
		private      bool   // must carry the never-cache headers
		after        string // who the home page greets afterwards ("-": do not check)
	}
	cases := []tc{
		{desc: "root redirects home", method: "GET", path: "/", status: 302, location: "/home/", after: "-"},
		{desc: "root redirects home when logged in", as: "demo", method: "GET", path: "/", status: 302, location: "/home/", after: "demo"},
		{desc: "home anonymous", method: "GET", path: "/home/", status: 200, private: true, after: "-",
			body:  []string{"Welcome to the homepage!", `id="anonymous">You are not logged in.<`, `href="/accounts/login/"`, `id="nav-status">Not logged in<`},
			notIn: []string{"Hello,", `method="post"`}},
		{desc: "home logged in", as: "demo", method: "GET", path: "/home/", status: 200, private: true, after: "demo",
			body: []string{"Welcome to the homepage!", `id="greeting">Hello, demo<`, `id="nav-status">Logged in as demo<`,
				`<form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken"`,
				`action="/logout/"`, `action="/accounts/logout/then-login/"`, `action="/accounts/logout/message/"`, `action="/accounts/logout/goodbye/"`},
			notIn: []string{"You are not logged in."}},
		{desc: "home without its slash", method: "GET", path: "/home", status: 301, location: "/home/", after: "-"},
		{desc: "home refuses POST", as: "demo", method: "POST", path: "/home/", form: url.Values{}, status: 405, allow: "GET, HEAD, OPTIONS", after: "demo"},
		{desc: "unknown page", method: "GET", path: "/nowhere/", status: 404, body: []string{"There is no page at this address.", `href="/home/"`}, after: "-"},
		{desc: "login form", method: "GET", path: "/accounts/login/", status: 200, private: true, after: "-",
			body: []string{`<form method="post" action="/accounts/login/"`, `name="username"`, `name="password"`, `name="csrfmiddlewaretoken"`}},
		{desc: "login without CSRF token", method: "POST", path: "/accounts/login/", noCSRF: true,
			form: url.Values{"username": {"demo"}, "password": {"demo"}}, status: 200, body: []string{"Your login page was out of date, so you were not logged in. Please try again.", `name="csrfmiddlewaretoken"`}, after: ""},
		{desc: "profile anonymous goes to login", method: "GET", path: "/accounts/profile/", status: 302, private: true,
			location: loginNext("/accounts/profile/"), after: "-"},
		{desc: "profile", as: "demo", method: "GET", path: "/accounts/profile/", status: 200, private: true, after: "demo",
			body: []string{"Your profile", `<td id="username">demo</td>`}},
		{desc: "sessions anonymous goes to login", method: "GET", path: "/accounts/sessions/?x=1", status: 302, private: true,
			location: loginNext("/accounts/sessions/?x=1"), after: "-"},
		{desc: "sessions", as: "demo", method: "GET", path: "/accounts/sessions/", status: 200, private: true, after: "demo",
			body: []string{"Your sessions", `<span class="tag">this browser</span>`, "127.0.0.1", "routes-test-client",
				`id="logout-others"`, `id="logout-everywhere"`}},
		{desc: "sessions POST anonymous goes to login", method: "POST", path: "/accounts/sessions/", form: url.Values{"action": {"everywhere"}},
			status: 302, location: loginNext("/accounts/sessions/"), after: ""},
		{desc: "sessions POST without CSRF token", as: "demo", method: "POST", path: "/accounts/sessions/", noCSRF: true,
			form: url.Values{"action": {"everywhere"}}, status: 403, private: true, after: "demo"},
		{desc: "sessions POST unknown action", as: "demo", method: "POST", path: "/accounts/sessions/",
			form: url.Values{"action": {"nuke"}}, status: 400, private: true, body: []string{"The request could not be understood"}, after: "demo"},
		{desc: "sessions DELETE", as: "demo", method: "DELETE", path: "/accounts/sessions/", form: url.Values{},
			status: 405, allow: "GET, POST, HEAD, OPTIONS", private: true, after: "demo"},
	}
	for _, lo := range theLogouts {
		allow := "POST"
		if lo.name == "accounts:logout" {
			allow = "POST, OPTIONS" // LogoutView, Django 5's
		}
		cases = append(cases,
			tc{desc: lo.name + " GET does not log out", as: "demo", method: "GET", path: lo.path, status: 405, allow: allow, private: true,
				body: []string{"405 Method Not Allowed", "To log out, use a Log out button."}, after: "demo"},
			tc{desc: lo.name + " HEAD does not log out", as: "demo", method: "HEAD", path: lo.path, status: 405, allow: allow, private: true, after: "demo"},
			tc{desc: lo.name + " PUT does not log out", as: "demo", method: "PUT", path: lo.path, form: url.Values{}, status: 405, allow: allow, private: true, after: "demo"},
			tc{desc: lo.name + " POST without CSRF token does not log out", as: "demo", method: "POST", path: lo.path, noCSRF: true, form: url.Values{},
				status: 403, private: true, body: []string{"reload the page and try again"}, after: "demo"},
			tc{desc: lo.name + " POST with a wrong CSRF token does not log out", as: "demo", method: "POST", path: lo.path, noCSRF: true,
				form: url.Values{"csrfmiddlewaretoken": {strings.Repeat("a", 64)}}, status: 403, private: true, after: "demo"},
			tc{desc: lo.name + " POST logs out", as: "demo", method: "POST", path: lo.path, form: url.Values{},
				status: lo.status, location: lo.location, body: lo.body, private: true, after: ""},
			tc{desc: lo.name + " POST when not logged in", method: "POST", path: lo.path, form: url.Values{},
				status: lo.status, location: lo.location, body: lo.body, private: true, after: ""},
		)
	}
	for i, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			cl := newSiteClient(t, base, "routes-test-client")
			if c.as != "" {
				cl.login(c.as, c.as)
			}
			form := c.form
			if form != nil && !c.noCSRF {
				form = url.Values{"csrfmiddlewaretoken": {cl.token("/accounts/login/")}}
				for k, v := range c.form {
					form[k] = v
				}
			}
			r := cl.do(c.method, c.path, form, nil)
			if r.status != c.status {
				t.Fatalf("case %d: %s %s: status %d, want %d\n%s", i, c.method, c.path, r.status, c.status, r.body)
			}
			if got := r.header.Get("Location"); !sameURL(got, c.location) {
				t.Errorf("Location = %q, want %q", got, c.location)
			}
			if got := r.header.Get("Allow"); got != c.allow {
				t.Errorf("Allow = %q, want %q", got, c.allow)
			}
			if got := r.header.Get("Cache-Control"); c.private && got != views.NeverCacheControl {
				t.Errorf("Cache-Control = %q, want %q", got, views.NeverCacheControl)
			}
			for _, want := range c.body {
				if !strings.Contains(r.body, want) {
					t.Errorf("the body lacks %q:\n%s", want, r.body)
				}
			}
			for _, no := range c.notIn {
				if strings.Contains(r.body, no) {
					t.Errorf("the body has %q:\n%s", no, r.body)
				}
			}
			if c.after != "-" {
				if got := cl.loggedInAs(); got != c.after {
					t.Errorf("afterwards the home page greets %q, want %q", got, c.after)
				}
			}
		})
	}
}

// TestLogoutRoutes logs out through each of the five routes and checks what
// a logout must do: the cookie expired, the row gone from the database, the
// old cookie worthless, the answer never cached.
func TestLogoutRoutes(t *testing.T) {
	s, base := startSite(t)
	for _, lo := range theLogouts {
		t.Run(lo.name, func(t *testing.T) {
			cl := newSiteClient(t, base, "logout-test")
			cl.login("demo", "demo")
			key := cl.cookie("sessionid")
			if row, ok := sessionRow(t, s, key); !ok || !strings.Contains(row, `"u":"1"`) {
				t.Fatalf("after login the session row is %q (present %v), want user 1", row, ok)
			}
			home := cl.get("/home/")
			r := cl.post(lo.path, url.Values{"csrfmiddlewaretoken": {csrfToken(home.body)}})
			if r.status != lo.status || r.header.Get("Location") != lo.location {
				t.Fatalf("POST %s: %d Location %q, want %d %q", lo.path, r.status, r.header.Get("Location"), lo.status, lo.location)
			}
			for _, want := range lo.body {
				if !strings.Contains(r.body, want) {
					t.Errorf("the answer lacks %q:\n%s", want, r.body)
				}
			}
			if ct := r.header.Get("Content-Type"); lo.plainText != strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type = %q", ct)
			}
			if cc := r.header.Get("Cache-Control"); cc != views.NeverCacheControl {
				t.Errorf("Cache-Control = %q", cc)
			}
			ck := r.setCookie("sessionid")
			if ck == nil || ck.Value != "" || ck.MaxAge >= 0 || !ck.HttpOnly || ck.Path != "/" {
				t.Errorf("the session cookie is not expired: %+v", ck)
			}
			if cl.cookie("sessionid") != "" {
				t.Errorf("the client still holds a session cookie")
			}
			if row, ok := sessionRow(t, s, key); ok {
				t.Errorf("the session row survived the logout: %s", row)
			}
			if lo.location != "" {
				next := cl.get(lo.location)
				if next.status != http.StatusOK || strings.Contains(next.body, "Hello, demo") {
					t.Errorf("the page after the logout (%s) is %d and greets the user:\n%s", lo.location, next.status, next.body)
				}
			}
			// Replaying the old cookie gets nothing.
			cl.setCookie("sessionid", key)
			if got := cl.loggedInAs(); got != "" {
				t.Errorf("the old session cookie still logs in as %q", got)
			}
		})
	}
}

func TestLogoutNext(t *testing.T) {
	_, base := startSite(t)
	for _, c := range []struct{ next, want string }{
		{"/accounts/profile/", "/accounts/profile/"},
		{"https://evil.example/", "/home/"},
		{"//evil.example/", "/home/"},
	} {
		t.Run(c.next, func(t *testing.T) {
			cl := newSiteClient(t, base, "next-test")
			cl.login("demo", "demo")
			r := cl.postForm("/accounts/logout/", url.Values{"next": {c.next}})
			if r.status != http.StatusFound || r.header.Get("Location") != c.want {
				t.Errorf("logout with next=%s: %d %q, want 302 %q", c.next, r.status, r.header.Get("Location"), c.want)
			}
			if got := cl.loggedInAs(); got != "" {
				t.Errorf("still logged in as %q", got)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	s, base := startSite(t)
	failed := "Please enter a correct username and password."
	for _, c := range []struct {
		desc, username, password, next string
		location                       string   // on success
		body                           []string // on failure
	}{
		{desc: "right password", username: "demo", password: "demo", location: "/home/"},
		{desc: "next page", username: "demo", password: "demo", next: "/accounts/sessions/", location: "/accounts/sessions/"},
		{desc: "next page off site", username: "demo", password: "demo", next: "https://evil.example/", location: "/home/"},
		{desc: "next page scheme-relative", username: "demo", password: "demo", next: "//evil.example/x", location: "/home/"},
		{desc: "wrong password", username: "demo", password: "Demo", body: []string{failed, `value="demo"`}},
		{desc: "unknown user", username: "nobody", password: "demo", body: []string{failed, `value="nobody"`}},
		{desc: "empty password", username: "demo", password: "", body: []string{failed}},
		{desc: "username is escaped", username: `<b>"x"`, password: "demo", body: []string{failed, `value="&lt;b&gt;&#34;x&#34;"`}},
		{desc: "failure keeps next", username: "demo", password: "nope", next: "/accounts/profile/",
			body: []string{failed, `name="next" value="/accounts/profile/"`}},
	} {
		t.Run(c.desc, func(t *testing.T) {
			cl := newSiteClient(t, base, "login-test")
			page := cl.get("/accounts/login/")
			oldCSRF := cl.cookie("csrftoken")
			form := url.Values{"csrfmiddlewaretoken": {csrfToken(page.body)}, "username": {c.username}, "password": {c.password}}
			if c.next != "" {
				form.Set("next", c.next)
			}
			r := cl.post("/accounts/login/", form)
			if cc := r.header.Get("Cache-Control"); cc != views.NeverCacheControl {
				t.Errorf("Cache-Control = %q", cc)
			}
			if c.location != "" {
				if r.status != http.StatusFound || r.header.Get("Location") != c.location {
					t.Fatalf("login: %d %q, want 302 %q\n%s", r.status, r.header.Get("Location"), c.location, r.body)
				}
				ck := r.setCookie("sessionid")
				if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge <= 0 {
					t.Errorf("session cookie %+v, want HttpOnly, SameSite=Lax, a Max-Age", ck)
				}
				if row, ok := sessionRow(t, s, ck.Value); !ok || !strings.Contains(row, `"u":"1"`) || !strings.Contains(row, "login-test") {
					t.Errorf("the session row is %q (present %v)", row, ok)
				}
				if cl.cookie("csrftoken") == oldCSRF {
					t.Errorf("the CSRF secret was not rotated at login")
				}
				if got := cl.loggedInAs(); got != "demo" {
					t.Errorf("after login the home page greets %q", got)
				}
				return
			}
			if r.status != http.StatusOK {
				t.Fatalf("failed login: %d, want 200 with the form again", r.status)
			}
			for _, want := range c.body {
				if !strings.Contains(r.body, want) {
					t.Errorf("the page lacks %q:\n%s", want, r.body)
				}
			}
			if c.password != "" && strings.Contains(r.body, c.password+`"`) {
				t.Errorf("the password is echoed back")
			}
			if r.setCookie("sessionid") != nil || cl.cookie("sessionid") != "" {
				t.Errorf("a failed login set a session cookie")
			}
			if got := cl.loggedInAs(); got != "" {
				t.Errorf("a failed login logged in as %q", got)
			}
		})
	}
	if n := liveSessions(t, s); n != 4 {
		t.Errorf("%d sessions stored, want the 4 successful logins' only", n)
	}
}

// TestLoginRequiredRoundTrip follows a private page to the login form and
// back.
func TestLoginRequiredRoundTrip(t *testing.T) {
	s := testSite(t)
	for _, path := range []string{"/accounts/profile/", "/accounts/sessions/"} {
		t.Run(path, func(t *testing.T) {
			cl := s.client(viewtest.Config{FollowRedirects: true})
			login := must(cl.Get(path))
			if len(login.Redirects) != 1 || !sameURL(login.URL.RequestURI(), loginNext(path)) {
				t.Fatalf("GET %s anonymous went through %v", path, login.Redirects)
			}
			for _, want := range []string{"Please log in to see that page.", `name="next" value="` + path + `"`} {
				if !strings.Contains(login.Body, want) {
					t.Errorf("the login page lacks %q:\n%s", want, login.Body)
				}
			}
			r := must(cl.PostForm("accounts:login", url.Values{"username": {"demo"}, "password": {"demo"}}))
			if r.StatusCode != http.StatusOK || r.URL.Path != path {
				t.Fatalf("login: %d at %s, want back to %s", r.StatusCode, r.URL, path)
			}
		})
	}
}

func TestSessionsPage(t *testing.T) {
	s := testSite(t)
	browser := func(ua string) *viewtest.Client {
		cl := s.client(viewtest.Config{Header: http.Header{"User-Agent": {ua}}})
		if err := cl.Login("1"); err != nil { // demo
			t.Fatal(err)
		}
		return cl
	}
	alice, bob, carol := browser("browser-alice"), browser("browser-bob"), browser("browser-carol")
	page := must(alice.Get("accounts:sessions"))
	if rows := sessionRows(page.Body); rows != 3 {
		t.Errorf("the sessions page lists %d sessions, want 3:\n%s", rows, page.Body)
	}
	if strings.Count(page.Body, "this browser") != 1 || !regexp.MustCompile(`(?s)<tbody>\s*<tr class="current"[^>]*>[^<]*<td title="browser-alice">browser-alice<br><span class="muted">#[0-9a-f]{6}</span> <span class="tag">this browser`).MatchString(page.Body) {
		t.Errorf("the current session is not marked once, on alice's row, first:\n%s", page.Body)
	}
	for _, ua := range []string{"browser-alice", "browser-bob", "browser-carol"} {
		if !strings.Contains(page.Body, ua) {
			t.Errorf("the sessions page does not list %s", ua)
		}
	}
	loggedIn := func(who string, c *viewtest.Client, want bool) {
		t.Helper()
		if got := must(c.Get("accounts:profile")).StatusCode == http.StatusOK; got != want {
			t.Errorf("%s logged in: %v, want %v", who, got, want)
		}
	}

	// Log out the others: alice stays, bob and carol are out.
	aliceKey, bobKey := alice.Cookie("sessionid").Value, bob.Cookie("sessionid").Value
	r := must(alice.PostForm("accounts:sessions", url.Values{"action": {"others"}}))
	if r.StatusCode != http.StatusFound || r.Location() != "/accounts/sessions/" {
		t.Fatalf("log out the others: %d %q", r.StatusCode, r.Location())
	}
	page = must(alice.Get(r.Location()))
	if !strings.Contains(page.Body, "Your other sessions have been logged out.") || sessionRows(page.Body) != 1 || !strings.Contains(page.Body, "browser-alice") {
		t.Errorf("after logging out the others the page says:\n%s", page.Body)
	}
	if _, ok := sessionRow(t, s, bobKey); ok {
		t.Errorf("bob's session row survived")
	}
	if _, ok := sessionRow(t, s, aliceKey); !ok {
		t.Errorf("alice's own session row is gone")
	}
	if n := liveSessions(t, s); n != 1 {
		t.Errorf("%d sessions stored, want alice's only", n)
	}
	loggedIn("alice", alice, true)
	loggedIn("bob", bob, false)
	loggedIn("carol", carol, false)

	// Log out everywhere from bob: alice is out too.
	if err := bob.Login("1"); err != nil {
		t.Fatal(err)
	}
	must(bob.Get("accounts:sessions"))
	r = must(bob.PostForm("accounts:sessions", url.Values{"action": {"everywhere"}}))
	if r.StatusCode != http.StatusFound || r.Location() != "/home/" {
		t.Fatalf("log out everywhere: %d %q", r.StatusCode, r.Location())
	}
	if ck := r.Cookie("sessionid"); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("log out everywhere did not expire bob's cookie: %+v", ck)
	}
	loggedIn("alice", alice, false)
	loggedIn("bob", bob, false)
	if n := liveSessions(t, s); n != 0 {
		t.Errorf("%d sessions stored after log out everywhere", n)
	}
}

// sessionRows counts the sessions listed on the sessions page.
func sessionRows(page string) int {
	_, body, _ := strings.Cut(page, "<tbody>")
	body, _, _ = strings.Cut(body, "</tbody>")
	return strings.Count(body, "<tr")
}

// TestDeletedUserIsAnonymous: a session whose user was deleted is anonymous
// (LoadUser returns nil), not an error.
func TestDeletedUserIsAnonymous(t *testing.T) {
	s, base := startSite(t)
	cl := newSiteClient(t, base, "deleted")
	cl.login("demo", "demo")
	if _, err := s.storage.DB().Exec(`DELETE FROM auth_user WHERE username = 'demo'`); err != nil {
		t.Fatal(err)
	}
	if got := cl.loggedInAs(); got != "" {
		t.Errorf("a deleted user is still greeted: %q", got)
	}
	if r := cl.get("/accounts/profile/"); r.status != http.StatusFound {
		t.Errorf("the profile of a deleted user answers %d, want the login redirect", r.status)
	}
}

var (
	formRe      = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	postRe      = regexp.MustCompile(`method="post"`)
	actionRe    = regexp.MustCompile(`action="([^"]*)"`)
	tokenFullRe = regexp.MustCompile(`<input type="hidden" name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}">`)
)

// TestEveryFormCarriesTheCSRFToken renders every page with a form and checks
// that each form posts, to a route of the table, with a token that works.
func TestEveryFormCarriesTheCSRFToken(t *testing.T) {
	_, base := startSite(t)
	s, err := newSite(context.Background(), siteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		desc, as, method, path string
		forms                  int
	}{
		{"home anonymous", "", "GET", "/home/", 0},
		{"home", "demo", "GET", "/home/", 6}, // nav + five logouts
		{"login", "", "GET", "/accounts/login/", 1},
		{"login failed", "", "POST", "/accounts/login/", 1},
		{"profile", "demo", "GET", "/accounts/profile/", 1},
		{"sessions", "demo", "GET", "/accounts/sessions/", 3}, // nav, the others, everywhere; and one a row
		{"goodbye", "demo", "POST", "/accounts/logout/goodbye/", 0},
		{"405 page", "demo", "GET", "/accounts/logout/", 1},
		{"404 page", "demo", "GET", "/nowhere/", 1},
		{"403 page", "demo", "POST", "/accounts/sessions/?no-token", 1},
	} {
		t.Run(c.desc, func(t *testing.T) {
			cl := newSiteClient(t, base, "forms")
			if c.as != "" {
				cl.login(c.as, c.as)
			}
			var r reply
			switch {
			case c.method == "GET":
				r = cl.get(c.path)
			case strings.HasSuffix(c.path, "?no-token"):
				r = cl.post(c.path, url.Values{})
			default:
				r = cl.postForm(c.path, url.Values{"username": {"x"}, "password": {"y"}})
			}
			forms, want := formRe.FindAllStringSubmatch(r.body, -1), c.forms
			if c.path == "/accounts/sessions/" {
				want += sessionRows(r.body) // "Log out this session"
			}
			if len(forms) != want {
				t.Errorf("%d forms, want %d:\n%s", len(forms), want, r.body)
			}
			for _, f := range forms {
				if !postRe.MatchString(f[1]) {
					t.Errorf("a form does not POST: <form%s>", f[1])
				}
				if n := len(tokenFullRe.FindAllString(f[2], -1)); n != 1 {
					t.Errorf("<form%s> carries %d csrfmiddlewaretoken inputs, want 1", f[1], n)
				}
				a := actionRe.FindStringSubmatch(f[1])
				if a == nil {
					t.Errorf("<form%s> has no action", f[1])
					continue
				}
				if _, ok := s.resolver.Resolve(a[1]); !ok {
					t.Errorf("<form%s> posts to %q, which is not in the url table", f[1], a[1])
				}
			}
		})
	}
}

// TestTemplatesBuildLinksWithURL: no template writes a path by hand; every
// link and form action goes through {{ url }}.
func TestTemplatesBuildLinksWithURL(t *testing.T) {
	literal := regexp.MustCompile(`(href|action)="[^"{]`)
	err := fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFiles, path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllString(string(b), -1) {
			t.Errorf("%s: a hand-written link %s…: use {{ url \"name\" }}", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLoggedOutPagesSaySo: every page a logout can end on tells the visitor
// they are logged out.
func TestLoggedOutPagesSaySo(t *testing.T) {
	_, base := startSite(t)
	for _, lo := range theLogouts {
		t.Run(lo.name, func(t *testing.T) {
			cl := newSiteClient(t, base, "says-so")
			cl.login("demo", "demo")
			r := cl.postForm(lo.path, nil)
			if loc := r.header.Get("Location"); loc != "" {
				r = cl.get(loc)
			}
			said := false
			for _, s := range []string{"You have been logged out.", "You are not logged in.", "Not logged in"} {
				said = said || strings.Contains(r.body, s)
			}
			if !said || strings.Contains(r.body, "Hello, demo") {
				t.Errorf("the page after %s does not say the visitor is logged out:\n%s", lo.path, r.body)
			}
		})
	}
	// The logged-out template of LogoutView (used when it has nowhere to
	// redirect) is the site's own.
	b, err := fs.ReadFile(templateFiles, "templates/registration/logged_out.html")
	if err != nil || !bytes.Contains(b, []byte("You are logged out.")) {
		t.Errorf("registration/logged_out.html: %v\n%s", err, b)
	}
}
