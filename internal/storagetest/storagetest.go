// Package storagetest is the conformance suite of session storages: the contract of fiber.Storage
// as package session relies on it, of each optional interface the storage implements (Updater,
// Appender, Replacer, ManyGetter, PrefixScanner), and of sessions, logins and the login throttle
// on two handles sharing one store, as two servers would. The tests of package session (SQLite),
// session/redisstore and session/pgstore run it.
package storagetest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Open returns a new handle on the store under test: every handle Open returns within one Run
// reaches the same data (two servers sharing a database). The handle is closed at t's cleanup.
type Open func(t *testing.T) fiber.Storage

// Run runs the suite. Keys are unique to each subtest, so the store may be shared with other tests.
func Run(t *testing.T, open Open) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, a, b fiber.Storage, p string)
	}{
		{"storage", testStorage},
		{"expiry", testExpiry},
		{"Replacer", testReplacer},
		{"Updater", testUpdater},
		{"Updater concurrent", testUpdaterConcurrent},
		{"Appender", testAppender},
		{"ManyGetter", testManyGetter},
		{"PrefixScanner", testPrefixScanner},
		{"sessions on two servers", testSessions},
		{"login throttle on two servers", testThrottle},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t), open(t), uniquePrefix())
		})
	}
}

func uniquePrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "fvconf-" + hex.EncodeToString(b[:]) + ":"
}

