package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/internal/progtest"
	"github.com/fiberviews/fiberviews/mail"
)

// startSite runs the example site on a loopback port with a fresh SQLite
// file and the demo user, and stops it when the test ends. It returns the
// site and its base URL ("http://127.0.0.1:port").
func startSite(t testing.TB) (*site, string) {
	t.Helper()
	return startSiteWith(t, func(*siteOptions) {})
}

// startSiteWith is startSite with options changed by set.
func startSiteWith(t testing.TB, set func(*siteOptions)) (*site, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "example.sqlite3")
	o := siteOptions{
		db: db, demo: true, iterations: 1000, secretKey: "the tests' secret key",
		logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		siteURL: "http://127.0.0.1", mailer: &mail.Outbox{},
	}
	set(&o)
	s, err := newSite(context.Background(), o)
	if err != nil {
		t.Fatalf("newSite: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		t.Fatalf("listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.app.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.app.ShutdownWithContext(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-done
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s, "http://" + ln.Addr().String()
}

// siteClient is a browser stand-in for the tests: a cookie jar, no redirects
// followed, and helpers for the site's forms.
type siteClient struct {
	t    testing.TB
	base string
	hc   *http.Client
	ua   string // User-Agent, shown on the sessions page
}

func newSiteClient(t testing.TB, base, userAgent string) *siteClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &siteClient{t: t, base: base, ua: userAgent, hc: &http.Client{
		Jar:           jar,
		Timeout:       15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// reply is an answer of the site.
type reply struct {
	status  int
	header  http.Header
	body    string
	cookies []*http.Cookie // Set-Cookie of this response
}

func (r reply) setCookie(name string) *http.Cookie {
	for _, c := range r.cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (c *siteClient) get(path string) reply { return c.do(http.MethodGet, path, nil, nil) }

func (c *siteClient) post(path string, form url.Values) reply {
	return c.do(http.MethodPost, path, form, nil)
}

// do sends a request; a non-nil form is the url-encoded body.
func (c *siteClient) do(method, path string, form url.Values, header http.Header) reply {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", c.ua)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(b), cookies: resp.Cookies()}
}

// cookie is the value of the named cookie the client holds, "" if none.
func (c *siteClient) cookie(name string) string {
	u, _ := url.Parse(c.base + "/")
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// setCookie puts a cookie in the client's jar (to replay an old one).
func (c *siteClient) setCookie(name, value string) {
	u, _ := url.Parse(c.base + "/")
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// token loads path (a page with a form) and returns its CSRF token.
func (c *siteClient) token(path string) string {
	c.t.Helper()
	r := c.get(path)
	tok := csrfToken(r.body)
	if tok == "" {
		c.t.Fatalf("GET %s (%d) has no csrfmiddlewaretoken:\n%s", path, r.status, r.body)
	}
	return tok
}

// postForm posts form to path with a CSRF token taken from the login page
// (any page rendering a form would do: the token belongs to the browser).
func (c *siteClient) postForm(path string, form url.Values) reply {
	c.t.Helper()
	f := url.Values{"csrfmiddlewaretoken": {c.token("/accounts/login/")}}
	for k, v := range form {
		f[k] = v
	}
	return c.post(path, f)
}

// login logs in through the login form and fails the test unless it worked.
func (c *siteClient) login(username, password string) {
	c.t.Helper()
	r := c.postForm("/accounts/login/", url.Values{"username": {username}, "password": {password}})
	if r.status != http.StatusFound || c.cookie("sessionid") == "" {
		c.t.Fatalf("login as %s: %d, Location %q, session cookie %q\n%s", username, r.status,
			r.header.Get("Location"), c.cookie("sessionid"), r.body)
	}
}

// loggedInAs is the username the home page greets, "" when it says the
// visitor is not logged in.
func (c *siteClient) loggedInAs() string {
	c.t.Helper()
	r := c.get("/home/")
	if r.status != http.StatusOK {
		c.t.Fatalf("GET /home/: %d", r.status)
	}
	if m := regexp.MustCompile(`id="greeting">Hello, ([^<]*)<`).FindStringSubmatch(r.body); m != nil {
		return m[1]
	}
	if !strings.Contains(r.body, "You are not logged in.") {
		c.t.Fatalf("the home page neither greets nor says anonymous:\n%s", r.body)
	}
	return ""
}

var csrfTokenRe = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"`)

// csrfToken is the CSRF token of the first form of a page ("" if none).
func csrfToken(page string) string {
	if m := csrfTokenRe.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

// sessionRow returns the stored JSON of the session with this key and
// whether a live (unexpired) row exists.
func sessionRow(t testing.TB, s *site, key string) (string, bool) {
	t.Helper()
	var v []byte
	err := s.storage.DB().QueryRow(`SELECT v FROM `+s.storage.Table()+` WHERE k = ? AND (e = 0 OR e > ?)`,
		"session:"+key, time.Now().Unix()).Scan(&v)
	if err == sql.ErrNoRows {
		return "", false
	}
	if err != nil {
		t.Fatalf("reading the session row: %v", err)
	}
	return string(v), true
}

// liveSessions counts the stored sessions: keys "session:<key>", where a key never holds a ':' (the
// package's other rows, such as "session:secret:user-tag", do).
func liveSessions(t testing.TB, s *site) int {
	t.Helper()
	var n int
	err := s.storage.DB().QueryRow(`SELECT count(*) FROM `+s.storage.Table()+
		` WHERE k LIKE 'session:%' AND k NOT LIKE 'session:%:%' AND (e = 0 OR e > ?)`, time.Now().Unix()).Scan(&n)
	if err != nil {
		t.Fatalf("counting sessions: %v", err)
	}
	return n
}

// syncBuffer is a goroutine-safe log sink that can wait for a line.
type syncBuffer struct{ progtest.Buffer }

// waitFor waits until the log matches re and returns the first submatch
// (or the whole match).
func (b *syncBuffer) waitFor(t testing.TB, re *regexp.Regexp, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			return m[len(m)-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log never matched %s within %s:\n%s", re, within, b.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
