package session

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/fiberviews/fiberviews/internal/sqlitedb"
	"github.com/gofiber/storage/sqlite3/v2"
)

// SQLiteOptions tune OpenSQLite. The zero value gives the defaults documented on each field.
type SQLiteOptions struct {
	// Table is the table holding sessions. Default "fiberviews_sessions".
	Table string
	// GCInterval is how often expired rows are deleted. Expired rows are never returned, so this only
	// bounds the file's growth. Default 5 minutes.
	GCInterval time.Duration
	// BusyTimeout is how long a statement waits for another process's write lock. Default 5s.
	BusyTimeout time.Duration
	// MaxOpenConns bounds the connection pool. Default 8.
	MaxOpenConns int
	// Synchronous is SQLite's PRAGMA synchronous: "NORMAL" (default; in WAL mode a power loss may
	// lose the last commits but never corrupts the file) or "FULL".
	Synchronous string
}

// Defaults for SQLiteOptions.
const (
	DefaultSQLiteTable      = "fiberviews_sessions"
	DefaultSQLiteGCInterval = 5 * time.Minute
)

var validTable = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// SQLiteStorage is the default session store: a fiber.Storage from
// github.com/gofiber/storage/sqlite3/v2 running on a connection pool this package configures (WAL
// journal, busy timeout, synchronous=NORMAL, bounded pool of long-lived connections with cached
// prepared statements). Writes from one process are queued on a mutex instead of SQLite's sleeping
// busy handler; the busy timeout only covers other processes sharing the file. It also implements
// Updater, Appender, Replacer, ManyGetter and PrefixScanner. Safe for concurrent use.
type SQLiteStorage struct {
	store *sqlite3.Storage
	db    *sql.DB
	table string
	wmu   sync.Mutex // serialises this process's writers; see the type's documentation
	// serialize is always true outside benchmarks that measure SQLite's own busy handling.
	serialize bool

	qSelect, qUpsert, qDelete, qReplace, qSelectMany string
	qScan, qScanOpen                                 string

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
// wrapping ErrConfig or ErrStorage instead of panicking like sqlite3.New. In-memory databases are
// refused: they lose their table when the pool recycles a connection; use a file under t.TempDir() in
// tests. Close the storage when done.
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
	db, err := sqlitedb.Open(path, sqlitedb.Options{
		BusyTimeout:  o.BusyTimeout,
		MaxOpenConns: o.MaxOpenConns,
		Synchronous:  o.Synchronous,
	})
	if err != nil {
		if errors.Is(err, sqlitedb.ErrInvalidPath) || errors.Is(err, sqlitedb.ErrInvalidOptions) {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrStorage, err)
	}
	// The table sqlite3/v2 would create, but WITHOUT ROWID: keyed by k itself, so a write updates one
	// B-tree less (about 30% cheaper). sqlite3/v2's statements work on it unchanged, and an existing
	// table is left as it is.
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS ` + o.Table + ` (
		k VARCHAR(64) PRIMARY KEY NOT NULL DEFAULT '',
		v BLOB NOT NULL,
		e BIGINT NOT NULL DEFAULT '0'
	) WITHOUT ROWID`); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%w: creating table %q in %q: %w", ErrStorage, o.Table, path, err)
	}
	store, err := newSQLite3(db, sqlite3.Config{Table: o.Table, GCInterval: o.GCInterval})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%w: preparing table %q in %q: %w", ErrStorage, o.Table, path, err)
	}
	if err := ensureExpiryIndex(db, o.Table); err != nil {
		_ = store.Close()
		_ = db.Close()
		return nil, fmt.Errorf("%w: indexing table %q in %q: %w", ErrStorage, o.Table, path, err)
	}
	t := o.Table
	st := &SQLiteStorage{
		store:     store,
		db:        db,
		table:     t,
		serialize: true,
		qSelect:   `SELECT v, e FROM ` + t + ` WHERE k=?`,
		qUpsert:   `INSERT OR REPLACE INTO ` + t + ` (k, v, e) VALUES (?,?,?)`,
		qDelete:   `DELETE FROM ` + t + ` WHERE k=?`,
		qReplace:  `UPDATE ` + t + ` SET v=?, e=? WHERE k=? AND (e=0 OR e>?)`,
		qSelectMany: `SELECT k, v, e FROM ` + t + ` WHERE k IN (?` +
			strings.Repeat(",?", getManyChunk-1) + `)`,
		qScan:     `SELECT k, v, e FROM ` + t + ` WHERE k >= ? AND k < ? ORDER BY k`,
		qScanOpen: `SELECT k, v, e FROM ` + t + ` WHERE k >= ? ORDER BY k`,
	}
	return st, nil
}

// newSQLite3 calls sqlite3.NewFromConnection, turning its panics into errors.
func newSQLite3(db *sql.DB, cfg sqlite3.Config) (s *sqlite3.Storage, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	return sqlite3.NewFromConnection(db, cfg), nil
}

// ensureExpiryIndex gives the table an index on its expiry column. sqlite3/v2 names its index "e"
// for every table, so when "e" already belongs to another table in the same file ours gets none.
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
func (s *SQLiteStorage) Get(key string) ([]byte, error) { return s.store.Get(key) }

// Set stores val under key for exp (0: no expiry). An empty key or value is ignored.
func (s *SQLiteStorage) Set(key string, val []byte, exp time.Duration) error {
	s.lock()
	defer s.unlock()
	return s.store.Set(key, val, exp)
}

// Delete removes key; a missing key is not an error.
func (s *SQLiteStorage) Delete(key string) error {
	s.lock()
	defer s.unlock()
	return s.store.Delete(key)
}

// Reset deletes every row of the table.
func (s *SQLiteStorage) Reset() error {
	s.lock()
	defer s.unlock()
	return s.store.Reset()
}

// Replace implements Replacer with one UPDATE statement.
func (s *SQLiteStorage) Replace(key string, val []byte, exp time.Duration) (bool, error) {
	if key == "" || len(val) == 0 {
		return false, nil
	}
	now := time.Now()
	s.lock()
	defer s.unlock()
	res, err := s.db.Exec(s.qReplace, val, expirySeconds(now, exp), key, now.Unix())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Update implements Updater with one IMMEDIATE transaction, which also serialises other processes
// sharing the file.
func (s *SQLiteStorage) Update(key string, fn func(old []byte) ([]byte, time.Duration, error), also ...Write) error {
	if key == "" {
		return errors.New("session: empty storage key")
	}
	s.lock()
	defer s.unlock()
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

// GetMany implements ManyGetter with one statement per getManyChunk keys.
func (s *SQLiteStorage) GetMany(keys []string) ([][]byte, error) {
	vals := make([][]byte, len(keys))
	pos := make(map[string][]int, len(keys))
	for i, k := range keys {
		pos[k] = append(pos[k], i)
	}
	now := time.Now().Unix()
	args := make([]any, getManyChunk)
	for start := 0; start < len(keys); start += getManyChunk {
		for i := range args {
			args[i] = ""
			if start+i < len(keys) {
				args[i] = keys[start+i]
			}
		}
		rows, err := s.db.Query(s.qSelectMany, args...)
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
func (s *SQLiteStorage) Append(key string, val []byte, also ...Write) ([]byte, error) {
	if key == "" || len(val) == 0 {
		return nil, errors.New("session: empty storage key or value")
	}
	var out []byte
	err := s.Update(key, func(old []byte) ([]byte, time.Duration, error) {
		out = append(old[:len(old):len(old)], val...)
		return out, 0, nil
	}, also...)
	return out, err
}

// DB returns the connection pool (for inspection and tests).
func (s *SQLiteStorage) DB() *sql.DB { return s.db }

// Table returns the table holding the sessions.
func (s *SQLiteStorage) Table() string { return s.table }

// Storage returns the underlying gofiber/storage/sqlite3/v2 storage. Writes through it bypass this
// process's write queue (they still wait on the busy timeout).
func (s *SQLiteStorage) Storage() *sqlite3.Storage { return s.store }

// Close stops the expired-row collector and closes the pool. Safe to call more than once.
func (s *SQLiteStorage) Close() error {
	s.closeOnce.Do(func() {
		err1 := s.store.Close()
		err2 := s.db.Close()
		s.closeErr = errors.Join(err1, err2)
	})
	return s.closeErr
}

func (s *SQLiteStorage) lock() {
	if s.serialize {
		s.wmu.Lock()
	}
}

func (s *SQLiteStorage) unlock() {
	if s.serialize {
		s.wmu.Unlock()
	}
}
