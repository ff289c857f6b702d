package session

// Scale benchmarks: one SQLite file pre-filled (fillSessions) with the library's own sessions.
//
//	go test -run '^$' -bench 'Scale' -benchmem ./session/                       # 10k and 100k sessions
//	FIBERVIEWS_SCALE=1000000 go test -run '^$' -bench 'Scale' -benchmem ./session/
//	go test -run '^$' -bench 'SweepUnderLoad' -benchtime 1x -timeout 30m ./session/   # 200k expired
//	FIBERVIEWS_SWEEP_EXPIRED=1000000 go test -run '^$' -bench 'SweepUnderLoad' -benchtime 1x -timeout 30m ./session/
//
// Both drive app.Handler() in-process (see driver): no network, no HTTP parsing.

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// envSizes returns the comma-separated sizes in the environment variable name, else def.
func envSizes(b *testing.B, name string, def ...int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var sizes []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("%s=%q: want sizes such as 10000,100000", name, v)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// sampleKeys returns up to n random session keys (without the prefix) of m's file.
func sampleKeys(b *testing.B, m *Manager, n int) []string {
	st := m.Storage().(*SQLiteStorage)
	rows, err := st.DB().Query(`SELECT k FROM `+st.Table()+` WHERE k LIKE ? ORDER BY random() LIMIT ?`, m.cfg.KeyPrefix+"%.%", n)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		keys = append(keys, strings.TrimPrefix(k, m.cfg.KeyPrefix))
	}
	return keys
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// BenchmarkScale: the cost of the common operations against the number of stored sessions (three
// per user).
func BenchmarkScale(b *testing.B) {
	for _, n := range envSizes(b, "FIBERVIEWS_SCALE", 10000, 100000) {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "scale.sqlite3")
			m, err := New(Config{Database: path})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = m.Close() })
			fillSessions(b, m, "u", n, 3, false)
			keys := sampleKeys(b, m, 1000)
			app := fiber.New()
			app.Use(m.Middleware())
			app.Post("/login", func(c *fiber.Ctx) error { return Login(c, c.Query("u")) })
			app.Post("/logout", func(c *fiber.Ctx) error { return Logout(c) })
			app.Get("/read", func(c *fiber.Ctx) error {
				_, err := Get(c)
				return err
			})
			h := app.Handler()
			b.Run("login-logout", func(b *testing.B) {
				d := &driver{h: h}
				for i := 0; b.Loop(); i++ {
					d.cookie = d.cookie[:0]
					if d.do("POST", "/login?u=bench"+strconv.Itoa(i%1000)) != 200 || d.do("POST", "/logout") != 200 {
						b.Fatal("login or logout failed")
					}
				}
			})
			b.Run("load-random", func(b *testing.B) {
				d := &driver{h: h}
				for i := 0; b.Loop(); i++ {
					d.cookie = append(d.cookie[:0], keys[i%len(keys)]...)
					if d.do("GET", "/read") != 200 {
						b.Fatal("read failed")
					}
				}
			})
			b.Run("load-same", func(b *testing.B) {
				d := &driver{h: h}
				for b.Loop() {
					d.cookie = append(d.cookie[:0], keys[0]...)
					if d.do("GET", "/read") != 200 {
						b.Fatal("read failed")
					}
				}
			})
			b.Run("sessions", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					if _, err := m.liveSessions("u" + strconv.Itoa(rand.N(n/3))); err != nil {
						b.Fatal(err)
					}
				}
			})
			_, _ = m.Storage().(*SQLiteStorage).DB().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
			b.Logf("%d sessions: %d file bytes per session", n, fileSize(path)/int64(n))
		})
	}
}

// phase collects the request latencies of one phase of BenchmarkSweepUnderLoad.
type phase struct {
	lat    []time.Duration
	errors int
}

func (p *phase) String() string {
	if len(p.lat) == 0 {
		return "no requests"
	}
	slices.Sort(p.lat)
	q := func(f float64) time.Duration { return p.lat[int(f*float64(len(p.lat)-1))] }
	return fmt.Sprintf("%7d req  p50 %8v  p99 %8v  max %8v  errors %d", len(p.lat), q(0.5).Round(time.Microsecond),
		q(0.99).Round(time.Microsecond), p.lat[len(p.lat)-1].Round(time.Microsecond), p.errors)
}

// BenchmarkSweepUnderLoad starts a site on a file holding FIBERVIEWS_SWEEP_EXPIRED (default
// 200,000) expired sessions and 10,000 live ones, with a GCInterval of 2s, and puts it straight
// under 32 concurrent login→logout clients. It reports the latency before the first sweep (the
// first second), while the backlog goes, and for 3 seconds after, the errors (any answer but 200),
// and the WAL's largest and final size. Run it with -benchtime 1x.
func BenchmarkSweepUnderLoad(b *testing.B) {
	for _, n := range envSizes(b, "FIBERVIEWS_SWEEP_EXPIRED", 200000) {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				sweepUnderLoad(b, n)
			}
		})
	}
}

