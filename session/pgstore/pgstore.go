// Package pgstore keeps fiberviews sessions in PostgreSQL, for several servers sharing them. Its
// Storage is a fiber.Storage on a pgx connection pool that also implements every optional interface
// of package session — session.Updater, session.Appender, session.Replacer, session.ManyGetter and
// session.PrefixScanner — so logins, "log out everywhere" and the login throttle's counts stay exact
// across servers:
//
//	st, err := pgstore.Open(ctx, "postgres://app:secret@db.internal:5432/site")
//	if err != nil { … }
//	defer st.Close()
//	m, err := session.New(session.Config{Storage: st})
//
// # Table
//
// Sessions live in one table (Options.Table, "fiberviews_sessions"), created when missing:
//
//	k text COLLATE "C" PRIMARY KEY, v bytea NOT NULL, e timestamptz NULL
//
// with a partial index on e for the sweep. Expiry (e, NULL for none) is taken from the database's
// clock, so servers whose clocks differ a little still agree on when a session ends. The keys of a
// logged-in user's sessions start with the user's tag (see package session), and the primary key
// sorts them byte-wise (COLLATE "C"): listing a user's sessions, "log out everywhere" and the count
// of MaxSessionsPerUser are a range scan of the primary key (k >= tag AND k < next tag) that reads
// that user's rows only. There is no separate user column: it would be a second index to update on
// every login and logout, for the same lookup.
//
// # Atomic steps
//
// Update reads the key with SELECT … FOR UPDATE and writes in the same transaction; when the key is
// absent its INSERT … ON CONFLICT DO NOTHING detects a concurrent creator and the transaction is
// retried (fn may run more than once, as session.Updater allows). The login throttle of package
// views/security counts failures through Update: concurrent failures on several servers all count.
//
// # Timeouts, failures and restarts
//
// A write that cannot get a connection, a row lock or an answer within Options.WriteTimeout (1 s,
// as SQLite's), a read within Options.ReadTimeout (5 s), and any call while the database is
// unreachable or restarting, fails with an error wrapping session.ErrBusy: a 503 (views.ErrorHandler
// adds Retry-After), never a hang. Such failures are counted in Stats and logged (the first, then
// at most once a minute). A transaction cut by a restart is rolled back whole, so nothing a request
// was told had succeeded is lost; the pool replaces broken connections by itself (a connection idle
// for more than a second is pinged before use).
//
// # Sweep
//
// Expired rows are never returned, and are deleted in batches of Options.SweepBatch (1000) rows, each
// batch its own statement (DELETE … WHERE ctid = ANY(ARRAY(SELECT ctid … LIMIT n FOR UPDATE SKIP
// LOCKED))) followed by a pause as long as it took: servers sweeping at once skip each other's rows,
// and no request waits behind a whole sweep. The first sweep runs within 30 seconds of Open, then
// every Options.GCInterval (5 minutes) ±20%.
//
// # Pool
//
// Open takes one connection string, a URL or "key=value" pairs, with pgx's parameters
// (pool_max_conns, connect_timeout, default_query_exec_mode for PgBouncer in transaction mode, …).
// Unless the string says otherwise the pool holds at most 8 connections, connects within 5 seconds,
// closes connections idle for 5 minutes and checks idle ones every 15 seconds.
//
// It lives apart from package session so that sites without PostgreSQL do not link a client.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/fiberviews/fiberviews/session"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options tune Open. The zero value gives the defaults documented on each field.
type Options struct {
	// Table is the table holding sessions. Default "fiberviews_sessions".
	Table string
	// WriteTimeout bounds a write: its wait for a pooled connection and for row locks held by other
	// writers, and the statements themselves. Past it the write fails with an error wrapping
	// session.ErrBusy. Default 1s.
	WriteTimeout time.Duration
	// ReadTimeout bounds a read the same way. Default 5s.
	ReadTimeout time.Duration
	// GCInterval is how often expired rows are swept (the first sweep runs within 30 seconds).
	// Default 5 minutes.
	GCInterval time.Duration
	// SweepBatch is how many expired rows one sweep statement deletes. Default 1000.
	SweepBatch int
}

// Defaults for Options and for the pool (see the package documentation).
const (
	DefaultTable        = "fiberviews_sessions"
	DefaultWriteTimeout = time.Second
	DefaultReadTimeout  = 5 * time.Second
	DefaultGCInterval   = 5 * time.Minute
	DefaultSweepBatch   = 1000

	DefaultMaxConns          = 8
	DefaultConnectTimeout    = 5 * time.Second
	DefaultMaxConnIdleTime   = 5 * time.Minute
	DefaultHealthCheckPeriod = 15 * time.Second
)

