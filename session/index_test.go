package session

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestIndexFormat(t *testing.T) {
	k1, k2 := strings.Repeat("a", 32), strings.Repeat("b", 32)
	full := userIndex{N: 2, E: []indexEntry{{K: k1, C: 10, X: 20}, {K: k2, C: 11, X: 0}}}
	enc := full.encode()
	cases := []struct {
		name  string
		raw   string
		wantN int
		wantK []string
	}{
		{"absent", "", 0, nil},
		{"encoded", string(enc), 2, []string{k1, k2}},
		{"appended to encoded", string(enc) + string(indexEntry{K: k1, C: 1, X: 2}.line(nil)), 2, []string{k1, k2, k1}},
		{"appends only, no header", string(indexEntry{K: k2, C: 1, X: 2}.line(nil)), 0, []string{k2}},
		{"garbage", "{\"json\": true}", 0, nil},
		{"bad key", "fvidx1 1\nNOTAKEY 1 2\n", 0, nil},
		{"bad number", "fvidx1 1\n" + k1 + " x 2\n", 0, nil},
		{"bad header", "fvidx1 many\n" + k1 + " 1 2\n", 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ix := decodeIndex([]byte(tc.raw))
			var keys []string
			for _, e := range ix.E {
				keys = append(keys, e.K)
			}
			if ix.N != tc.wantN || strings.Join(keys, ",") != strings.Join(tc.wantK, ",") {
				t.Fatalf("decoded N=%d keys=%q, want N=%d keys=%q", ix.N, keys, tc.wantN, tc.wantK)
			}
		})
	}
	if empty := (&userIndex{N: 3}).encode(); empty != nil {
		t.Fatalf("an empty index encodes to %q, want nil (delete)", empty)
	}
	prune := []struct {
		name string
		ix   userIndex
		want bool
	}{
		{"small", userIndex{N: 1, E: make([]indexEntry, 2+pruneSlack)}, false},
		{"grown", userIndex{N: 1, E: make([]indexEntry, 3+pruneSlack)}, true},
		{"expired hint", userIndex{N: 5, E: []indexEntry{{X: 50}}}, true},
		{"live hint", userIndex{N: 5, E: []indexEntry{{X: 150}}}, false},
	}
	for _, tc := range prune {
		if got := tc.ix.needsPrune(100); got != tc.want {
			t.Errorf("%s: needsPrune = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCycleKeyAndDoubleMiddleware(t *testing.T) {
	m := newManager(t, Config{})
	app := fiber.New()
	app.Use(m.Middleware())
	app.Use(m.Middleware()) // twice: the inner one must do nothing
	app.Post("/login", func(c *fiber.Ctx) error { return Login(c, "zoe") })
	app.Post("/set", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		return s.Set("k", "v")
	})
	app.Post("/cycle", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		return s.CycleKey()
	})
	app.Get("/read", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		v, _ := s.GetString("k")
		uid, _ := s.UserID()
		return c.SendString(uid + ":" + v)
	})
	cases := []struct {
		name  string
		setup []string
		want  string
	}{
		{"anonymous", []string{"/set"}, ":v"},
		{"logged in", []string{"/set", "/login"}, "zoe:v"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl := newClient(t, app)
			for _, p := range tc.setup {
				cl.must("POST", p)
			}
			old := cl.cookie
			r := cl.do("POST", "/cycle")
			if n := len(r.setCookie); n != 1 {
				t.Fatalf("%d Set-Cookie headers: %q", n, r.setCookie)
			}
			if cl.cookie == old || cl.cookie == "" {
				t.Fatalf("key not cycled")
			}
			if got := cl.must("GET", "/read"); got != tc.want {
				t.Fatalf("after CycleKey: %q, want %q", got, tc.want)
			}
			if got := cl.raw("GET", "/read", old).body; got != ":" {
				t.Fatalf("old key still works: %q", got)
			}
		})
	}
	t.Run("unsaved session", func(t *testing.T) {
		cl := newClient(t, app)
		if r := cl.do("POST", "/cycle"); r.status != 200 || len(r.setCookie) != 0 {
			t.Fatalf("%d %q", r.status, r.setCookie)
		}
	})
	if infos, err := m.UserSessions("zoe"); err != nil || len(infos) != 1 {
		t.Fatalf("zoe has %d sessions after CycleKey (%v), want 1", len(infos), err)
	}
}

// TestUseAfterSave: unlike Fiber's, a Session stays usable after Save, and later changes are saved too.
func TestUseAfterSave(t *testing.T) {
	st, cs := newCounted(t, fullSurface)
	m := newManager(t, Config{Storage: st})
	app := newTestApp(m)
	app.Post("/twice", func(c *fiber.Ctx) error {
		s, err := Get(c)
		if err != nil {
			return err
		}
		if err := s.Set("n", 5); err != nil {
			return err
		}
		if err := s.Save(); err != nil {
			return err
		}
		if s.Modified() {
			return fiber.NewError(500, "modified after Save")
		}
		return s.Set("n", 6)
	})
	cl := newClient(t, app)
	cl.must("POST", "/twice")
	if got := cl.must("GET", "/read"); got != "user= n=6" {
		t.Fatalf("got %q", got)
	}
	cs.reset()
	cl.must("POST", "/twice")
	if got := cs.n("Replace"); got != 2 {
		t.Fatalf("%d saves, want 2 (explicit, then the middleware's)", got)
	}
}
