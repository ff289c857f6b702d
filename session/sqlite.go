package session

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fiberviews/fiberviews/internal/sqlitedb"
)

// SQLiteOptions tune OpenSQLite. The zero value gives the defaults documented on each field.
type SQLiteOptions struct {
	// Table is the table holding sessions. Default "fiberviews_sessions".
	Table string
	// GCInterval is how often expired rows are swept. Expired rows are never returned, so this only
	// bounds the file's growth. The first sweep runs within 30 seconds of OpenSQLite (within the
	// interval, if shorter), and each later one after the interval ±20% (random, so processes
	// sharing a file do not sweep in step). Default 5 minutes.
	GCInterval time.Duration
	// SweepBatch is how many expired rows one sweep transaction deletes. A sweep holds the write lock
	// for one batch (a few milliseconds), then lets the queued writes run for at least as long before
	// the next: requests never wait behind a whole sweep. Default 250.
	SweepBatch int
	// WriteTimeout is how long a write waits for this process's write turn before failing with an
	// error wrapping ErrBusy (a 503 with Retry-After under views.ErrorHandler) instead of hanging.
	// A write that got its turn then waits at most BusyTimeout for other processes. Default 1s: a
	// write holds the turn for about 0.1 ms, so a second in the queue means the file is overloaded.
	WriteTimeout time.Duration
	// BusyTimeout is how long a statement waits for another process's write lock. Default 5s.
	BusyTimeout time.Duration
	// MaxOpenConns bounds the connection pool. Default 8.
	MaxOpenConns int
	// Synchronous is SQLite's PRAGMA synchronous: "NORMAL" (default; in WAL mode a power loss may
	// lose the last commits but never corrupts the file) or "FULL".
	Synchronous string
	// JournalSizeLimit is PRAGMA journal_size_limit in bytes: the size the WAL file is truncated back
	// to after a checkpoint. Default 32 MiB; negative: no limit.
	JournalSizeLimit int64
}

// Defaults for SQLiteOptions.
const (
	DefaultSQLiteTable        = "fiberviews_sessions"
	DefaultSQLiteGCInterval   = 5 * time.Minute
	DefaultSQLiteSweepBatch   = 250
	DefaultSQLiteWriteTimeout = time.Second
	// DefaultSQLiteJournalSizeLimit: eight automatic checkpoints' worth of WAL (1000 pages of 4 KiB
	// each), so the WAL is not truncated and regrown at every checkpoint, yet never stays as large as
	// the database after a burst.
	DefaultSQLiteJournalSizeLimit = sqlitedb.DefaultJournalSizeLimit
)

// firstSweepMax bounds the delay before a storage's first sweep, so that a process restarted more
// often than GCInterval still sweeps.
const firstSweepMax = 30 * time.Second

var validTable = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// SQLiteStorage is the default session store: a fiber.Storage on a SQLite file this package
// configures (WAL journal bounded by journal_size_limit, busy timeout, synchronous=NORMAL,
// incremental auto-vacuum for new files, bounded pool of long-lived connections with cached prepared
// statements), in the table layout of github.com/gofiber/storage/sqlite3 (k, v, e) but WITHOUT
// ROWID. Writes from one process take turns on an in-process queue instead of SQLite's sleeping busy
// handler, each waiting at most WriteTimeout; the busy timeout only covers other processes sharing
// the file. Expired rows are swept in small batches sharing that queue (see GCInterval and
// SweepBatch), and the pages they freed are given back to the file system. It also implements
// Updater, Appender, Replacer, ManyGetter and PrefixScanner. Safe for concurrent use.
type SQLiteStorage struct {
	db    *sql.DB
	table string
	opts  SQLiteOptions
	wsem  chan struct{} // this process's write turn; see the type's documentation
	// serialize is always true outside benchmarks that measure SQLite's own busy handling.
	serialize bool

	qSelect, qUpsert, qDelete, qReplace, qSelectMany, qSelectPair string
	qScan, qScanOpen, qSweep, qCount, qUpsertCount                string

	stats       [3]atomic.Int64 // busy, swept, sweep batches: see Stats
	lastBusyLog atomic.Int64    // Unix nanoseconds

	done      chan struct{} // closed by Close: stops the sweeper
	stopped   chan struct{} // closed when the sweeper returned
	closeOnce sync.Once
	closeErr  error
}

