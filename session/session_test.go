package session

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

func TestLazyAndFrugal(t *testing.T) {
	for _, surface := range []int{fullSurface, appenderSurface, updaterSurface, plainSurface} {
		atomic := surface != plainSurface
		t.Run(surfaceNames[surface], func(t *testing.T) {
			st, cs := newCounted(t, surface)
			m := newManager(t, Config{Storage: st})
			app := newTestApp(m)
			cl := newClient(t, app)

			// A visitor that never touches the session: nothing at all.
			r := cl.do("GET", "/none")
			if cs.n() != 0 || len(r.setCookie) != 0 {
				t.Fatalf("untouched request without cookie: %d storage calls, Set-Cookie %q", cs.n(), r.setCookie)
			}
			// Reading an empty session: no storage call (no cookie to look up), no cookie.
			cl.must("GET", "/read")
			if cs.n() != 0 || cl.cookie != "" {
				t.Fatalf("reading an empty session: %d storage calls, cookie %q", cs.n(), cl.cookie)
			}
			// Creating a session: one write and a cookie.
			cl.must("POST", "/inc")
			if got := cs.n(); got != 1 || cl.cookie == "" {
				t.Fatalf("first write: %d storage calls, cookie %q; want 1 and a cookie", got, cl.cookie)
			}

			replaces := int64(0)
			cases := []struct {
				name       string
				method     string
				path       string
				wantCalls  int64
				wantWrites int64
				wantCookie bool
			}{
				{"untouched with cookie", "GET", "/none", 0, 0, false},
				{"read only", "GET", "/read", 1, 0, false},
				{"set to same value", "POST", "/set?k=n&v=", 1, 0, false},
				{"modify", "POST", "/inc", 2, 1, true},
				{"read again", "GET", "/read", 1, 0, false},
			}
			// "set to same value": store n as the string first, then set it again.
			cl.must("POST", "/set?k=same&v=x")
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					path := tc.path
					if tc.name == "set to same value" {
						path = "/set?k=same&v=x"
					}
					cs.reset()
					r := cl.do(tc.method, path)
					if r.status != 200 {
						t.Fatalf("status %d: %s", r.status, r.body)
					}
					writes := cs.n("Set", "Replace", "Delete", "Update", "Append")
					replaces += cs.n("Replace")
					if cs.n() != tc.wantCalls || writes != tc.wantWrites {
						t.Errorf("%d storage calls (%d writes), want %d (%d writes)", cs.n(), writes, tc.wantCalls, tc.wantWrites)
					}
					_, _, has := r.sessionCookie(DefaultCookieName)
					if has != tc.wantCookie {
						t.Errorf("Set-Cookie present = %v, want %v (%q)", has, tc.wantCookie, r.setCookie)
					}
				})
			}
			if atomic && replaces == 0 {
				t.Errorf("saves of a loaded session did not use Replace")
			}
		})
	}
}

func TestCookieDefaults(t *testing.T) {
	cases := []struct {
		name  string
		cfg   Config
		want  []string // attributes that must appear
		avoid []string // attributes that must not
	}{
		{"django defaults", Config{}, []string{"Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=1209600", "Expires="}, []string{"Secure", "Domain="}},
		{"secure and domain", Config{CookieSecure: true, CookieDomain: "example.com", CookiePath: "/app", CookieSameSite: "strict", CookieName: "sid"},
			[]string{"Path=/app", "Domain=example.com", "Secure", "HttpOnly", "SameSite=Strict"}, nil},
		{"browser close", Config{ExpireAtBrowserClose: true}, []string{"HttpOnly", "SameSite=Lax"}, []string{"Max-Age", "Expires"}},
		{"one hour", Config{MaxAge: time.Hour}, []string{"Max-Age=3600"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newManager(t, tc.cfg)
			cl := newClient(t, newTestApp(m))
			cl.name = m.Config().CookieName
			before := time.Now()
			r := cl.do("POST", "/inc")
			ck, raw, ok := r.sessionCookie(cl.name)
			if !ok {
				t.Fatalf("no %s cookie in %q", cl.name, r.setCookie)
			}
			for _, w := range tc.want {
				if !strings.Contains(raw, w) {
					t.Errorf("Set-Cookie %q lacks %q", raw, w)
				}
			}
			for _, a := range tc.avoid {
				if strings.Contains(raw, a) {
					t.Errorf("Set-Cookie %q has %q", raw, a)
				}
			}
			if !validKey([]byte(ck.Value)) {
				t.Errorf("key %q is not 32 chars of [a-z2-7]", ck.Value)
			}
			if ck.MaxAge > 0 {
				want := before.Add(time.Duration(ck.MaxAge) * time.Second)
				if d := ck.Expires.Sub(want); d < -2*time.Second || d > 2*time.Second {
					t.Errorf("Expires %v, want about %v", ck.Expires, want)
				}
			}
		})
	}
}

