package pgstore_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/internal/pgtest"
	"github.com/fiberviews/fiberviews/internal/storagetest"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/session/pgstore"
	"github.com/gofiber/fiber/v2"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t *testing.T, url string, opts ...pgstore.Options) *pgstore.Storage {
	t.Helper()
	st, err := pgstore.Open(context.Background(), url, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// TestConformance runs the storage suite that the SQLite and Redis storages pass.
func TestConformance(t *testing.T) {
	url := pgtest.URL(t)
	storagetest.Run(t, func(t *testing.T) fiber.Storage { return open(t, url) })
}

func TestOpenErrors(t *testing.T) {
	url := pgtest.URL(t)
	st := open(t, url)
	if _, err := st.Pool().Exec(context.Background(), `CREATE TABLE gofiber_layout (k varchar(64) PRIMARY KEY, v bytea NOT NULL, e bigint NOT NULL DEFAULT 0)`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, url string
		opts      pgstore.Options
		want      error
	}{
		{"empty", "", pgstore.Options{}, session.ErrConfig},
		{"not a connection string", "postgres://%zz", pgstore.Options{}, session.ErrConfig},
		{"bad table", url, pgstore.Options{Table: "x; DROP TABLE y"}, session.ErrConfig},
		{"table of another layout", url, pgstore.Options{Table: "gofiber_layout"}, session.ErrConfig},
		{"nobody listening", "postgres://u@127.0.0.1:1/db?connect_timeout=2", pgstore.Options{}, session.ErrStorage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := pgstore.Open(context.Background(), tc.url, tc.opts)
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

// TestUserScanReadsOnlyTheUsersRows: the prefix scan of a user's sessions is a range scan of the
// primary key, whatever the table's size.
func TestUserScanReadsOnlyTheUsersRows(t *testing.T) {
	st := open(t, pgtest.URL(t))
	ctx := context.Background()
	if _, err := st.Pool().Exec(ctx, `INSERT INTO fiberviews_sessions (k, v)
		SELECT 'user' || i || '.' || md5(i::text), 'x' FROM generate_series(1, 20000) AS i`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `ANALYZE fiberviews_sessions`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ prefix, end string }{{"user42.", "user42/"}} {
		var plan []string
		rows, err := st.Pool().Query(ctx, `EXPLAIN SELECT k, v FROM fiberviews_sessions WHERE k >= $1 AND k < $2 AND (e IS NULL OR e > now()) ORDER BY k`, tc.prefix, tc.end)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			_ = rows.Scan(&line)
			plan = append(plan, line)
		}
		if !strings.Contains(plan[0], "Index Scan using fiberviews_sessions_pkey") {
			t.Errorf("plan:\n%s", strings.Join(plan, "\n"))
		}
		keys, _, err := st.ScanPrefix(tc.prefix)
		if err != nil || len(keys) != 1 {
			t.Errorf("ScanPrefix(%q) = %q, %v", tc.prefix, keys, err)
		}
	}
}

// TestSweep: expired rows go in batches; live ones stay.
func TestSweep(t *testing.T) {
	st := open(t, pgtest.URL(t), pgstore.Options{SweepBatch: 100})
	ctx := context.Background()
	if _, err := st.Pool().Exec(ctx, `INSERT INTO fiberviews_sessions (k, v, e)
		SELECT 'k' || i, 'x', CASE WHEN i <= 250 THEN now() - interval '1 second' WHEN i <= 300 THEN now() + interval '1 hour' END
		FROM generate_series(1, 320) AS i`); err != nil {
		t.Fatal(err)
	}
	n, err := st.Sweep()
	if err != nil || n != 250 {
		t.Fatalf("Sweep = %d, %v; want 250", n, err)
	}
	var left int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM fiberviews_sessions`).Scan(&left); err != nil || left != 70 {
		t.Fatalf("%d rows left (%v), want 70", left, err)
	}
	if s := st.Stats(); s.Swept != 250 || s.SweepBatches != 3 {
		t.Fatalf("Stats %+v, want 250 swept in 3 batches", s)
	}
	_ = st.Close()
	if _, err := st.Sweep(); !errors.Is(err, session.ErrClosed) {
		t.Fatalf("Sweep after Close: %v", err)
	}
}

// TestWriteTimeout: a write that waits for a row lock past WriteTimeout fails with ErrBusy, a 503.
func TestWriteTimeout(t *testing.T) {
	url := pgtest.URL(t)
	st := open(t, url, pgstore.Options{WriteTimeout: 300 * time.Millisecond})
	ctx := context.Background()
	if err := st.Set("held", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SELECT 1 FROM fiberviews_sessions WHERE k = 'held' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		write func() error
	}{
		{"Set", func() error { return st.Set("held", []byte("w"), 0) }},
		{"Delete", func() error { return st.Delete("held") }},
		{"Update", func() error {
			return st.Update("held", func([]byte) ([]byte, time.Duration, error) { return []byte("u"), 0, nil })
		}},
		{"Replace", func() error { _, err := st.Replace("held", []byte("r"), 0); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			err := tc.write()
			var fe *fiber.Error
			if !errors.Is(err, session.ErrBusy) || !errors.As(err, &fe) || fe.Code != fiber.StatusServiceUnavailable {
				t.Fatalf("write under a held lock: %v, want ErrBusy (503)", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
	if st.Stats().Busy != 4 {
		t.Errorf("Stats().Busy = %d, want 4", st.Stats().Busy)
	}
	if v, err := st.Get("held"); err != nil || string(v) != "v" {
		t.Errorf("reading the locked row: %q, %v", v, err)
	}
}
