package session

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

// fillSessions writes n logged-in sessions of the library's own shapes (keys carrying the user's
// tag, records as Login writes them, perUser sessions per user) straight into m's SQLite table, in
// transactions of 10,000 rows: a file holding a million sessions in seconds rather than the minutes
// a million logins take. With expired the sessions expired a day ago. Users are named
// "<prefix><number>".
func fillSessions(tb testing.TB, m *Manager, prefix string, n, perUser int, expired bool) {
	tb.Helper()
	db := m.Storage().(*SQLiteStorage).DB()
	now := time.Now()
	x := now.Add(m.cfg.MaxAge).Unix()
	if expired {
		x = now.Add(-24 * time.Hour).Unix()
	}
	q := `INSERT OR REPLACE INTO ` + m.Storage().(*SQLiteStorage).Table() + ` (k, v, e) VALUES (?,?,?)`
	if _, err := m.userTag(prefix); err != nil { // creates the secret, outside the transactions
		tb.Fatal(err)
	}
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
