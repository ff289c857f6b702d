package session_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fiberviews/fiberviews/session"
	"github.com/gofiber/fiber/v2"
)

// browser sends requests to app, keeping the session cookie like a browser would.
type browser struct {
	app    *fiber.App
	cookie string
	agent  string
}

func (b *browser) do(method, target string) string {
	req := httptest.NewRequest(method, target, nil)
	if b.cookie != "" {
		req.Header.Set("Cookie", "sessionid="+b.cookie)
	}
	req.Header.Set("User-Agent", b.agent)
	resp, err := b.app.Test(req, -1)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "sessionid" {
			b.cookie = c.Value
		}
	}
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// tempDB returns a SQLite file path in a fresh temporary directory, and its cleanup.
func tempDB() (string, func()) {
	dir, err := os.MkdirTemp("", "session-example")
	if err != nil {
		panic(err)
	}
	return filepath.Join(dir, "sessions.sqlite3"), func() { _ = os.RemoveAll(dir) }
}

// The whole cycle: a login that rotates the key, a page that reads the user, a logout with a hook.
func Example() {
	db, cleanup := tempDB()
	defer cleanup()
	m, err := session.New(session.Config{Database: db})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	m.OnLogout(func(c *fiber.Ctx, userID string) { fmt.Println("hook: logging out", userID) })

	app := fiber.New()
	app.Use(m.Middleware())
	app.Post("/login", func(c *fiber.Ctx) error {
		// … check the password first …
		if err := session.Login(c, "alice"); err != nil {
			return err
		}
		return c.SendString("logged in")
	})
	app.Get("/", func(c *fiber.Ctx) error {
		if id, ok := session.UserID(c); ok {
			return c.SendString("hello " + id)
		}
		return c.SendString("hello stranger")
	})
	app.Post("/logout", func(c *fiber.Ctx) error {
		if err := session.Logout(c); err != nil {
			return err
		}
		return c.SendString("logged out")
	})

	b := &browser{app: app}
	fmt.Println(b.do("GET", "/"))
	fmt.Println(b.do("POST", "/login"))
	fmt.Println(b.do("GET", "/"))
	old := b.cookie
	fmt.Println(b.do("POST", "/logout"))
	replay := &browser{app: app, cookie: old}
	fmt.Println(replay.do("GET", "/"))
	// Output:
	// hello stranger
	// logged in
	// hello alice
	// hook: logging out alice
	// logged out
	// hello stranger
}

// Values are JSON: read them back generically with Get or into a typed value with Decode.
func ExampleSession_Set() {
	db, cleanup := tempDB()
	defer cleanup()
	m, err := session.New(session.Config{Database: db})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	type Cart struct {
		Items []string `json:"items"`
	}
	app := fiber.New()
	app.Use(m.Middleware())
	app.Post("/add", func(c *fiber.Ctx) error {
		s, err := session.Get(c)
		if err != nil {
			return err
		}
		var cart Cart
		if _, err := s.Decode("cart", &cart); err != nil {
			return err
		}
		cart.Items = append(cart.Items, c.Query("item"))
		return s.Set("cart", cart)
	})
	app.Get("/cart", func(c *fiber.Ctx) error {
		s, err := session.Get(c)
		if err != nil {
			return err
		}
		generic, _ := s.Get("cart")
		return c.SendString(fmt.Sprint(generic))
	})

	b := &browser{app: app}
	b.do("POST", "/add?item=tea")
	b.do("POST", "/add?item=milk")
	fmt.Println(b.do("GET", "/cart"))
	// Output:
	// map[items:[tea milk]]
}

// A "your devices" page and a "log out my other devices" button.
func ExampleLogoutOthers() {
	db, cleanup := tempDB()
	defer cleanup()
	m, err := session.New(session.Config{Database: db})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	app := fiber.New()
	app.Use(m.Middleware())
	app.Post("/login", func(c *fiber.Ctx) error { return session.Login(c, "bob") })
	app.Get("/devices", func(c *fiber.Ctx) error {
		infos, err := session.Sessions(c)
		if err != nil {
			return err
		}
		var lines []string
		for _, in := range infos {
			lines = append(lines, fmt.Sprintf("%s current=%v", in.UserAgent, in.Current))
		}
		return c.SendString(strings.Join(lines, "; "))
	})
	app.Post("/logout-others", func(c *fiber.Ctx) error { return session.LogoutOthers(c) })
	app.Get("/whoami", func(c *fiber.Ctx) error {
		id, _ := session.UserID(c)
		return c.SendString("user=" + id)
	})

	laptop, phone := &browser{app: app, agent: "Laptop"}, &browser{app: app, agent: "Phone"}
	laptop.do("POST", "/login")
	phone.do("POST", "/login")
	fmt.Println(len(strings.Split(laptop.do("GET", "/devices"), "; ")), "sessions")
	laptop.do("POST", "/logout-others")
	fmt.Println("laptop:", laptop.do("GET", "/whoami"))
	fmt.Println("phone:", phone.do("GET", "/whoami"))
	fmt.Println(laptop.do("GET", "/devices"))
	// Output:
	// 2 sessions
	// laptop: user=bob
	// phone: user=
	// Laptop current=true
}

