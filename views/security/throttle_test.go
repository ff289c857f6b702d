package security_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// memStorage is a fiber.Storage in a map, with expiry and without atomic
// updates: the Throttle's fallback path.
type memStorage struct {
	mu sync.Mutex
	m  map[string][]byte
	e  map[string]time.Time
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

func TestThrottle(t *testing.T) {
	st := &memStorage{m: map[string][]byte{}, e: map[string]time.Time{}}
	var locked []security.Lockout
	th, err := security.NewThrottle(security.ThrottleConfig{Limit: 2, IPLimit: 3, Storage: st,
		OnLockout: func(_ *fiber.Ctx, l security.Lockout) { locked = append(locked, l) }})
	if err != nil {
		t.Fatal(err)
	}
	c := newCtx(t, req{method: "POST"})
	long := strings.Repeat("é", 75) // 150 bytes, the longest username LoginView passes
	steps := []struct {
		do       string // "check" or "fail" or "ok"
		user, ip string
		want     error
	}{
		{"check", long, "192.0.2.1", nil},
		{"fail", long, "192.0.2.1", nil},
		{"fail", strings.ToUpper(long), "192.0.2.1", nil}, // case-folded: the same count
		{"check", long, "192.0.2.2", security.ErrThrottled},
		{"check", "bob", "192.0.2.1", nil},
		{"fail", "bob", "192.0.2.1", nil}, // the address's third
		{"check", "carol", "192.0.2.1", security.ErrThrottled},
		{"check", "carol", "192.0.2.9", nil},
	}
	for i, s := range steps {
		var err error
		switch s.do {
		case "check":
			err = th.Check(c, s.user, s.ip)
		case "fail":
			err = th.Fail(c, s.user, s.ip)
		}
		if !errors.Is(err, s.want) {
			t.Fatalf("step %d %s(%.10q, %s) = %v, want %v", i, s.do, s.user, s.ip, err, s.want)
		}
	}
	var tr *security.Throttled
	if err := th.Check(c, long, "192.0.2.2"); !errors.As(err, &tr) || time.Until(tr.Until) <= 0 || time.Until(tr.Until) > security.DefaultThrottleWindow+time.Second {
		t.Errorf("Check = %v, want a *Throttled until the window's end", err)
	}
	if len(locked) != 2 || locked[0].ByIP || !locked[1].ByIP {
		t.Errorf("lockouts %+v, want the username's, then the address's", locked)
	}
	for k := range st.m {
		if len(k) > 64 || strings.Contains(k, "é") || strings.Contains(strings.ToLower(k), "bob") {
			t.Errorf("storage key %q: want a short hash, no username", k)
		}
	}
	if err := th.Succeed(c, long); err != nil {
		t.Fatal(err)
	}
	if err := th.Check(c, long, "192.0.2.2"); err != nil {
		t.Errorf("after Succeed: %v, want nil", err)
	}
	if _, err := security.NewThrottle(security.ThrottleConfig{Limit: -1}); err == nil {
		t.Error("NewThrottle accepts a negative Limit")
	}
}