func mustGet(t *testing.T, st fiber.Storage, key string) []byte {
	t.Helper()
	v, err := st.Get(key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return v
}

func testStorage(t *testing.T, a, b fiber.Storage, p string) {
	for _, tc := range []struct {
		name string
		key  string
		val  []byte
		want []byte
	}{
		{"value", p + "a", []byte("one"), []byte("one")},
		{"binary", p + "bin", []byte{0, 0xff, '\n', 0x80}, []byte{0, 0xff, '\n', 0x80}},
		{"overwrite", p + "a", []byte("two"), []byte("two")},
		{"empty value ignored", p + "empty", []byte{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := a.Set(tc.key, tc.val, 0); err != nil {
				t.Fatal(err)
			}
			if got := mustGet(t, b, tc.key); !bytes.Equal(got, tc.want) {
				t.Fatalf("the other handle reads %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("delete", func(t *testing.T) {
		if err := b.Delete(p + "a"); err != nil {
			t.Fatal(err)
		}
		if got := mustGet(t, a, p+"a"); got != nil {
			t.Fatalf("deleted key reads %q", got)
		}
		if err := a.Delete(p + "never"); err != nil {
			t.Fatalf("deleting a missing key: %v", err)
		}
	})
	t.Run("empty key", func(t *testing.T) {
		if v, err := a.Get(""); v != nil || err != nil {
			t.Fatalf("Get(\"\") = %q, %v", v, err)
		}
	})
}

func testExpiry(t *testing.T, a, b fiber.Storage, p string) {
	if err := a.Set(p+"short", []byte("x"), time.Second); err != nil {
		t.Fatal(err)
	}
	if err := a.Set(p+"long", []byte("y"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, b, p+"short"); string(got) != "x" {
		t.Fatalf("before expiry: %q", got)
	}
	time.Sleep(2100 * time.Millisecond) // storages may round expiry up to whole seconds
	for key, want := range map[string]string{"short": "", "long": "y"} {
		if got := mustGet(t, b, p+key); string(got) != want {
			t.Errorf("%s after 2.1s: %q, want %q", key, got, want)
		}
	}
	if r, ok := b.(session.Replacer); ok {
		if ok, err := r.Replace(p+"short", []byte("z"), time.Hour); ok || err != nil {
			t.Errorf("Replace of an expired key: %v, %v; want false", ok, err)
		}
	}
	if u, ok := b.(session.Updater); ok {
		var seen []byte
		err := u.Update(p+"short", func(old []byte) ([]byte, time.Duration, error) {
			seen = old
			return []byte("new"), time.Hour, nil
		})
		if err != nil || seen != nil {
			t.Errorf("Update of an expired key saw %q (%v), want nil", seen, err)
		}
		if got := mustGet(t, a, p+"short"); string(got) != "new" {
			t.Errorf("after Update: %q", got)
		}
	}
}

func testReplacer(t *testing.T, a, b fiber.Storage, p string) {
	r, ok := a.(session.Replacer)
	if !ok {
		t.Skip("not a Replacer")
	}
	if ok, err := r.Replace(p+"k", []byte("v"), 0); ok || err != nil {
		t.Fatalf("Replace of a missing key: %v, %v", ok, err)
	}
	if got := mustGet(t, b, p+"k"); got != nil {
		t.Fatalf("Replace created %q", got)
	}
	if err := b.Set(p+"k", []byte("old"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if ok, err := r.Replace(p+"k", []byte("new"), time.Hour); !ok || err != nil {
		t.Fatalf("Replace of a live key: %v, %v", ok, err)
	}
	if got := mustGet(t, b, p+"k"); string(got) != "new" {
		t.Fatalf("after Replace: %q", got)
	}
}

func testUpdater(t *testing.T, a, b fiber.Storage, p string) {
	u, ok := a.(session.Updater)
	if !ok {
		t.Skip("not an Updater")
	}
	set := func(v string) func([]byte) ([]byte, time.Duration, error) {
		return func([]byte) ([]byte, time.Duration, error) {
			if v == "" {
				return nil, 0, nil
			}
			return []byte(v), time.Hour, nil
		}
	}
	errFn := errors.New("fn failed")
	for _, tc := range []struct {
		name  string
		fn    func([]byte) ([]byte, time.Duration, error)
		also  []session.Write
		err   error
		want  map[string]string // key suffix → value ("" absent)
		setup map[string]string
	}{
		{"create", set("1"), nil, nil, map[string]string{"k": "1"}, nil},
		{"with writes", set("2"), []session.Write{{Key: p + "x", Val: []byte("X"), Exp: time.Hour}, {Key: p + "gone"}},
			nil, map[string]string{"k": "2", "x": "X", "gone": ""}, map[string]string{"gone": "g"}},
		{"delete", set(""), nil, nil, map[string]string{"k": ""}, nil},
		{"delete absent", set(""), []session.Write{{Key: p + "y", Val: []byte("Y")}}, nil, map[string]string{"k": "", "y": "Y"}, nil},
		{"fn error writes nothing", func([]byte) ([]byte, time.Duration, error) { return []byte("no"), 0, errFn },
			[]session.Write{{Key: p + "z", Val: []byte("Z")}}, errFn, map[string]string{"k": "", "z": ""}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.setup {
				if err := b.Set(p+k, []byte(v), 0); err != nil {
					t.Fatal(err)
				}
			}
			if err := u.Update(p+"k", tc.fn, tc.also...); !errors.Is(err, tc.err) {
				t.Fatalf("Update: %v, want %v", err, tc.err)
			}
			for k, want := range tc.want {
				if got := mustGet(t, b, p+k); string(got) != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// testUpdaterConcurrent: increments from two handles, none lost, on a key created by the first.
func testUpdaterConcurrent(t *testing.T, a, b fiber.Storage, p string) {
	if _, ok := a.(session.Updater); !ok {
		t.Skip("not an Updater")
	}
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			st := []fiber.Storage{a, b}[i%2].(session.Updater)
			errs <- st.Update(p+"count", func(old []byte) ([]byte, time.Duration, error) {
				c, _ := strconv.Atoi(string(old))
				return []byte(strconv.Itoa(c + 1)), time.Hour, nil
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := mustGet(t, a, p+"count"); string(got) != strconv.Itoa(n) {
		t.Fatalf("count %q after %d concurrent increments", got, n)
	}
}

func testAppender(t *testing.T, a, b fiber.Storage, p string) {
	ap, ok := a.(session.Appender)
	if !ok {
		t.Skip("not an Appender")
	}
	for i, tc := range []struct {
		val  string
		also []session.Write
		want string
	}{
		{"ab", nil, "ab"},
		{"cde", []session.Write{{Key: p + "side", Val: []byte("S"), Exp: time.Hour}}, "abcde"},
	} {
		n, err := ap.Append(p+"log", []byte(tc.val), tc.also...)
		if err != nil || n != len(tc.want) {
			t.Fatalf("Append %d: %d, %v; want %d", i, n, err, len(tc.want))
		}
		if got := mustGet(t, b, p+"log"); string(got) != tc.want {
			t.Fatalf("after Append %d: %q, want %q", i, got, tc.want)
		}
	}
	if got := mustGet(t, b, p+"side"); string(got) != "S" {
		t.Fatalf("Append's extra write: %q", got)
	}
}

func testManyGetter(t *testing.T, a, b fiber.Storage, p string) {
	g, ok := a.(session.ManyGetter)
	if !ok {
		t.Skip("not a ManyGetter")
	}
	for i := range 20 {
		if err := b.Set(p+strconv.Itoa(i), []byte("v"+strconv.Itoa(i)), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		keys []string
		want []string
	}{
		{"none", nil, nil},
		{"two", []string{p + "1", p + "absent"}, []string{"v1", ""}},
		{"repeated and many", []string{p + "3", p + "3", p + "19", p + "0", p + "x", p + "12", p + "4", p + "5", p + "6", p + "7",
			p + "8", p + "9", p + "10", p + "11", p + "13", p + "14", p + "15", p + "16", p + "17"},
			[]string{"v3", "v3", "v19", "v0", "", "v12", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v13", "v14", "v15", "v16", "v17"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vals, err := g.GetMany(tc.keys)
			if err != nil || len(vals) != len(tc.keys) {
				t.Fatalf("GetMany: %d values, %v", len(vals), err)
			}
			for i, v := range vals {
				if string(v) != tc.want[i] || (tc.want[i] == "") != (v == nil) {
					t.Errorf("%s: %q, want %q", tc.keys[i], v, tc.want[i])
				}
			}
		})
	}
}

func testPrefixScanner(t *testing.T, a, b fiber.Storage, p string) {
	sc, ok := a.(session.PrefixScanner)
	if !ok {
		t.Skip("not a PrefixScanner")
	}
	for k, exp := range map[string]time.Duration{"u1.b": time.Hour, "u1.a": 0, "u1.c": time.Second, "u10.x": time.Hour, "u2.a": time.Hour, "u1": time.Hour} {
		if err := b.Set(p+k, []byte(k), exp); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(2100 * time.Millisecond) // u1.c expires
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"u1.", []string{"u1.a", "u1.b"}},
		{"u1", []string{"u1", "u1.a", "u1.b", "u10.x"}},
		{"u2.", []string{"u2.a"}},
		{"u3.", nil},
	} {
		t.Run(tc.prefix, func(t *testing.T) {
			keys, vals, err := sc.ScanPrefix(p + tc.prefix)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, k := range keys {
				got = append(got, k[len(p):])
				if string(vals[i]) != k[len(p):] {
					t.Errorf("%s holds %q", k, vals[i])
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ScanPrefix(%q) = %q, want %q (in key order)", tc.prefix, got, tc.want)
			}
		})
	}
	if _, _, err := sc.ScanPrefix(""); err == nil {
		t.Error("ScanPrefix(\"\") read the whole store")
	}
}

// testSessions: two apps, each with its own Manager on its own handle, share sessions.
func testSessions(t *testing.T, a, b fiber.Storage, p string) {
	mA := newManager(t, a, p)
	mB := newManager(t, b, p)
	appA, appB := newApp(mA), newApp(mB)

	first := &client{t: t, app: appA}
	first.must("POST", "/login?u=erin")
	first.must("POST", "/inc")
	onB := &client{t: t, app: appB, cookie: first.cookie}
	if got := onB.must("GET", "/read"); got != "user=erin n=1" {
		t.Fatalf("session not shared: %q", got)
	}
	t.Run("concurrent logins on both apps, then log out everywhere", func(t *testing.T) {
		const logins = 16
		cookies := make([]string, logins)
		var wg sync.WaitGroup
		for i := range logins {
			wg.Go(func() {
				cl := &client{t: t, app: []*fiber.App{appA, appB}[i%2]}
				if r := cl.do("POST", "/login?u=gina"); r.status != 200 {
					t.Errorf("login: %d %q", r.status, r.body)
				}
				cookies[i] = cl.cookie
			})
		}
		wg.Wait()
		if infos, err := mB.UserSessions("gina"); err != nil || len(infos) != logins {
			t.Fatalf("%d sessions (%v), want %d", len(infos), err, logins)
		}
		if err := mA.LogoutAll("gina"); err != nil {
			t.Fatal(err)
		}
		for _, ck := range cookies {
			if got := (&client{t: t, app: appB, cookie: ck}).must("GET", "/read"); got != "user= n=0" {
				t.Fatalf("a session survived LogoutAll: %q", got)
			}
		}
	})
	t.Run("a save after a logout elsewhere does not resurrect", func(t *testing.T) {
		c := &client{t: t, app: appA}
		c.must("POST", "/login?u=hank")
		app := fiber.New()
		app.Use(mA.Middleware())
		loaded, proceed := make(chan struct{}), make(chan struct{})
		var saveErr error
		app.Post("/", func(c *fiber.Ctx) error {
			s, err := session.Get(c)
			if err != nil {
				return err
			}
			close(loaded)
			<-proceed
			_ = s.Set("x", 1)
			saveErr = s.Save()
			return nil
		})
		done := make(chan struct{})
		go func() { defer close(done); (&client{t: t, app: app, cookie: c.cookie}).do("POST", "/") }()
		<-loaded
		if err := mB.LogoutAll("hank"); err != nil {
			t.Error(err)
		}
		close(proceed)
		<-done
		if !errors.Is(saveErr, session.ErrSessionDeleted) {
			t.Fatalf("Save: %v, want ErrSessionDeleted", saveErr)
		}
		if got := c.must("GET", "/read"); got != "user= n=0" {
			t.Fatalf("resurrected: %q", got)
		}
	})
	t.Run("MaxSessionsPerUser across apps", func(t *testing.T) {
		mA3 := newManager(t, a, p, 3)
		mB3 := newManager(t, b, p, 3)
		var cls []*client
		for i := range 5 {
			cl := &client{t: t, app: newApp([]*session.Manager{mA3, mB3}[i%2])}
			cl.must("POST", "/login?u=fay")
			cls = append(cls, cl)
		}
		// Logins within one second tie on age: which of the older ones end is the storage's choice.
		in := 0
		for i, cl := range cls {
			switch got := cl.must("GET", "/read"); {
			case got == "user=fay n=0":
				in++
			case i == len(cls)-1 || got != "user= n=0":
				t.Errorf("session %d: %q", i, got)
			}
		}
		if in != 3 {
			t.Errorf("%d sessions logged in, want 3", in)
		}
	})
}

// testThrottle: failed logins counted from two servers at once all count.
func testThrottle(t *testing.T, a, b fiber.Storage, p string) {
	const limit = 30
	var ths [2]*security.Throttle
	for i, st := range []fiber.Storage{a, b} {
		th, err := security.NewThrottle(security.ThrottleConfig{Storage: st, Limit: limit, IPLimit: 1000, KeyPrefix: p})
		if err != nil {
			t.Fatal(err)
		}
		ths[i] = th
	}
	app := fiber.New()
	ctx := func() *fiber.Ctx {
		c := app.AcquireCtx(&fasthttp.RequestCtx{})
		t.Cleanup(func() { app.ReleaseCtx(c) })
		return c
	}
	for _, tc := range []struct {
		fails     int
		throttled bool
	}{{limit - 1, false}, {1, true}} {
		t.Run(fmt.Sprintf("%d more failures", tc.fails), func(t *testing.T) {
			cs := make([]*fiber.Ctx, tc.fails)
			for i := range cs {
				cs[i] = ctx()
			}
			var wg sync.WaitGroup
			for i := range tc.fails {
				wg.Go(func() {
					if err := ths[i%2].Fail(cs[i], "ivan", "192.0.2."+strconv.Itoa(i)); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			err := ths[0].Check(ctx(), "IVAN", "198.51.100.1")
			if got := errors.Is(err, security.ErrThrottled); got != tc.throttled {
				t.Fatalf("Check: %v, want throttled %v", err, tc.throttled)
			}
		})
	}
}

func newManager(t *testing.T, st fiber.Storage, prefix string, maxSessions ...int) *session.Manager {
	t.Helper()
	cfg := session.Config{Storage: st, KeyPrefix: prefix}
	if len(maxSessions) > 0 {
		cfg.MaxSessionsPerUser = maxSessions[0]
	}
	m, err := session.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// newApp: GET /read answers "user=<id> n=<n>", POST /inc increments n, POST /login?u= logs u in.
func newApp(m *session.Manager) *fiber.App {
	app := fiber.New()
	app.Use(m.Middleware())
	app.Get("/read", func(c *fiber.Ctx) error {
		s, err := session.Get(c)
		if err != nil {
			return err
		}
		n, _ := s.GetInt("n")
		uid, _ := s.UserID()
		return c.SendString("user=" + uid + " n=" + strconv.FormatInt(n, 10))
	})
	app.Post("/inc", func(c *fiber.Ctx) error {
		s, err := session.Get(c)
		if err != nil {
			return err
		}
		n, _ := s.GetInt("n")
		return s.Set("n", n+1)
	})
	app.Post("/login", func(c *fiber.Ctx) error { return session.Login(c, c.Query("u")) })
	return app
}

// client keeps the session cookie between requests, as a browser does.
type client struct {
	t      *testing.T
	app    *fiber.App
	cookie string
}

type result struct {
	status int
	body   string
}

func (cl *client) do(method, target string) result {
	cl.t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if cl.cookie != "" {
		req.Header.Set("Cookie", session.DefaultCookieName+"="+cl.cookie)
	}
	resp, err := cl.app.Test(req, -1)
	if err != nil {
		cl.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == session.DefaultCookieName {
			cl.cookie = ck.Value
			if ck.MaxAge < 0 {
				cl.cookie = ""
			}
		}
	}
	return result{resp.StatusCode, string(body)}
}

func (cl *client) must(method, target string) string {
	cl.t.Helper()
	r := cl.do(method, target)
	if r.status != http.StatusOK {
		cl.t.Fatalf("%s %s: status %d, body %q", method, target, r.status, r.body)
	}
	return r.body
}
