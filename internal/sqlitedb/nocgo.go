//go:build !cgo

package sqlitedb

const cgoEnabled = false