func TestKeys(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		k := newKey()
		if !validKey([]byte(k)) {
			t.Fatalf("newKey() = %q: not valid", k)
		}
		if seen[k] {
			t.Fatalf("newKey() repeated %q", k)
		}
		seen[k] = true
	}
	// 32 characters of a 32-letter alphabet: 5 bits each, 160 bits.
	if keyLen*5 < 128 {
		t.Fatalf("keys carry %d bits, want at least 128", keyLen*5)
	}
	cases := []struct {
		in   string
		want bool
	}{
		{strings.Repeat("a", 32), true},
		{strings.Repeat("7", 32), true},
		{strings.Repeat("a", 31), false},
		{strings.Repeat("a", 33), false},
		{strings.Repeat("A", 32), false},
		{strings.Repeat("1", 32), false},
		{strings.Repeat("8", 32), false},
		{"", false},
		{strings.Repeat("a", 31) + "\x00", false},
		// Logged-in keys: a 16-character user tag, a dot, 32 random characters.
		{strings.Repeat("b", 16) + "." + strings.Repeat("a", 32), true},
		{newUserKey(strings.Repeat("2", 16)), true},
		{strings.Repeat("b", 16) + "-" + strings.Repeat("a", 32), false},
		{strings.Repeat("b", 17) + strings.Repeat("a", 32), false},
		{strings.Repeat("b", 15) + "." + strings.Repeat("a", 33), false},
		{strings.Repeat("b", 16) + "." + strings.Repeat("a", 31) + ".", false},
		{strings.Repeat("B", 16) + "." + strings.Repeat("a", 32), false},
		{strings.Repeat("b", 16) + "." + strings.Repeat("a", 31), false},
		{"secret:user-tag", false},
	}
	for _, tc := range cases {
		if got := validKey([]byte(tc.in)); got != tc.want {
			t.Errorf("validKey(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBadCookies(t *testing.T) {
	st, cs := newCounted(t, fullSurface)
	m := newManager(t, Config{Storage: st})
	app := newTestApp(m)
	good := newClient(t, app)
	good.must("POST", "/login?u=alice")
	cases := []struct {
		name      string
		cookie    string
		wantGets  int64
		wantClear bool // the response expires the cookie
	}{
		{"malformed", "not a key!", 0, true},
		{"oversized", strings.Repeat("a", 3000), 0, true},
		{"wrong alphabet", strings.Repeat("A", 32), 0, true},
		{"sql-looking", "' OR 1=1 --", 0, true},
		{"unknown", strings.Repeat("b", 32), 1, true},
		{"fiber uuid", "0b4e0e3a-9c7f-4f5b-8f5a-1c2d3e4f5a6b", 0, true},
		{"valid", good.cookie, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl := newClient(t, app)
			cs.reset()
			r := cl.raw("GET", "/read", tc.cookie)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if tc.name == "valid" {
				if r.body != "user=alice n=0" {
					t.Fatalf("valid cookie: body %q", r.body)
				}
			} else if r.body != "user= n=0" {
				t.Fatalf("bad cookie gave %q, want a new anonymous session", r.body)
			}
			if got := cs.n("Get"); got != tc.wantGets {
				t.Errorf("%d storage reads, want %d", got, tc.wantGets)
			}
			if cs.n("Set", "Delete", "Update", "Replace", "Append") != 0 {
				t.Errorf("a bad cookie caused writes")
			}
			ck, _, ok := r.sessionCookie(DefaultCookieName)
			if ok != tc.wantClear || (ok && ck.MaxAge >= 0) {
				t.Errorf("cookie cleared = %v (%q), want %v", ok, r.setCookie, tc.wantClear)
			}
			// And writing to it makes a fresh session, never reusing the presented key.
			r = cl.raw("POST", "/inc", tc.cookie)
			ck, _, ok = r.sessionCookie(DefaultCookieName)
			if r.status != 200 || !ok || ck.Value == tc.cookie && tc.name != "valid" {
				t.Errorf("write with bad cookie: status %d, cookie %v", r.status, ck)
			}
		})
	}
}

func TestLoginRotatesKey(t *testing.T) {
	st, cs := newCounted(t, fullSurface)
	m := newManager(t, Config{Storage: st})
	app := newTestApp(m)
	cl := newClient(t, app)

	cl.must("POST", "/inc")
	cl.must("POST", "/inc")
	anon := cl.cookie
	cl.must("POST", "/login?u=alice")
	if cl.cookie == "" || cl.cookie == anon {
		t.Fatalf("login kept the key %q", anon)
	}
	if got := cl.must("GET", "/read"); got != "user=alice n=2" {
		t.Fatalf("after login: %q, want the user and the carried value", got)
	}
	if raw, _ := cs.inner.Get(m.cfg.KeyPrefix + anon); raw != nil {
		t.Fatalf("the pre-login row still exists")
	}
	if got := cl.raw("GET", "/read", anon).body; got != "user= n=0" {
		t.Fatalf("replaying the pre-login cookie: %q, want anonymous", got)
	}

	t.Run("same user again keeps values", func(t *testing.T) {
		before := cl.cookie
		cl.must("POST", "/login?u=alice")
		if cl.cookie == before {
			t.Fatalf("key not rotated")
		}
		if got := cl.must("GET", "/read"); got != "user=alice n=2" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("other user drops values", func(t *testing.T) {
		cl.must("POST", "/login?u=bob")
		if got := cl.must("GET", "/read"); got != "user=bob n=0" {
			t.Fatalf("got %q, want bob without alice's values", got)
		}
	})
	t.Run("empty user id", func(t *testing.T) {
		r := cl.do("POST", "/login?u=")
		if r.status != 500 || !strings.Contains(r.body, "empty user id") {
			t.Fatalf("status %d %q", r.status, r.body)
		}
	})
}

func TestLogout(t *testing.T) {
	st, cs := newCounted(t, fullSurface)
	m := newManager(t, Config{Storage: st, CookieDomain: "example.com", CookieSecure: true, CookieSameSite: "Strict", CookiePath: "/"})
	var hookLog []string
	m.OnLogout(func(c *fiber.Ctx, userID string) {
		// Runs before anything is cleared: the session is still readable.
		s, err := Get(c)
		if err != nil {
			hookLog = append(hookLog, "error "+err.Error())
			return
		}
		n, _ := s.GetInt("n")
		uid, _ := s.UserID()
		hookLog = append(hookLog, userID+" "+uid+" "+itoa(n))
	})
	m.OnLogout(func(_ *fiber.Ctx, userID string) { hookLog = append(hookLog, "second "+userID) })
	app := newTestApp(m)
	cl := newClient(t, app)
	cl.must("POST", "/login?u=alice")
	cl.must("POST", "/inc")
	old := cl.cookie

	r := cl.do("POST", "/logout")
	if r.status != 200 || r.body != "out" {
		t.Fatalf("logout: %d %q", r.status, r.body)
	}
	if want := []string{"alice alice 1", "second alice"}; strings.Join(hookLog, "|") != strings.Join(want, "|") {
		t.Fatalf("hooks saw %q, want %q", hookLog, want)
	}
	ck, raw, ok := r.sessionCookie(DefaultCookieName)
	if !ok {
		t.Fatalf("no cookie expiry in %q", r.setCookie)
	}
	for _, w := range []string{"Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "Path=/", "Domain=example.com", "Secure", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(raw, w) {
			t.Errorf("expiring Set-Cookie %q lacks %q", raw, w)
		}
	}
	if ck.Value != "" || ck.MaxAge >= 0 {
		t.Errorf("cookie not expired: %+v", ck)
	}
	if raw, _ := cs.inner.Get(m.cfg.KeyPrefix + old); raw != nil {
		t.Errorf("row still in storage after logout")
	}
	if got := cl.raw("GET", "/read", old).body; got != "user= n=0" {
		t.Errorf("replayed cookie after logout: %q, want anonymous", got)
	}

	t.Run("anonymous without cookie", func(t *testing.T) {
		hookLog = nil
		cs.reset()
		r := newClient(t, app).do("POST", "/logout")
		if r.status != 200 || r.body != "out" || cs.n() != 0 || len(r.setCookie) != 0 || hookLog != nil {
			t.Fatalf("status %d %q, %d storage calls, Set-Cookie %q, hooks %q", r.status, r.body, cs.n(), r.setCookie, hookLog)
		}
	})
	t.Run("anonymous with values", func(t *testing.T) {
		hookLog = nil
		a := newClient(t, app)
		a.must("POST", "/inc")
		key := a.cookie
		r := a.do("POST", "/logout")
		if r.status != 200 || hookLog != nil || a.cookie != "" {
			t.Fatalf("status %d, hooks %q, cookie %q", r.status, hookLog, a.cookie)
		}
		if raw, _ := cs.inner.Get(m.cfg.KeyPrefix + key); raw != nil {
			t.Fatalf("anonymous values survived logout")
		}
	})
	t.Run("values after logout start a new session", func(t *testing.T) {
		b := newClient(t, app)
		b.must("POST", "/login?u=bob")
		old := b.cookie
		b.must("POST", "/logout")
		b.must("POST", "/inc")
		if b.cookie == "" || b.cookie == old {
			t.Fatalf("cookie %q after logout and a write (old %q)", b.cookie, old)
		}
		if got := b.must("GET", "/read"); got != "user= n=1" {
			t.Fatalf("got %q", got)
		}
	})
}

func TestLogoutInHandlerThenSetDoesNotResurrect(t *testing.T) {
	m := newManager(t, Config{})
	app := fiber.New()
	app.Use(m.Middleware())
	app.Post("/login", func(c *fiber.Ctx) error { return Login(c, "alice") })
	app.Post("/logout-and-set", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		if err := Logout(c); err != nil {
			return err
		}
		// Fiber's "Save after Destroy brings the session back": here a later value starts a new,
		// anonymous session under a new key.
		return s.Set("after", true)
	})
	cl := newClient(t, app)
	cl.must("POST", "/login")
	old := cl.cookie
	cl.must("POST", "/logout-and-set")
	if cl.cookie == "" || cl.cookie == old {
		t.Fatalf("cookie after logout+set: %q (old %q)", cl.cookie, old)
	}
	if uid, ok := userOfCookie(t, m, old); ok {
		t.Fatalf("old cookie logged in as %q", uid)
	}
	if uid, ok := userOfCookie(t, m, cl.cookie); ok {
		t.Fatalf("new cookie logged in as %q", uid)
	}
}

// userOfCookie loads the session a cookie names, through a throwaway app.
func userOfCookie(t *testing.T, m *Manager, cookie string) (string, bool) {
	t.Helper()
	app := fiber.New()
	app.Use(m.Middleware())
	app.Get("/", func(c *fiber.Ctx) error {
		uid, ok := UserID(c)
		if !ok {
			return c.SendString("-")
		}
		return c.SendString("+" + uid)
	})
	r := newClient(t, app).raw("GET", "/", cookie)
	return strings.TrimPrefix(r.body, "+"), strings.HasPrefix(r.body, "+")
}

func TestAuthHash(t *testing.T) {
	passwords := map[string]string{"alice": "v1"}
	m := newManager(t, Config{AuthHash: func(id string) (string, error) {
		p, ok := passwords[id]
		if !ok {
			return "", errors.New("no such user")
		}
		return "hash-of-" + p, nil
	}})
	app := newTestApp(m)
	app.Post("/password", func(c *fiber.Ctx) error {
		uid, _ := UserID(c)
		passwords[uid] = strings.Clone(c.Query("p"))
		return UpdateAuthHash(c)
	})
	laptop, phone := newClient(t, app), newClient(t, app)
	laptop.must("POST", "/login?u=alice")
	phone.must("POST", "/login?u=alice")
	before := laptop.cookie
	laptop.must("POST", "/password?p=v2")
	if laptop.cookie == before {
		t.Errorf("UpdateAuthHash kept the key")
	}
	if got := laptop.must("GET", "/read"); got != "user=alice n=0" {
		t.Errorf("laptop after its own password change: %q", got)
	}
	r := phone.do("GET", "/read")
	if r.body != "user= n=0" {
		t.Errorf("phone after password change: %q, want anonymous", r.body)
	}
	if _, _, ok := r.sessionCookie(DefaultCookieName); !ok {
		t.Errorf("phone's stale cookie not expired")
	}
	t.Run("hash error", func(t *testing.T) {
		r := newClient(t, app).do("POST", "/login?u=nobody")
		if r.status != 500 || !strings.Contains(r.body, "auth hash") {
			t.Fatalf("status %d %q", r.status, r.body)
		}
	})
}

// TestLogoutEverywhere runs on every storage surface: by key prefix on the full SQLite surface, from
// the per-user index on the others.
func TestLogoutEverywhere(t *testing.T) {
	for _, surface := range []int{fullSurface, appenderSurface, updaterSurface, plainSurface} {
		t.Run(surfaceNames[surface], func(t *testing.T) {
			st, _ := newCounted(t, surface)
			testLogoutEverywhere(t, newManager(t, Config{Storage: st}))
		})
	}
	t.Run("full with another KeyPrefix", func(t *testing.T) {
		st, _ := newCounted(t, fullSurface)
		// Another app's sessions in the same table, under the default prefix, must stay untouched.
		other := newManager(t, Config{Storage: st})
		otherClient := newClient(t, newTestApp(other))
		otherClient.must("POST", "/login?u=alice")
		testLogoutEverywhere(t, newManager(t, Config{Storage: st, KeyPrefix: "app1:"}))
		if got := otherClient.must("GET", "/read"); got != "user=alice n=0" {
			t.Errorf("the other app's alice after app1's LogoutAll: %q", got)
		}
	})
}

func testLogoutEverywhere(t *testing.T, m *Manager) {
	app := newTestApp(m)
	devices := make([]*client, 3)
	for i := range devices {
		devices[i] = newClient(t, app)
		devices[i].ua = "device-" + itoa(int64(i))
		devices[i].must("POST", "/login?u=alice")
	}
	bob := newClient(t, app)
	bob.must("POST", "/login?u=bob")

	t.Run("list", func(t *testing.T) {
		lines := strings.Split(strings.TrimSpace(devices[0].must("GET", "/sessions")), "\n")
		if len(lines) != 3 {
			t.Fatalf("listed %d sessions: %q", len(lines), lines)
		}
		current := 0
		for _, l := range lines {
			f := strings.Fields(l)
			if len(f) != 4 || f[2] != "0.0.0.0" || !strings.HasPrefix(f[3], "device-") {
				t.Errorf("line %q: want id, current/other, IP, user agent", l)
			}
			if f[1] == "current" {
				current++
				if f[3] != "device-0" {
					t.Errorf("current session is %q", f[3])
				}
			}
		}
		if current != 1 {
			t.Errorf("%d sessions marked current", current)
		}
		infos, err := m.UserSessions("alice")
		if err != nil || len(infos) != 3 {
			t.Fatalf("Manager.Sessions: %d, %v", len(infos), err)
		}
		for _, in := range infos {
			if in.Created.IsZero() || in.LastSeen.IsZero() || !in.Expires.After(time.Now()) || in.Current {
				t.Errorf("info %+v", in)
			}
		}
	})
	t.Run("logout others", func(t *testing.T) {
		devices[0].must("POST", "/others")
		if got := devices[0].must("GET", "/read"); got != "user=alice n=0" {
			t.Fatalf("current session after LogoutOthers: %q", got)
		}
		for _, d := range devices[1:] {
			if got := d.must("GET", "/read"); got != "user= n=0" {
				t.Errorf("%s after LogoutOthers: %q", d.ua, got)
			}
		}
		if got := bob.must("GET", "/read"); got != "user=bob n=0" {
			t.Errorf("bob: %q", got)
		}
		if n := strings.Count(devices[0].must("GET", "/sessions"), "\n"); n != 1 {
			t.Errorf("%d sessions listed after LogoutOthers", n)
		}
	})
	t.Run("logout one by id", func(t *testing.T) {
		extra := newClient(t, app)
		extra.must("POST", "/login?u=alice")
		infos, err := m.UserSessions("alice")
		if err != nil || len(infos) != 2 {
			t.Fatalf("%d sessions, %v", len(infos), err)
		}
		var target string
		for _, in := range infos {
			if in.ID != publicID(devices[0].cookie) {
				target = in.ID
			}
		}
		if err := m.LogoutUserSession("alice", target); err != nil {
			t.Fatal(err)
		}
		if got := extra.must("GET", "/read"); got != "user= n=0" {
			t.Errorf("logged-out device: %q", got)
		}
		if err := m.LogoutUserSession("alice", target); !errors.Is(err, ErrUnknownSession) {
			t.Errorf("second LogoutUserSession: %v, want ErrUnknownSession", err)
		}
	})
	t.Run("logout all", func(t *testing.T) {
		again := newClient(t, app)
		again.must("POST", "/login?u=alice")
		if err := m.LogoutAll("alice"); err != nil {
			t.Fatal(err)
		}
		for _, d := range []*client{devices[0], again} {
			if got := d.must("GET", "/read"); got != "user= n=0" {
				t.Errorf("after LogoutAll: %q", got)
			}
		}
		if raw, _ := m.store.Get(m.indexKey("alice")); raw != nil {
			t.Errorf("index left after LogoutAll: %s", raw)
		}
		if got := bob.must("GET", "/read"); got != "user=bob n=0" {
			t.Errorf("bob after alice's LogoutAll: %q", got)
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		r := newClient(t, app).do("GET", "/sessions")
		if r.status != 500 || !strings.Contains(r.body, "not logged in") {
			t.Errorf("anonymous /sessions: %d %q", r.status, r.body)
		}
	})
}

func TestIndexPruning(t *testing.T) {
	for _, surface := range []int{appenderSurface, updaterSurface, plainSurface} {
		t.Run(surfaceNames[surface], func(t *testing.T) {
			st, _ := newCounted(t, surface)
			m := newManager(t, Config{Storage: st})
			app := newTestApp(m)
			keeper := newClient(t, app)
			keeper.must("POST", "/login?u=carol")
			maxLen := 0
			for range 100 {
				cl := newClient(t, app)
				cl.must("POST", "/login?u=carol")
				cl.must("POST", "/logout")
				ix, err := m.readIndex("carol")
				if err != nil {
					t.Fatal(err)
				}
				maxLen = max(maxLen, len(ix.E))
			}
			// One live session plus the one logging in is verified live at each prune, so the
			// index stays within twice that plus the slack, plus the entry being added.
			if maxLen > 2*2+pruneSlack+1 {
				t.Errorf("index grew to %d entries for 1 live session", maxLen)
			}
			infos, err := m.UserSessions("carol")
			if err != nil || len(infos) != 1 {
				t.Fatalf("Sessions: %d, %v", len(infos), err)
			}
			ix, _ := m.readIndex("carol")
			if len(ix.E) != 1 || ix.E[0].K != keeper.cookie {
				t.Errorf("index after listing: %+v, want only the live session", ix.E)
			}
		})
	}
}

func TestStorageFailure(t *testing.T) {
	st, cs := newCounted(t, fullSurface)
	m := newManager(t, Config{Storage: st})
	app := newTestApp(m)
	app.Post("/save", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return c.Status(503).SendString("get: " + err.Error())
		}
		if err := s.Set("x", c.Query("v")); err != nil {
			return err
		}
		if err := s.Save(); err != nil {
			if !errors.Is(err, ErrStorage) || !errors.Is(err, errInjected) {
				return c.Status(500).SendString("not wrapped: " + err.Error())
			}
			return c.Status(503).SendString("save: " + err.Error())
		}
		return c.SendString("saved")
	})
	cl := newClient(t, app)
	cl.must("POST", "/login?u=alice")
	cl.must("POST", "/inc")
	all := func(string) bool { return true }

	t.Run("load fails", func(t *testing.T) {
		cs.failOn(all)
		defer cs.failOn(nil)
		r := cl.do("POST", "/save?v=1")
		if r.status != 503 || !strings.Contains(r.body, "storage failed") || !strings.Contains(r.body, "injected") {
			t.Fatalf("%d %q", r.status, r.body)
		}
		if len(r.setCookie) != 0 {
			t.Fatalf("cookie touched on failed load: %q", r.setCookie)
		}
	})
	t.Run("explicit save fails, then succeeds", func(t *testing.T) {
		cs.failOn(func(m string) bool { return m == "Replace" || m == "Set" })
		r := cl.do("POST", "/save?v=2")
		cs.failOn(nil)
		if r.status != 503 || !strings.Contains(r.body, "save:") {
			t.Fatalf("%d %q", r.status, r.body)
		}
		// Nothing locked, nothing half-written: the next request works and sees the old state.
		if got := cl.must("GET", "/read"); got != "user=alice n=1" {
			t.Fatalf("after failed save: %q", got)
		}
		if got := cl.must("POST", "/save?v=3"); got != "saved" {
			t.Fatalf("retry: %q", got)
		}
	})
	t.Run("middleware save fails", func(t *testing.T) {
		cs.failOn(func(m string) bool { return m == "Replace" })
		r := cl.do("POST", "/inc")
		cs.failOn(nil)
		if r.status != 500 || !strings.Contains(r.body, "storage failed") {
			t.Fatalf("%d %q", r.status, r.body)
		}
		if got := cl.must("GET", "/read"); got != "user=alice n=1" {
			t.Fatalf("after failed save: %q", got)
		}
	})
	t.Run("logout fails", func(t *testing.T) {
		cs.failOn(func(m string) bool { return m == "Delete" })
		r := cl.do("POST", "/logout")
		cs.failOn(nil)
		if r.status != 500 {
			t.Fatalf("%d %q", r.status, r.body)
		}
		if got := cl.must("GET", "/read"); !strings.HasPrefix(got, "user=alice") {
			t.Fatalf("a failed logout must leave the session as it was: %q", got)
		}
		cl.must("POST", "/logout")
		if got := cl.must("GET", "/read"); got != "user= n=0" {
			t.Fatalf("logout after recovery: %q", got)
		}
	})
}

