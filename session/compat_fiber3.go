//go:build ignore

// The Fiber v3 form of compat_fiber.go: internal/v3gen writes it in its place.

package session

import "time"

// Storage holds the sessions: the methods of Fiber v2's fiber.Storage, so that
// a storage written for either major, and every gofiber/storage driver, fits
// (Fiber v3's fiber.Storage has these methods too, and more).
type Storage interface {
	// Get returns the value of key, nil (and no error) when it is absent.
	Get(key string) ([]byte, error)
	// Set stores val under key with expiry exp (0: none). An empty key or
	// value is ignored.
	Set(key string, val []byte, exp time.Duration) error
	// Delete deletes key; no error when it is absent.
	Delete(key string) error
	// Reset deletes every key.
	Reset() error
	// Close closes the storage.
	Close() error
}
