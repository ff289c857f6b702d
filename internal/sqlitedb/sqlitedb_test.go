package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDSN(t *testing.T) {
	cases := []struct {
		name    string
		path    string
		opts    Options
		want    []string
		wantErr error
	}{
		{"defaults", "s.sqlite3", Options{}, []string{"file:s.sqlite3?", "_journal_mode=WAL", "_busy_timeout=5000", "_synchronous=NORMAL", "_txlock=immediate", "_stmt_cache_size=16"}, nil},
		{"escaped", "a?b#c%d.sqlite3", Options{}, []string{"file:a%3fb%23c%25d.sqlite3?"}, nil},
		{"options", "s.sqlite3", Options{BusyTimeout: 2 * time.Second, Synchronous: "full"}, []string{"_busy_timeout=2000", "_synchronous=FULL"}, nil},
		{"empty", " ", Options{}, nil, ErrInvalidPath},
		{"memory", ":memory:", Options{}, nil, ErrInvalidPath},
		{"memory mode", "x.db?mode=memory", Options{}, nil, ErrInvalidPath},
		{"uri", "file:x.db", Options{}, nil, ErrInvalidPath},
		{"bad synchronous", "s.sqlite3", Options{Synchronous: "maybe"}, nil, ErrInvalidOptions},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dsn, err := DSN(tc.path, tc.opts)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			for _, w := range tc.want {
				if !strings.Contains(dsn, w) {
					t.Errorf("DSN %q lacks %q", dsn, w)
				}
			}
		})
	}
}

func TestOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd ?#% name.sqlite3")
	db, err := Open(path, Options{MaxOpenConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Stats().MaxOpenConnections; got != 3 {
		t.Errorf("pool bound %d, want 3", got)
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q (%v)", mode, err)
	}
	if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	// The file is where the (escaped) path said.
	db2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	var n int
	if err := db2.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE name='t'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("reopened file has %d tables named t (%v)", n, err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing", "x.sqlite3"), Options{}); err == nil {
		t.Fatal("opened a file in a missing directory")
	}
}

func TestOpenPragmas(t *testing.T) {
	cases := []struct {
		name       string
		opts       Options
		limit      int64
		autoVacuum int
	}{
		{"defaults", Options{}, DefaultJournalSizeLimit, 0},
		{"limit and incremental vacuum", Options{JournalSizeLimit: 1 << 20, IncrementalVacuum: true}, 1 << 20, 2},
		{"no limit", Options{JournalSizeLimit: -5}, -1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(filepath.Join(t.TempDir(), "p.sqlite3"), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
				t.Fatal(err)
			}
			// Every pooled connection carries the limit, not only the first.
			conns := make([]*sql.Conn, 3)
			for i := range conns {
				if conns[i], err = db.Conn(context.Background()); err != nil {
					t.Fatal(err)
				}
				defer conns[i].Close()
				var limit int64
				if err := conns[i].QueryRowContext(context.Background(), "PRAGMA journal_size_limit").Scan(&limit); err != nil || limit != tc.limit {
					t.Errorf("connection %d: journal_size_limit %d (%v), want %d", i, limit, err, tc.limit)
				}
			}
			var av int
			if err := db.QueryRow("PRAGMA auto_vacuum").Scan(&av); err != nil || av != tc.autoVacuum {
				t.Errorf("auto_vacuum %d (%v), want %d", av, err, tc.autoVacuum)
			}
		})
	}
}
