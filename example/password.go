package main

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"
)

// passwordChangeView is the "Change password" page: Django's
// PasswordChangeView on the site's users table. A change logs out every
// other session of the user; this one stays logged in.
func (s *site) passwordChangeView() *views.PasswordChangeView {
	return &views.PasswordChangeView{
		// The site's templates/registration/password_change_form.html
		// replaces the library's page of that name.
		FormView:          views.FormView[views.PasswordChangeForm]{SuccessURL: "accounts:password_change_done"},
		CheckPasswordFunc: s.checkPassword,
		SetPasswordFunc:   s.setPassword,
	}
}

// checkPassword is the view's CheckPasswordFunc: whether password is the
// user's current one.
func (s *site) checkPassword(c *fiber.Ctx, id, password string) (bool, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return false, fmt.Errorf("user id %q is not a number: %w", id, errNoUser)
	}
	var hash string
	err = s.users.db.QueryRowContext(c.UserContext(), `SELECT password_hash FROM users WHERE id = ?`, n).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("user id %d: %w", n, errNoUser)
	}
	if err != nil {
		return false, err
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil, nil
}

// setPassword is the view's SetPasswordFunc: it stores a bcrypt hash of the
// new password.
func (s *site) setPassword(c *fiber.Ctx, id, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return fmt.Errorf("hashing the new password of user %s: %w", id, err)
	}
	res, err := s.users.db.ExecContext(c.UserContext(), `UPDATE users SET password_hash = ? WHERE id = ?`, string(hash), id)
	if err != nil {
		return fmt.Errorf("storing the new password of user %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("user id %s: %w", id, errNoUser)
	}
	return nil
}
