package session

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
)

// recordVersion is the version of the stored JSON layout.
const recordVersion = 1

// record is what one session row holds, as JSON.
type record struct {
	V  int                        `json:"v"`
	U  string                     `json:"u,omitempty"`  // user id; empty: anonymous
	H  string                     `json:"h,omitempty"`  // session auth hash at login
	C  int64                      `json:"c"`            // created (Unix seconds)
	S  int64                      `json:"s"`            // last saved (Unix seconds)
	X  int64                      `json:"x"`            // server-side expiry (Unix seconds)
	A  int64                      `json:"a,omitempty"`  // expiry override, see ageDefault…
	IP string                     `json:"ip,omitempty"` // client IP at the last save
	UA string                     `json:"ua,omitempty"` // user agent at the last save
	D  map[string]json.RawMessage `json:"d,omitempty"`  // the session's values
}

// Values of record.A / Session.age.
const (
	ageDefault      = 0  // the Manager's MaxAge / ExpireAtBrowserClose
	ageBrowserClose = -1 // cookie without Max-Age; server keeps MaxAge
)

// keyEncoding turns 20 random bytes (160 bits) into 32 characters of [a-z2-7].
var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// keyLen is the length of a session key.
const keyLen = 32

// newKey returns a fresh session key with 160 bits from crypto/rand.
func newKey() string {
	var b [20]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it crashes the program instead)
	return keyEncoding.EncodeToString(b[:])
}

// validKey reports whether b has the exact shape of a key from newKey. Anything else — too long, too
// short, other characters — is not looked up in the storage at all.
func validKey(b []byte) bool {
	if len(b) != keyLen {
		return false
	}
	for _, ch := range b {
		if (ch < 'a' || ch > 'z') && (ch < '2' || ch > '7') {
			return false
		}
	}
	return true
}

// publicID is the non-secret handle of a session shown in Info.ID: it identifies a session to its
// owner (for "log out that device") without revealing the key that would let a page steal it.
func publicID(key string) string {
	sum := sha256.Sum256([]byte("fiberviews-session-id:" + key))
	return hex.EncodeToString(sum[:8])
}

// userIndexSuffix is the storage key suffix of a user's session index: a hash, so any user id (long,
// with spaces or control characters) makes a key every storage accepts.
func userIndexSuffix(userID string) string {
	sum := sha256.Sum256([]byte(userID))
	return "user:" + hex.EncodeToString(sum[:16])
}
