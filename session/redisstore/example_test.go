package redisstore_test

import (
	"fmt"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/session/redisstore"
	"github.com/gofiber/fiber/v2"
)

// Several servers share sessions through Redis. (Not run here: it needs a Redis server.)
func ExampleOpen() {
	st, err := redisstore.Open("redis://localhost:6379/0")
	if err != nil {
		fmt.Println(err) // wraps session.ErrStorage when the server does not answer
		return
	}
	defer st.Close() // a Storage given in Config stays the caller's to close
	m, err := session.New(session.Config{Storage: st, CookieSecure: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	app := fiber.New()
	app.Use(m.Middleware())
}
