//go:build ignore

// The Fiber v3 form of compat_fiber_test.go: internal/v3gen writes it in its place.

package session

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v3/extractors"
	fsession "github.com/gofiber/fiber/v3/middleware/session"
)

// fiberSessionStore is Fiber's own session middleware on st, with this
// package's cookie: what the benchmarks compare with.
func fiberSessionStore(st Storage) *fsession.Store {
	return fsession.NewStore(fsession.Config{
		Storage: ctxStorage{st}, Extractor: extractors.FromCookie(DefaultCookieName), IdleTimeout: DefaultMaxAge,
		CookiePath: "/", CookieHTTPOnly: true, CookieSameSite: "Lax",
	})
}

// ctxStorage gives a Storage the context methods of Fiber v3's fiber.Storage.
type ctxStorage struct{ Storage }

func (s ctxStorage) GetWithContext(_ context.Context, key string) ([]byte, error) { return s.Get(key) }
func (s ctxStorage) SetWithContext(_ context.Context, key string, val []byte, exp time.Duration) error {
	return s.Set(key, val, exp)
}
func (s ctxStorage) DeleteWithContext(_ context.Context, key string) error { return s.Delete(key) }
func (s ctxStorage) ResetWithContext(context.Context) error                { return s.Reset() }