// TestLoginFailure: a storage failure at any step of a login leaves the request not logged in, and
// the user without a session; on an Updater storage nothing at all changed.
func TestLoginFailure(t *testing.T) {
	isIndex := func(key string) bool { return strings.Contains(key, "user:") }
	isSecret := func(key string) bool { return strings.Contains(key, tagSecretSuffix) }
	cases := []struct {
		name     string
		surface  int
		fail     func(method, key string) bool
		keepsOld bool // the pre-login session survives unchanged
	}{
		{"full: update", fullSurface, func(m, k string) bool { return m == "Update" && !isSecret(k) }, true},
		{"full: user-tag secret", fullSurface, func(m, k string) bool { return isSecret(k) }, true},
		{"appender: append", appenderSurface, func(m, _ string) bool { return m == "Append" }, true},
		{"updater: update", updaterSurface, func(m, _ string) bool { return m == "Update" }, true},
		{"plain: delete old row", plainSurface, func(m, _ string) bool { return m == "Delete" }, true},
		{"plain: write new row", plainSurface, func(m, k string) bool { return m == "Set" && !isIndex(k) }, false},
		{"plain: read index", plainSurface, func(m, k string) bool { return m == "Get" && isIndex(k) }, false},
		{"plain: write index", plainSurface, func(m, k string) bool { return m == "Set" && isIndex(k) }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, cs := newCounted(t, tc.surface)
			m := newManager(t, Config{Storage: st})
			app := newTestApp(m)
			c := newClient(t, app)
			c.must("POST", "/inc")
			before := c.cookie
			cs.failOn(tc.fail)
			r := c.do("POST", "/login?u=mallory")
			cs.failOn(nil)
			if r.status != 500 || !strings.Contains(r.body, "storage failed") {
				t.Fatalf("login: %d %q, want a storage error", r.status, r.body)
			}
			if got := c.must("GET", "/read"); strings.Contains(got, "mallory") {
				t.Fatalf("half logged in: %q", got)
			}
			if infos, err := m.UserSessions("mallory"); err != nil || len(infos) != 0 {
				t.Fatalf("mallory has %d sessions (%v)", len(infos), err)
			}
			if tc.keepsOld {
				if c.cookie != before || c.must("GET", "/read") != "user= n=1" {
					t.Fatalf("the pre-login session changed: cookie %q (was %q)", c.cookie, before)
				}
			}
			c.must("POST", "/login?u=mallory")
			if got := c.must("GET", "/read"); !strings.HasPrefix(got, "user=mallory") {
				t.Fatalf("login after recovery: %q", got)
			}
		})
	}
}

