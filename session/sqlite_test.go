package session

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/storage/sqlite3/v2"
)

func TestOpenSQLiteTuning(t *testing.T) {
	st := openTestSQLite(t)
	db := st.DB()
	if got := db.Stats().MaxOpenConnections; got != 8 {
		t.Errorf("pool bound %d, want 8", got)
	}
	// Check the pragmas on several connections at once, so more than one is opened.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Conn(t.Context())
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			cases := []struct{ pragma, want string }{
				{"journal_mode", "wal"},
				{"busy_timeout", "5000"},
				{"synchronous", "1"}, // NORMAL
			}
			for _, tc := range cases {
				var got string
				if err := conn.QueryRowContext(t.Context(), "PRAGMA "+tc.pragma).Scan(&got); err != nil {
					t.Error(err)
				} else if got != tc.want {
					t.Errorf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
				}
			}
			time.Sleep(10 * time.Millisecond)
		}()
	}
	wg.Wait()
	if st.Table() != DefaultSQLiteTable {
		t.Errorf("table %q", st.Table())
	}
}

func TestOpenSQLiteErrorsNeverPanic(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.sqlite3")
	if err := os.WriteFile(garbage, []byte("this is not an SQLite database, just some text long enough to have a header......"), 0o600); err != nil {
		t.Fatal(err)
	}
	wrongSchema := filepath.Join(dir, "wrong.sqlite3")
	{
		db, err := sql.Open("sqlite3", wrongSchema)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`CREATE TABLE fiberviews_sessions (x INTEGER)`); err != nil {
			t.Fatal(err)
		}
		_ = db.Close()
	}
	cases := []struct {
		name string
		path string
		opts SQLiteOptions
		want error
	}{
		{"empty path", "", SQLiteOptions{}, ErrConfig},
		{"memory", ":memory:", SQLiteOptions{}, ErrConfig},
		{"memory uri", "file::memory:?cache=shared", SQLiteOptions{}, ErrConfig},
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "s.sqlite3"), SQLiteOptions{}, ErrStorage},
		{"not a database", garbage, SQLiteOptions{}, ErrStorage},
		{"table with another schema", wrongSchema, SQLiteOptions{}, ErrStorage},
		{"bad table name", filepath.Join(dir, "ok.sqlite3"), SQLiteOptions{Table: "t; DROP TABLE x"}, ErrConfig},
		{"bad synchronous", filepath.Join(dir, "ok2.sqlite3"), SQLiteOptions{Synchronous: "sometimes"}, ErrConfig},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("OpenSQLite panicked: %v", r)
				}
			}()
			st, err := OpenSQLite(tc.path, tc.opts)
			if err == nil {
				_ = st.Close()
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %q does not wrap %v", err, tc.want)
			}
			t.Log(err)
		})
	}
}

