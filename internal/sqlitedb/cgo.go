//go:build cgo

package sqlitedb

import (
	"errors"

	"github.com/mattn/go-sqlite3"
)

// cgoEnabled reports whether this binary was built with cgo, which
// go-sqlite3 needs.
const cgoEnabled = true

// IsBusy reports whether err is SQLite's "database is locked" (SQLITE_BUSY or SQLITE_LOCKED):
// another connection held the write lock past the busy timeout.
func IsBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}
