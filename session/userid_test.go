package session

import (
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestLoginUserIDs: Login stores any non-empty UTF-8 id up to MaxUserIDLen bytes exactly, and refuses
// the others before it touches anything: an id JSON cannot hold would load back as another id (with
// U+FFFD in place of the invalid bytes) while its sessions are indexed under the original one.
func TestLoginUserIDs(t *testing.T) {
	var hashed atomic.Int64
	m := newManager(t, Config{AuthHash: func(string) (string, error) { hashed.Add(1); return "h", nil }})
	app := newTestApp(m)
	var ids []string
	var lastErr error
	app.Post("/login-id", func(c *fiber.Ctx) error {
		i, _ := strconv.Atoi(c.Query("i"))
		lastErr = Login(c, ids[i])
		if lastErr != nil {
			return c.SendString("refused")
		}
		return c.SendString("in")
	})
	login := func(cl *client, id string) string {
		t.Helper()
		ids = append(ids, id)
		return cl.must("POST", "/login-id?i="+strconv.Itoa(len(ids)-1))
	}

	t.Run("valid ids round-trip", func(t *testing.T) {
		for _, id := range []string{
			"42", "José", "用户", "with space", "tab\there", "nul\x00byte", "\u2028",
			strings.Repeat("a", MaxUserIDLen),
			strings.Repeat("é", MaxUserIDLen/2), // 2 bytes each: exactly the limit
		} {
			cl := newClient(t, app)
			if got := login(cl, id); got != "in" {
				t.Fatalf("Login(%.40q): %v", id, lastErr)
			}
			if got := cl.must("GET", "/read"); got != "user="+id+" n=0" {
				t.Fatalf("Login(%q) loads as %q", id, got)
			}
			infos, err := m.UserSessions(id)
			if err != nil || len(infos) != 1 {
				t.Fatalf("Sessions(%q): %d sessions, %v", id, len(infos), err)
			}
			if err := m.LogoutAll(id); err != nil {
				t.Fatalf("LogoutAll(%q): %v", id, err)
			}
			if got := cl.must("GET", "/read"); got != "user= n=0" {
				t.Fatalf("after LogoutAll(%q): %q", id, got)
			}
		}
	})

	invalid := []struct {
		name, id, msg string
	}{
		{"invalid byte", "alice\xff", "not valid UTF-8 (byte 0xff at offset 5)"},
		{"truncated rune", "ab\xc3", "not valid UTF-8 (byte 0xc3 at offset 2)"},
		{"surrogate", "\xed\xa0\x80", "not valid UTF-8 (byte 0xed at offset 0)"},
		{"latin-1", "Jos\xe9", "not valid UTF-8 (byte 0xe9 at offset 3)"},
		{"too long", strings.Repeat("a", MaxUserIDLen+1), "257 bytes long, the limit is 256"},
		{"too long in runes", strings.Repeat("é", MaxUserIDLen/2+1), "258 bytes long"},
	}
	for _, tc := range invalid {
		t.Run("login refuses "+tc.name, func(t *testing.T) {
			if err := m.LogoutAll("alice"); err != nil {
				t.Fatal(err)
			}
			cl := newClient(t, app)
			login(cl, "alice")
			before := cl.cookie
			hashed.Store(0)
			if got := login(cl, tc.id); got != "refused" {
				t.Fatalf("Login accepted %.40q", tc.id)
			}
			if !errors.Is(lastErr, ErrInvalidUserID) {
				t.Fatalf("error %v does not wrap ErrInvalidUserID", lastErr)
			}
			if msg := lastErr.Error(); !strings.Contains(msg, tc.msg) || !strings.HasPrefix(msg, "session: invalid user id: ") {
				t.Fatalf("error %q, want it to say %q", msg, tc.msg)
			}
			if hashed.Load() != 0 {
				t.Fatalf("AuthHash called for a refused id")
			}
			if cl.cookie != before || cl.must("GET", "/read") != "user=alice n=0" {
				t.Fatalf("the session changed: %q", cl.must("GET", "/read"))
			}
			if infos, err := m.UserSessions("alice"); err != nil || len(infos) != 1 {
				t.Fatalf("alice's sessions: %d, %v", len(infos), err)
			}
		})
	}

	t.Run("manager functions refuse them too", func(t *testing.T) {
		for _, tc := range append(invalid, struct{ name, id, msg string }{"empty", "", "empty user id"}) {
			want := ErrInvalidUserID
			if tc.id == "" {
				want = ErrEmptyUserID
			}
			if _, err := m.UserSessions(tc.id); !errors.Is(err, want) {
				t.Errorf("Sessions(%s): %v, want %v", tc.name, err, want)
			}
			if err := m.LogoutAll(tc.id); !errors.Is(err, want) {
				t.Errorf("LogoutAll(%s): %v, want %v", tc.name, err, want)
			}
			if err := m.LogoutUserSession(tc.id, "0123456789abcdef"); !errors.Is(err, want) {
				t.Errorf("LogoutUserSession(%s): %v, want %v", tc.name, err, want)
			}
		}
	})
}
