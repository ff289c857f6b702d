package session

// Benchmarks: this package's middleware against Fiber's session middleware
// (github.com/gofiber/fiber/v2/middleware/session) on the same storage, in the same run.
//
//	go test -run '^$' -bench . -benchmem -count 5 ./session/
//
// Requests go straight into app.Handler() with a reused fasthttp.RequestCtx, so the figures hold the
// router, the session layer, the handler and the storage, and no network or HTTP parsing. "none" is
// the same handler without any session: the difference to it is a session layer's own cost.

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/storage/sqlite3/v2"
	"github.com/valyala/fasthttp"
)

// driver sends requests to a handler through one reused RequestCtx.
type driver struct {
	h      fasthttp.RequestHandler
	ctx    fasthttp.RequestCtx
	cookie []byte // the session cookie value the client holds
}

func (d *driver) do(method, uri string) int {
	ctx := &d.ctx
	ctx.Request.Reset()
	ctx.Response.Reset()
	ctx.ResetUserValues() // what fasthttp's server does between requests
	ctx.Request.Header.SetMethod(method)
	ctx.Request.SetRequestURI(uri)
	ctx.Request.Header.SetUserAgent("bench/1.0")
	if len(d.cookie) > 0 {
		ctx.Request.Header.SetCookieBytesKV([]byte(DefaultCookieName), d.cookie)
	}
	d.h(ctx)
	if raw := ctx.Response.Header.PeekCookie(DefaultCookieName); raw != nil {
		v := raw[len(DefaultCookieName)+1:]
		if i := bytes.IndexByte(v, ';'); i >= 0 {
			v = v[:i]
		}
		d.cookie = append(d.cookie[:0], v...)
	}
	return ctx.Response.StatusCode()
}

// benchApps builds, on one storage, the same routes three ways.
//
//	POST /inc      reads "n" from the session and stores n+1
//	POST /login    logs user ?u= in (key rotated)
//	POST /logout   logs out
func benchApps(b *testing.B, st fiber.Storage) map[string]fasthttp.RequestHandler {
	b.Helper()
	apps := map[string]fasthttp.RequestHandler{}

	// This package.
	m, err := New(Config{Storage: st})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close() })
	ours := fiber.New()
	ours.Use(m.Middleware())
	ours.Post("/inc", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		n, _ := s.GetInt("n")
		return s.Set("n", n+1)
	})
	ours.Post("/login", func(c *fiber.Ctx) error { return Login(c, c.Query("u")) })
	ours.Post("/logout", func(c *fiber.Ctx) error { return Logout(c) })
	apps["fiberviews"] = ours.Handler()

	// Fiber's session middleware, configured with the same cookie as ours.
	store := fiberSessionStore(st)
	theirs := fiber.New()
	theirs.Post("/inc", func(c *fiber.Ctx) error {
		s, err := store.Get(c)
		if err != nil {
			return err
		}
		n, _ := s.Get("n").(int)
		s.Set("n", n+1)
		return s.Save()
	})
	theirs.Post("/login", func(c *fiber.Ctx) error {
		s, err := store.Get(c)
		if err != nil {
			return err
		}
		if err := s.Regenerate(); err != nil {
			return err
		}
		s.Set("uid", c.Query("u"))
		return s.Save()
	})
	theirs.Post("/logout", func(c *fiber.Ctx) error {
		s, err := store.Get(c)
		if err != nil {
			return err
		}
		return s.Destroy()
	})
	apps["fiber"] = theirs.Handler()

	// The same routes without any session: the harness's own cost.
	none := fiber.New()
	none.Post("/inc", func(c *fiber.Ctx) error { return nil })
	none.Post("/login", func(c *fiber.Ctx) error { return nil })
	none.Post("/logout", func(c *fiber.Ctx) error { return nil })
	apps["none"] = none.Handler()
	return apps
}

var benchOrder = []string{"none", "fiber", "fiberviews"}