// TestConcurrentLogoutBeatsSave: a request that loaded the session before a "log out everywhere" and
// saves after it does not bring the session back (on storages implementing Replacer).
func TestConcurrentLogoutBeatsSave(t *testing.T) {
	for _, surface := range []int{fullSurface, updaterSurface} {
		for _, explicit := range []bool{true, false} {
			name := surfaceNames[surface] + "/middleware save"
			if explicit {
				name = surfaceNames[surface] + "/explicit Save"
			}
			t.Run(name, func(t *testing.T) {
				st, _ := newCounted(t, surface)
				m := newManager(t, Config{Storage: st})
				app := newTestApp(m)
				loaded := make(chan struct{})
				proceed := make(chan struct{})
				var saveErr error
				app.Post("/slow", func(c *fiber.Ctx) error {
					s, err := Get(c)
					if err != nil {
						return err
					}
					close(loaded)
					<-proceed
					_ = s.Set("late", 1)
					if explicit {
						saveErr = s.Save()
					}
					return nil
				})
				cl := newClient(t, app)
				cl.must("POST", "/login?u=alice")
				done := make(chan result, 1)
				go func() { done <- cl.raw("POST", "/slow", cl.cookie) }()
				select {
				case <-loaded:
				case r := <-done:
					t.Fatalf("handler did not run: %d %q", r.status, r.body)
				}
				if err := m.LogoutAll("alice"); err != nil {
					t.Fatal(err)
				}
				close(proceed)
				r := <-done
				if explicit && !errors.Is(saveErr, ErrSessionDeleted) {
					t.Fatalf("Save after a concurrent LogoutAll: %v, want ErrSessionDeleted", saveErr)
				}
				if r.status != 200 {
					t.Fatalf("status %d %q", r.status, r.body)
				}
				if ck, _, ok := r.sessionCookie(DefaultCookieName); !ok || ck.MaxAge >= 0 {
					t.Errorf("cookie not expired: %q", r.setCookie)
				}
				if got := cl.raw("GET", "/read", cl.cookie).body; got != "user= n=0" {
					t.Fatalf("session came back: %q", got)
				}
			})
		}
	}
}

