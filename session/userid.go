package session

import (
	"fmt"
	"unicode/utf8"
)

// MaxUserIDLen is the longest user id, in bytes, that Login and the Manager's per-user functions
// accept. A user id names a user in every session record and in the per-user index; it is meant to
// be a primary key (an integer, a UUID), a username (Django allows 150 characters) or at most an
// e-mail address (254 bytes), not free text.
const MaxUserIDLen = 256

// checkUserID returns nil for a user id Login may store: non-empty, valid UTF-8 (session records
// are JSON, which would replace invalid bytes with U+FFFD while the per-user index key hashes the
// raw bytes) and at most MaxUserIDLen bytes.
func checkUserID(userID string) error {
	if userID == "" {
		return ErrEmptyUserID
	}
	if len(userID) > MaxUserIDLen {
		return fmt.Errorf("%w: it is %d bytes long, the limit is %d (session.MaxUserIDLen); use the user's primary key or username, not free text",
			ErrInvalidUserID, len(userID), MaxUserIDLen)
	}
	if !utf8.ValidString(userID) {
		at := 0
		for at < len(userID) {
			r, n := utf8.DecodeRuneInString(userID[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return fmt.Errorf("%w: it is not valid UTF-8 (byte %#02x at offset %d); session records are JSON text: pass the id as text (strconv.Itoa, uuid.String), or hex- or base64-encode binary ids",
			ErrInvalidUserID, userID[at], at)
	}
	return nil
}
