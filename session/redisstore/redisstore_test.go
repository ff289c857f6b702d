package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fiberviews/fiberviews/internal/redistest"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/session/redisstore"
	"github.com/gofiber/fiber/v2"
	fiberredis "github.com/gofiber/storage/redis/v3"
)

// uniquePrefix isolates a test's keys in a shared Redis.
func uniquePrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "fvtest-" + hex.EncodeToString(b[:]) + ":"
}

func openTestRedis(t *testing.T, addr string) *redisstore.Storage {
	t.Helper()
	st, err := redisstore.Open(addr)
	if err != nil {
		t.Fatalf("Open(%q): %v", addr, err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// TestRedisTwoApps: two separate Fiber apps ("servers"), each with its own Manager and Redis
// connection, share sessions through one redis-server.
func TestRedisTwoApps(t *testing.T) {
	addr := redistest.Addr(t)
	prefix := uniquePrefix()
	mA := newManager(t, session.Config{Storage: openTestRedis(t, addr), KeyPrefix: prefix})
	mB := newManager(t, session.Config{Storage: openTestRedis(t, addr), KeyPrefix: prefix})
	appA, appB := newTestApp(mA), newTestApp(mB)

	first := newClient(t, appA)
	first.must("POST", "/login?u=erin")
	first.must("POST", "/inc")
	// The same cookie works on the other server.
	onB := newClient(t, appB)
	onB.cookie = first.cookie
	if got := onB.must("GET", "/read"); got != "user=erin n=1" {
		t.Fatalf("session not shared: %q", got)
	}

	second := newClient(t, appB)
	second.must("POST", "/login?u=erin")
	if n, err := mB.UserSessions("erin"); err != nil || len(n) != 2 {
		t.Fatalf("%d sessions (%v), want 2", len(n), err)
	}

	t.Run("log out everywhere else from the other app", func(t *testing.T) {
		second.must("POST", "/others")
		if got := first.must("GET", "/read"); got != "user= n=0" {
			t.Fatalf("first app after LogoutOthers on the second: %q, want anonymous", got)
		}
		if got := second.must("GET", "/read"); got != "user=erin n=0" {
			t.Fatalf("second client: %q", got)
		}
	})
	t.Run("admin logout all", func(t *testing.T) {
		again := newClient(t, appA)
		again.must("POST", "/login?u=erin")
		if err := mB.LogoutAll("erin"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*client{again, second} {
			if got := c.must("GET", "/read"); got != "user= n=0" {
				t.Fatalf("after LogoutAll: %q", got)
			}
		}
		if n, _ := mA.UserSessions("erin"); len(n) != 0 {
			t.Fatalf("%d sessions left", len(n))
		}
	})
	t.Run("expiry is set on session keys, not on the index", func(t *testing.T) {
		c := newClient(t, appA)
		c.must("POST", "/login?u=frank")
		st := mA.Storage().(*redisstore.Storage)
		ctx := context.Background()
		ttl, err := st.Client().TTL(ctx, prefix+c.cookie).Result()
		if err != nil || ttl <= 0 || ttl > session.DefaultMaxAge {
			t.Fatalf("session TTL %v (%v)", ttl, err)
		}
		indexes, err := st.Client().Keys(ctx, prefix+"user:*").Result()
		if err != nil || len(indexes) == 0 {
			t.Fatalf("no per-user index under %q (%v)", prefix+"user:", err)
		}
		for _, k := range indexes {
			if ttl, err := st.Client().TTL(ctx, k).Result(); err != nil || ttl != -1 {
				t.Fatalf("index %q TTL %v (%v), want none (-1)", k, ttl, err)
			}
		}
	})
	t.Run("concurrent logins on both apps", func(t *testing.T) {
		const logins = 24
		cookies := make([]string, logins)
		apps := []*fiber.App{appA, appB}
		var wg sync.WaitGroup
		for i := range logins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cl := newClient(t, apps[i%2])
				if r := cl.do("POST", "/login?u=gina"); r.status != 200 {
					t.Errorf("login: %d %q", r.status, r.body)
				}
				cookies[i] = cl.cookie
			}()
		}
		wg.Wait()
		if n, err := mA.UserSessions("gina"); err != nil || len(n) != logins {
			t.Fatalf("%d sessions indexed (%v), want %d: lost index updates", len(n), err, logins)
		}
		if err := mA.LogoutAll("gina"); err != nil {
			t.Fatal(err)
		}
		for _, ck := range cookies {
			if _, ok := userOfCookie(t, mB, ck); ok {
				t.Fatal("a session survived LogoutAll")
			}
		}
	})
	t.Run("a save after a logout elsewhere does not resurrect", func(t *testing.T) {
		c := newClient(t, appA)
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
		slow := newClient(t, app)
		done := make(chan struct{})
		go func() { defer close(done); slow.raw("POST", "/", c.cookie) }()
		<-loaded
		if err := mB.LogoutAll("hank"); err != nil {
			t.Fatal(err)
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
}

// TestWrap: a plain *redis.Storage is refused by session.New (it would lose the atomic steps) and
// works once wrapped.
func TestWrap(t *testing.T) {
	addr := redistest.Addr(t)
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	plain := fiberredis.New(fiberredis.Config{Host: host, Port: p})
	defer plain.Close()
	if _, err := session.New(session.Config{Storage: plain}); !errors.Is(err, session.ErrConfig) || !strings.Contains(err.Error(), "redisstore.Wrap") {
		t.Fatalf("New with a bare *redis.Storage: %v, want ErrConfig naming redisstore.Wrap", err)
	}
	m := newManager(t, session.Config{Storage: redisstore.Wrap(plain), KeyPrefix: uniquePrefix()})
	cl := newClient(t, newTestApp(m))
	cl.must("POST", "/login?u=ivy")
	if got := cl.must("GET", "/read"); got != "user=ivy n=0" {
		t.Fatalf("got %q", got)
	}
	if infos, err := m.UserSessions("ivy"); err != nil || len(infos) != 1 {
		t.Fatalf("%d sessions (%v), want 1", len(infos), err)
	}
}

func TestOpenErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	_ = ln.Close()
	cases := []struct {
		addr string
		want error
	}{
		{"", session.ErrConfig},
		{"redis://%zz", session.ErrConfig},
		{"mysql://localhost", session.ErrConfig},
		{closed, session.ErrStorage},
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			st, err := redisstore.Open(tc.addr)
			if err == nil {
				_ = st.Close()
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("%v does not wrap %v", err, tc.want)
			}
		})
	}
}
