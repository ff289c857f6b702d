// Package sqlitedb opens SQLite files tuned for concurrent web load: WAL journal, a busy timeout,
// synchronous=NORMAL, a bounded WAL (journal_size_limit), incremental auto-vacuum for new files, a
// per-connection prepared-statement cache and a small bounded pool whose connections are never
// recycled. It is shared by fiberviews packages and not meant for users.
package sqlitedb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ErrInvalidPath is returned for an empty path or an in-memory database. In-memory databases are
// refused because each pooled connection would see its own empty database, and the data vanishes when
// the pool recycles a connection.
var ErrInvalidPath = errors.New("sqlitedb: invalid database path")

// ErrInvalidOptions is returned for Options with an unknown value.
var ErrInvalidOptions = errors.New("sqlitedb: invalid options")

// ErrNotWAL is returned when the file could not be switched to WAL mode (for example on a file system
// without shared memory support).
var ErrNotWAL = errors.New("sqlitedb: database is not in WAL mode")

// Options tune a connection pool. The zero value gives the defaults documented on each field.
type Options struct {
	// BusyTimeout is how long a statement waits for another connection's write lock before failing
	// with "database is locked". Default 5s.
	BusyTimeout time.Duration
	// MaxOpenConns bounds the pool (WAL lets readers run in parallel; writers queue on one lock).
	// Default 8.
	MaxOpenConns int
	// Synchronous is the PRAGMA synchronous level: "OFF", "NORMAL" or "FULL". Default "NORMAL", which
	// in WAL mode never corrupts the database; a power loss may roll back the last commits.
	Synchronous string
	// StmtCacheSize is the number of prepared statements cached per connection. Default 16.
	StmtCacheSize int
	// JournalSizeLimit is PRAGMA journal_size_limit in bytes: after a checkpoint restarts the WAL, the
	// file is truncated back to at most this size instead of keeping its largest size forever.
	// Default DefaultJournalSizeLimit; negative: no limit (SQLite's default).
	JournalSizeLimit int64
	// IncrementalVacuum creates new files with PRAGMA auto_vacuum=INCREMENTAL, so that freed pages can
	// be given back to the file system by PRAGMA incremental_vacuum. It has no effect on a file that
	// already holds tables (converting one takes a VACUUM).
	IncrementalVacuum bool
}

// Defaults used for zero fields of Options.
const (
	DefaultBusyTimeout   = 5 * time.Second
	DefaultMaxOpenConns  = 8
	DefaultSynchronous   = "NORMAL"
	DefaultStmtCacheSize = 16
	// DefaultJournalSizeLimit keeps the WAL at most 32 MiB once checkpointed: eight times SQLite's
	// automatic checkpoint size (1000 pages of 4 KiB), so a busy file does not truncate and regrow its
	// WAL at every checkpoint, yet a burst of writes no longer leaves a WAL as large as the database.
	DefaultJournalSizeLimit = 32 << 20
)

func (o Options) withDefaults() Options {
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = DefaultBusyTimeout
	}
	if o.MaxOpenConns <= 0 {
		o.MaxOpenConns = DefaultMaxOpenConns
	}
	if o.Synchronous == "" {
		o.Synchronous = DefaultSynchronous
	}
	if o.StmtCacheSize <= 0 {
		o.StmtCacheSize = DefaultStmtCacheSize
	}
	if o.JournalSizeLimit == 0 {
		o.JournalSizeLimit = DefaultJournalSizeLimit
	}
	return o
}

// ErrNoCgo is Open's error in a binary built without cgo: SQLite is C code.
var ErrNoCgo = errors.New("sqlitedb: this program was built without cgo (CGO_ENABLED=0, or no C compiler found), " +
	"and SQLite needs it: install a C compiler (Debian/Ubuntu: apt-get install gcc; macOS: xcode-select --install), " +
	"then build again with CGO_ENABLED=1")

// DSN returns the go-sqlite3 data source name Open uses for path.
func DSN(path string, opts Options) (string, error) {
	if err := checkPath(path); err != nil {
		return "", err
	}
	o := opts.withDefaults()
	switch strings.ToUpper(o.Synchronous) {
	case "OFF", "NORMAL", "FULL", "EXTRA":
	default:
		return "", fmt.Errorf("%w: Synchronous %q: use OFF, NORMAL or FULL", ErrInvalidOptions, o.Synchronous)
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10))
	q.Set("_synchronous", strings.ToUpper(o.Synchronous))
	q.Set("_txlock", "immediate")
	q.Set("_stmt_cache_size", strconv.Itoa(o.StmtCacheSize))
	if o.IncrementalVacuum {
		q.Set("_auto_vacuum", "incremental")
	}
	return "file:" + escapePath(path) + "?" + q.Encode(), nil
}

// Open opens (creating if needed) the SQLite file at path with opts, checks that it answers and is in
// WAL mode, and returns the pool. It never panics.
func Open(path string, opts Options) (*sql.DB, error) {
	dsn, err := DSN(path, opts)
	if err != nil {
		return nil, err
	}
	if !cgoEnabled {
		return nil, ErrNoCgo
	}
	o := opts.withDefaults()
	db := sql.OpenDB(connector{dsn: dsn, init: "PRAGMA journal_size_limit=" + strconv.FormatInt(max(o.JournalSizeLimit, -1), 10)})
	db.SetMaxOpenConns(o.MaxOpenConns)
	db.SetMaxIdleConns(o.MaxOpenConns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)

	ctx, cancel := context.WithTimeout(context.Background(), o.BusyTimeout+5*time.Second)
	defer cancel()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlitedb: open %q: %w (its directory must exist and be writable, and an existing file must be an SQLite database)", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		_ = db.Close()
		return nil, fmt.Errorf("%w: %q reports journal_mode=%s; put the file on a local file system", ErrNotWAL, path, mode)
	}
	return db, nil
}

// connector opens go-sqlite3 connections and runs init on each: per-connection settings that the
// data source name cannot carry.
type connector struct{ dsn, init string }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Driver().Open(c.dsn)
	if err != nil {
		return nil, err
	}
	if _, err := conn.(driver.ExecerContext).ExecContext(ctx, c.init, nil); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return conn, nil
}

func (connector) Driver() driver.Driver { return &sqlite3.SQLiteDriver{} }

func checkPath(path string) error {
	p := strings.TrimSpace(path)
	if p == "" {
		return fmt.Errorf("%w: empty; give a file name such as \"sessions.sqlite3\"", ErrInvalidPath)
	}
	lp := strings.ToLower(p)
	if lp == ":memory:" || strings.HasPrefix(lp, "file::memory:") || strings.Contains(lp, "mode=memory") {
		return fmt.Errorf("%w: %q is an in-memory database, which loses its tables when the pool recycles a connection; use a file (t.TempDir() in tests)", ErrInvalidPath, path)
	}
	if strings.HasPrefix(lp, "file:") {
		return fmt.Errorf("%w: %q is a URI; give a plain file path, options are set by this package", ErrInvalidPath, path)
	}
	return nil
}

// escapePath escapes the characters that end or change the path part of an SQLite URI filename.
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch ch := p[i]; ch {
		case '%', '?', '#':
			fmt.Fprintf(&b, "%%%02x", ch)
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}
