package sqlitedb

import (
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
