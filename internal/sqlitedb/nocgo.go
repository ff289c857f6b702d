//go:build !cgo

package sqlitedb

const cgoEnabled = false

// IsBusy reports false: without cgo no SQLite call runs.
func IsBusy(error) bool { return false }
