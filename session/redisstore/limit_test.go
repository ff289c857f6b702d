package redisstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/internal/redistest"
	"github.com/fiberviews/fiberviews/session"
	"github.com/redis/go-redis/v9"
)

// commandLog records the names of the commands a go-redis client sends, pipelines included.
type commandLog struct {
	mu    sync.Mutex
	names []string
}

func (l *commandLog) add(cmds ...redis.Cmder) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range cmds {
		l.names = append(l.names, strings.ToLower(c.Name()))
	}
}

func (l *commandLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	names := l.names
	l.names = nil
	return names
}

func (l *commandLog) DialHook(next redis.DialHook) redis.DialHook { return next }

func (l *commandLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { l.add(cmd); return next(ctx, cmd) }
}

func (l *commandLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { l.add(cmds...); return next(ctx, cmds) }
}

// TestRedisMaxSessionsPerUser: two apps on one redis-server; logins beyond MaxSessionsPerUser log
// out the user's oldest sessions wherever they were made, and a login below the limit reads nothing
// back from Redis (its index is appended to, never read).
func TestRedisMaxSessionsPerUser(t *testing.T) {
	addr := redistest.Addr(t)
	prefix := uniquePrefix()
	stA := openTestRedis(t, addr)
	log := &commandLog{}
	stA.Client().AddHook(log)
	mA := newManager(t, session.Config{Storage: stA, KeyPrefix: prefix, MaxSessionsPerUser: 3})
	mB := newManager(t, session.Config{Storage: openTestRedis(t, addr), KeyPrefix: prefix, MaxSessionsPerUser: 3})
	for _, m := range []*session.Manager{mA, mB} { // each reads the user-tag secret once
		newClient(t, newTestApp(m)).must("POST", "/login?u=warm")
	}
	apps := []*client{}
	for i := range 5 {
		app := newTestApp(map[bool]*session.Manager{true: mA, false: mB}[i%2 == 0])
		cl := newClient(t, app)
		log.take()
		cl.must("POST", "/login?u=fay")
		if i < 3 { // below the limit
			for _, name := range log.take() {
				if name == "get" || name == "mget" {
					t.Errorf("login %d below the limit read from Redis: %v", i, name)
				}
			}
		}
		apps = append(apps, cl)
	}
	for i, cl := range apps {
		want := map[bool]string{true: "user= n=0", false: "user=fay n=0"}[i < 2]
		if got := cl.must("GET", "/read"); got != want {
			t.Errorf("session %d: %q, want %q", i, got, want)
		}
	}
	if infos, err := mB.UserSessions("fay"); err != nil || len(infos) != 3 {
		t.Errorf("fay has %d sessions (%v), want 3", len(infos), err)
	}
}

// TestRedisMaxLifetime: on Redis a busy logged-in session ends MaxLifetime after Login, and its
// key expires by itself then (its TTL never reaches past the lifetime's end).
func TestRedisMaxLifetime(t *testing.T) {
	addr := redistest.Addr(t)
	prefix := uniquePrefix()
	st := openTestRedis(t, addr)
	m := newManager(t, session.Config{Storage: st, KeyPrefix: prefix, MaxLifetime: 2 * time.Second, TouchInterval: time.Millisecond})
	cl := newClient(t, newTestApp(m))
	// The lifetime counts from the login's second (records keep Unix seconds): end is its earliest.
	end := time.Unix(time.Now().Unix(), 0).Add(2 * time.Second)
	cl.must("POST", "/login?u=gus")
	for time.Until(end) > 300*time.Millisecond {
		cl.must("POST", "/inc")
		ttl, err := st.Client().PTTL(context.Background(), prefix+cl.cookie).Result()
		if err != nil || ttl <= 0 || ttl > time.Until(end)+time.Second {
			t.Fatalf("TTL %v (%v) with %v of the lifetime left", ttl, err, time.Until(end))
		}
		if got := cl.must("GET", "/read"); !strings.HasPrefix(got, "user=gus ") {
			t.Fatalf("within the lifetime: %q", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Until(end) + 2100*time.Millisecond) // the login's second, and expiries rounded up
	if got := cl.must("GET", "/read"); got != "user= n=0" {
		t.Errorf("after the lifetime: %q, want anonymous", got)
	}
	if n, err := st.Client().Exists(context.Background(), prefix+cl.cookie).Result(); err != nil || n != 0 {
		t.Errorf("the key still exists (%d, %v)", n, err)
	}
}