func TestOpenSQLiteExpiryIndex(t *testing.T) {
	indexes := func(t *testing.T, db *sql.DB, table string) []string {
		rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type='index' AND tbl_name=? AND sql IS NOT NULL`, table)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var n string
			_ = rows.Scan(&n)
			names = append(names, n)
		}
		return names
	}
	t.Run("a new file gets one index", func(t *testing.T) {
		st := openTestSQLite(t)
		if got := indexes(t, st.DB(), st.Table()); len(got) != 1 || got[0] != st.Table()+"_e" {
			t.Fatalf("indexes %q, want [%s_e]", got, st.Table())
		}
	})
	t.Run("a file of gofiber/storage/sqlite3 keeps its index e", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.sqlite3")
		db, err := sql.Open("sqlite3", path)
		if err != nil {
			t.Fatal(err)
		}
		_ = sqlite3.NewFromConnection(db, sqlite3.Config{Table: DefaultSQLiteTable}).Close()
		_ = db.Close()
		st, err := OpenSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if got := indexes(t, st.DB(), st.Table()); len(got) != 1 || got[0] != "e" {
			t.Fatalf("indexes %q, want [e]", got)
		}
	})
	t.Run("second table gets its own", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "shared.sqlite3")
		other, err := OpenSQLite(path, SQLiteOptions{Table: "limiter"})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		st, err := OpenSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if got := indexes(t, st.DB(), st.Table()); len(got) != 1 || got[0] != st.Table()+"_e" {
			t.Fatalf("indexes %q, want [%s_e]", got, st.Table())
		}
		// And reopening does not add more.
		st2, err := OpenSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		defer st2.Close()
		if got := indexes(t, st.DB(), st.Table()); len(got) != 1 {
			t.Fatalf("indexes after reopening: %q", got)
		}
	})
}

func TestSQLiteCollectsExpired(t *testing.T) {
	st := openTestSQLite(t, SQLiteOptions{GCInterval: 100 * time.Millisecond})
	if err := st.Set("short", []byte("x"), time.Second); err != nil {
		t.Fatal(err)
	}
	if err := st.Set("long", []byte("y"), time.Hour); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		if err := st.DB().QueryRow(`SELECT COUNT(*) FROM ` + st.Table()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count() != 2 {
		t.Fatalf("%d rows", count())
	}
	deadline := time.Now().Add(10 * time.Second)
	for count() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("expired row never collected")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if v, _ := st.Get("long"); string(v) != "y" {
		t.Fatalf("live row collected")
	}
}

func TestSQLiteReplaceAndUpdate(t *testing.T) {
	st := openTestSQLite(t)
	t.Run("replace", func(t *testing.T) {
		cases := []struct {
			name  string
			setup func()
			want  bool
		}{
			{"absent", func() {}, false},
			{"present", func() { _ = st.Set("k-present", []byte("old"), time.Hour) }, true},
			{"expired", func() {
				_, _ = st.DB().Exec(`INSERT OR REPLACE INTO `+st.Table()+` (k, v, e) VALUES (?,?,?)`, "k-expired", []byte("old"), time.Now().Unix()-10)
			}, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.setup()
				ok, err := st.Replace("k-"+tc.name, []byte("new"), time.Hour)
				if err != nil || ok != tc.want {
					t.Fatalf("Replace = %v, %v; want %v", ok, err, tc.want)
				}
				v, _ := st.Get("k-" + tc.name)
				if (string(v) == "new") != tc.want {
					t.Fatalf("value %q after Replace", v)
				}
			})
		}
	})
	t.Run("update is atomic across pools", func(t *testing.T) {
		// Two storages on one file stand for two processes: separate pools, separate mutexes.
		path := filepath.Join(t.TempDir(), "shared.sqlite3")
		var stores []*SQLiteStorage
		for range 2 {
			s, err := OpenSQLite(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			stores = append(stores, s)
		}
		const workers, each = 8, 40
		var wg sync.WaitGroup
		errs := make(chan error, workers*2)
		for _, s := range stores {
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range each {
						err := s.Update("counter", func(old []byte) ([]byte, time.Duration, error) {
							n, _ := strconv.Atoi(string(old))
							return []byte(strconv.Itoa(n + 1)), 0, nil
						})
						if err != nil {
							errs <- err
							return
						}
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		v, _ := stores[0].Get("counter")
		if want := strconv.Itoa(2 * workers * each); string(v) != want {
			t.Fatalf("counter %s, want %s: lost updates", v, want)
		}
	})
	t.Run("update error writes nothing", func(t *testing.T) {
		_ = st.Set("u", []byte("keep"), 0)
		boom := errors.New("boom")
		err := st.Update("u", func([]byte) ([]byte, time.Duration, error) { return []byte("changed"), 0, boom })
		if !errors.Is(err, boom) {
			t.Fatalf("err %v", err)
		}
		if v, _ := st.Get("u"); string(v) != "keep" {
			t.Fatalf("value %q", v)
		}
		if err := st.Update("u", func([]byte) ([]byte, time.Duration, error) { return nil, 0, nil }); err != nil {
			t.Fatal(err)
		}
		if v, _ := st.Get("u"); v != nil {
			t.Fatalf("nil value did not delete: %q", v)
		}
	})
}

// TestPlainSQLite3StoragePlugsIn uses gofiber's sqlite3 storage as it comes (no Updater/Replacer).
func TestPlainSQLite3StoragePlugsIn(t *testing.T) {
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "plain.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plain := sqlite3.NewFromConnection(db)
	defer plain.Close()
	m := newManager(t, Config{Storage: plain})
	if m.updater != nil || m.replacer != nil {
		t.Fatalf("a plain sqlite3.Storage claims atomic operations")
	}
	app := newTestApp(m)
	cl := newClient(t, app)
	cl.must("POST", "/login?u=alice")
	cl.must("POST", "/inc")
	if got := cl.must("GET", "/read"); got != "user=alice n=1" {
		t.Fatalf("got %q", got)
	}
	other := newClient(t, app)
	other.must("POST", "/login?u=alice")
	cl.must("POST", "/others")
	if got := other.must("GET", "/read"); got != "user= n=0" {
		t.Fatalf("other device after LogoutOthers: %q", got)
	}
	cl.must("POST", "/logout")
	if got := cl.must("GET", "/read"); got != "user= n=0" {
		t.Fatalf("after logout: %q", got)
	}
}

// TestSQLiteScanPrefix: ScanPrefix returns exactly the live keys starting with the prefix, in order,
// and reads only their range of the primary key.
func TestSQLiteScanPrefix(t *testing.T) {
	st := openTestSQLite(t)
	for _, k := range []string{"p:a.1", "p:a.2", "p:a.", "p:a", "p:a-", "p:a/", "p:ab.1", "p:b.1", "p:\xff\xff", "p:\xff\xffz", "q:a.1"} {
		if err := st.Set(k, []byte("v "+k), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.DB().Exec(`INSERT INTO `+st.Table()+` (k, v, e) VALUES (?,?,?)`, "p:a.0-expired", []byte("old"), time.Now().Unix()-1); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		prefix string
		want   []string
		read   int // rows the statement reads: want plus expired rows in the range
		plan   string
	}{
		{"p:a.", []string{"p:a.", "p:a.1", "p:a.2"}, 4, "PRIMARY KEY (k>? AND k<?)"},
		{"p:a.1", []string{"p:a.1"}, 1, "PRIMARY KEY (k>? AND k<?)"},
		{"p:ab.", []string{"p:ab.1"}, 1, "PRIMARY KEY (k>? AND k<?)"},
		{"p:c.", nil, 0, "PRIMARY KEY (k>? AND k<?)"},
		{"p:\xff\xff", []string{"p:\xff\xff", "p:\xff\xffz"}, 2, "PRIMARY KEY (k>? AND k<?)"},
		{"\xff", nil, 0, "PRIMARY KEY (k>?)"},
		{"q:", []string{"q:a.1"}, 1, "PRIMARY KEY (k>? AND k<?)"},
	}
	for _, tc := range cases {
		t.Run(strconv.Quote(tc.prefix), func(t *testing.T) {
			keys, vals, err := st.ScanPrefix(tc.prefix)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(keys, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("keys %q, want %q", keys, tc.want)
			}
			for i, k := range keys {
				if string(vals[i]) != "v "+k {
					t.Errorf("value of %q is %q", k, vals[i])
				}
			}
			// The statement reads exactly the prefix's rows, by a search on the primary key: no
			// scan of the table, no rows beyond the range.
			q, args := st.scanQuery(tc.prefix)
			var read int
			if err := st.DB().QueryRow(`SELECT count(*) FROM (`+q+`)`, args...).Scan(&read); err != nil {
				t.Fatal(err)
			}
			if read != tc.read {
				t.Errorf("the statement reads %d rows, want %d", read, tc.read)
			}
			if p := queryPlan(t, st.DB(), q, args...); !strings.Contains(p, "SEARCH") || !strings.Contains(p, tc.plan) {
				t.Errorf("query plan %q: want a search on %s", p, tc.plan)
			}
		})
	}
	if _, _, err := st.ScanPrefix(""); err == nil {
		t.Error("ScanPrefix(\"\") read the whole table")
	}
}

// queryPlan returns SQLite's plan for q.
func queryPlan(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.Query(`EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

func TestPrefixEnd(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"a.", "a/", true},
		{"ab", "ac", true},
		{"a\xff", "b", true},
		{"a\xff\xff", "b", true},
		{"\xff", "", false},
		{"\xff\xff", "", false},
	}
	for _, tc := range cases {
		if got, ok := prefixEnd(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