func TestSetExpiry(t *testing.T) {
	m := newManager(t, Config{})
	app := newTestApp(m)
	app.Post("/expiry", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		d, err := time.ParseDuration(c.Query("d"))
		if err != nil {
			return err
		}
		s.SetExpiry(d)
		return nil
	})
	cases := []struct {
		d          string
		wantMaxAge string // "" means no Max-Age attribute
	}{
		{"1h", "Max-Age=3600"},
		{"1500ms", "Max-Age=2"},
		{"0s", ""},
		{"-1s", "Max-Age=1209600"},
	}
	for _, tc := range cases {
		t.Run(tc.d, func(t *testing.T) {
			cl := newClient(t, app)
			cl.must("POST", "/inc")
			r := cl.do("POST", "/expiry?d="+tc.d)
			if tc.d == "-1s" {
				// Back to the default from the default: no change, nothing written.
				if len(r.setCookie) != 0 {
					t.Fatalf("unchanged expiry wrote %q", r.setCookie)
				}
				return
			}
			_, raw, _ := r.sessionCookie(DefaultCookieName)
			// A later save keeps the expiry (Fiber loses it).
			r = cl.do("POST", "/inc")
			_, raw2, ok := r.sessionCookie(DefaultCookieName)
			for _, got := range []string{raw, raw2} {
				if !ok || (tc.wantMaxAge == "" && strings.Contains(got, "Max-Age")) || !strings.Contains(got, tc.wantMaxAge) {
					t.Errorf("Set-Cookie %q, want %q", got, tc.wantMaxAge)
				}
			}
		})
	}
}

