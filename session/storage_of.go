package session

import "github.com/gofiber/fiber/v2"

// StorageOf returns the storage of the Manager whose middleware handles c (Manager.Storage), or nil
// outside that middleware. Other packages keep small records there beside the sessions (package
// views keeps its login throttle counts), so that every server sharing the storage shares them; their
// keys must not start with the Manager's KeyPrefix.
func StorageOf(c *fiber.Ctx) fiber.Storage {
	if r, ok := c.Locals(managerKey).(*managerRef); ok {
		return r.m.Storage()
	}
	return nil
}

// LogoutUser logs out every session of userID from any request handled by
// the middleware (Manager.LogoutAll), such as a password reset made while
// logged out. It returns ErrNoMiddleware outside the middleware.
func LogoutUser(c *fiber.Ctx, userID string) error {
	if r, ok := c.Locals(managerKey).(*managerRef); ok {
		return r.m.LogoutAll(userID)
	}
	return ErrNoMiddleware
}
