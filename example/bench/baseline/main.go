// Command baseline is the hand-written Fiber server that the load benchmark in
// example/bench compares the example site against. It serves the same flows —
// GET /home/ (anonymous and logged in), GET+POST /accounts/login/ and POST
// /accounts/logout/ — with nothing but Fiber's own session and CSRF middleware,
// on the same kind of SQLite file (WAL, busy timeout, bounded pool) and with the
// same bcrypt cost for the demo user. It is not part of the library.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"html/template"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/gofiber/storage/sqlite3/v2"
	_ "github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"
)

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body><main>
<h1>{{.Title}}</h1>
{{if .Form}}<form method="post" action="/accounts/login/">
<input type="hidden" name="csrfmiddlewaretoken" value="{{.CSRF}}">
<input type="hidden" name="next" value="/home/">
<label>Username <input name="username"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Log in</button></form>
{{else}}<p>Welcome to the homepage!</p>
{{if .User}}<p>Hello, {{.User}}</p>
<form method="post" action="/accounts/logout/">
<input type="hidden" name="csrfmiddlewaretoken" value="{{.CSRF}}">
<button type="submit">Log out</button></form>
{{else}}<p><a href="/accounts/login/">Log in</a></p>{{end}}{{end}}
</main></body></html>`))

type pageData struct {
	Title, CSRF, User string
	Form              bool
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8001", "address to listen on")
	dbPath := flag.String("db", "baseline.sqlite3", "SQLite file for users and sessions")
	cost := flag.Int("bcrypt-cost", bcrypt.DefaultCost, "bcrypt cost of the demo user's password")
	flag.Parse()

	db, err := sql.Open("sqlite3", "file:"+*dbPath+"?_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_txlock=immediate")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := ensureDemo(db, *cost); err != nil {
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

	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(csrf.New(csrf.Config{
		KeyLookup:      "form:csrfmiddlewaretoken",
		CookieName:     "csrftoken",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		ContextKey:     "csrf",
	}))
	render := func(c *fiber.Ctx, d pageData) error {
		d.CSRF, _ = c.Locals("csrf").(string)
		var b strings.Builder
		if err := page.Execute(&b, d); err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "max-age=0, no-cache, no-store, must-revalidate, private")
		c.Type("html", "utf-8")
		return c.SendString(b.String())
	}
	app.Get("/home/", func(c *fiber.Ctx) error {
		sess, err := store.Get(c)
		if err != nil {
			return err
		}
		user, _ := sess.Get("user").(string)
		return render(c, pageData{Title: "Home", User: user})
	})
	app.Get("/accounts/login/", func(c *fiber.Ctx) error {
		return render(c, pageData{Title: "Log in", Form: true})
	})
	app.Post("/accounts/login/", func(c *fiber.Ctx) error {
		var hash string
		err := db.QueryRow(`SELECT password_hash FROM users WHERE username = ?`, c.FormValue("username")).Scan(&hash)
		if err == nil {
			err = bcrypt.CompareHashAndPassword([]byte(hash), []byte(c.FormValue("password")))
		}
		if err != nil {
			return render(c, pageData{Title: "Log in", Form: true})
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

func ensureDemo(db *sql.DB, cost int) error {
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
	hash, err := bcrypt.GenerateFromPassword([]byte("demo"), cost)
	if err != nil {
		return err
	}
	_, err = db.Exec(`INSERT INTO users (username, password_hash) VALUES (?, ?)`, "demo", string(hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}
