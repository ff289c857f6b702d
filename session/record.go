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

// keyEncoding turns random bytes into characters of [a-z2-7], five bits each.
var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Session keys come in two shapes:
//
//	anonymous  <32 random characters>                      160 bits from crypto/rand
//	logged in  <16-character user tag>.<32 random characters>
//
// The user tag is 80 bits of HMAC-SHA256 of the user id under a secret kept in the storage (see
// tagSecretSuffix): it reveals nothing about the user without the secret, and it gives all of a
// user's sessions a common key prefix. On a storage with ordered keys (PrefixScanner, such as
// SQLiteStorage) a user's sessions therefore sit next to each other, and listing them or logging them
// all out is a range query on the primary key: a login writes one row and no index.
const (
	keyLen     = 32                  // random characters; the whole key of an anonymous session
	tagLen     = 16                  // characters of a user tag (80 bits)
	tagSep     = '.'                 // between tag and random part; never in [a-z2-7]
	userKeyLen = tagLen + 1 + keyLen // a logged-in session's key
	tagBytes   = tagLen * 5 / 8      // bytes of HMAC output a tag carries
	randBytes  = keyLen * 5 / 8      // random bytes of a key
)

// newKey returns a fresh anonymous session key with 160 bits from crypto/rand.
func newKey() string {
	var b [keyLen]byte
	fillRandom(b[:])
	return string(b[:])
}

// newUserKey returns a fresh key for a session of the user whose tag is tag.
func newUserKey(tag string) string {
	var b [userKeyLen]byte
	copy(b[:tagLen], tag)
	b[tagLen] = tagSep
	fillRandom(b[tagLen+1:])
	return string(b[:])
}

// fillRandom fills dst (keyLen bytes) with key characters carrying 160 bits from crypto/rand.
func fillRandom(dst []byte) {
	var r [randBytes]byte
	_, _ = rand.Read(r[:]) // crypto/rand.Read never fails (it crashes the program instead)
	keyEncoding.Encode(dst, r[:])
}

// keyTag returns the user tag of a logged-in session's key, or "" for an anonymous key.
func keyTag(key string) string {
	if len(key) == userKeyLen {
		return key[:tagLen]
	}
	return ""
}

// validKey reports whether b has the exact shape of a key from newKey or newUserKey. Anything else —
// too long, too short, other characters — is not looked up in the storage at all.
func validKey[T string | []byte](b T) bool {
	switch len(b) {
	case keyLen:
		return keyChars(b)
	case userKeyLen:
		return b[tagLen] == tagSep && keyChars(b[:tagLen]) && keyChars(b[tagLen+1:])
	}
	return false
}

// keyChars reports whether b holds only characters of keyEncoding.
func keyChars[T string | []byte](b T) bool {
	for i := 0; i < len(b); i++ {
		if ch := b[i]; (ch < 'a' || ch > 'z') && (ch < '2' || ch > '7') {
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
