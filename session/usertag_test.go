package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestLoginKeysCarryUserTag: a logged-in session's cookie is its user's tag, a dot and 32 random
// characters; anonymous cookies are 32 characters; the tag does not reveal the user id.
func TestLoginKeysCarryUserTag(t *testing.T) {
	m := newManager(t, Config{})
	app := newTestApp(m)
	anon := newClient(t, app)
	anon.must("POST", "/inc")
	if len(anon.cookie) != keyLen || !validKey([]byte(anon.cookie)) {
		t.Fatalf("anonymous cookie %q: want %d key characters", anon.cookie, keyLen)
	}
	login := func(user string) string {
		cl := newClient(t, app)
		cl.must("POST", "/login?u="+user)
		return cl.cookie
	}
	a1, a2, b := login("alice"), login("alice"), login("bob")
	for _, ck := range []string{a1, a2, b} {
		if len(ck) != userKeyLen || ck[tagLen] != '.' || !validKey([]byte(ck)) {
			t.Errorf("logged-in cookie %q: want <%d-char tag>.<%d chars>", ck, tagLen, keyLen)
		}
		if strings.Contains(ck, "alice") || strings.Contains(ck, "bob") {
			t.Errorf("cookie %q shows the user id", ck)
		}
	}
	if keyTag(a1) != keyTag(a2) {
		t.Errorf("alice's two sessions have tags %q and %q, want one", keyTag(a1), keyTag(a2))
	}
	if keyTag(a1) == keyTag(b) {
		t.Errorf("alice and bob share the tag %q", keyTag(a1))
	}
	if a1[tagLen+1:] == a2[tagLen+1:] {
		t.Errorf("two logins drew the same random part")
	}
	// Another storage has another secret: the same user gets another tag there, so a tag computed
	// elsewhere (or guessed from the user id alone) is worthless.
	other := newManager(t, Config{})
	tag, err := other.userTag("alice")
	if err != nil {
		t.Fatal(err)
	}
	if tag == keyTag(a1) {
		t.Errorf("two storages gave alice the same tag %q", tag)
	}
}

// TestLoginWritesOneRow counts the storage calls of a login and a logout on each surface. On the full
// SQLite surface a login from a fresh browser writes one row (one Set) and reads the user's key range
// to count the user's sessions against MaxSessionsPerUser; the surfaces without PrefixScanner write
// the user's index instead (on the Appender surface one append, which reads nothing back).
func TestLoginWritesOneRow(t *testing.T) {
	cases := []struct {
		surface     int
		login       map[string]int64 // calls by method for a login without a prior session
		loginRotate map[string]int64 // for a login from an anonymous session that has a row
	}{
		{fullSurface, map[string]int64{"Set": 1, "ScanPrefix": 1}, map[string]int64{"Get": 1, "Update": 1, "ScanPrefix": 1}},
		{appenderSurface, map[string]int64{"Append": 1}, map[string]int64{"Get": 1, "Append": 1}},
		{updaterSurface, map[string]int64{"Update": 1}, map[string]int64{"Get": 1, "Update": 1}},
		{plainSurface, map[string]int64{"Set": 2, "Get": 1}, map[string]int64{"Get": 2, "Delete": 1, "Set": 2}},
	}
	for _, tc := range cases {
		t.Run(surfaceNames[tc.surface], func(t *testing.T) {
			st, cs := newCounted(t, tc.surface)
			m := newManager(t, Config{Storage: st})
			app := newTestApp(m)
			newClient(t, app).must("POST", "/login?u=someone") // loads the user-tag secret once

			check := func(what string, want map[string]int64) {
				t.Helper()
				var total int64
				for method, n := range want {
					total += n
					if got := cs.n(method); got != n {
						t.Errorf("%s: %d %s calls, want %d", what, got, method, n)
					}
				}
				if cs.n() != total {
					t.Errorf("%s: %d storage calls, want %d (%v)", what, cs.n(), total, want)
				}
			}
			cl := newClient(t, app)
			cs.reset()
			cl.must("POST", "/login?u=dora")
			check("login", tc.login)
			cs.reset()
			cl.must("POST", "/logout")
			check("logout", map[string]int64{"Get": 1, "Delete": 1})

			cl.must("POST", "/inc")
			cs.reset()
			cl.must("POST", "/login?u=dora")
			check("login from an anonymous session", tc.loginRotate)

			var indexRows int
			err := cs.inner.(*SQLiteStorage).DB().QueryRow(
				`SELECT count(*) FROM ` + DefaultSQLiteTable + ` WHERE k LIKE 'session:user:%'`).Scan(&indexRows)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 0, false: 2}[tc.surface == fullSurface]; indexRows != want {
				t.Errorf("%d index rows, want %d", indexRows, want)
			}
		})
	}
}