// OpenSQLite returns errors instead of panicking, and refuses in-memory databases.
func ExampleOpenSQLite() {
	_, err := session.OpenSQLite(":memory:")
	fmt.Println(err != nil)

	db, cleanup := tempDB()
	defer cleanup()
	st, err := session.OpenSQLite(db)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	var mode string
	_ = st.DB().QueryRow("PRAGMA journal_mode").Scan(&mode)
	fmt.Println(mode)
	// Output:
	// true
	// wal
}

// ScanPrefix reads the keys sharing a prefix with one range query on the table's primary key. The
// Manager uses it to find a user's sessions, whose keys all start with the user's tag.
func ExampleSQLiteStorage_ScanPrefix() {
	db, cleanup := tempDB()
	defer cleanup()
	st, err := session.OpenSQLite(db)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	for _, k := range []string{"cache:a", "cache:b", "other:c"} {
		_ = st.Set(k, []byte("value of "+k), time.Hour)
	}
	keys, vals, err := st.ScanPrefix("cache:")
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, k := range keys {
		fmt.Printf("%s = %s\n", k, vals[i])
	}
	// Output:
	// cache:a = value of cache:a
	// cache:b = value of cache:b
}

// An admin action that ends every session of a user.
func ExampleManager_LogoutAll() {
	db, cleanup := tempDB()
	defer cleanup()
	m, err := session.New(session.Config{Database: db})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	app := fiber.New()
	app.Use(m.Middleware())
	app.Post("/login", func(c *fiber.Ctx) error { return session.Login(c, "carol") })

	for range 3 {
		(&browser{app: app}).do("POST", "/login")
	}
	infos, _ := m.UserSessions("carol")
	fmt.Println(len(infos), "sessions")
	if err := m.LogoutAll("carol"); err != nil {
		fmt.Println(err)
	}
	infos, _ = m.UserSessions("carol")
	fmt.Println(len(infos), "sessions")
	// Output:
	// 3 sessions
	// 0 sessions
}

// A "your devices" page: the user's live sessions, most recently seen first, the request's own
// marked Current. Info.ID identifies a session to LogoutSession without revealing its key.
func ExampleSessions() {
	db, cleanup := tempDB()
	defer cleanup()
	m, err := session.New(session.Config{Database: db})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	app := fiber.New()
	app.Use(m.Middleware())
	app.Post("/login", func(c *fiber.Ctx) error { return session.Login(c, "dave") })
	app.Get("/devices", func(c *fiber.Ctx) error {
		infos, err := session.Sessions(c)
		if err != nil {
			return err // session.ErrNotLoggedIn for an anonymous visitor
		}
		var lines []string
		for _, in := range infos {
			lines = append(lines, fmt.Sprintf("%s current=%v id=%d chars, expires after last seen: %v",
				in.UserAgent, in.Current, len(in.ID), in.Expires.After(in.LastSeen)))
		}
		slices.Sort(lines) // for a stable output: LastSeen has a one-second resolution
		return c.SendString(strings.Join(lines, "\n"))
	})

	phone, laptop := &browser{app: app, agent: "Phone"}, &browser{app: app, agent: "Laptop"}
	phone.do("POST", "/login")
	laptop.do("POST", "/login")
	fmt.Println(laptop.do("GET", "/devices"))
	fmt.Println((&browser{app: app}).do("GET", "/devices"))
	// Output:
	// Laptop current=true id=16 chars, expires after last seen: true
	// Phone current=false id=16 chars, expires after last seen: true
	// session: the request is not logged in
}

