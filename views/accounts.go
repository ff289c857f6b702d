package views

import (
	"errors"
	"strconv"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/gofiber/fiber/v2"
)

// useBackend fills Authenticate and LoadUser, when not set, from the user
// backend (Config.Users).
func (s *site) useBackend(b *auth.Backend) {
	if s.Authenticate == nil {
		s.Authenticate = func(c *fiber.Ctx, username, password string) (string, error) {
			u, err := b.Authenticate(c.UserContext(), username, password)
			if errors.Is(err, auth.ErrInvalidCredentials) {
				return "", ErrInvalidCredentials
			}
			if err != nil {
				return "", err // auth.ErrBusy: ErrorHandler answers 503
			}
			return strconv.FormatInt(u.ID, 10), nil
		}
	}
	if s.LoadUser == nil {
		s.LoadUser = func(c *fiber.Ctx, id string) (any, error) {
			u, err := backendUser(c, b, id)
			if err != nil || u == nil || !u.IsActive {
				return nil, err // gone or inactive: anonymous, as Django's get_user
			}
			return u, nil
		}
	}
}

// backendUser is the user whose id the session holds, nil when there is no
// such user.
func backendUser(c *fiber.Ctx, b *auth.Backend, id string) (*auth.User, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, nil
	}
	u, err := b.Users.UserByID(c.UserContext(), n)
	if errors.Is(err, auth.ErrUserNotFound) {
		return nil, nil
	}
	return u, err
}

// backendHashing is the backend's Hashing, or auth.Default.
func backendHashing(b *auth.Backend) *auth.Hashing {
	if b.Hashing != nil {
		return b.Hashing
	}
	return auth.Default
}

// checkBackendPassword reports whether password is the current one of the
// user id (PasswordChangeView's default with Config.Users).
func checkBackendPassword(c *fiber.Ctx, b *auth.Backend, id, password string) (bool, error) {
	u, err := backendUser(c, b, id)
	if err != nil || u == nil {
		return false, err
	}
	ok, _, err := backendHashing(b).CheckPassword(c.UserContext(), password, u.Password)
	return ok, err
}

// setBackendPassword stores password for the user id (PasswordChangeView's
// default with Config.Users).
func setBackendPassword(c *fiber.Ctx, b *auth.Backend, id, password string) error {
	u, err := backendUser(c, b, id)
	if err != nil {
		return err
	}
	if u == nil {
		return auth.ErrUserNotFound
	}
	return b.SetPassword(c.UserContext(), u, password)
}