func sweepUnderLoad(b *testing.B, n int) {
	path := filepath.Join(b.TempDir(), "sweep.sqlite3")
	// Filled by a connection of its own with the storage closed: no sweep runs meanwhile.
	m, err := New(Config{Database: path, SQLite: SQLiteOptions{GCInterval: time.Hour}})
	if err != nil {
		b.Fatal(err)
	}
	loadTagSecret(b, m)
	_ = m.Close()
	fillSessions(b, m, "gone", n, 3, true)
	fillSessions(b, m, "kept", 10000, 3, false)
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	var expired int
	_ = db.QueryRow(`SELECT COUNT(*) FROM `+DefaultSQLiteTable+` WHERE e > 0 AND e <= ?`, time.Now().Unix()).Scan(&expired)
	_ = db.Close()
	if expired != n {
		b.Fatalf("%d expired rows after filling, want %d", expired, n)
	}
	sizeBefore := fileSize(path)

	// The site starts: its storage's sweeper starts now.
	m, err = New(Config{Database: path, SQLite: SQLiteOptions{GCInterval: 2 * time.Second}})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	st := m.Storage().(*SQLiteStorage)
	app := fiber.New()
	app.Use(m.Middleware())
	app.Post("/login", func(c *fiber.Ctx) error { return Login(c, c.Query("u")) })
	app.Post("/logout", func(c *fiber.Ctx) error { return Logout(c) })
	h := app.Handler()

	start := time.Now()
	var (
		mu       sync.Mutex
		phases   [3]phase // before, during, after
		swept    time.Time
		stop     = make(chan struct{})
		wg       sync.WaitGroup
		walMax   int64
		monitorD = make(chan struct{})
	)
	go func() { // watches the backlog and the WAL
		defer close(monitorD)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			walMax = max(walMax, fileSize(path+"-wal"))
			// A cheap probe: a long read here would hold back checkpoints and grow the WAL.
			left := 0
			_ = st.DB().QueryRow(`SELECT 1 FROM `+st.Table()+` WHERE e > 0 AND e <= ? LIMIT 1`, time.Now().Unix()).Scan(&left)
			mu.Lock()
			if left == 0 && swept.IsZero() {
				swept = time.Now()
			}
			mu.Unlock()
		}
	}()
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := &driver{h: h}
			for {
				select {
				case <-stop:
					return
				default:
				}
				t0 := time.Now()
				d.cookie = d.cookie[:0]
				ok := d.do("POST", "/login?u=load"+strconv.Itoa(g)) == 200
				ok = d.do("POST", "/logout") == 200 && ok
				t1 := time.Now()
				mu.Lock()
				p := &phases[1]
				switch {
				case t1.Sub(start) < time.Second:
					p = &phases[0]
				case !swept.IsZero() && t0.After(swept):
					p = &phases[2]
				}
				p.lat = append(p.lat, t1.Sub(t0))
				if !ok {
					p.errors++
				}
				mu.Unlock()
			}
		}()
	}
	for {
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		done := !swept.IsZero() && time.Since(swept) > 3*time.Second
		mu.Unlock()
		if done || time.Since(start) > 5*time.Minute {
			break
		}
	}
	close(stop)
	wg.Wait()
	<-monitorD
	var free int64
	_ = st.DB().QueryRow(`PRAGMA freelist_count`).Scan(&free)
	b.Logf("%d expired sessions; backlog gone %v after start\n  before %v\n  during %v\n  after  %v\n  WAL max %.1f MB, at the end %.1f MB; file %.1f MB before, %.1f MB after (%d free pages)",
		n, swept.Sub(start).Round(time.Millisecond), &phases[0], &phases[1], &phases[2],
		float64(walMax)/1e6, float64(fileSize(path+"-wal"))/1e6, float64(sizeBefore)/1e6, float64(fileSize(path))/1e6, free)
	for i, name := range []string{"before", "during", "after"} {
		if l := phases[i].lat; len(l) > 0 {
			b.ReportMetric(float64(l[int(0.99*float64(len(l)-1))].Microseconds()), "p99-µs-"+name)
		}
		b.ReportMetric(float64(phases[i].errors), "errors-"+name)
	}
	b.ReportMetric(float64(walMax)/1e6, "wal-max-MB")
}

// BenchmarkVacuum: what (*SQLiteStorage).Vacuum costs (writes wait for all of it) on a file of
// FIBERVIEWS_SCALE live sessions (default 100,000) after as many expired ones were swept.
func BenchmarkVacuum(b *testing.B) {
	for _, n := range envSizes(b, "FIBERVIEWS_SCALE", 100000) {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "vacuum.sqlite3")
			m, err := New(Config{Database: path, SQLite: SQLiteOptions{GCInterval: time.Hour}})
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			st := m.Storage().(*SQLiteStorage)
			fillSessions(b, m, "kept", n, 3, false)
			for b.Loop() {
				b.StopTimer()
				fillSessions(b, m, "gone", n, 3, true)
				if _, err := st.DB().Exec(`DELETE FROM ` + st.Table() + ` WHERE k LIKE 'session:%' AND e <= ` + strconv.FormatInt(time.Now().Unix(), 10)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := st.Vacuum(); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%d live sessions: file %.1f MB after Vacuum", n, float64(fileSize(path))/1e6)
		})
	}
}