// BenchmarkReadSave: a request that loads an existing session, reads a value and saves a new one.
func BenchmarkReadSave(b *testing.B) {
	st := openTestSQLite(b)
	apps := benchApps(b, st)
	for _, name := range benchOrder {
		b.Run(name, func(b *testing.B) {
			d := &driver{h: apps[name]}
			if code := d.do("POST", "/inc"); code != 200 {
				b.Fatalf("status %d", code)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if code := d.do("POST", "/inc"); code != 200 {
					b.Fatalf("status %d: %s", code, d.ctx.Response.Body())
				}
			}
		})
	}
}

// BenchmarkLoginLogout: one op is a login (key rotation, user recorded) followed by a logout of that
// session, for 64 users in turn.
func BenchmarkLoginLogout(b *testing.B) {
	st := openTestSQLite(b)
	apps := benchApps(b, st)
	users := make([]string, 64)
	for i := range users {
		users[i] = "/login?u=user-" + strconv.Itoa(i)
	}
	for _, name := range benchOrder {
		b.Run(name, func(b *testing.B) {
			d := &driver{h: apps[name]}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				d.cookie = d.cookie[:0]
				if code := d.do("POST", users[i%len(users)]); code != 200 {
					b.Fatalf("login: status %d: %s", code, d.ctx.Response.Body())
				}
				if code := d.do("POST", "/logout"); code != 200 {
					b.Fatalf("logout: status %d: %s", code, d.ctx.Response.Body())
				}
				i++
			}
		})
	}
}

// BenchmarkParallel runs both operations from many goroutines at once (16 per core), each with its
// own client, on our tuned WAL file, and Fiber's middleware also on gofiber's sqlite3 storage as it
// comes (rollback journal, 100 connections). Server errors are counted, not fatal: "5xx/op".
func BenchmarkParallel(b *testing.B) {
	type variant struct {
		name  string
		impl  string
		store func(b *testing.B) fiber.Storage
	}
	wal := func(b *testing.B) fiber.Storage { return openTestSQLite(b) }
	walNoQueue := func(b *testing.B) fiber.Storage {
		st := openTestSQLite(b)
		st.serialize = false // writers rely on SQLite's busy handler only
		return st
	}
	stock := func(b *testing.B) fiber.Storage {
		st := sqlite3.New(sqlite3.Config{Database: filepath.Join(b.TempDir(), "stock.sqlite3")})
		b.Cleanup(func() { _ = st.Close() })
		return st
	}
	variants := []variant{
		{"fiber/wal", "fiber", wal},
		{"fiberviews/wal", "fiberviews", wal},
		{"fiberviews/wal-no-write-queue", "fiberviews", walNoQueue},
		{"fiber/stock-sqlite3", "fiber", stock},
	}
	ops := []struct {
		name string
		run  func(d *driver, i int) int
	}{
		{"read-save", func(d *driver, _ int) int {
			if len(d.cookie) == 0 {
				if code := d.do("POST", "/inc"); code != 200 {
					return code
				}
			}
			return d.do("POST", "/inc")
		}},
		{"login-logout", func(d *driver, i int) int {
			d.cookie = d.cookie[:0]
			if code := d.do("POST", "/login?u=user-"+strconv.Itoa(i%64)); code != 200 {
				return code
			}
			return d.do("POST", "/logout")
		}},
	}
	for _, op := range ops {
		for _, v := range variants {
			b.Run(op.name+"/"+v.name, func(b *testing.B) {
				apps := benchApps(b, v.store(b))
				h := apps[v.impl]
				var errs, seq atomic.Int64
				b.ReportAllocs()
				b.SetParallelism(16)
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					d := &driver{h: h}
					id := int(seq.Add(1))
					for i := 0; pb.Next(); i++ {
						if code := op.run(d, id*7919+i); code >= 500 {
							errs.Add(1)
						}
					}
				})
				b.ReportMetric(float64(errs.Load())/float64(b.N), "5xx/op")
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
			})
		}
	}
}

