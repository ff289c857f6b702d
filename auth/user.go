package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// ErrUserNotFound is returned by a UserStore for a user it does not have.
var ErrUserNotFound = errors.New("auth: user not found")

// ErrUsernameTaken is returned when creating a user whose username another has, ignoring case (as
// Django 4.2's UserCreationForm).
var ErrUsernameTaken = errors.New("auth: a user with that username already exists")

// User is a row of Django's auth_user table.
type User struct {
	ID          int64
	Password    string    // encoded, "algorithm$..."; see MakePassword
	LastLogin   time.Time // UTC; zero: never logged in (NULL)
	IsSuperuser bool
	Username    string
	FirstName   string
	LastName    string
	Email       string
	IsStaff     bool
	IsActive    bool
	DateJoined  time.Time // UTC
}

// UserStore keeps users. SQLiteUsers keeps them in Django's auth_user table; a site may implement it
// for its own table. Its methods fail with ErrUserNotFound for a user it does not have.
type UserStore interface {
	// UserByID returns the user with that id.
	UserByID(ctx context.Context, id int64) (*User, error)
	// UserByUsername returns the user with that username, ignoring case; a user whose username is
	// exactly that one wins over others that differ only in case.
	UserByUsername(ctx context.Context, username string) (*User, error)
	// UsersByEmail returns the users with that email, ignoring case (as Django's password reset
	// form), possibly none.
	UsersByEmail(ctx context.Context, email string) ([]*User, error)
	// CreateUser inserts u and sets u.ID. It fails with ErrUsernameTaken when another user has the
	// username, ignoring case.
	CreateUser(ctx context.Context, u *User) error
	// SetPassword stores an encoded password for the user.
	SetPassword(ctx context.Context, id int64, encoded string) error
	// UpdateLastLogin stores the user's last login time.
	UpdateLastLogin(ctx context.Context, id int64, t time.Time) error
}

// NormalizeUsername is Django's AbstractBaseUser.normalize_username: Unicode NFKC, so that visually
// identical usernames are one.
func NormalizeUsername(username string) string { return norm.NFKC.String(username) }

// NormalizeEmail is Django's BaseUserManager.normalize_email: the domain part lowercased.
func NormalizeEmail(email string) string {
	trimmed := strings.TrimSpace(email)
	i := strings.LastIndexByte(trimmed, '@')
	if i < 0 {
		return email
	}
	return trimmed[:i+1] + strings.ToLower(trimmed[i+1:])
}

// djangoTimeLayout is how Django's SQLite backend stores a datetime with USE_TZ=True: naive UTC,
// str(datetime), which writes microseconds only when they are not zero.
const djangoTimeLayout = "2006-01-02 15:04:05"

// FormatTime returns t as Django stores a datetime on SQLite: UTC, "2026-12-08 03:01:04.123456"
// (no fraction when the microseconds are zero). Finer precision is dropped.
func FormatTime(t time.Time) string {
	t = t.UTC().Truncate(time.Microsecond)
	s := t.Format(djangoTimeLayout)
	if us := t.Nanosecond() / 1000; us != 0 {
		s += "." + pad6(us)
	}
	return s
}

func pad6(n int) string {
	b := []byte("000000")
	for i := 5; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

// ParseTime reads a datetime as Django stores it on SQLite (also accepted: a "T" separator and a
// zone offset). A time without a zone is UTC.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{djangoTimeLayout, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("auth: bad datetime %q", s)
}
