package redisstore_test

import (
	"testing"

	"github.com/fiberviews/fiberviews/internal/redistest"
	"github.com/fiberviews/fiberviews/internal/storagetest"
	"github.com/gofiber/fiber/v2"
)

// TestRedisConformance runs the storage suite that the SQLite storage and session/pgstore pass
// too, on two connections to one redis-server.
func TestRedisConformance(t *testing.T) {
	addr := redistest.Addr(t)
	storagetest.Run(t, func(t *testing.T) fiber.Storage { return openTestRedis(t, addr) })
}
