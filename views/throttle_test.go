package views_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/internal/redistest"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/session/redisstore"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// TestLoginThrottle runs the throttle through two apps ("servers") sharing
// one session storage — a SQLite file, and a redis-server — so that counts
// made on one are seen by the other.
func TestLoginThrottle(t *testing.T) {
	t.Run("one SQLite file", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "sessions.sqlite3")
		throttleScenarios(t, func(t *testing.T) (*session.Manager, *session.Manager) {
			return openManager(t, session.Config{Database: db}), openManager(t, session.Config{Database: db})
		})
	})
	t.Run("one redis-server", func(t *testing.T) {
		addr := redistest.Addr(t)
		throttleScenarios(t, func(t *testing.T) (*session.Manager, *session.Manager) {
			open := func() *session.Manager {
				st, err := redisstore.Open(addr)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = st.Close() })
				return openManager(t, session.Config{Storage: st})
			}
			return open(), open()
		})
	})
}

func openManager(t *testing.T, cfg session.Config) *session.Manager {
	t.Helper()
	m, err := session.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// throttleScenarios: each scenario gets two fresh apps on a shared storage
// (its counts from earlier scenarios are cleared by distinct usernames and
// addresses: the peer is 0.0.0.0 under app.Test, so IP scenarios use a
// trusted X-Forwarded-For).
func throttleScenarios(t *testing.T, managers func(t *testing.T) (*session.Manager, *session.Manager)) {
	var calls atomic.Int32
	var lockMu sync.Mutex
	var lockouts []security.Lockout
	auth := func(c *fiber.Ctx, username, password string) (string, error) {
		calls.Add(1)
		if strings.HasPrefix(username, "alice") && password == "right" {
			return "1", nil
		}
		return "", views.ErrInvalidCredentials
	}
	// Each run counts under keys of its own, so that a rerun against the same
	// Redis (-count=2, FIBERVIEWS_REDIS_ADDR) does not find this run's counts.
	runPrefix := fmt.Sprintf("throttle-test-%d:", time.Now().UnixNano())
	// Both servers' throttles run on this clock (Unix milliseconds): a
	// scenario waits out a window by advancing it, without sleeping.
	var clock atomic.Int64
	clock.Store(time.Now().UnixMilli())
	now := func() time.Time { return time.UnixMilli(clock.Load()) }
	advance := func(d time.Duration) { clock.Add(d.Milliseconds()) }
	newApps := func(t *testing.T, tc security.ThrottleConfig) [2]*fiber.App {
		if tc.KeyPrefix == "" {
			tc.KeyPrefix = runPrefix
		}
		tc.Now = now
		tc.OnLockout = func(c *fiber.Ctx, l security.Lockout) {
			lockMu.Lock()
			lockouts = append(lockouts, l)
			lockMu.Unlock()
		}
		a, b := managers(t)
		cfg := views.Config{Authenticate: auth, LoginThrottle: tc, Logger: discard(),
			Proxy: security.ProxyConfig{IPHeader: "X-Forwarded-For"}}
		login := views.Path("login/", &views.LoginView{NextPage: "/home/"})
		return [2]*fiber.App{newApp(t, appOptions{cfg: cfg, manager: a, patterns: []urls.Pattern{login}}),
			newApp(t, appOptions{cfg: cfg, manager: b, patterns: []urls.Pattern{login}})}
	}
	// try posts a login on apps[i%2], from the address ip, and reports the
	// answer and whether Authenticate ran.
	try := func(t *testing.T, apps [2]*fiber.App, i int, ip, username, password string) (response, bool) {
		t.Helper()
		cl := newClient(t, apps[i%2])
		token := cl.do("GET", "/_token", nil).body
		before := calls.Load()
		r := cl.do("POST", "/login/", form("csrfmiddlewaretoken", token, "username", username, "password", password), "X-Forwarded-For", ip)
		return r, calls.Load() != before
	}
	refused := func(t *testing.T, r response, called bool) {
		t.Helper()
		if r.status != 200 || !strings.Contains(r.body, throttledMessage) || called || r.header.Get("Retry-After") == "" {
			t.Fatalf("%d, Authenticate called %v, Retry-After %q; want the form with ThrottledMessage, no Authenticate:\n%s",
				r.status, called, r.header.Get("Retry-After"), r.body)
		}
	}

	t.Run("a username over the limit is refused on both servers, known or not, alike", func(t *testing.T) {
		apps := newApps(t, security.ThrottleConfig{Limit: 3})
		lockMu.Lock()
		lockouts = nil
		lockMu.Unlock()
		pages := map[string]string{}
		for _, user := range []string{"alice", "mallory"} {
			for i := range 3 {
				if r, called := try(t, apps, i, "192.0.2.1", user, "wrong"); !called || !strings.Contains(r.body, "Please enter a correct username") {
					t.Fatalf("failure %d of %s: Authenticate called %v:\n%s", i+1, user, called, r.body)
				}
			}
			r, called := try(t, apps, 3, "192.0.2.2", user, "right") // another address: the username's count
			refused(t, r, called)
			pages[user] = strings.ReplaceAll(tokenRe.ReplaceAllString(r.body, ""), user, "USER")
		}
		if pages["alice"] != pages["mallory"] {
			t.Errorf("the refusal of a user that exists and of one that does not differ:\n%s\n---\n%s", pages["alice"], pages["mallory"])
		}
		lockMu.Lock()
		defer lockMu.Unlock()
		if len(lockouts) != 2 || lockouts[0].Username != "alice" || lockouts[1].Username != "mallory" || lockouts[0].ByIP ||
			!lockouts[0].Until.Equal(now().Add(security.DefaultThrottleWindow)) {
			t.Errorf("lockouts %+v, want one for alice and one for mallory, by username, until a window from now", lockouts)
		}
	})
	t.Run("failures on one server lock the username on the other at once", func(t *testing.T) {
		apps := newApps(t, security.ThrottleConfig{Limit: 3})
		for range 3 {
			try(t, apps, 0, "192.0.2.20", "alice-7", "wrong")
		}
		r, called := try(t, apps, 1, "192.0.2.21", "alice-7", "right")
		refused(t, r, called)
	})
	t.Run("a success on the other server clears the count", func(t *testing.T) {
		apps := newApps(t, security.ThrottleConfig{Limit: 3})
		for range 2 {
			try(t, apps, 0, "192.0.2.22", "alice-8", "wrong")
		}
		if r, _ := try(t, apps, 1, "192.0.2.22", "alice-8", "right"); r.status != 302 {
			t.Fatalf("the login after two failures: %d", r.status)
		}
		for range 2 {
			try(t, apps, 0, "192.0.2.22", "alice-8", "wrong")
		}
		if r, _ := try(t, apps, 0, "192.0.2.22", "alice-8", "right"); r.status != 302 {
			t.Fatalf("two failures after the success were counted with the two before it: %d", r.status)
		}
	})
	t.Run("success clears the username's count", func(t *testing.T) {
		apps := newApps(t, security.ThrottleConfig{Limit: 3})
		for round := range 3 {
			for i := range 2 {
				try(t, apps, i, "192.0.2.3", "alice-2", "wrong")
			}
			if r, _ := try(t, apps, round, "192.0.2.3", "alice-2", "right"); r.status != 302 {
				t.Fatalf("round %d: the login after two failures: %d", round, r.status)
			}
		}
	})
	t.Run("a client address over its limit, whatever the usernames", func(t *testing.T) {
		apps := newApps(t, security.ThrottleConfig{IPLimit: 3})
		for i := range 3 {
			try(t, apps, i, "198.51.100.7", "user"+strconv.Itoa(i), "wrong")
		}
		r, called := try(t, apps, 1, "198.51.100.7", "alice-3", "right")
		refused(t, r, called)
		if r, _ := try(t, apps, 0, "198.51.100.8", "alice-3", "right"); r.status != 302 {
			t.Errorf("another address: %d, want 302", r.status)
		}
	})
	t.Run("counts expire at the window's end, which Retry-After announces", func(t *testing.T) {
		apps := newApps(t, security.ThrottleConfig{Limit: 2, Window: time.Minute})
		try(t, apps, 0, "192.0.2.9", "alice-4", "wrong")
		advance(10 * time.Second)
		try(t, apps, 1, "192.0.2.9", "alice-4", "wrong")
		for _, step := range []struct {
			advance    time.Duration
			retryAfter string // "" once accepted
		}{
			{0, "50"},
			{49*time.Second + 500*time.Millisecond, "1"}, // rounded up
			{499 * time.Millisecond, "1"},
			{time.Millisecond, ""},
		} {
			advance(step.advance)
			r, called := try(t, apps, 0, "192.0.2.9", "alice-4", "right")
			if step.retryAfter == "" {
				if r.status != 302 {
					t.Errorf("at the window's end: %d, want 302", r.status)
				}
				continue
			}
			refused(t, r, called)
			if got := r.header.Get("Retry-After"); got != step.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, step.retryAfter)
			}
		}
	})
	t.Run("concurrent failures on both servers all count", func(t *testing.T) {
		apps := newApps(t, security.ThrottleConfig{Limit: 8})
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() { try(t, apps, i, "192.0.2.11", "alice-6", "wrong") })
		}
		wg.Wait()
		r, called := try(t, apps, 0, "192.0.2.11", "alice-6", "right")
		refused(t, r, called)
	})
	t.Run("Off", func(t *testing.T) {
		apps := newApps(t, security.ThrottleConfig{Off: true, Limit: 1})
		for i := range 3 {
			if _, called := try(t, apps, i, "192.0.2.10", "alice-5", "wrong"); !called {
				t.Fatal("Authenticate not called with the throttle off")
			}
		}
	})
}
