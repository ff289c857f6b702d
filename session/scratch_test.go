package session

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func BenchmarkScratchAppend(b *testing.B) {
	val := bytes.Repeat([]byte("x"), 250)
	line := []byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1700000000 1800000000\n")
	base := bytes.Repeat(line, 10)
	run := func(b *testing.B, f func(st *SQLiteStorage, idx, k string)) {
		st := openTestSQLite(b)
		for u := 0; u < 64; u++ {
			st.Set(fmt.Sprintf("session:user:%032d", u), base, 0)
		}
		i := 0
		for b.Loop() {
			idx := fmt.Sprintf("session:user:%032d", i%64)
			k := fmt.Sprintf("k%09d", i)
			f(st, idx, k)
			if i%64 == 63 {
				b.StopTimer()
				for u := 0; u < 64; u++ {
					st.Set(fmt.Sprintf("session:user:%032d", u), base, 0)
				}
				b.StartTimer()
			}
			i++
		}
	}
	b.Run("set only", func(b *testing.B) {
		run(b, func(st *SQLiteStorage, idx, k string) { st.Set(k, val, time.Hour) })
	})
	b.Run("append returning (current)", func(b *testing.B) {
		run(b, func(st *SQLiteStorage, idx, k string) {
			if _, err := st.Append(idx, line, Write{Key: k, Val: val, Exp: time.Hour}); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("append exec no returning", func(b *testing.B) {
		q := strings.TrimSuffix(strings.TrimSpace(openTestSQLite(b).appendSQL(1)), " RETURNING k, v")
		run(b, func(st *SQLiteStorage, idx, k string) {
			st.lock()
			defer st.unlock()
			now := time.Now()
			if _, err := st.db.Exec(q, idx, line, k, val, expirySeconds(now, time.Hour), idx, now.Unix()); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("set + append-exec (two statements)", func(b *testing.B) {
		q := `INSERT INTO fiberviews_sessions (k, v, e) VALUES (?,?,0) ON CONFLICT(k) DO UPDATE SET v = fiberviews_sessions.v || excluded.v`
		run(b, func(st *SQLiteStorage, idx, k string) {
			st.Set(k, val, time.Hour)
			st.lock()
			defer st.unlock()
			if _, err := st.db.Exec(q, idx, line); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("set + append-returning-v (two statements)", func(b *testing.B) {
		q := `INSERT INTO fiberviews_sessions (k, v, e) VALUES (?,?,0) ON CONFLICT(k) DO UPDATE SET v = fiberviews_sessions.v || excluded.v RETURNING v`
		run(b, func(st *SQLiteStorage, idx, k string) {
			st.Set(k, val, time.Hour)
			st.lock()
			defer st.unlock()
			var v []byte
			if err := st.db.QueryRow(q, idx, line).Scan(&v); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("tx: set + append-returning-v", func(b *testing.B) {
		q := `INSERT INTO fiberviews_sessions (k, v, e) VALUES (?,?,0) ON CONFLICT(k) DO UPDATE SET v = fiberviews_sessions.v || excluded.v RETURNING v`
		run(b, func(st *SQLiteStorage, idx, k string) {
			st.lock()
			defer st.unlock()
			tx, _ := st.db.Begin()
			tx.Exec(st.qUpsert, k, val, time.Now().Unix()+3600)
			var v []byte
			if err := tx.QueryRow(q, idx, line).Scan(&v); err != nil {
				b.Fatal(err)
			}
			tx.Commit()
		})
	})
	b.Run("append returning length", func(b *testing.B) {
		q := strings.Replace(openTestSQLite(b).appendSQL(1), "RETURNING k, v", "RETURNING length(v)", 1)
		run(b, func(st *SQLiteStorage, idx, k string) {
			st.lock()
			defer st.unlock()
			now := time.Now()
			rows, err := st.db.Query(q, idx, line, k, val, expirySeconds(now, time.Hour), idx, now.Unix())
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				var n int
				rows.Scan(&n)
			}
			rows.Close()
		})
	})
}
