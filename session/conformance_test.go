package session_test

import (
	"path/filepath"
	"testing"

	"github.com/fiberviews/fiberviews/internal/storagetest"
	"github.com/fiberviews/fiberviews/session"
	"github.com/gofiber/fiber/v2"
)

// TestSQLiteConformance runs the storage suite that session/redisstore and session/pgstore pass
// too, on two handles of one SQLite file.
func TestSQLiteConformance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.sqlite3")
	storagetest.Run(t, func(t *testing.T) fiber.Storage {
		st, err := session.OpenSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	})
}
