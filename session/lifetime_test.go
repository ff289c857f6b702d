package session

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestMaxLifetime: a logged-in session kept busy (every request modifies it, and touches renew its
// idle expiry) still ends MaxLifetime after Login; its cookie and storage expiry never reach past
// that; CycleKey keeps the login time, a new Login starts it again.
func TestMaxLifetime(t *testing.T) {
	m := newManager(t, Config{MaxLifetime: time.Hour, TouchInterval: time.Minute})
	var clock atomic.Int64
	clock.Store(time.Now().Unix())
	m.now = func() time.Time { return time.Unix(clock.Load(), 0) }
	advance := func(d time.Duration) { clock.Add(int64(d / time.Second)) }
	st := m.Storage().(*SQLiteStorage)
	app := newTestApp(m)
	cl := newClient(t, app)
	cl.must("POST", "/login?u=ann")
	login := clock.Load()
	steps := []struct {
		after  time.Duration
		method string
		path   string
		user   string // "" once the lifetime is over
		maxAge int    // the cookie's Max-Age, when set
	}{
		{20 * time.Minute, "POST", "/inc", "ann", 40 * 60},
		{20 * time.Minute, "POST", "/cycle", "ann", 20 * 60},
		{19 * time.Minute, "POST", "/inc", "ann", 60},
		{2 * time.Minute, "GET", "/read", "", -1}, // over: the cookie is removed
	}
	for i, step := range steps {
		advance(step.after)
		r := cl.do(step.method, step.path)
		if r.status != 200 {
			t.Fatalf("step %d: %s %s: %d %q", i, step.method, step.path, r.status, r.body)
		}
		if ck, _, ok := r.sessionCookie(DefaultCookieName); !ok || ck.MaxAge != step.maxAge {
			t.Errorf("step %d: session cookie %+v, want Max-Age %d", i, ck, step.maxAge)
		}
		if got := cl.must("GET", "/read"); !strings.HasPrefix(got, "user="+step.user+" ") {
			t.Errorf("step %d: %q, want user %q", i, got, step.user)
		}
		if step.user != "" {
			var e int64
			if err := st.DB().QueryRow(`SELECT e FROM `+st.Table()+` WHERE k = ?`, DefaultKeyPrefix+cl.cookie).Scan(&e); err != nil || e > login+3600 {
				t.Errorf("step %d: storage expiry %d (%v) past the lifetime's end %d", i, e, err, login+3600)
			}
		}
	}
	cl.must("POST", "/login?u=ann")
	advance(59 * time.Minute)
	if got := cl.must("GET", "/read"); got != "user=ann n=0" {
		t.Errorf("a new login starts a new lifetime: %q", got)
	}
	t.Run("none", func(t *testing.T) {
		m := newManager(t, Config{MaxLifetime: -1})
		m.now = func() time.Time { return time.Unix(clock.Load(), 0) }
		cl := newClient(t, newTestApp(m))
		cl.must("POST", "/login?u=bob")
		for range 5 {
			advance(10 * 24 * time.Hour)
			cl.must("POST", "/inc")
		}
		if got := cl.must("GET", "/read"); got != "user=bob n=5" {
			t.Errorf("without a lifetime, after 50 busy days: %q", got)
		}
	})
}