var validTable = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Storage is a session storage on PostgreSQL. Safe for concurrent use.
type Storage struct {
	pool  *pgxpool.Pool
	table string
	opts  Options

	qGet, qSet, qDelete, qReplace, qGetMany, qScan, qScanOpen string
	qLock, qInsert, qAppend, qSweep                           string

	stats       [3]atomic.Int64 // busy, swept, sweep batches
	lastBusyLog atomic.Int64

	done      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
}

var (
	_ session.Updater       = (*Storage)(nil)
	_ session.Appender      = (*Storage)(nil)
	_ session.Replacer      = (*Storage)(nil)
	_ session.ManyGetter    = (*Storage)(nil)
	_ session.PrefixScanner = (*Storage)(nil)
)

// Open connects to PostgreSQL with connString (a URL such as
// "postgres://user:pass@host:5432/db?sslmode=verify-full", or "host=… dbname=…" pairs), checks the
// connection, and creates the sessions table if it is missing. Errors wrap session.ErrConfig (a bad
// string or option, a table of another layout) or session.ErrStorage (the database did not answer).
// Close the storage when done.
func Open(ctx context.Context, connString string, opts ...Options) (*Storage, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Table == "" {
		o.Table = DefaultTable
	}
	if !validTable.MatchString(o.Table) {
		return nil, fmt.Errorf("%w: pgstore table %q: use lowercase letters, digits and underscores, not starting with a digit", session.ErrConfig, o.Table)
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.GCInterval <= 0 {
		o.GCInterval = DefaultGCInterval
	}
	if o.SweepBatch <= 0 {
		o.SweepBatch = DefaultSweepBatch
	}
	cfg, err := poolConfig(connString)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", session.ErrConfig, err)
	}
	s := newStorage(pool, o)
	if err := s.createTable(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	go s.sweeper()
	return s, nil
}

// poolConfig parses connString and returns the pool configuration with this package's defaults where
// the string sets nothing. Errors wrap session.ErrConfig.
func poolConfig(connString string) (*pgxpool.Config, error) {
	if strings.TrimSpace(connString) == "" {
		return nil, fmt.Errorf("%w: empty PostgreSQL connection string; use \"postgres://user:pass@host:5432/db\"", session.ErrConfig)
	}
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("%w: PostgreSQL connection string: %w", session.ErrConfig, err)
	}
	has := func(param string) bool { return strings.Contains(connString, param) }
	if !has("pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	if !has("connect_timeout") {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	if !has("pool_max_conn_idle_time") {
		cfg.MaxConnIdleTime = DefaultMaxConnIdleTime
	}
	if !has("pool_health_check_period") {
		cfg.HealthCheckPeriod = DefaultHealthCheckPeriod
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "fiberviews"
	}
	return cfg, nil
}

