//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package session

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/internal/keymarks"
)

func TestKeyMarker(t *testing.T) {
	now := time.Now()
	t.Run("shared by the storages of one file, trusted from the start on a new table", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "s.sqlite3")
		a, b := openStorage(t, db), openStorage(t, db)
		if !a.MarksSince().Equal(time.Unix(0, 0)) {
			t.Errorf("MarksSince = %v on a table this storage made, want the epoch", a.MarksSince())
		}
		if b.MayHold("k", now) {
			t.Fatal("an unmarked key may hold a value")
		}
		a.MarkKey("k", now.Add(time.Minute))
		if !b.MayHold("k", now) {
			t.Fatal("a mark made through one storage is not seen through the other")
		}
	})
	t.Run("beside the real file when the path is a symbolic link", func(t *testing.T) {
		dir := t.TempDir()
		real, link := filepath.Join(dir, "real.sqlite3"), filepath.Join(dir, "link.sqlite3")
		openStorage(t, real).MarkKey("k", now.Add(time.Minute))
		if err := os.Symlink(real, link); err != nil {
			t.Fatal(err)
		}
		if !openStorage(t, link).MayHold("k", now) {
			t.Error("a storage opened through a link does not see the marks made through the file's path")
		}
		if _, err := os.Stat(link + MarksFileSuffix); err == nil {
			t.Error("a second filter was made beside the link")
		}
	})
	t.Run("a file that cannot be opened: every key may hold a value, until a retry opens it", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "s.sqlite3")
		if err := os.Mkdir(db+MarksFileSuffix, 0o700); err != nil { // a directory in the way
			t.Fatal(err)
		}
		st := openStorage(t, db)
		st.MarkKey("k", now.Add(time.Minute)) // a count written unmarked
		if !st.MayHold("other", now) || st.MarksSince().Before(now.Add(time.Hour)) {
			t.Errorf("without a filter: MayHold false or MarksSince %v; want true and the far future", st.MarksSince())
		}
		if err := os.Remove(db + MarksFileSuffix); err != nil {
			t.Fatal(err)
		}
		// Meanwhile another process, which could, made the file, trusted from the start.
		other, err := keymarks.Open(db+MarksFileSuffix, nil, time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		_ = other.Close()
		st.marksNext.Store(1) // as when marksRetry has passed
		if st.MayHold("other", now) {
			t.Error("after the retry opened the file: an unmarked key may hold a value")
		}
		if since := st.MarksSince(); since.Before(now.Add(-time.Second)) {
			t.Errorf("MarksSince = %v after this process wrote a key unmarked, want now: another process would skip that key", since)
		}
	})
	t.Run("a new table in an older database is not trusted at once", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "s.sqlite3")
		_ = openStorage(t, db).Close()
		st, err := OpenSQLite(db, SQLiteOptions{Table: "other_sessions"})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if since := st.MarksSince(); since.Before(now.Add(-time.Second)) {
			t.Errorf("MarksSince = %v, want now: the older table's counts were written without this filter", since)
		}
	})
	t.Run("a mark waits for an open in progress instead of going unmarked", func(t *testing.T) {
		st := openStorage(t, filepath.Join(t.TempDir(), "s.sqlite3"))
		st.marksMu.Lock() // another goroutine is opening the filter
		done := make(chan struct{})
		go func() { st.MarkKey("k", now.Add(time.Minute)); close(done) }()
		time.Sleep(50 * time.Millisecond)
		st.marksMu.Unlock()
		<-done
		if !st.MayHold("k", now) {
			t.Error("the key marked while the filter was being opened is not marked")
		}
	})
	t.Run("closed", func(t *testing.T) {
		st := openStorage(t, filepath.Join(t.TempDir(), "s.sqlite3"))
		_ = st.Close()
		st.MarkKey("k", now.Add(time.Minute)) // no fault after Close
		if !st.MayHold("other", now) {
			t.Error("a closed storage answered a certain no")
		}
	})
}

func openStorage(t *testing.T, path string) *SQLiteStorage {
	t.Helper()
	st, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
