package main

import (
	"strconv"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// passwordChangeView is the "Change password" page: Django's
// PasswordChangeView on auth_user. A change logs out every other session of
// the user (the session auth hash changes); this one stays logged in.
func (s *site) passwordChangeView() *views.PasswordChangeView {
	return &views.PasswordChangeView{
		// The site's templates/registration/password_change_form.html
		// replaces the library's page of that name.
		FormView:          views.FormView{SuccessURL: "accounts:password_change_done"},
		CheckPasswordFunc: s.checkPassword,
		SetPasswordFunc:   s.setPassword,
	}
}

// userByID is the user the session's id names.
func (s *site) userByID(c *fiber.Ctx, id string) (*auth.User, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, auth.ErrUserNotFound
	}
	return s.users.UserByID(c.UserContext(), n)
}

// checkPassword is the view's CheckPasswordFunc: whether password is the
// user's current one, checked in auth's hashing pool.
func (s *site) checkPassword(c *fiber.Ctx, id, password string) (bool, error) {
	u, err := s.userByID(c, id)
	if err != nil {
		return false, err
	}
	ok, _, err := s.backend.Hashing.CheckPassword(c.UserContext(), password, u.Password)
	return ok, err
}

// setPassword is the view's SetPasswordFunc.
func (s *site) setPassword(c *fiber.Ctx, id, password string) error {
	u, err := s.userByID(c, id)
	if err != nil {
		return err
	}
	return s.backend.SetPassword(c.UserContext(), u, password)
}