func newStorage(pool *pgxpool.Pool, o Options) *Storage {
	t := o.Table
	live := ` AND (e IS NULL OR e > now())`
	return &Storage{
		pool:      pool,
		table:     t,
		opts:      o,
		qGet:      `SELECT v FROM ` + t + ` WHERE k = $1` + live,
		qSet:      `INSERT INTO ` + t + ` (k, v, e) VALUES ($1, $2, now() + $3::interval) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, e = EXCLUDED.e`,
		qDelete:   `DELETE FROM ` + t + ` WHERE k = $1`,
		qReplace:  `UPDATE ` + t + ` SET v = $2, e = now() + $3::interval WHERE k = $1` + live,
		qGetMany:  `SELECT k, v FROM ` + t + ` WHERE k = ANY($1)` + live,
		qScan:     `SELECT k, v FROM ` + t + ` WHERE k >= $1 AND k < $2` + live + ` ORDER BY k`,
		qScanOpen: `SELECT k, v FROM ` + t + ` WHERE k >= $1 AND starts_with(k, $1)` + live + ` ORDER BY k`,
		qLock:     `SELECT v, e IS NULL OR e > now() FROM ` + t + ` WHERE k = $1 FOR UPDATE`,
		qInsert:   `INSERT INTO ` + t + ` (k, v, e) VALUES ($1, $2, now() + $3::interval) ON CONFLICT (k) DO NOTHING`,
		qAppend: `INSERT INTO ` + t + ` AS t (k, v, e) VALUES ($1, $2, NULL) ON CONFLICT (k) DO UPDATE SET ` +
			`v = CASE WHEN t.e IS NULL OR t.e > now() THEN t.v || EXCLUDED.v ELSE EXCLUDED.v END, e = NULL RETURNING octet_length(v)`,
		qSweep: `DELETE FROM ` + t + ` WHERE ctid = ANY(ARRAY(SELECT ctid FROM ` + t +
			` WHERE e <= now() LIMIT $1 FOR UPDATE SKIP LOCKED))`,
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
}

// createTable creates the table and its expiry index when missing, under an advisory lock (servers
// starting together would otherwise race in CREATE TABLE IF NOT EXISTS), and checks the layout of
// an existing one.
func (s *Storage) createTable(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "fiberviews:"+s.table); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+s.table+` (
			k text COLLATE "C" PRIMARY KEY,
			v bytea NOT NULL,
			e timestamptz NULL
		)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE INDEX IF NOT EXISTS `+s.table+`_e ON `+s.table+` (e) WHERE e IS NOT NULL`)
		return err
	})
	if err != nil {
		return fmt.Errorf("%w: connecting to PostgreSQL and creating table %q: %w", session.ErrStorage, s.table, err)
	}
	var kColl, eType string
	err = s.pool.QueryRow(ctx, `SELECT
		coalesce((SELECT collation_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'k'), ''),
		coalesce((SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'e'), '')`,
		s.table).Scan(&kColl, &eType)
	if err != nil {
		return fmt.Errorf("%w: reading the layout of table %q: %w", session.ErrStorage, s.table, err)
	}
	if kColl != "C" || eType != "timestamp with time zone" {
		return fmt.Errorf("%w: table %q exists with another layout (k collation %q, e type %q): use another Options.Table, "+
			"or drop it to have it created as k text COLLATE \"C\" PRIMARY KEY, v bytea NOT NULL, e timestamptz NULL",
			session.ErrConfig, s.table, kColl, eType)
	}
	return nil
}

// Pool returns the connection pool (for inspection and tests; pgusers.New can share it).
func (s *Storage) Pool() *pgxpool.Pool { return s.pool }

// Table returns the table holding the sessions.
func (s *Storage) Table() string { return s.table }

// Stats are a storage's counters since Open.
type Stats struct {
	Busy         int64 // calls that failed with session.ErrBusy
	Swept        int64 // expired rows deleted by sweeps
	SweepBatches int64 // sweep statements
}

// Stats returns the storage's counters.
func (s *Storage) Stats() Stats {
	return Stats{s.stats[0].Load(), s.stats[1].Load(), s.stats[2].Load()}
}

func (s *Storage) readCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.opts.ReadTimeout)
}

func (s *Storage) writeCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.opts.WriteTimeout)
}

// fail returns err, wrapped in session.ErrBusy when it is a timeout or a database that is down,
// restarting or out of connections (the request may succeed if tried again).
func (s *Storage) fail(err error, write bool) error {
	if err == nil || !isBusy(err) {
		return err
	}
	limit, name := s.opts.ReadTimeout, "ReadTimeout"
	if write {
		limit, name = s.opts.WriteTimeout, "WriteTimeout"
	}
	err = fmt.Errorf("%w: PostgreSQL did not answer within %v (pgstore Options.%s), or is unreachable: %w", session.ErrBusy, limit, name, err)
	n := s.stats[0].Add(1)
	now, last := time.Now().UnixNano(), s.lastBusyLog.Load()
	if (last == 0 || now-last >= int64(time.Minute)) && s.lastBusyLog.CompareAndSwap(last, now) {
		slog.Warn("session: PostgreSQL calls are failing as busy", "table", s.table, "busy_total", n, "err", err)
	}
	return err
}

// isBusy reports whether err is a timeout or a connection failure rather than a failed statement.
func isBusy(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"), // connection exception
			strings.HasPrefix(pgErr.Code, "57P"), // shutting down, cannot connect now
			pgErr.Code == "53300",                // too many connections
			pgErr.Code == "55P03",                // lock not available
			pgErr.Code == "57014":                // query canceled (our deadline)
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) || errors.As(err, &connectErr) ||
		errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "closed pool")
}

// interval is exp as the statements' interval parameter: NULL (no expiry) for exp <= 0.
func interval(exp time.Duration) any {
	if exp <= 0 {
		return nil
	}
	return exp
}

