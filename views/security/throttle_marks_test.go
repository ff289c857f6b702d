//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package security_test

import (
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// readCounting is a SQLite session storage that counts its reads.
type readCounting struct {
	*session.SQLiteStorage
	reads atomic.Int32
}

func (s *readCounting) Get(k string) ([]byte, error) {
	s.reads.Add(1)
	return s.SQLiteStorage.Get(k)
}

func (s *readCounting) GetMany(keys []string) ([][]byte, error) {
	s.reads.Add(1)
	return s.SQLiteStorage.GetMany(keys)
}

// TestThrottleReadsOnlyWhatWasCounted: on a storage with a KeyMarker filter
// (SQLite), an attempt for a username and address nobody failed for reads no
// counts; one that any process sharing the file failed for reads them.
func TestThrottleReadsOnlyWhatWasCounted(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sessions.sqlite3")
	open := func() *readCounting {
		st, err := session.OpenSQLite(db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return &readCounting{SQLiteStorage: st}
	}
	a := open()
	a.MarksSince() // the first server to start makes the filter, beside the table it made
	b := open()    // a second server on the file
	throttle := func(st *readCounting) *security.Throttle {
		th, err := security.NewThrottle(security.ThrottleConfig{Limit: 2, Storage: st})
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	ta, tb := throttle(a), throttle(b)
	c := newCtx(t, req{method: "POST"})
	steps := []struct {
		name      string
		do        func() error
		want      error
		wantReads int32 // reads of b's storage
	}{
		{"nobody failed: no read", func() error { return tb.Check(c, "alice", "192.0.2.1") }, nil, 0},
		{"a's first failure", func() error { return ta.Fail(c, "alice", "192.0.2.1") }, nil, 0},
		{"b reads the count a wrote", func() error { return tb.Check(c, "alice", "192.0.2.9") }, nil, 1},
		{"another user from the failing address: read", func() error { return tb.Check(c, "bob", "192.0.2.1") }, nil, 1},
		{"another user from another address: no read", func() error { return tb.Check(c, "carol", "192.0.2.2") }, nil, 0},
		{"a's second failure", func() error { return ta.Fail(c, "alice", "192.0.2.1") }, nil, 0},
		{"b refuses alice", func() error { return tb.Check(c, "alice", "192.0.2.9") }, security.ErrThrottled, 1},
		{"b's success clears alice's count", func() error { return tb.Succeed(c, "alice") }, nil, 0},
		{"then b lets alice try", func() error { return tb.Check(c, "alice", "192.0.2.9") }, nil, 1},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := b.reads.Load()
			if err := s.do(); !errors.Is(err, s.want) {
				t.Fatalf("got %v, want %v", err, s.want)
			}
			if got := b.reads.Load() - before; got != s.wantReads {
				t.Errorf("%d reads of the storage, want %d", got, s.wantReads)
			}
		})
	}
}

// plainStorage hides every optional interface of the storage it wraps but
// Updater: what a process of a version without the filter writes counts
// through.
type plainStorage struct {
	*session.SQLiteStorage
}

func (s plainStorage) Storage() fiber.Storage {
	return struct {
		fiber.Storage
		session.Updater
	}{s.SQLiteStorage, s.SQLiteStorage}
}

// TestThrottleReadsCountsOlderThanTheFilter: counts the filter may not know
// of (written before it existed, or before its file was deleted) are read
// for one window after the filter was made.
func TestThrottleReadsCountsOlderThanTheFilter(t *testing.T) {
	tests := []struct {
		name  string
		count func(t *testing.T, st *session.SQLiteStorage, db string) // two failures of alice
	}{
		{"counted by a process without the filter", func(t *testing.T, st *session.SQLiteStorage, db string) {
			th, err := security.NewThrottle(security.ThrottleConfig{Limit: 2, Storage: plainStorage{st}.Storage()})
			if err != nil {
				t.Fatal(err)
			}
			fail(t, th, 2)
		}},
		{"counted before the filter's file was deleted", func(t *testing.T, st *session.SQLiteStorage, db string) {
			th, err := security.NewThrottle(security.ThrottleConfig{Limit: 2, Storage: st})
			if err != nil {
				t.Fatal(err)
			}
			fail(t, th, 2)
			_ = st.Close()
			if err := os.Remove(db + session.MarksFileSuffix); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "sessions.sqlite3")
			first, err := session.OpenSQLite(db)
			if err != nil {
				t.Fatal(err)
			}
			tt.count(t, first, db)
			_ = first.Close()
			st, err := session.OpenSQLite(db) // the table exists: a new filter is not trusted at once
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			th, err := security.NewThrottle(security.ThrottleConfig{Limit: 2, Storage: st})
			if err != nil {
				t.Fatal(err)
			}
			if err := th.Check(newCtx(t, req{method: "POST"}), "alice", "192.0.2.5"); !errors.Is(err, security.ErrThrottled) {
				t.Fatalf("Check = %v, want ErrThrottled: the counts written before the filter were skipped", err)
			}
		})
	}
}

func fail(t *testing.T, th *security.Throttle, n int) {
	t.Helper()
	c := newCtx(t, req{method: "POST"})
	for range n {
		if err := th.Fail(c, "alice", "192.0.2.4"); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkThrottleCheck measures Check on a SQLite session storage: for a
// username and address nobody failed for (the filter answers, no read), and
// for one with a failure counted (one read of both counts).
//
//	go test ./views/security/ -run '^$' -bench ThrottleCheck -benchmem -count 6
func BenchmarkThrottleCheck(b *testing.B) {
	st, err := session.OpenSQLite(filepath.Join(b.TempDir(), "sessions.sqlite3"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
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
