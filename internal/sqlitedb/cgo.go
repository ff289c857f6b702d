//go:build cgo

package sqlitedb

// cgoEnabled reports whether this binary was built with cgo, which
// go-sqlite3 needs.
const cgoEnabled = true