// TestForeignKeysNotHonoured: a logged-in session is only honoured under a key that carries its
// user's tag, the key Login gives it. A row written any other way (an older version's untagged key,
// another user's tag, a tag under another secret) loads as no session and its cookie is removed, and it
// is neither listed nor logged out as the user's.
func TestForeignKeysNotHonoured(t *testing.T) {
	m := newManager(t, Config{})
	app := newTestApp(m)
	st := m.Storage()
	aliceTag, err := m.userTag("alice")
	if err != nil {
		t.Fatal(err)
	}
	bobTag, _ := m.userTag("bob")
	foreign := newManager(t, Config{})
	foreignTag, _ := foreign.userTag("alice")
	put := func(key, user string) {
		t.Helper()
		now := time.Now()
		raw, _ := json.Marshal(record{V: recordVersion, U: user, C: now.Unix(), S: now.Unix(),
			X: now.Add(time.Hour).Unix(), D: map[string]json.RawMessage{"n": json.RawMessage("7")}})
		if err := st.Set(DefaultKeyPrefix+key, raw, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, key, user string
	}{
		{"untagged key (before user tags)", newKey(), "alice"},
		{"another user's tag", newUserKey(bobTag), "alice"},
		{"a tag under another secret", newUserKey(foreignTag), "alice"},
		{"the user's tag, another user's row", newUserKey(aliceTag), "bob"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			put(tc.key, tc.user)
			r := newClient(t, app).raw("GET", "/read", tc.key)
			if r.body != "user= n=0" {
				t.Errorf("loaded as %q, want an anonymous empty session", r.body)
			}
			if ck, _, ok := r.sessionCookie(DefaultCookieName); !ok || ck.MaxAge >= 0 {
				t.Errorf("the cookie was not removed: %q", r.setCookie)
			}
		})
	}
	infos, err := m.UserSessions("alice")
	if err != nil || len(infos) != 0 {
		t.Errorf("alice has %d sessions (%v), want none", len(infos), err)
	}
	// The row under alice's tag that is bob's is not alice's to log out.
	if err := m.LogoutAll("alice"); err != nil {
		t.Fatal(err)
	}
	if raw, _ := st.Get(DefaultKeyPrefix + cases[3].key); raw == nil {
		t.Errorf("LogoutAll(alice) deleted a row that is bob's")
	}
}

// TestTagSecretShared: two Managers on one SQLite file (two processes sharing it) agree on the user
// tags, so each lists and logs out the sessions the other logged in; the secret is one row, created
// once, and a corrupt secret is a clear storage error that names the key to delete.
func TestTagSecretShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.sqlite3")
	mA := newManager(t, Config{Database: path})
	mB := newManager(t, Config{Database: path})
	appA, appB := newTestApp(mA), newTestApp(mB)

	onA := newClient(t, appA)
	onA.must("POST", "/login?u=erin")
	onB := newClient(t, appB)
	onB.must("POST", "/login?u=erin")
	if keyTag(onA.cookie) != keyTag(onB.cookie) {
		t.Fatalf("the two processes tag erin differently: %q, %q", keyTag(onA.cookie), keyTag(onB.cookie))
	}
	if got := newClient(t, appB).raw("GET", "/read", onA.cookie).body; got != "user=erin n=0" {
		t.Fatalf("a session from A read on B: %q", got)
	}
	infos, err := mB.UserSessions("erin")
	if err != nil || len(infos) != 2 {
		t.Fatalf("B lists %d of erin's sessions (%v), want 2", len(infos), err)
	}
	if err := mB.LogoutAll("erin"); err != nil {
		t.Fatal(err)
	}
	if got := onA.must("GET", "/read"); got != "user= n=0" {
		t.Fatalf("A's session after LogoutAll on B: %q", got)
	}

	db := mA.Storage().(*SQLiteStorage).DB()
	var secrets int
	if err := db.QueryRow(`SELECT count(*) FROM ` + DefaultSQLiteTable + ` WHERE k = 'session:` + tagSecretSuffix + `'`).Scan(&secrets); err != nil || secrets != 1 {
		t.Fatalf("%d secret rows (%v), want 1", secrets, err)
	}

	t.Run("corrupt secret", func(t *testing.T) {
		if _, err := db.Exec(`UPDATE ` + DefaultSQLiteTable + ` SET v = 'not hex' WHERE k = 'session:` + tagSecretSuffix + `'`); err != nil {
			t.Fatal(err)
		}
		mC := newManager(t, Config{Database: path}) // a third process starting now
		cl := newClient(t, newTestApp(mC))
		r := cl.do("POST", "/login?u=erin")
		if r.status != 500 || !strings.Contains(r.body, "storage failed") || !strings.Contains(r.body, "session:"+tagSecretSuffix) {
			t.Fatalf("login with a corrupt secret: %d %q, want a storage error naming the key", r.status, r.body)
		}
		if cl.cookie != "" {
			t.Fatalf("a cookie was set: %q", cl.cookie)
		}
		if _, err := db.Exec(`DELETE FROM ` + DefaultSQLiteTable + ` WHERE k = 'session:` + tagSecretSuffix + `'`); err != nil {
			t.Fatal(err)
		}
		cl.must("POST", "/login?u=erin")
		if got := cl.must("GET", "/read"); got != "user=erin n=0" {
			t.Fatalf("login after deleting the secret: %q", got)
		}
	})
}