// After a password change, UpdateAuthHash keeps the session that changed it logged in, while the
// user's other sessions, whose stored auth hash no longer matches, load as anonymous.
func ExampleUpdateAuthHash() {
	db, cleanup := tempDB()
	defer cleanup()
	passwordHashes := map[string]string{"erin": "hash-v1"}
	m, err := session.New(session.Config{
		Database: db,
		// In a real site: an HMAC over the stored password hash, never the hash itself.
		AuthHash: func(userID string) (string, error) { return "hmac(" + passwordHashes[userID] + ")", nil },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	app := fiber.New()
	app.Use(m.Middleware())
	app.Post("/login", func(c *fiber.Ctx) error { return session.Login(c, "erin") })
	app.Post("/password", func(c *fiber.Ctx) error {
		id, ok := session.UserID(c)
		if !ok {
			return fiber.ErrForbidden
		}
		passwordHashes[id] = "hash-v2" // … store the new password's hash …
		return session.UpdateAuthHash(c)
	})
	app.Get("/whoami", func(c *fiber.Ctx) error {
		id, _ := session.UserID(c)
		return c.SendString("user=" + id)
	})

	laptop, phone := &browser{app: app}, &browser{app: app}
	laptop.do("POST", "/login")
	phone.do("POST", "/login")
	laptop.do("POST", "/password")
	fmt.Println("laptop:", laptop.do("GET", "/whoami"))
	fmt.Println("phone:", phone.do("GET", "/whoami"))
	// Output:
	// laptop: user=erin
	// phone: user=
}

// A "remember me" checkbox: thirty days when ticked, otherwise a cookie the browser drops when it
// closes. SetExpiry is stored with the session, so later saves keep it.
func ExampleSession_SetExpiry() {
	db, cleanup := tempDB()
	defer cleanup()
	m, err := session.New(session.Config{Database: db})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	app := fiber.New()
	app.Use(m.Middleware())
	app.Post("/login", func(c *fiber.Ctx) error {
		if err := session.Login(c, "frank"); err != nil {
			return err
		}
		s, err := session.Get(c)
		if err != nil {
			return err
		}
		if c.Query("remember") == "on" {
			s.SetExpiry(30 * 24 * time.Hour)
		} else {
			s.SetExpiry(0) // until the browser closes
		}
		return nil
	})

	for _, target := range []string{"/login?remember=on", "/login"} {
		resp, err := app.Test(httptest.NewRequest("POST", target, nil), -1)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, ck := range resp.Cookies() {
			if ck.Name == "sessionid" {
				fmt.Printf("%s: Max-Age=%d, Expires set: %v\n", target, ck.MaxAge, !ck.Expires.IsZero())
			}
		}
		resp.Body.Close()
	}
	// Output:
	// /login?remember=on: Max-Age=2592000, Expires set: true
	// /login: Max-Age=0, Expires set: false
}

// A site's sessions at scale: the SQLite file's sweep, WAL bound and write deadline, and the
// lifetimes and per-user limit, with an overloaded write answered 503 instead of hanging.
func ExampleSQLiteStorage_Sweep() {
	db, cleanup := tempDB()
	defer cleanup()
	st, err := session.OpenSQLite(db, session.SQLiteOptions{
		GCInterval:       10 * time.Minute, // first sweep within 30 s, then every 8 to 12 minutes
		SweepBatch:       250,              // rows per sweep transaction (the default)
		WriteTimeout:     500 * time.Millisecond,
		JournalSizeLimit: 16 << 20,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	m, err := session.New(session.Config{
		Storage:            st,
		MaxAge:             7 * 24 * time.Hour, // idle expiry
		MaxLifetime:        12 * time.Hour,     // absolute: 12 hours after Login, whatever the activity
		MaxSessionsPerUser: 10,                 // the 11th login logs out the oldest
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	_ = st.Set("session:old", []byte("x"), time.Millisecond)
	time.Sleep(1100 * time.Millisecond)
	n, err := st.Sweep() // sweep now rather than at the next interval
	fmt.Println(n, err, st.Stats().Swept)

	app := fiber.New()
	app.Use(m.Middleware())
	app.Get("/busy", func(c *fiber.Ctx) error { return fmt.Errorf("saving: %w", session.ErrBusy) })
	resp, _ := app.Test(httptest.NewRequest("GET", "/busy", nil))
	fmt.Println(resp.StatusCode)
	// Output:
	// 1 <nil> 1
	// 503
}
