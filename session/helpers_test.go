package session

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// errInjected is what a failing countingStore returns.
var errInjected = errors.New("injected storage failure")

// countingStore wraps a real fiber.Storage, counts calls by method, and can be told to fail.
type countingStore struct {
	inner fiber.Storage
	calls sync.Map // method name → *atomic.Int64
	fail  atomic.Value
}

func (s *countingStore) count(method, key string) error {
	v, _ := s.calls.LoadOrStore(method, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
	fh, _ := s.fail.Load().(failHolder)
	if f, _ := fh.f.(func(string) bool); f != nil && f(method) {
		return errInjected
	}
	if f, _ := fh.f.(func(string, string) bool); f != nil && f(method, key) {
		return errInjected
	}
	return nil
}

// failOn makes the calls fail for which f returns true (nil: none). f is a func(method string) bool
// or a func(method, key string) bool.
func (s *countingStore) failOn(f any) { s.fail.Store(failHolder{f}) }

// failHolder gives atomic.Value one type to hold.
type failHolder struct{ f any }

// n returns how many calls were made to the given methods (all methods when none given).
func (s *countingStore) n(methods ...string) int64 {
	var total int64
	s.calls.Range(func(k, v any) bool {
		if len(methods) == 0 {
			total += v.(*atomic.Int64).Load()
			return true
		}
		for _, m := range methods {
			if k == m {
				total += v.(*atomic.Int64).Load()
			}
		}
		return true
	})
	return total
}

func (s *countingStore) reset() {
	s.calls.Range(func(k, _ any) bool { s.calls.Delete(k); return true })
}

func (s *countingStore) Get(key string) ([]byte, error) {
	if err := s.count("Get", key); err != nil {
		return nil, err
	}
	return s.inner.Get(key)
}

func (s *countingStore) Set(key string, val []byte, exp time.Duration) error {
	if err := s.count("Set", key); err != nil {
		return err
	}
	return s.inner.Set(key, val, exp)
}

func (s *countingStore) Delete(key string) error {
	if err := s.count("Delete", key); err != nil {
		return err
	}
	return s.inner.Delete(key)
}

func (s *countingStore) Reset() error { return s.inner.Reset() }
func (s *countingStore) Close() error { return s.inner.Close() }

// countingAtomic is a countingStore that also forwards Updater and Replacer.
type countingAtomic struct{ *countingStore }

var (
	_ Updater  = countingAtomic{}
	_ Replacer = countingAtomic{}
)

func (s countingAtomic) Update(key string, fn func([]byte) ([]byte, time.Duration, error), also ...Write) error {
	if err := s.count("Update", key); err != nil {
		return err
	}
	return s.inner.(Updater).Update(key, fn, also...)
}

func (s countingAtomic) Replace(key string, val []byte, exp time.Duration) (bool, error) {
	if err := s.count("Replace", key); err != nil {
		return false, err
	}
	return s.inner.(Replacer).Replace(key, val, exp)
}

// openTestSQLite opens a SQLite session file in t's temp dir, closed at cleanup.
func openTestSQLite(t testing.TB, opts ...SQLiteOptions) *SQLiteStorage {
	t.Helper()
	st, err := OpenSQLite(filepath.Join(t.TempDir(), "sessions.sqlite3"), opts...)
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// countingAppender is a countingAtomic that also forwards Appender: the surface of redisstore.Storage.
type countingAppender struct{ countingAtomic }

var _ Appender = countingAppender{}

func (s countingAppender) Append(key string, val []byte, also ...Write) (int, error) {
	if err := s.count("Append", key); err != nil {
		return 0, err
	}
	return s.inner.(Appender).Append(key, val, also...)
}

// countingFull is a countingAppender that also forwards PrefixScanner: the whole SQLiteStorage
// surface.
type countingFull struct{ countingAppender }

var _ PrefixScanner = countingFull{}

func (s countingFull) ScanPrefix(prefix string) ([]string, [][]byte, error) {
	if err := s.count("ScanPrefix", prefix); err != nil {
		return nil, nil, err
	}
	return s.inner.(PrefixScanner).ScanPrefix(prefix)
}

// Storage surfaces for newCounted. All but fullSurface keep a per-user index.
const (
	plainSurface    = iota // fiber.Storage only
	updaterSurface         // + Updater, Replacer
	appenderSurface        // + Appender, as redisstore.Storage
	fullSurface            // + PrefixScanner, as OpenSQLite: no index
)

// newCounted returns a counting wrapper around a fresh SQLite storage showing the given surface.
func newCounted(t testing.TB, surface int) (fiber.Storage, *countingStore) {
	cs := &countingStore{inner: openTestSQLite(t)}
	switch surface {
	case fullSurface:
		return countingFull{countingAppender{countingAtomic{cs}}}, cs
	case appenderSurface:
		return countingAppender{countingAtomic{cs}}, cs
	case updaterSurface:
		return countingAtomic{cs}, cs
	}
	return cs, cs
}

var surfaceNames = map[int]string{
	plainSurface: "plain", updaterSurface: "updater", appenderSurface: "appender", fullSurface: "full",
}

// newManager returns a Manager on storage st (a fresh SQLite file when nil), closed at cleanup.
func newManager(t testing.TB, cfg Config) *Manager {
	t.Helper()
	if cfg.Storage == nil && cfg.Database == "" {
		cfg.Database = filepath.Join(t.TempDir(), "sessions.sqlite3")
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// newTestApp returns an app with m's middleware and the test routes:
//
//	GET  /none          does not touch the session
//	GET  /read          reads "n" and the user: "user=<id> n=<n>"
//	POST /set?k=&v=     sets k to the string v
//	POST /inc           increments "n"
//	POST /login?u=      logs u in
//	POST /logout        logs out
//	POST /cycle         moves the session to a new key (CycleKey)
//	POST /others        logs out the other sessions
//	GET  /sessions      lists the sessions: one line per session "id current ip ua"
func newTestApp(m *Manager) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(m.Middleware())
	app.Get("/none", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/read", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		n, _ := s.GetInt("n")
		uid, _ := s.UserID()
		return c.SendString("user=" + uid + " n=" + itoa(n))
	})
	app.Post("/set", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		return s.Set(c.Query("k"), c.Query("v"))
	})
	app.Post("/inc", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		n, _ := s.GetInt("n")
		if err := s.Set("n", n+1); err != nil {
			return err
		}
		return c.SendString(itoa(n + 1))
	})
	app.Post("/login", func(c *fiber.Ctx) error {
		if err := Login(c, c.Query("u")); err != nil {
			return err
		}
		return c.SendString("in")
	})
	app.Post("/logout", func(c *fiber.Ctx) error {
		if err := Logout(c); err != nil {
			return err
		}
		uid, ok := UserID(c)
		if ok {
			return c.SendString("still " + uid)
		}
		return c.SendString("out")
	})
	app.Post("/cycle", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		return s.CycleKey()
	})
	app.Post("/others", func(c *fiber.Ctx) error { return LogoutOthers(c) })
	app.Get("/sessions", func(c *fiber.Ctx) error {
		infos, err := Sessions(c)
		if err != nil {
			return err
		}
		var b strings.Builder
		for _, in := range infos {
			cur := "other"
			if in.Current {
				cur = "current"
			}
			b.WriteString(in.ID + " " + cur + " " + in.IP + " " + in.UserAgent + "\n")
		}
		return c.SendString(b.String())
	})
	return app
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// client is a browser stand-in: it keeps the session cookie between requests.
type client struct {
	t      testing.TB
	app    *fiber.App
	name   string // cookie name
	cookie string // current session cookie value; "" none
	ua     string
	header map[string]string // more request headers
}

