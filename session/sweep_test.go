package session

import (
	"bytes"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// countRows returns the rows of st's table (the user-tag secret's is one), and how many of them have
// expired.
func countRows(t testing.TB, st *SQLiteStorage) (all, expired int) {
	t.Helper()
	err := st.DB().QueryRow(`SELECT COUNT(*), COUNT(CASE WHEN e > 0 AND e <= ? THEN 1 END) FROM `+st.Table(), time.Now().Unix()).Scan(&all, &expired)
	if err != nil {
		t.Fatal(err)
	}
	return all, expired
}

// TestSweepUnderLoad sweeps 20,000 expired sessions while clients log in and out through a real
// Fiber app on the same file: every request succeeds, the expired rows go (and only they), the sweep
// works in bounded batches, and the freed pages are given back to the file system.
func TestSweepUnderLoad(t *testing.T) {
	const expired, live = 20000, 200
	m := newManager(t, Config{SQLite: SQLiteOptions{GCInterval: time.Hour}})
	st := m.Storage().(*SQLiteStorage)
	fillSessions(t, m, "gone", expired, 3, true)
	fillSessions(t, m, "kept", live, 2, false)
	if all, exp := countRows(t, st); all != expired+live+1 || exp != expired {
		t.Fatalf("filled %d rows, %d expired", all, exp)
	}
	app := newTestApp(m)

	var (
		swept    int
		sweepErr error
		done     = make(chan struct{})
		requests atomic.Int64
		wg       sync.WaitGroup
	)
	go func() {
		defer close(done)
		swept, sweepErr = st.Sweep()
	}()
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := newClient(t, app)
			for i := 0; ; i++ {
				select {
				case <-done:
					if i > 0 {
						return
					}
				default:
				}
				for _, path := range []string{"/login?u=w" + strconv.Itoa(w), "/inc", "/logout"} {
					if r := cl.do("POST", path); r.status != http.StatusOK {
						t.Errorf("POST %s during the sweep: %d %q", path, r.status, r.body)
						return
					}
					requests.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if sweepErr != nil || swept != expired {
		t.Fatalf("Sweep swept %d rows (%v), want %d", swept, sweepErr, expired)
	}
	if all, exp := countRows(t, st); all != live+1 || exp != 0 {
		t.Errorf("after the sweep: %d rows, %d expired; want the %d live ones", all, exp, live)
	}
	stats := st.Stats()
	if stats.Swept != expired || stats.SweepBatches < expired/DefaultSQLiteSweepBatch {
		t.Errorf("stats %+v: want %d rows in batches of at most %d", stats, expired, DefaultSQLiteSweepBatch)
	}
	var free int
	if err := st.DB().QueryRow(`PRAGMA freelist_count`).Scan(&free); err != nil || free != 0 {
		t.Errorf("%d free pages left in the file (%v): the sweep did not give them back", free, err)
	}
	t.Logf("%d requests during the sweep, %+v", requests.Load(), stats)
}

// TestSweepBatchBound checks each sweep transaction against SweepBatch on a small batch size.
func TestSweepBatchBound(t *testing.T) {
	cases := []struct{ rows, batch, batches int }{{0, 10, 1}, {9, 10, 1}, {10, 10, 2}, {95, 10, 10}}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.rows)+"/"+strconv.Itoa(tc.batch), func(t *testing.T) {
			m := newManager(t, Config{SQLite: SQLiteOptions{GCInterval: time.Hour, SweepBatch: tc.batch}})
			st := m.Storage().(*SQLiteStorage)
			fillSessions(t, m, "u", tc.rows, 1, true)
			fillSessions(t, m, "v", 3, 1, false)
			n, err := st.Sweep()
			if err != nil || n != tc.rows {
				t.Fatalf("swept %d (%v), want %d", n, err, tc.rows)
			}
			if got := st.Stats().SweepBatches; got != int64(tc.batches) {
				t.Errorf("%d transactions, want %d (at most %d rows each)", got, tc.batches, tc.batch)
			}
			if all, _ := countRows(t, st); all != 3+1 {
				t.Errorf("%d rows left, want the 3 live ones and the secret", all)
			}
		})
	}
}

// TestSweeperRunsByItself: with a short GCInterval the storage sweeps without being asked, more
// than once, and Close stops it.
func TestSweeperRunsByItself(t *testing.T) {
	m := newManager(t, Config{SQLite: SQLiteOptions{GCInterval: 50 * time.Millisecond}})
	st := m.Storage().(*SQLiteStorage)
	for round := range 2 {
		fillSessions(t, m, "r"+strconv.Itoa(round), 100, 1, true)
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, exp := countRows(t, st); exp == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: expired rows still there after 10s", round)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Sweep(); !errors.Is(err, ErrClosed) {
		t.Errorf("Sweep after Close: %v, want ErrClosed", err)
	}
}

// TestWriteDeadline: a write that cannot get the file in time fails fast with ErrBusy (counted),
// and a Fiber app answers it 503, not 500 and not after a long hang; both when this process's write
// turn is held and when another process holds SQLite's write lock.
func TestWriteDeadline(t *testing.T) {
	cases := []struct {
		name string
		hold func(t *testing.T, st *SQLiteStorage, path string) (release func())
	}{
		{"this process's queue", func(t *testing.T, st *SQLiteStorage, _ string) func() {
			st.wsem <- struct{}{} // a long write of this process, such as Vacuum
			return func() { <-st.wsem }
		}},
		{"another process's lock", func(t *testing.T, _ *SQLiteStorage, path string) func() {
			other, err := sql.Open("sqlite3", "file:"+path+"?_txlock=immediate")
			if err != nil {
				t.Fatal(err)
			}
			tx, err := other.Begin()
			if err != nil {
				t.Fatal(err)
			}
			return func() { _ = tx.Rollback(); _ = other.Close() }
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.sqlite3")
			m := newManager(t, Config{Database: path, SQLite: SQLiteOptions{WriteTimeout: 50 * time.Millisecond, BusyTimeout: 50 * time.Millisecond}})
			st := m.Storage().(*SQLiteStorage)
			app := newTestApp(m)
			cl := newClient(t, app)
			cl.must("POST", "/login?u=ann")
			var logs bytes.Buffer
			defer slog.SetDefault(slog.Default())
			slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
			release := tc.hold(t, st, path)
			start := time.Now()
			err := st.Set("k", []byte("v"), 0)
			if !errors.Is(err, ErrBusy) {
				t.Fatalf("Set with the file held: %v, want ErrBusy", err)
			}
			var fe *fiber.Error
			if !errors.As(err, &fe) || fe.Code != fiber.StatusServiceUnavailable {
				t.Errorf("error %v is not a 503 fiber.Error", err)
			}
			for _, path := range []string{"/inc", "/logout"} {
				if r := cl.raw("POST", path, cl.cookie); r.status != fiber.StatusServiceUnavailable {
					t.Errorf("POST %s with the file held: %d %q, want 503", path, r.status, r.body)
				}
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("three busy writes took %v", took)
			}
			if got := st.Stats().Busy; got != 3 {
				t.Errorf("Stats().Busy = %d, want 3", got)
			}
			if n := strings.Count(logs.String(), "level=WARN"); n != 1 || !strings.Contains(logs.String(), "busy_total=1") {
				t.Errorf("three busy writes logged %d lines, want the first one only:\n%s", n, logs.String())
			}
			release()
			if got := cl.must("POST", "/inc"); got != "1" {
				t.Errorf("after release: /inc = %q, want 1 (the failed one saved nothing)", got)
			}
		})
	}
}
