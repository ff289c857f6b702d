package auth

import (
	"context"
	"errors"
	"time"
)

// ErrInvalidCredentials is Authenticate's answer for an unknown username, a wrong password or an
// inactive user alike, so that a login page cannot tell them apart.
var ErrInvalidCredentials = errors.New("auth: invalid username or password")

// Backend authenticates users from a UserStore, as Django's ModelBackend with its login's
// update_last_login. The zero Hashing and Now mean Default and time.Now.
type Backend struct {
	Users   UserStore
	Hashing *Hashing
	Now     func() time.Time
}

func (b *Backend) hashing() *Hashing {
	if b.Hashing == nil {
		return Default
	}
	return b.Hashing
}

func (b *Backend) now() time.Time {
	if b.Now == nil {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return b.Now().UTC().Truncate(time.Microsecond)
}

// Authenticate returns the active user whose username (NFKC-normalized, as Django's login form; case
// ignored, see UserStore) and password match, and stores now as its last login.
//
// As Django's ModelBackend:
//   - an unknown username costs the same hash work as a wrong password: the preferred hasher runs
//     once on the given password, so the answer's timing does not tell which usernames exist;
//   - an inactive user's password is checked first, then refused (ErrInvalidCredentials);
//   - a correct password whose encoding must be updated (another algorithm, fewer iterations, ...)
//     is hashed again with the preferred hasher and stored; if that fails (ErrBusy, a store error)
//     the login still succeeds and the next one tries again.
//
// It fails with ErrInvalidCredentials, ErrBusy (the hashing pool is full: answer 503 with
// Retry-After), ctx's error, or a store error.
func (b *Backend) Authenticate(ctx context.Context, username, password string) (*User, error) {
	h := b.hashing()
	u, err := b.Users.UserByUsername(ctx, NormalizeUsername(username))
	if errors.Is(err, ErrUserNotFound) {
		if _, err := h.MakePassword(ctx, password); err != nil && !errors.Is(err, ErrVerifyOnly) {
			return nil, err
		}
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, err
	}
	ok, mustUpdate, err := h.CheckPassword(ctx, password, u.Password)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrInvalidCredentials
	}
	if mustUpdate {
		if encoded, err := h.MakePassword(ctx, password); err == nil {
			if b.Users.SetPassword(ctx, u.ID, encoded) == nil {
				u.Password = encoded
			}
		}
	}
	if !u.IsActive {
		return nil, ErrInvalidCredentials
	}
	now := b.now()
	if err := b.Users.UpdateLastLogin(ctx, u.ID, now); err != nil {
		return nil, err
	}
	u.LastLogin = now
	return u, nil
}

// CreateUser is Django's create_user: it stores an active, non-staff user with the username
// NFKC-normalized, the email's domain lowercased, date_joined now and password hashed (an empty
// password stores an unusable one). It fails with ErrUsernameTaken, ErrBusy or a store error.
// Validate the password first with ValidatePassword.
func (b *Backend) CreateUser(ctx context.Context, username, email, password string) (*User, error) {
	u := &User{
		Username:   NormalizeUsername(username),
		Email:      NormalizeEmail(email),
		IsActive:   true,
		DateJoined: b.now(),
	}
	var err error
	if password == "" {
		u.Password, err = MakeUnusablePassword()
	} else {
		u.Password, err = b.hashing().MakePassword(ctx, password)
	}
	if err != nil {
		return nil, err
	}
	if err := b.Users.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// SetPassword hashes password with the preferred hasher and stores it for u (Django's set_password
// and save). The session auth hash changes with it, which logs u out of other sessions.
func (b *Backend) SetPassword(ctx context.Context, u *User, password string) error {
	encoded, err := b.hashing().MakePassword(ctx, password)
	if err != nil {
		return err
	}
	if err := b.Users.SetPassword(ctx, u.ID, encoded); err != nil {
		return err
	}
	u.Password = encoded
	return nil
}
