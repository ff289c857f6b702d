package session

import (
	"github.com/gofiber/fiber/v2"
	fsession "github.com/gofiber/fiber/v2/middleware/session"
)

// fiberSessionStore is Fiber's own session middleware on st, with this
// package's cookie: what the benchmarks compare with.
func fiberSessionStore(st fiber.Storage) *fsession.Store {
	return fsession.New(fsession.Config{
		Storage: st, KeyLookup: "cookie:" + DefaultCookieName, Expiration: DefaultMaxAge,
		CookiePath: "/", CookieHTTPOnly: true, CookieSameSite: "Lax",
	})
}