// TestRotationAfterLogout: a request that loaded its session before another request logged it out
// ("log out everywhere") cannot bring it back by rotating its key: CycleKey and UpdateAuthHash return
// ErrSessionDeleted, the request ends anonymous with its cookie removed, and the user has no session.
func TestRotationAfterLogout(t *testing.T) {
	rotations := map[string]func(c *fiber.Ctx, s *Session) error{
		"CycleKey":       func(_ *fiber.Ctx, s *Session) error { return s.CycleKey() },
		"UpdateAuthHash": func(c *fiber.Ctx, _ *Session) error { return UpdateAuthHash(c) },
	}
	for _, surface := range []int{fullSurface, appenderSurface, updaterSurface, plainSurface} {
		for name, rotate := range rotations {
			t.Run(surfaceNames[surface]+"/"+name, func(t *testing.T) {
				st, _ := newCounted(t, surface)
				m := newManager(t, Config{Storage: st})
				app := newTestApp(m)
				app.Post("/rotate-after-logout-all", func(c *fiber.Ctx) error {
					s, err := Get(c)
					if err != nil {
						return err
					}
					uid, _ := s.UserID()
					if err := m.LogoutAll(uid); err != nil { // another request, meanwhile
						return err
					}
					err = rotate(c, s)
					if !errors.Is(err, ErrSessionDeleted) {
						return c.Status(500).SendString(fmt.Sprintf("rotation: %v, want ErrSessionDeleted", err))
					}
					if _, ok := s.UserID(); ok {
						return c.Status(500).SendString("still logged in after the rotation failed")
					}
					return c.SendString("refused")
				})
				cl := newClient(t, app)
				cl.must("POST", "/login?u=alice")
				old := cl.cookie
				r := cl.do("POST", "/rotate-after-logout-all")
				if r.status != 200 || r.body != "refused" {
					t.Fatalf("%d %q", r.status, r.body)
				}
				if ck, _, ok := r.sessionCookie(DefaultCookieName); !ok || ck.MaxAge >= 0 {
					t.Errorf("the cookie was not removed: %q", r.setCookie)
				}
				if infos, err := m.UserSessions("alice"); err != nil || len(infos) != 0 {
					t.Errorf("alice has %d sessions after LogoutAll (%v)", len(infos), err)
				}
				if got := cl.raw("GET", "/read", old).body; got != "user= n=0" {
					t.Errorf("the old cookie: %q", got)
				}
			})
		}
	}
	t.Run("without a concurrent logout both rotate", func(t *testing.T) {
		m := newManager(t, Config{})
		app := newTestApp(m)
		app.Post("/rehash", UpdateAuthHash)
		cl := newClient(t, app)
		cl.must("POST", "/login?u=alice")
		for _, path := range []string{"/cycle", "/rehash"} {
			before := cl.cookie
			cl.must("POST", path)
			if cl.cookie == before || keyTag(cl.cookie) != keyTag(before) {
				t.Errorf("%s: cookie %q after %q, want a new key with the same tag", path, cl.cookie, before)
			}
			if got := cl.must("GET", "/read"); got != "user=alice n=0" {
				t.Errorf("%s: %q", path, got)
			}
		}
	})
}