var (
	_ Updater       = (*SQLiteStorage)(nil)
	_ Appender      = (*SQLiteStorage)(nil)
	_ Replacer      = (*SQLiteStorage)(nil)
	_ ManyGetter    = (*SQLiteStorage)(nil)
	_ PrefixScanner = (*SQLiteStorage)(nil)
)

// OpenSQLite opens (creating if needed) the SQLite file at path for sessions. It returns an error
// wrapping ErrConfig or ErrStorage instead of panicking. In-memory databases are refused: they lose
// their table when the pool recycles a connection; use a file under t.TempDir() in tests. Close the
// storage when done.
func OpenSQLite(path string, opts ...SQLiteOptions) (*SQLiteStorage, error) {
	var o SQLiteOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Table == "" {
		o.Table = DefaultSQLiteTable
	}
	if !validTable.MatchString(o.Table) {
		return nil, fmt.Errorf("%w: SQLite table %q: use letters, digits and underscores, not starting with a digit", ErrConfig, o.Table)
	}
	if o.GCInterval <= 0 {
		o.GCInterval = DefaultSQLiteGCInterval
	}
	if o.SweepBatch <= 0 {
		o.SweepBatch = DefaultSQLiteSweepBatch
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultSQLiteWriteTimeout
	}
	db, err := sqlitedb.Open(path, sqlitedb.Options{
		BusyTimeout:       o.BusyTimeout,
		MaxOpenConns:      o.MaxOpenConns,
		Synchronous:       o.Synchronous,
		JournalSizeLimit:  o.JournalSizeLimit,
		IncrementalVacuum: true,
	})
	if err != nil {
		if errors.Is(err, sqlitedb.ErrInvalidPath) || errors.Is(err, sqlitedb.ErrInvalidOptions) {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrStorage, err)
	}
	// The table of gofiber/storage/sqlite3, but WITHOUT ROWID: keyed by k itself, so a write updates
	// one B-tree less (about 30% cheaper). An existing table is left as it is.
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS ` + o.Table + ` (
		k VARCHAR(64) PRIMARY KEY NOT NULL DEFAULT '',
		v BLOB NOT NULL,
		e BIGINT NOT NULL DEFAULT '0'
	) WITHOUT ROWID`); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%w: creating table %q in %q: %w", ErrStorage, o.Table, path, err)
	}
	if err := ensureExpiryIndex(db, o.Table); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%w: indexing table %q in %q: %w", ErrStorage, o.Table, path, err)
	}
	t := o.Table
	st := &SQLiteStorage{
		db:        db,
		table:     t,
		opts:      o,
		wsem:      make(chan struct{}, 1),
		serialize: true,
		qSelect:   `SELECT v, e FROM ` + t + ` WHERE k=?`,
		qUpsert:   `INSERT OR REPLACE INTO ` + t + ` (k, v, e) VALUES (?,?,?)`,
		qDelete:   `DELETE FROM ` + t + ` WHERE k=?`,
		qReplace:  `UPDATE ` + t + ` SET v=?, e=? WHERE k=? AND (e=0 OR e>?)`,
		qSelectMany: `SELECT k, v, e FROM ` + t + ` WHERE k IN (?` +
			strings.Repeat(",?", getManyChunk-1) + `)`,
		qSelectPair: `SELECT k, v, e FROM ` + t + ` WHERE k IN (?,?)`,
		qScan:       `SELECT k, v, e FROM ` + t + ` WHERE k >= ? AND k < ? ORDER BY k`,
		qScanOpen:   `SELECT k, v, e FROM ` + t + ` WHERE k >= ? ORDER BY k`,
		qCount:      `SELECT COUNT(*) FROM ` + t + ` WHERE k >= ? AND k < ?`,
		qUpsertCount: `INSERT OR REPLACE INTO ` + t + ` (k, v, e) VALUES (?,?,?) RETURNING (SELECT COUNT(*) FROM ` +
			t + ` WHERE k >= ? AND k < ?)`,
		qSweep:  `DELETE FROM ` + t + ` WHERE k IN (SELECT k FROM ` + t + ` WHERE e > 0 AND e <= ? LIMIT ?)`,
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go st.sweeper()
	return st, nil
}

// ensureExpiryIndex gives the table an index on its expiry column. Files written by
// gofiber/storage/sqlite3 (and by earlier versions of this package) have one named "e"; when "e"
// belongs to another table in the same file, ours is "<table>_e".
func ensureExpiryIndex(db *sql.DB, table string) error {
	var owner string
	err := db.QueryRow(`SELECT tbl_name FROM sqlite_master WHERE type='index' AND name='e'`).Scan(&owner)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if owner == table {
		return nil
	}
	_, err = db.Exec(`CREATE INDEX IF NOT EXISTS ` + table + `_e ON ` + table + ` (e)`)
	return err
}

// Get returns the value stored under key, or nil when absent or expired.
func (s *SQLiteStorage) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	var (
		v []byte
		e int64
	)
	switch err := s.db.QueryRow(s.qSelect, key).Scan(&v, &e); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, err
	case e != 0 && e <= time.Now().Unix():
		return nil, nil
	}
	return v, nil
}

// Set stores val under key for exp (0: no expiry). An empty key or value is ignored.
func (s *SQLiteStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	_, err := s.exec(s.qUpsert, key, val, expirySeconds(time.Now(), exp))
	return err
}

// Delete removes key; a missing key is not an error.
func (s *SQLiteStorage) Delete(key string) error {
	if key == "" {
		return nil
	}
	_, err := s.exec(s.qDelete, key)
	return err
}

// Reset deletes every row of the table.
func (s *SQLiteStorage) Reset() error {
	_, err := s.exec(`DELETE FROM ` + s.table)
	return err
}

// Replace implements Replacer with one UPDATE statement.
func (s *SQLiteStorage) Replace(key string, val []byte, exp time.Duration) (bool, error) {
	if key == "" || len(val) == 0 {
		return false, nil
	}
	now := time.Now()
	res, err := s.exec(s.qReplace, val, expirySeconds(now, exp), key, now.Unix())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// exec runs one write statement in this process's write turn.
func (s *SQLiteStorage) exec(q string, args ...any) (res sql.Result, err error) {
	err = s.write(func() error {
		res, err = s.db.Exec(q, args...)
		return err
	})
	return res, err
}

// write runs fn in this process's write turn, waiting for it at most WriteTimeout. Failing to get
// the turn, or SQLite's own "database is locked" (another process held the file past the busy
// timeout), is an error wrapping ErrBusy.
func (s *SQLiteStorage) write(fn func() error) error {
	if s.serialize {
		select {
		case s.wsem <- struct{}{}:
		default:
			t := time.NewTimer(s.opts.WriteTimeout)
			select {
			case s.wsem <- struct{}{}:
				t.Stop()
			case <-t.C:
				return s.busy(fmt.Errorf("%w: no write turn within %v (SQLiteOptions.WriteTimeout): the file is overloaded", ErrBusy, s.opts.WriteTimeout))
			}
		}
		defer func() { <-s.wsem }()
	}
	err := fn()
	if sqlitedb.IsBusy(err) {
		return s.busy(fmt.Errorf("%w: another process held the file past SQLiteOptions.BusyTimeout: %w", ErrBusy, err))
	}
	return err
}

// busyLogEvery bounds how often busy writes are logged: the first one, then at most one line a
// minute carrying the count so far.
const busyLogEvery = time.Minute

// busy counts and logs a write that failed with ErrBusy, and returns err.
func (s *SQLiteStorage) busy(err error) error {
	n := s.stats[0].Add(1)
	now, last := time.Now().UnixNano(), s.lastBusyLog.Load()
	if (last == 0 || now-last >= int64(busyLogEvery)) && s.lastBusyLog.CompareAndSwap(last, now) {
		slog.Warn("session: SQLite writes are failing as busy", "table", s.table, "busy_total", n, "err", err)
	}
	return err
}

// SQLiteStats are a storage's counters since OpenSQLite.
type SQLiteStats struct {
	Busy         int64 // writes that failed with ErrBusy
	Swept        int64 // expired rows deleted by sweeps
	SweepBatches int64 // sweep transactions
}

// Stats returns the storage's counters.
func (s *SQLiteStorage) Stats() SQLiteStats {
	return SQLiteStats{s.stats[0].Load(), s.stats[1].Load(), s.stats[2].Load()}
}

// sweeper sweeps expired rows until Close: first within firstSweepMax, then every GCInterval ±20%.
func (s *SQLiteStorage) sweeper() {
	defer close(s.stopped)
	d := min(s.opts.GCInterval, firstSweepMax)
	t := time.NewTimer(d/2 + rand.N(d/2+1))
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		if _, err := s.Sweep(); err != nil && !errors.Is(err, ErrClosed) {
			slog.Warn("session: sweeping expired sessions failed; trying again at the next interval", "table", s.table, "err", err)
		}
		iv := s.opts.GCInterval
		t.Reset(iv*4/5 + rand.N(iv*2/5+1))
	}
}

// Sweep deletes the rows expired now, SweepBatch rows per transaction, each in its own write turn
// and followed by a pause as long as the batch took, so that the writes queued meanwhile run first;
// then it gives the freed pages back to the file system the same way (on files with incremental
// auto-vacuum: every file this package created; see Vacuum for older ones). It returns how many
// rows it deleted. The storage's sweeper calls it; call it yourself to sweep at a time of your
// choosing. It stops early, with ErrClosed, when the storage is closed.
func (s *SQLiteStorage) Sweep() (int, error) {
	now, total := time.Now().Unix(), 0
	for {
		n, err := s.sweepStep(func() (int64, error) {
			res, err := s.db.Exec(s.qSweep, now, s.opts.SweepBatch)
			if err != nil {
				return 0, err
			}
			return res.RowsAffected()
		})
		total += int(n)
		s.stats[1].Add(n)
		if !errors.Is(err, ErrClosed) {
			s.stats[2].Add(1) // a batch ran
		}
		if err != nil || n < int64(s.opts.SweepBatch) {
			if err == nil && total > 0 {
				err = s.vacuum()
			}
			return total, err
		}
	}
}

// vacuum gives free pages back with PRAGMA incremental_vacuum, a bounded number per write turn.
func (s *SQLiteStorage) vacuum() error {
	var av int
	if err := s.db.QueryRow(`PRAGMA auto_vacuum`).Scan(&av); err != nil || av != 2 {
		return err // not an incremental file: see Vacuum
	}
	q := fmt.Sprintf(`PRAGMA incremental_vacuum(%d)`, s.opts.SweepBatch)
	for {
		n, err := s.sweepStep(func() (int64, error) {
			rows, err := s.db.Query(q) // each row it steps through frees one page
			if err != nil {
				return 0, err
			}
			n := int64(0)
			for rows.Next() {
				n++
			}
			return n, errors.Join(rows.Err(), rows.Close())
		})
		if err != nil || n < int64(s.opts.SweepBatch) {
			return err
		}
		// The moved pages are in the WAL: copy them into the file now, outside the write turn (a
		// passive checkpoint runs beside writers), so that no request's commit pays for it.
		if _, err := s.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			return err
		}
	}
}

// sweepStep runs one step of a sweep in a write turn, waiting for the turn as long as it takes (but
// not past Close), then pauses as long as the step took. It returns what step returned.
func (s *SQLiteStorage) sweepStep(step func() (int64, error)) (int64, error) {
	if s.isClosed() {
		return 0, ErrClosed
	}
	select {
	case s.wsem <- struct{}{}:
	case <-s.done:
		return 0, ErrClosed
	}
	start := time.Now()
	n, err := step()
	<-s.wsem
	select {
	case <-time.After(max(time.Since(start), time.Millisecond)):
	case <-s.done:
	}
	return n, err
}

func (s *SQLiteStorage) isClosed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// Vacuum rebuilds the file with VACUUM, turning on incremental auto-vacuum, so that a file created
// before this package used it gives freed pages back after sweeps from then on; it also shrinks the
// file to its live rows. It holds the write turn throughout (0.2 s for 100,000 sessions in
// BENCHMARKS.md), so writes meanwhile wait up to WriteTimeout and may fail with ErrBusy, and it needs
// free disk space of the file's size: run it once, at a quiet time.
func (s *SQLiteStorage) Vacuum() error {
	s.wsem <- struct{}{}
	defer func() { <-s.wsem }()
	if _, err := s.db.Exec(`PRAGMA auto_vacuum=INCREMENTAL`); err != nil {
		return err
	}
	_, err := s.db.Exec(`VACUUM`)
	return err
}

// Update implements Updater with one IMMEDIATE transaction, which also serialises other processes
// sharing the file.
func (s *SQLiteStorage) Update(key string, fn func(old []byte) ([]byte, time.Duration, error), also ...Write) error {
	if key == "" {
		return errors.New("session: empty storage key")
	}
	return s.write(func() error { return s.update(key, fn, also) })
}

func (s *SQLiteStorage) update(key string, fn func(old []byte) ([]byte, time.Duration, error), also []Write) error {
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (the DSN sets _txlock=immediate)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	var (
		old []byte
		e   int64
	)
	now := time.Now()
	switch err := tx.QueryRowContext(ctx, s.qSelect, key).Scan(&old, &e); {
	case errors.Is(err, sql.ErrNoRows):
		old = nil
	case err != nil:
		return err
	case e != 0 && e <= now.Unix():
		old = nil
	}
	val, exp, err := fn(old)
	if err != nil {
		return err
	}
	write := func(w Write) (err error) {
		if w.Val == nil {
			_, err = tx.ExecContext(ctx, s.qDelete, w.Key)
		} else {
			_, err = tx.ExecContext(ctx, s.qUpsert, w.Key, w.Val, expirySeconds(now, w.Exp))
		}
		return err
	}
	for _, w := range also {
		if err := write(w); err != nil {
			return err
		}
	}
	if err := write(Write{Key: key, Val: val, Exp: exp}); err != nil {
		return err
	}
	return tx.Commit()
}

// getManyChunk is how many keys one GetMany statement reads; shorter lists are padded with "" (a key
// no row has), so the statement text, and its prepared statement, never changes.
const getManyChunk = 16

// GetMany implements ManyGetter with one statement per getManyChunk keys; one or two keys (a
// login's throttle counts) take a statement of two, which binds and plans in a fraction of the time.
func (s *SQLiteStorage) GetMany(keys []string) ([][]byte, error) {
	vals := make([][]byte, len(keys))
	pos := make(map[string][]int, len(keys))
	for i, k := range keys {
		pos[k] = append(pos[k], i)
	}
	now := time.Now().Unix()
	chunk, query := getManyChunk, s.qSelectMany
	if len(keys) <= 2 {
		chunk, query = 2, s.qSelectPair
	}
	args := make([]any, chunk)
	for start := 0; start < len(keys); start += chunk {
		for i := range args {
			args[i] = ""
			if start+i < len(keys) {
				args[i] = keys[start+i]
			}
		}
		rows, err := s.db.Query(query, args...)
		if err != nil {
			return nil, err
		}
		err = eachLive(rows, now, func(k string, v []byte) {
			for _, i := range pos[k] {
				vals[i] = v
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return vals, nil
}

// ScanPrefix implements PrefixScanner with one range query on the primary key: it reads only the
// rows whose key starts with prefix. An empty prefix is an error (it would read the whole table).
func (s *SQLiteStorage) ScanPrefix(prefix string) ([]string, [][]byte, error) {
	if prefix == "" {
		return nil, nil, errors.New("session: ScanPrefix needs a non-empty prefix")
	}
	q, args := s.scanQuery(prefix)
	rows, err := s.db.Query(q, args...)
	if err != nil {
		return nil, nil, err
	}
	var (
		keys []string
		vals [][]byte
	)
	err = eachLive(rows, time.Now().Unix(), func(k string, v []byte) {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
			vals = append(vals, v)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return keys, vals, nil
}

// countPrefix counts the rows (expired ones included) whose key starts with prefix, reading the
// primary key's range and decoding nothing: what a login checks MaxSessionsPerUser with.
func (s *SQLiteStorage) countPrefix(prefix string) (n int, err error) {
	end, _ := prefixEnd(prefix) // a user's prefix ends in tagSep: it always has an end
	err = s.db.QueryRow(s.qCount, prefix, end).Scan(&n)
	return n, err
}

// setCounting stores row like Set and returns how many keys start with prefix afterwards (row's
// included, expired ones too), counted by the same statement: a login from a fresh browser checks
// MaxSessionsPerUser with it, without a second read after its write.
func (s *SQLiteStorage) setCounting(row Write, prefix string) (n int, err error) {
	end, _ := prefixEnd(prefix) // a user's prefix ends in tagSep: it always has an end
	err = s.write(func() error {
		return s.db.QueryRow(s.qUpsertCount, row.Key, row.Val, expirySeconds(time.Now(), row.Exp), prefix, end).Scan(&n)
	})
	return n, err
}

// eachLive calls fn with the key and value of every row (k, v, e) of rows that has not expired at
// now (Unix seconds), then closes rows.
func eachLive(rows *sql.Rows, now int64, fn func(k string, v []byte)) error {
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			k string
			v []byte
			e int64
		)
		if err := rows.Scan(&k, &v, &e); err != nil {
			return err
		}
		if e == 0 || e > now {
			fn(k, v)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// scanQuery returns the statement ScanPrefix runs for prefix, with its arguments: a range search on
// the primary key from prefix to prefixEnd(prefix), or to the end of the table when there is no end.
func (s *SQLiteStorage) scanQuery(prefix string) (string, []any) {
	if end, ok := prefixEnd(prefix); ok {
		return s.qScan, []any{prefix, end}
	}
	return s.qScanOpen, []any{prefix}
}

// prefixEnd returns the smallest string greater than every string starting with prefix, in SQLite's
// byte-wise order; ok is false when there is none (prefix is all 0xff bytes).
func prefixEnd(prefix string) (end string, ok bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] != 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// Append implements Appender with Update: one IMMEDIATE transaction.
func (s *SQLiteStorage) Append(key string, val []byte, also ...Write) (int, error) {
	if key == "" || len(val) == 0 {
		return 0, errors.New("session: empty storage key or value")
	}
	n := 0
	err := s.Update(key, func(old []byte) ([]byte, time.Duration, error) {
		n = len(old) + len(val)
		return append(old[:len(old):len(old)], val...), 0, nil
	}, also...)
	return n, err
}

// DB returns the connection pool (for inspection and tests).
func (s *SQLiteStorage) DB() *sql.DB { return s.db }

// Table returns the table holding the sessions.
func (s *SQLiteStorage) Table() string { return s.table }

// Close stops the sweeper (an unfinished sweep stops after its current batch) and closes the pool.
// Safe to call more than once.
func (s *SQLiteStorage) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		<-s.stopped
		s.closeErr = s.db.Close()
	})
	return s.closeErr
}