func TestTouchInterval(t *testing.T) {
	st, cs := newCounted(t, fullSurface)
	m := newManager(t, Config{Storage: st, TouchInterval: time.Hour})
	now := time.Now()
	m.now = func() time.Time { return now }
	app := newTestApp(m)
	cl := newClient(t, app)
	cl.must("POST", "/login?u=alice")
	cases := []struct {
		advance   time.Duration
		wantWrite bool
	}{
		{time.Minute, false},
		{30 * time.Minute, false},
		{time.Hour, true},
		{time.Minute, false},
	}
	for _, tc := range cases {
		now = now.Add(tc.advance)
		cs.reset()
		r := cl.do("GET", "/read")
		_, _, cookie := r.sessionCookie(DefaultCookieName)
		if wrote := cs.n("Replace") == 1; wrote != tc.wantWrite || cookie != tc.wantWrite {
			t.Errorf("after +%v: wrote %v, cookie %v; want %v", tc.advance, wrote, cookie, tc.wantWrite)
		}
	}
	infos, err := m.UserSessions("alice")
	if err != nil || len(infos) != 1 || infos[0].LastSeen.Unix() < now.Add(-2*time.Minute).Unix() {
		t.Fatalf("LastSeen not refreshed by touch: %+v %v", infos, err)
	}
}