// Get returns the value stored under key, or nil when absent or expired.
func (s *Storage) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	ctx, cancel := s.readCtx()
	defer cancel()
	var v []byte
	err := s.pool.QueryRow(ctx, s.qGet, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return v, s.fail(err, false)
}

// Set stores val under key for exp (0: no expiry). An empty key or value is ignored.
func (s *Storage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	return s.exec(s.qSet, key, val, interval(exp))
}

// Delete removes key; a missing key is not an error.
func (s *Storage) Delete(key string) error {
	if key == "" {
		return nil
	}
	return s.exec(s.qDelete, key)
}

// Reset deletes every row of the table.
func (s *Storage) Reset() error { return s.exec(`DELETE FROM ` + s.table) }

func (s *Storage) exec(q string, args ...any) error {
	ctx, cancel := s.writeCtx()
	defer cancel()
	_, err := s.pool.Exec(ctx, q, args...)
	return s.fail(err, true)
}

// Replace implements session.Replacer with one UPDATE of a live row.
func (s *Storage) Replace(key string, val []byte, exp time.Duration) (bool, error) {
	if key == "" || len(val) == 0 {
		return false, nil
	}
	ctx, cancel := s.writeCtx()
	defer cancel()
	tag, err := s.pool.Exec(ctx, s.qReplace, key, val, interval(exp))
	if err != nil {
		return false, s.fail(err, true)
	}
	return tag.RowsAffected() > 0, nil
}

// GetMany implements session.ManyGetter with one statement (k = ANY($1)).
func (s *Storage) GetMany(keys []string) ([][]byte, error) {
	vals := make([][]byte, len(keys))
	if len(keys) == 0 {
		return vals, nil
	}
	pos := make(map[string][]int, len(keys))
	for i, k := range keys {
		pos[k] = append(pos[k], i)
	}
	ctx, cancel := s.readCtx()
	defer cancel()
	rows, err := s.pool.Query(ctx, s.qGetMany, keys)
	if err != nil {
		return nil, s.fail(err, false)
	}
	err = eachRow(rows, func(k string, v []byte) {
		for _, i := range pos[k] {
			vals[i] = v
		}
	})
	if err != nil {
		return nil, s.fail(err, false)
	}
	return vals, nil
}

// ScanPrefix implements session.PrefixScanner with one range scan of the primary key
// (k >= prefix AND k < the prefix's successor): it reads only the rows whose key starts with prefix.
// An empty prefix is an error (it would read the whole table).
func (s *Storage) ScanPrefix(prefix string) ([]string, [][]byte, error) {
	if prefix == "" {
		return nil, nil, errors.New("pgstore: ScanPrefix needs a non-empty prefix")
	}
	q, args := s.scanQuery(prefix)
	ctx, cancel := s.readCtx()
	defer cancel()
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, nil, s.fail(err, false)
	}
	var (
		keys []string
		vals [][]byte
	)
	err = eachRow(rows, func(k string, v []byte) {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
			vals = append(vals, v)
		}
	})
	if err != nil {
		return nil, nil, s.fail(err, false)
	}
	return keys, vals, nil
}

// scanQuery returns the statement ScanPrefix runs for prefix, with its arguments.
func (s *Storage) scanQuery(prefix string) (string, []any) {
	if end, ok := prefixEnd(prefix); ok {
		return s.qScan, []any{prefix, end}
	}
	return s.qScanOpen, []any{prefix}
}

// prefixEnd returns the smallest string greater, byte-wise, than every string starting with prefix;
// ok is false when there is none that PostgreSQL's text can hold (valid UTF-8).
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0x7f {
			b[i]++
			end := string(b[:i+1])
			return end, utf8.ValidString(end)
		}
		if b[i] < 0x80 { // 0x7f: carry into the byte before
			continue
		}
		return "", false // a multi-byte character: scan from prefix on, filtered
	}
	return "", false
}

func eachRow(rows pgx.Rows, fn func(k string, v []byte)) error {
	defer rows.Close()
	for rows.Next() {
		var (
			k string
			v []byte
		)
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		fn(k, v)
	}
	return rows.Err()
}

// maxRetries bounds the retries of Update when other transactions create the key or deadlock.
const maxRetries = 32

// errConflict: another transaction created the key Update found absent.
var errConflict = errors.New("pgstore: concurrent creation")