func newClient(t testing.TB, app *fiber.App) *client {
	return &client{t: t, app: app, name: DefaultCookieName, ua: "test-agent/1.0"}
}

// result is a response with its body read.
type result struct {
	status    int
	body      string
	setCookie []string // raw Set-Cookie values
	resp      *http.Response
}

// sessionCookie returns the Set-Cookie for the session cookie, if any.
func (r result) sessionCookie(name string) (*http.Cookie, string, bool) {
	for _, raw := range r.setCookie {
		h := http.Header{"Set-Cookie": {raw}}
		cs := (&http.Response{Header: h}).Cookies()
		if len(cs) == 1 && cs[0].Name == name {
			return cs[0], raw, true
		}
	}
	return nil, "", false
}

// do sends a request, updating the client's cookie from the response like a browser.
func (cl *client) do(method, target string) result {
	cl.t.Helper()
	r := cl.raw(method, target, cl.cookie)
	if ck, _, ok := r.sessionCookie(cl.name); ok {
		if ck.MaxAge < 0 || ck.Value == "" {
			cl.cookie = ""
		} else {
			cl.cookie = ck.Value
		}
	}
	return r
}

// raw sends a request with the given session cookie value (none when empty), keeping no state.
func (cl *client) raw(method, target, cookie string) result {
	cl.t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cl.name+"="+cookie)
	}
	req.Header.Set("User-Agent", cl.ua)
	for k, v := range cl.header {
		req.Header.Set(k, v)
	}
	resp, err := cl.app.Test(req, -1)
	if err != nil {
		cl.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: string(body), setCookie: resp.Header.Values("Set-Cookie"), resp: resp}
}

// must sends a request and fails the test unless the status is 200.
func (cl *client) must(method, target string) string {
	cl.t.Helper()
	r := cl.do(method, target)
	if r.status != http.StatusOK {
		cl.t.Fatalf("%s %s: status %d, body %q", method, target, r.status, r.body)
	}
	return r.body
}
