package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
)

// sessionAuthHashSalt is the key salt of Django's AbstractBaseUser.get_session_auth_hash.
const sessionAuthHashSalt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"

// SaltedHMAC is Django's salted_hmac with algorithm sha256: HMAC-SHA256 of value with the key
// SHA-256(keySalt + secret). It returns the raw MAC; Django's .hexdigest() is its hex encoding.
func SaltedHMAC(keySalt, value, secret string) []byte {
	key := sha256.Sum256([]byte(keySalt + secret))
	m := hmac.New(sha256.New, key[:])
	m.Write([]byte(value))
	return m.Sum(nil)
}

// SessionAuthHash is Django's get_session_auth_hash for a user whose encoded password is password:
// the hex SaltedHMAC of the password under secret. Stored in the session at login, it logs the user
// out everywhere when the password changes.
func SessionAuthHash(password, secret string) string {
	return hex.EncodeToString(SaltedHMAC(sessionAuthHashSalt, password, secret))
}

// SecretKeys are Django's SECRET_KEY and SECRET_KEY_FALLBACKS: Key signs, Key and then each of
// Fallbacks verify, so that a key can be rotated without logging everyone out.
type SecretKeys struct {
	Key       string
	Fallbacks []string
}

// SessionAuthHash returns the user's session auth hash under Key.
func (k SecretKeys) SessionAuthHash(u *User) string { return SessionAuthHash(u.Password, k.Key) }

// VerifySessionAuthHash reports, comparing in constant time, whether hash is the user's session auth
// hash under Key or one of Fallbacks, as Django's get_user. stale is true when it matched only under
// a fallback: the session should then store SessionAuthHash(u) (Django cycles it likewise).
func (k SecretKeys) VerifySessionAuthHash(u *User, hash string) (ok, stale bool) {
	if hash == "" || u == nil {
		return false, false
	}
	if hmac.Equal([]byte(hash), []byte(SessionAuthHash(u.Password, k.Key))) {
		return true, false
	}
	for _, f := range k.Fallbacks {
		if hmac.Equal([]byte(hash), []byte(SessionAuthHash(u.Password, f))) {
			return true, true
		}
	}
	return false, false
}

// AuthHash returns session.Config.AuthHash for the users of users: the session auth hash under Key
// of the user whose id (decimal, as a session holds it) is userID. A user that is not there (deleted)
// or an id that is not a number gets "", which no session stored at a login matches, so their
// sessions end. A session stored under a fallback key does not match either: the session package
// compares with the current hash only, so a new Key logs everyone out. AuthHash panics if Key is
// empty (Django refuses an empty SECRET_KEY too).
func (k SecretKeys) AuthHash(users UserStore) func(userID string) (string, error) {
	if k.Key == "" {
		panic("auth: SecretKeys.AuthHash: Key is empty: give the site's secret key")
	}
	return func(userID string) (string, error) {
		id, err := strconv.ParseInt(userID, 10, 64)
		if err != nil {
			return "", nil
		}
		u, err := users.UserByID(context.Background(), id)
		if errors.Is(err, ErrUserNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return k.SessionAuthHash(u), nil
	}
}