// BenchmarkStorage compares the storage alone: gofiber's sqlite3 storage on our tuned pool (what
// OpenSQLite uses) and as it comes, for the Get+Set pair a read+save request costs.
func BenchmarkStorage(b *testing.B) {
	val := bytes.Repeat([]byte("x"), 200)
	cases := []struct {
		name  string
		store func(b *testing.B) fiber.Storage
	}{
		{"tuned-wal", func(b *testing.B) fiber.Storage { return openTestSQLite(b) }},
		{"stock-sqlite3", func(b *testing.B) fiber.Storage {
			st := sqlite3.New(sqlite3.Config{Database: filepath.Join(b.TempDir(), "stock.sqlite3")})
			b.Cleanup(func() { _ = st.Close() })
			return st
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			st := tc.store(b)
			keys := make([]string, 256)
			for i := range keys {
				keys[i] = fmt.Sprintf("k%03d", i)
				_ = st.Set(keys[i], val, time.Hour)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := keys[i%len(keys)]
				if _, err := st.Get(k); err != nil {
					b.Fatal(err)
				}
				if err := st.Set(k, val, time.Hour); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// indexOnly is a SQLiteStorage without PrefixScanner: the Manager keeps per-user indexes on it, as on
// Redis.
type indexOnly struct {
	fiber.Storage
	Updater
	Appender
	Replacer
	st *SQLiteStorage
}

func (s indexOnly) GetMany(keys []string) ([][]byte, error) { return s.st.GetMany(keys) }

// BenchmarkUserSessions: listing one user's 5 sessions (Sessions) among the sessions of many other
// users, by key prefix on SQLite and from the per-user index. A time that stays flat as the table grows
// a hundredfold shows that neither scans the table.
func BenchmarkUserSessions(b *testing.B) {
	for _, others := range []int{1_000, 100_000} {
		for _, path := range []string{"prefix-scan", "index"} {
			b.Run(fmt.Sprintf("others=%d/%s", others, path), func(b *testing.B) {
				st := openTestSQLite(b)
				var store fiber.Storage = st
				if path == "index" {
					store = indexOnly{Storage: st, Updater: st, Appender: st, Replacer: st, st: st}
				}
				m, err := New(Config{Storage: store})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { _ = m.Close() })
				fillOtherSessions(b, m, st, others)
				app := fiber.New()
				app.Use(m.Middleware())
				app.Post("/login", func(c *fiber.Ctx) error { return Login(c, "target") })
				for range 5 {
					d := &driver{h: app.Handler()}
					if code := d.do("POST", "/login"); code != 200 {
						b.Fatalf("login: %d", code)
					}
				}
				b.ReportAllocs()
				for b.Loop() {
					infos, err := m.UserSessions("target")
					if err != nil || len(infos) != 5 {
						b.Fatalf("%d sessions, %v", len(infos), err)
					}
				}
			})
		}
	}
}

// fillOtherSessions writes n logged-in sessions of n other users straight into the table, in one
// transaction.
func fillOtherSessions(b *testing.B, m *Manager, st *SQLiteStorage, n int) {
	b.Helper()
	if _, err := m.userTag("load the secret before the transaction takes the write lock"); err != nil {
		b.Fatal(err)
	}
	tx, err := st.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for i := range n {
		user := "user-" + strconv.Itoa(i)
		tag, err := m.userTag(user)
		if err != nil {
			b.Fatal(err)
		}
		val := fmt.Appendf(nil, `{"v":1,"u":%q,"c":%d,"s":%d,"x":%d}`, user, now.Unix(), now.Unix(), now.Add(time.Hour).Unix())
		if _, err := tx.Exec(`INSERT INTO `+st.Table()+` (k, v, e) VALUES (?,?,?)`,
			DefaultKeyPrefix+newUserKey(tag), val, now.Add(time.Hour).Unix()); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkKeyBelongsTo: the check every load of a logged-in session makes (its key carries its
// user's tag), against the storage read that load already costs.
func BenchmarkKeyBelongsTo(b *testing.B) {
	m, err := New(Config{Storage: openTestSQLite(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close() })
	tag, err := m.userTag("user-42")
	if err != nil {
		b.Fatal(err)
	}
	key := newUserKey(tag)
	if err := m.store.Set(DefaultKeyPrefix+key, []byte(`{"v":1,"u":"user-42"}`), time.Hour); err != nil {
		b.Fatal(err)
	}
	b.Run("tag-check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ok, err := m.keyBelongsTo(key, "user-42"); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("storage-get", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if v, err := m.store.Get(DefaultKeyPrefix + key); v == nil || err != nil {
				b.Fatal(err)
			}
		}
	})
}
