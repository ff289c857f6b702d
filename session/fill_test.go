package session

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

// fillSessions writes n logged-in sessions of the library's own shapes (keys carrying the user's
// tag, records as Login writes them, perUser sessions per user) straight into the table of m's
// SQLite file (m.Config().Database), through a connection of its own, in transactions of 10,000
// rows: a file holding a million sessions in seconds rather than the minutes a million logins take.
// With expired the sessions expired a day ago. Users are named "<prefix><number>". m may be closed
// (so that no sweep runs meanwhile) once it has read its user-tag secret: see loadTagSecret.
func fillSessions(tb testing.TB, m *Manager, prefix string, n, perUser int, expired bool) {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+m.cfg.Database+"?_busy_timeout=10000&_txlock=immediate")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	table := cmp.Or(m.cfg.SQLite.Table, DefaultSQLiteTable)
	now := time.Now()
	x := now.Add(m.cfg.MaxAge).Unix()
	if expired {
		x = now.Add(-24 * time.Hour).Unix()
	}
	q := `INSERT OR REPLACE INTO ` + table + ` (k, v, e) VALUES (?,?,?)`
	loadTagSecret(tb, m)
	for start := 0; start < n; start += 10000 {
		tx, err := db.Begin()
		if err != nil {
			tb.Fatal(err)
		}
		for i := start; i < min(n, start+10000); i++ {
			uid := prefix + strconv.Itoa(i/max(perUser, 1))
			tag, err := m.userTag(uid)
			if err != nil {
				tb.Fatal(err)
			}
			rec := record{V: recordVersion, U: uid, C: x - int64(m.cfg.MaxAge/time.Second), S: x - int64(m.cfg.MaxAge/time.Second), X: x,
				IP: "203.0.113.7", UA: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
			val, _ := json.Marshal(&rec)
			if _, err := tx.Exec(q, m.cfg.KeyPrefix+newUserKey(tag), val, x); err != nil {
				tb.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
}

// loadTagSecret makes m read (or create) its user-tag secret and keep it for an hour without looking
// at the storage again, so that m computes tags even once closed.
func loadTagSecret(tb testing.TB, m *Manager) {
	m.tagRecheck = time.Hour
	if _, err := m.userTag("any"); err != nil {
		tb.Fatal(err)
	}
}