func TestNoMiddlewareAndClosed(t *testing.T) {
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error {
		_, err := Get(c)
		if uid, ok := UserID(c); ok || uid != "" {
			return errors.New("UserID without middleware")
		}
		return c.SendString(err.Error())
	})
	resp, err := app.Test(httptest.NewRequest("GET", "/", nil))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, f := range []func(c *fiber.Ctx) error{
		func(c *fiber.Ctx) error { _, err := Get(c); return err },
		func(c *fiber.Ctx) error { return Login(c, "x") },
		func(c *fiber.Ctx) error { return Logout(c) },
		func(c *fiber.Ctx) error { return LogoutOthers(c) },
		func(c *fiber.Ctx) error { _, err := Sessions(c); return err },
	} {
		app := fiber.New()
		var got error
		app.Get("/", func(c *fiber.Ctx) error { got = f(c); return nil })
		if _, err := app.Test(httptest.NewRequest("GET", "/", nil)); err != nil {
			t.Fatal(err)
		}
		if !errors.Is(got, ErrNoMiddleware) {
			t.Errorf("got %v, want ErrNoMiddleware", got)
		}
	}

	m := newManager(t, Config{})
	app = newTestApp(m)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	r := newClient(t, app).do("GET", "/read")
	if r.status != 500 || !strings.Contains(r.body, "closed") {
		t.Fatalf("after Close: %d %q", r.status, r.body)
	}
	if _, err := m.UserSessions("x"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Sessions after Close: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{"cookie name", Config{CookieName: "a b"}},
		{"cookie path", Config{CookiePath: "noslash"}},
		{"cookie path semicolon", Config{CookiePath: "/a;b"}},
		{"domain", Config{CookieDomain: "a;b"}},
		{"samesite", Config{CookieSameSite: "sometimes"}},
		{"samesite none without secure", Config{CookieSameSite: "None"}},
		{"max age", Config{MaxAge: time.Millisecond}},
		{"memory database", Config{Database: ":memory:"}},
		{"table", Config{SQLite: SQLiteOptions{Table: "x; DROP TABLE y"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cfg.Database == "" {
				tc.cfg.Database = t.TempDir() + "/s.sqlite3"
			}
			m, err := New(tc.cfg)
			if err == nil {
				_ = m.Close()
				t.Fatal("New accepted an invalid config")
			}
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v does not wrap ErrConfig", err)
			}
		})
	}
}

