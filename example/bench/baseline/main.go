//fiberviews:v2only the baseline is built on Fiber v2's own session and CSRF middleware.

// Command baseline is the hand-written Fiber server that the load benchmark in
// example/bench compares the example site against. It serves the same flows —
// GET /home/ (anonymous and logged in), GET+POST /accounts/login/ and POST
// /accounts/logout/ — with nothing but Fiber's own session and CSRF
// middleware and Fiber's html template engine, on the same kind of SQLite
// file (WAL, busy timeout, bounded pool) and with the same password hash work for
// the demo user. It renders the example's own templates (-templates), so that
// both servers send the same pages and the comparison measures the framework,
// not the page size. It is not part of the library.
package main

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/gofiber/storage/sqlite3/v2"
	"github.com/gofiber/template/html/v2"
	_ "github.com/mattn/go-sqlite3"
)

// routes are the url names the example's templates reverse.
var routes = map[string]string{
	"home":                       "/home/",
	"logout":                     "/logout/",
	"accounts:login":             "/accounts/login/",
	"accounts:logout":            "/accounts/logout/",
	"accounts:logout-then-login": "/accounts/logout/then-login/",
	"accounts:logout-message":    "/accounts/logout/message/",
	"accounts:logout-goodbye":    "/accounts/logout/goodbye/",
	"accounts:profile":           "/accounts/profile/",
	"accounts:sessions":          "/accounts/sessions/",
	"accounts:signup":            "/accounts/signup/",
	"accounts:password_change":   "/accounts/password_change/",
}

// user and match stand in for the example's *User and *urls.Match in the
// templates.
type user struct{ Username string }
type match struct{ ViewName string }

func main() {
	addr := flag.String("addr", "127.0.0.1:8001", "address to listen on")
	dbPath := flag.String("db", "baseline.sqlite3", "SQLite file for users and sessions")
	iterations := flag.Int("pbkdf2-iterations", 1000, "pbkdf2-sha256 iterations of the demo user's password, as the example's -pbkdf2-iterations")
	dir := flag.String("templates", "example/templates", "the example's template directory")
	flag.Parse()

	if _, err := os.Stat(filepath.Join(*dir, "layouts", "base.html")); err != nil {
		log.Fatalf("-templates %s: %v (run from the module root or pass the example's template directory)", *dir, err)
	}
	engine := html.New(*dir, ".html")
	engine.AddFunc("url", func(name string) (string, error) {
		if p, ok := routes[name]; ok {
			return p, nil
		}
		return "", fmt.Errorf("no route named %q", name)
	})
	if err := engine.Load(); err != nil {
		log.Fatal(err)
	}

	db, err := sql.Open("sqlite3", "file:"+*dbPath+"?_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_txlock=immediate")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := ensureDemo(db, *iterations); err != nil {
		log.Fatal(err)
	}
	storage := sqlite3.NewFromConnection(db, sqlite3.Config{Table: "baseline_sessions"})
	store := session.New(session.Config{
		Storage:        storage,
		KeyLookup:      "cookie:sessionid",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		Expiration:     14 * 24 * time.Hour,
	})

	app := fiber.New(fiber.Config{DisableStartupMessage: true, Views: engine})
	app.Use(csrf.New(csrf.Config{
		KeyLookup:      "form:csrfmiddlewaretoken",
		CookieName:     "csrftoken",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		ContextKey:     "csrf",
	}))
	// render fills what the example's context processors give its templates:
	// the user, the CSRF input, the matched route.
	render := func(c *fiber.Ctx, name, view string, data fiber.Map) error {
		sess, err := store.Get(c)
		if err != nil {
			return err
		}
		username, _ := sess.Get("user").(string)
		token, _ := c.Locals("csrf").(string)
		data["is_authenticated"] = username != ""
		data["user"] = user{Username: username}
		data["csrf_input"] = template.HTML(`<input type="hidden" name="csrfmiddlewaretoken" value="` + template.HTMLEscapeString(token) + `">`)
		data["resolver_match"] = match{ViewName: view}
		c.Set(fiber.HeaderCacheControl, "max-age=0, no-cache, no-store, must-revalidate, private")
		return c.Render(name, data, "layouts/base")
	}
	loginForm := func(c *fiber.Ctx, failed bool) error {
		data := fiber.Map{"title": "Log in", "next": "", "username": "", "form_error": ""}
		if failed {
			data["username"] = c.FormValue("username")
			data["form_error"] = "Please enter a correct username and password. Note that both fields may be case-sensitive."
		}
		return render(c, "registration/login", "accounts:login", data)
	}
	app.Get("/home/", func(c *fiber.Ctx) error {
		return render(c, "home", "home", fiber.Map{"title": "Home"})
	})
	app.Get("/accounts/login/", func(c *fiber.Ctx) error { return loginForm(c, false) })
	app.Post("/accounts/login/", func(c *fiber.Ctx) error {
		var hash string
		err := db.QueryRow(`SELECT password_hash FROM users WHERE username = ?`, c.FormValue("username")).Scan(&hash)
		if err == nil {
			err = checkPassword(hash, c.FormValue("password"))
		}
		if err != nil {
			return loginForm(c, true)
		}
		sess, err := store.Get(c)
		if err != nil {
			return err
		}
		if err := sess.Regenerate(); err != nil {
			return err
		}
		sess.Set("user", c.FormValue("username"))
		if err := sess.Save(); err != nil {
			return err
		}
		return c.Redirect("/home/", fiber.StatusFound)
	})
	app.Post("/accounts/logout/", func(c *fiber.Ctx) error {
		sess, err := store.Get(c)
		if err != nil {
			return err
		}
		if err := sess.Destroy(); err != nil {
			return err
		}
		return c.Redirect("/home/", fiber.StatusFound)
	})

	go func() {
		if err := app.Listen(*addr); err != nil {
			log.Fatal(err)
		}
	}()
	log.Printf("baseline listening on http://%s", *addr)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = app.ShutdownWithContext(ctx)
	_ = storage.Close()
	_ = db.Close()
}

func ensureDemo(db *sql.DB, iterations int) error {
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS users (
		id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, password_hash TEXT NOT NULL)`); err != nil {
		return err
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	hash, err := makePassword("demo", iterations)
	if err != nil {
		return err
	}
	_, err = db.Exec(`INSERT INTO users (username, password_hash) VALUES (?, ?)`, "demo", string(hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// makePassword hashes password with pbkdf2-sha256 as "iterations$salt$key"
// (the work of the example's default hasher, written by hand).
func makePassword(password string, iterations int) (string, error) {
	salt := rand.Text()
	key, err := pbkdf2.Key(sha256.New, password, []byte(salt), iterations, 32)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d$%s$%s", iterations, salt, base64.StdEncoding.EncodeToString(key)), nil
}

// checkPassword compares password with a hash of makePassword.
func checkPassword(hash, password string) error {
	parts := strings.SplitN(hash, "$", 3)
	n, err := strconv.Atoi(parts[0])
	if err != nil || len(parts) != 3 {
		return errors.New("malformed hash")
	}
	key, err := pbkdf2.Key(sha256.New, password, []byte(parts[1]), n, 32)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(base64.StdEncoding.EncodeToString(key)), []byte(parts[2])) != 1 {
		return errors.New("wrong password")
	}
	return nil
}