// Update implements session.Updater with one transaction: SELECT … FOR UPDATE, fn, then the writes
// in also and key's own. A key found absent is inserted with ON CONFLICT DO NOTHING; when another
// transaction created it meanwhile, the whole transaction is retried (fn runs again).
func (s *Storage) Update(key string, fn func(old []byte) ([]byte, time.Duration, error), also ...session.Write) error {
	if key == "" {
		return errors.New("pgstore: empty storage key")
	}
	ctx, cancel := s.writeCtx()
	defer cancel()
	for range maxRetries {
		err := s.update(ctx, key, fn, also)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001") {
			err = errConflict // a deadlock between two logins' writes, or a serialization failure
		}
		if !errors.Is(err, errConflict) {
			return s.fail(err, true)
		}
	}
	return fmt.Errorf("pgstore: updating %q: gave up after %d conflicting writes", key, maxRetries)
}

func (s *Storage) update(ctx context.Context, key string, fn func(old []byte) ([]byte, time.Duration, error), also []session.Write) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.Background()) }() // no-op after Commit
	var (
		old  []byte
		live bool
	)
	err = tx.QueryRow(ctx, s.qLock, key).Scan(&old, &live)
	exists := err == nil
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return err
	case !live:
		old = nil
	}
	val, exp, err := fn(old)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	for _, w := range also {
		s.queue(b, w)
	}
	inserted := true
	switch {
	case exists:
		s.queue(b, session.Write{Key: key, Val: val, Exp: exp})
	case val != nil:
		b.Queue(s.qInsert, key, val, interval(exp)).Exec(func(ct pgconn.CommandTag) error {
			inserted = ct.RowsAffected() == 1
			return nil
		})
	}
	if b.Len() > 0 {
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
	}
	if !inserted {
		return errConflict
	}
	return tx.Commit(ctx)
}

// queue adds one write to a batch: an upsert for a value, a DELETE for none.
func (s *Storage) queue(b *pgx.Batch, w session.Write) {
	if w.Val == nil {
		b.Queue(s.qDelete, w.Key)
	} else {
		b.Queue(s.qSet, w.Key, w.Val, interval(w.Exp))
	}
}

// Append implements session.Appender: the writes in also and one INSERT … ON CONFLICT DO UPDATE
// SET v = v || $2, in one transaction (one statement without also).
func (s *Storage) Append(key string, val []byte, also ...session.Write) (int, error) {
	if key == "" || len(val) == 0 {
		return 0, errors.New("pgstore: empty storage key or value")
	}
	ctx, cancel := s.writeCtx()
	defer cancel()
	var n int
	if len(also) == 0 {
		err := s.pool.QueryRow(ctx, s.qAppend, key, val).Scan(&n)
		return n, s.fail(err, true)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, w := range also {
			s.queue(b, w)
		}
		b.Queue(s.qAppend, key, val).QueryRow(func(row pgx.Row) error { return row.Scan(&n) })
		return tx.SendBatch(ctx, b).Close()
	})
	return n, s.fail(err, true)
}

// firstSweepMax bounds the delay before the first sweep.
const firstSweepMax = 30 * time.Second

func (s *Storage) sweeper() {
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
		if _, err := s.Sweep(); err != nil && !errors.Is(err, session.ErrClosed) {
			slog.Warn("session: sweeping expired sessions failed; trying again at the next interval", "table", s.table, "err", err)
		}
		iv := s.opts.GCInterval
		t.Reset(iv*4/5 + rand.N(iv*2/5+1))
	}
}

// Sweep deletes the rows expired now, SweepBatch rows per statement, each followed by a pause as
// long as it took, and returns how many it deleted. The storage's sweeper calls it; call it yourself
// to sweep at a time of your choosing. It stops early, with session.ErrClosed, when the storage is
// closed.
func (s *Storage) Sweep() (int, error) {
	total := 0
	for {
		select {
		case <-s.done:
			return total, session.ErrClosed
		default:
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		tag, err := s.pool.Exec(ctx, s.qSweep, s.opts.SweepBatch)
		cancel()
		if err != nil {
			return total, err
		}
		n := int(tag.RowsAffected())
		total += n
		s.stats[1].Add(int64(n))
		s.stats[2].Add(1)
		if n < s.opts.SweepBatch {
			return total, nil
		}
		select {
		case <-time.After(max(time.Since(start), time.Millisecond)):
		case <-s.done:
		}
	}
}

// Close stops the sweeper (an unfinished sweep stops after its current batch) and closes the pool.
// Safe to call more than once.
func (s *Storage) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		<-s.stopped
		s.pool.Close()
	})
	return nil
}