func TestSessionValues(t *testing.T) {
	m := newManager(t, Config{})
	app := fiber.New()
	app.Use(m.Middleware())
	type cart struct {
		Items []string `json:"items"`
		Total float64  `json:"total"`
	}
	app.Post("/put", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		if err := s.Set("ch", make(chan int)); !errors.Is(err, ErrNotSerializable) {
			return errors.New("channel accepted")
		}
		for k, v := range map[string]any{"s": "text", "i": 42, "b": true, "cart": cart{[]string{"a"}, 9.5}, "gone": 1} {
			if err := s.Set(k, v); err != nil {
				return err
			}
		}
		s.Delete("gone")
		return nil
	})
	check := func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		str, ok1 := s.GetString("s")
		i, ok2 := s.GetInt("i")
		b, ok3 := s.Get("b")
		var ct cart
		ok4, err := s.Decode("cart", &ct)
		_, ok5 := s.Get("gone")
		_, ok6 := s.GetInt("s")
		if !ok1 || str != "text" || !ok2 || i != 42 || !ok3 || b != true || !ok4 || err != nil || ct.Total != 9.5 || ok5 || ok6 {
			return errors.New("values differ")
		}
		if strings.Join(s.Keys(), ",") != "b,cart,i,s" || s.Len() != 4 || !s.Has("cart") || s.IsEmpty() {
			return errors.New("keys differ: " + strings.Join(s.Keys(), ","))
		}
		return c.SendString("ok")
	}
	app.Get("/check", check)
	app.Post("/put-check", func(c *fiber.Ctx) error {
		// Same request: values read back exactly as in a later request.
		s, _ := Get(c)
		s.Clear()
		if !s.IsEmpty() {
			return errors.New("not empty after Clear")
		}
		return nil
	})
	cl := newClient(t, app)
	cl.must("POST", "/put")
	if got := cl.must("GET", "/check"); got != "ok" {
		t.Fatal(got)
	}
	// Clearing every value of an anonymous session deletes it and its cookie.
	key := cl.cookie
	r := cl.do("POST", "/put-check")
	if ck, _, ok := r.sessionCookie(DefaultCookieName); !ok || ck.MaxAge >= 0 {
		t.Fatalf("emptied session kept its cookie: %q", r.setCookie)
	}
	if raw, _ := m.store.Get(m.cfg.KeyPrefix + key); raw != nil {
		t.Fatalf("emptied session kept its row")
	}
}

func TestServerErrorsAreNotSaved(t *testing.T) {
	st, cs := newCounted(t, fullSurface)
	m := newManager(t, Config{Storage: st})
	app := newTestApp(m)
	app.Post("/fail", func(c *fiber.Ctx) error {
		s, _ := Get(c)
		_ = s.Set("n", 100)
		return errors.New("boom")
	})
	app.Post("/notfound", func(c *fiber.Ctx) error {
		s, _ := Get(c)
		_ = s.Set("n", 7)
		return fiber.ErrNotFound
	})
	cl := newClient(t, app)
	cl.must("POST", "/inc")
	cs.reset()
	if r := cl.do("POST", "/fail"); r.status != 500 || cs.n("Replace", "Set") != 0 {
		t.Fatalf("5xx: status %d, %d writes", r.status, cs.n("Replace", "Set"))
	}
	if r := cl.do("POST", "/notfound"); r.status != http.StatusNotFound {
		t.Fatalf("404: status %d", r.status)
	}
	if got := cl.must("GET", "/read"); got != "user= n=7" {
		t.Fatalf("got %q: a 4xx response saves, a 5xx does not", got)
	}
}

// TestClientIP checks the address a session records: the connection's by
// default (0.0.0.0 through app.Test), Config.ClientIP's when set, and never
// a forwarded header the site did not choose to believe.
func TestClientIP(t *testing.T) {
	cases := []struct {
		name     string
		clientIP func(*fiber.Ctx) string
		want     string
	}{
		{"default: the connection's address, not X-Forwarded-For", nil, "0.0.0.0"},
		{"Config.ClientIP", func(c *fiber.Ctx) string { return c.Get("X-Real-IP") }, "203.0.113.7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newManager(t, Config{ClientIP: tc.clientIP})
			app := newTestApp(m)
			cl := newClient(t, app)
			cl.header = map[string]string{"X-Real-IP": "203.0.113.7", "X-Forwarded-For": "198.51.100.9"}
			cl.must("POST", "/login?u=alice")
			list, err := m.UserSessions("alice")
			if err != nil || len(list) != 1 {
				t.Fatalf("UserSessions: %v, %v", list, err)
			}
			if list[0].IP != tc.want {
				t.Errorf("recorded IP %q, want %q", list[0].IP, tc.want)
			}
		})
	}
}
