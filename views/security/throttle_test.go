package security_test

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// memStorage is a fiber.Storage in a map, with expiry by the wall clock and
// without atomic updates or GetMany: the Throttle's fallback path.
type memStorage struct {
	mu sync.Mutex
	m  map[string][]byte
	e  map[string]time.Time
}

func newMemStorage() *memStorage {
	return &memStorage{m: map[string][]byte{}, e: map[string]time.Time{}}
}

func (s *memStorage) Get(k string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if exp, ok := s.e[k]; ok && time.Now().After(exp) {
		return nil, nil
	}
	return s.m[k], nil
}

func (s *memStorage) Set(k string, v []byte, exp time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k], s.e[k] = v, time.Now().Add(exp)
	return nil
}

func (s *memStorage) Delete(k string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k)
	return nil
}
func (s *memStorage) Reset() error { return nil }
func (s *memStorage) Close() error { return nil }

// readCounting is a SQLite session storage (Updater, ManyGetter) that counts
// its reads.
type readCounting struct {
	*session.SQLiteStorage
	gets, getManys atomic.Int32
}

func (s *readCounting) Get(k string) ([]byte, error) {
	s.gets.Add(1)
	return s.SQLiteStorage.Get(k)
}

func (s *readCounting) GetMany(keys []string) ([][]byte, error) {
	s.getManys.Add(1)
	return s.SQLiteStorage.GetMany(keys)
}

