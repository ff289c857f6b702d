package session

import "github.com/gofiber/fiber/v2"

// Storage holds the sessions: fiber.Storage, on Fiber v2. In the module for
// Fiber v3 (fiberv3/session) it is an interface of this package with the same
// methods, so that a storage written for either major, and every
// gofiber/storage driver, fits both.
type Storage = fiber.Storage