// TestTagSecretCreatedOnce: Managers starting at the same moment on one fresh SQLite file (processes
// sharing it) create one secret between them and agree on every tag.
func TestTagSecretCreatedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "race.sqlite3")
	const n = 8
	managers := make([]*Manager, n)
	for i := range managers {
		managers[i] = newManager(t, Config{Database: path})
	}
	tags := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, m := range managers {
		wg.Go(func() {
			<-start
			tags[i], errs[i] = m.userTag("grace")
		})
	}
	close(start)
	wg.Wait()
	for i := range managers {
		if errs[i] != nil || tags[i] != tags[0] {
			t.Errorf("manager %d: tag %q (%v), manager 0: %q", i, tags[i], errs[i], tags[0])
		}
	}
	var rows int
	db := managers[0].Storage().(*SQLiteStorage).DB()
	if err := db.QueryRow(`SELECT count(*) FROM ` + DefaultSQLiteTable).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("%d rows (%v), want the one secret", rows, err)
	}
}

// TestTagSecretRecheck: a Manager reads the secret again after tagSecretRecheck, so a secret deleted
// in the storage (ending every logged-in session) stops being used by a running process too, and the
// processes agree again on the new one.
func TestTagSecretRecheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "recheck.sqlite3")
	mA := newManager(t, Config{Database: path})
	mB := newManager(t, Config{Database: path})
	appA := newTestApp(mA)
	before := newClient(t, appA)
	before.must("POST", "/login?u=heidi")

	db := mA.Storage().(*SQLiteStorage).DB()
	if _, err := db.Exec(`DELETE FROM ` + DefaultSQLiteTable + ` WHERE k = 'session:` + tagSecretSuffix + `'`); err != nil {
		t.Fatal(err)
	}
	// Within the recheck interval A still uses the secret it read.
	if got := before.must("GET", "/read"); got != "user=heidi n=0" {
		t.Fatalf("before the recheck: %q", got)
	}
	mA.tagRecheck, mB.tagRecheck = 0, 0 // the interval has passed
	if got := before.must("GET", "/read"); got != "user= n=0" {
		t.Fatalf("a session tagged under the deleted secret after the recheck: %q", got)
	}
	after := newClient(t, appA)
	after.must("POST", "/login?u=heidi")
	if err := mB.LogoutAll("heidi"); err != nil {
		t.Fatal(err)
	}
	if got := after.must("GET", "/read"); got != "user= n=0" {
		t.Fatalf("B's LogoutAll missed a session A logged in under the new secret: %q", got)
	}
}

// scanOnly is a storage with PrefixScanner but without Updater.
type scanOnly struct {
	fiber.Storage
	PrefixScanner
}

// TestPrefixScanNeedsUpdater: the prefix path is used only on storages that can create the secret
// atomically; a PrefixScanner without Updater keeps the per-user index.
func TestPrefixScanNeedsUpdater(t *testing.T) {
	st := openTestSQLite(t)
	m := newManager(t, Config{Storage: scanOnly{Storage: st, PrefixScanner: st}})
	if m.scanner != nil {
		t.Fatal("a PrefixScanner without Updater is used for user sessions")
	}
	cl := newClient(t, newTestApp(m))
	cl.must("POST", "/login?u=ivan")
	if raw, _ := st.Get(m.indexKey("ivan")); raw == nil {
		t.Error("no index written on a storage without Updater")
	}
	if err := m.LogoutAll("ivan"); err != nil {
		t.Fatal(err)
	}
	if got := cl.must("GET", "/read"); got != "user= n=0" {
		t.Errorf("after LogoutAll: %q", got)
	}
}

// TestLogoutAllCatchesARotation: a session that rotates to a new key between LogoutAll's look at the
// user's sessions and its deletions (a CycleKey in another request) is caught by LogoutAll's next
// look, on every surface.
func TestLogoutAllCatchesARotation(t *testing.T) {
	for _, surface := range []int{fullSurface, appenderSurface, updaterSurface, plainSurface} {
		t.Run(surfaceNames[surface], func(t *testing.T) {
			st, cs := newCounted(t, surface)
			m := newManager(t, Config{Storage: st})
			app := newTestApp(m)
			cl := newClient(t, app)
			cl.must("POST", "/login?u=judy")
			before := cl.cookie
			rotated := false
			// LogoutAll's first write touches the looked-at session's row (Update or Delete of it):
			// the other request's CycleKey lands just before it.
			cs.failOn(func(method, key string) bool {
				if !rotated && (method == "Update" || method == "Delete") && key == DefaultKeyPrefix+before {
					rotated = true
					cl.must("POST", "/cycle")
				}
				return false
			})
			err := m.LogoutAll("judy")
			cs.failOn(nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rotated || cl.cookie == before {
				t.Fatalf("the rotation did not happen during LogoutAll (cookie %q)", cl.cookie)
			}
			if got := cl.must("GET", "/read"); got != "user= n=0" {
				t.Errorf("the session rotated during LogoutAll survived it: %q", got)
			}
		})
	}
}