func openSQLite(t testing.TB) *readCounting {
	st, err := session.OpenSQLite(filepath.Join(t.TempDir(), "sessions.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return &readCounting{SQLiteStorage: st}
}

// clock is a test's clock for ThrottleConfig.Now, in Unix milliseconds (the
// throttle's precision): advancing it waits out a window without sleeping.
type clock struct{ ms atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ms.Store(time.Now().UnixMilli())
	return c
}

func (c *clock) Now() time.Time            { return time.UnixMilli(c.ms.Load()) }
func (c *clock) advance(d time.Duration)   { c.ms.Add(d.Milliseconds()) }
func (c *clock) at(d time.Duration) string { return c.Now().Add(d).Format(time.StampMilli) }

// TestThrottle runs failed logins through the throttle on a storage without
// atomic updates and on SQLite, advancing the throttle's clock through the
// window while the storage's own clock (its expiry) barely moves.
func TestThrottle(t *testing.T) {
	long := strings.Repeat("é", 75) // 150 bytes, the longest username LoginView passes
	const w = security.DefaultThrottleWindow
	steps := []struct {
		name     string
		advance  time.Duration // the throttle's clock moves first
		do       string        // "check", "fail" or "succeed"
		user, ip string
		want     error
		wait     time.Duration // a refusal's Throttled.Wait
	}{
		{"nobody failed", 0, "check", long, "192.0.2.1", nil, 0},
		{"the username's first failure starts its window", 0, "fail", long, "192.0.2.1", nil, 0},
		{"a minute later, its second (case-folded: the same count) locks it", time.Minute, "fail", strings.ToUpper(long), "192.0.2.1", nil, 0},
		{"the locked username from another address", 0, "check", long, "192.0.2.2", security.ErrThrottled, w - time.Minute},
		{"another username from the address", 0, "check", "bob", "192.0.2.1", nil, 0},
		{"the address's third failure locks it", 0, "fail", "bob", "192.0.2.1", nil, 0},
		{"any username from the locked address", 0, "check", "carol", "192.0.2.1", security.ErrThrottled, w - time.Minute},
		{"from another address", 0, "check", "carol", "192.0.2.9", nil, 0},
		{"a millisecond before the window ends", w - time.Minute - time.Millisecond, "check", long, "192.0.2.2", security.ErrThrottled, time.Millisecond},
		{"when it ends, the username may try again", time.Millisecond, "check", long, "192.0.2.2", nil, 0},
		{"and so may the address", 0, "check", "carol", "192.0.2.1", nil, 0},
		{"a failure after the window starts a new count", 0, "fail", long, "192.0.2.3", nil, 0},
		{"which one failure does not lock", time.Minute, "check", long, "192.0.2.3", nil, 0},
		{"its second does", 0, "fail", long, "192.0.2.3", nil, 0},
		{"refused until the new window's end", 0, "check", long, "192.0.2.4", security.ErrThrottled, w - time.Minute},
		{"a success clears the username's count", 0, "succeed", long, "", nil, 0},
		{"then it may try", 0, "check", long, "192.0.2.4", nil, 0},
	}
	storages := []struct {
		name string
		open func(t *testing.T) fiber.Storage
	}{
		{"map without atomic updates", func(*testing.T) fiber.Storage { return newMemStorage() }},
		{"SQLite", func(t *testing.T) fiber.Storage { return openSQLite(t) }},
	}
	for _, sc := range storages {
		t.Run(sc.name, func(t *testing.T) {
			clk := newClock()
			start := clk.Now()
			var locked []string
			th, err := security.NewThrottle(security.ThrottleConfig{Limit: 2, IPLimit: 3, Storage: sc.open(t), Now: clk.Now,
				OnLockout: func(_ *fiber.Ctx, l security.Lockout) {
					locked = append(locked, l.IP+" "+map[bool]string{true: "by address", false: "by username"}[l.ByIP]+" until "+l.Until.Format(time.StampMilli))
				}})
			if err != nil {
				t.Fatal(err)
			}
			c := newCtx(t, req{method: "POST"})
			for i, s := range steps {
				clk.advance(s.advance)
				var err error
				switch s.do {
				case "check":
					err = th.Check(c, s.user, s.ip)
				case "fail":
					err = th.Fail(c, s.user, s.ip)
				case "succeed":
					err = th.Succeed(c, s.user)
				}
				if !errors.Is(err, s.want) {
					t.Fatalf("step %d, %s: %s(%.10q, %s) = %v, want %v", i, s.name, s.do, s.user, s.ip, err, s.want)
				}
				var tr *security.Throttled
				if errors.As(err, &tr) && (tr.Wait != s.wait || !tr.Until.Equal(clk.Now().Add(s.wait))) {
					t.Errorf("step %d, %s: refused until %v (wait %v), want %v (wait %v)", i, s.name, tr.Until, tr.Wait, clk.Now().Add(s.wait), s.wait)
				}
			}
			want := []string{
				"192.0.2.1 by username until " + start.Add(w).Format(time.StampMilli),
				"192.0.2.1 by address until " + start.Add(w).Format(time.StampMilli),
				"192.0.2.3 by username until " + clk.at(w-time.Minute),
			}
			if strings.Join(locked, "\n") != strings.Join(want, "\n") {
				t.Errorf("lockouts:\n%s\nwant:\n%s", strings.Join(locked, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestThrottleStorage: the storage holds a short hash of each username, not
// the username, and keeps each count at least until its window ends (its
// expiry is on its own clock: it must not drop a count the throttle still
// honours).
func TestThrottleStorage(t *testing.T) {
	st := newMemStorage()
	th, err := security.NewThrottle(security.ThrottleConfig{Storage: st})
	if err != nil {
		t.Fatal(err)
	}
	c := newCtx(t, req{method: "POST"})
	for _, user := range []string{strings.Repeat("é", 75), "Bob"} {
		if err := th.Fail(c, user, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	keepUntil := time.Now().Add(security.DefaultThrottleWindow)
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, exp := range st.e {
		if len(k) > 64 || strings.Contains(k, "é") || strings.Contains(strings.ToLower(k), "bob") {
			t.Errorf("storage key %q: want a short hash, no username", k)
		}
		if exp.Before(keepUntil) {
			t.Errorf("storage key %q expires at %v, before the window's end %v", k, exp, keepUntil)
		}
	}
	if len(st.e) != 3 {
		t.Errorf("%d keys stored, want 3 (two usernames, one address)", len(st.e))
	}
}

// TestThrottleReadsOnce: every attempt reads both counts in one GetMany,
// whether or not anyone failed for its username or address.
func TestThrottleReadsOnce(t *testing.T) {
	st := openSQLite(t)
	th, err := security.NewThrottle(security.ThrottleConfig{Limit: 2, Storage: st})
	if err != nil {
		t.Fatal(err)
	}
	c := newCtx(t, req{method: "POST"})
	if err := th.Fail(c, "mallory", "192.0.2.66"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, user, ip string }{
		{"nobody failed", "alice", "192.0.2.1"},
		{"the username failed", "mallory", "192.0.2.1"},
		{"the address failed", "alice", "192.0.2.66"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gets, getManys := st.gets.Load(), st.getManys.Load()
			if err := th.Check(c, tc.user, tc.ip); err != nil {
				t.Fatal(err)
			}
			if g, m := st.gets.Load()-gets, st.getManys.Load()-getManys; g != 0 || m != 1 {
				t.Errorf("%d Get and %d GetMany, want one GetMany", g, m)
			}
		})
	}
}

func TestNewThrottle(t *testing.T) {
	for _, cfg := range []security.ThrottleConfig{{Limit: -1}, {IPLimit: -1}, {Window: -time.Second}} {
		if _, err := security.NewThrottle(cfg); err == nil {
			t.Errorf("NewThrottle(%+v) accepts a negative value", cfg)
		}
	}
}

// BenchmarkThrottleCheck measures Check on a SQLite session storage, for a
// username and address nobody failed for and for a username with a failure
// counted: one GetMany of both counts either way.
//
//	go test ./views/security/ -run '^$' -bench ThrottleCheck -benchmem -count 6
func BenchmarkThrottleCheck(b *testing.B) {
	st := openSQLite(b)
	th, err := security.NewThrottle(security.ThrottleConfig{Storage: st})
	if err != nil {
		b.Fatal(err)
	}
	c := newCtx(b, req{method: "POST"})
	if err := th.Fail(c, "mallory", "192.0.2.66"); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, user, ip string }{
		{"nobody-failed", "alice", "192.0.2.1"},
		{"username-failed", "mallory", "192.0.2.1"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := th.Check(c, bc.user, bc.ip); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
