package session

import (
	"cmp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestMaxSessionsPerUser: a login beyond the limit logs out the user's oldest sessions, on every
// storage surface; the other users' sessions and the newest ones stay.
func TestMaxSessionsPerUser(t *testing.T) {
	for _, surface := range []int{-1, fullSurface, appenderSurface, updaterSurface, plainSurface} {
		t.Run(cmp.Or(surfaceNames[surface], "SQLiteStorage"), func(t *testing.T) {
			var st fiber.Storage = openTestSQLite(t) // counted by COUNT(*), not scanned
			var cs *countingStore
			if surface >= 0 {
				st, cs = newCounted(t, surface)
			}
			m := newManager(t, Config{Storage: st, MaxSessionsPerUser: 3})
			var clock atomic.Int64
			clock.Store(time.Now().Unix())
			m.now = func() time.Time { return time.Unix(clock.Add(1), 0) } // every login a second later
			app := newTestApp(m)
			other := newClient(t, app)
			other.must("POST", "/login?u=bob")
			clients := make([]*client, 6)
			for i := range clients {
				clients[i] = newClient(t, app)
				if i%2 == 1 {
					clients[i].must("POST", "/inc") // a login from a session with a row: n carried over
				}
				var scans int64
				if cs != nil {
					scans = cs.n("ScanPrefix")
				}
				clients[i].must("POST", "/login?u=ann")
				if cs != nil && surface == fullSurface && i >= 3 {
					// One scan to count ann's sessions, one to list them for trimming; no more.
					if n := cs.n("ScanPrefix") - scans; n > 2 {
						t.Errorf("login %d, over the limit: %d scans of the user's sessions, want at most 2", i, n)
					}
				}
			}
			for i, cl := range clients {
				want := "user=ann n=" + strconv.Itoa(i%2)
				if i < 3 {
					want = "user= n=0" // the three oldest were logged out
				}
				if got := cl.must("GET", "/read"); got != want {
					t.Errorf("client %d: %q, want %q", i, got, want)
				}
			}
			if infos, err := m.UserSessions("ann"); err != nil || len(infos) != 3 {
				t.Errorf("ann has %d sessions (%v), want 3", len(infos), err)
			}
			if got := other.must("GET", "/read"); got != "user=bob n=0" {
				t.Errorf("another user's session: %q", got)
			}
		})
	}
	t.Run("no limit", func(t *testing.T) {
		m := newManager(t, Config{MaxSessionsPerUser: -1})
		app := newTestApp(m)
		for range 5 {
			newClient(t, app).must("POST", "/login?u=ann")
		}
		if infos, err := m.UserSessions("ann"); err != nil || len(infos) != 5 {
			t.Errorf("ann has %d sessions (%v), want 5", len(infos), err)
		}
	})
}
