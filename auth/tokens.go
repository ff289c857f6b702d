package auth

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// DefaultResetTimeout is how long a password reset token stays valid
// (Django's PASSWORD_RESET_TIMEOUT, three days).
const DefaultResetTimeout = 3 * 24 * time.Hour

// PasswordResetTokens makes and checks password reset tokens with Django's
// algorithm (django.contrib.auth.tokens.PasswordResetTokenGenerator), so a
// link made by a Django site sharing the secret key works here and the other
// way round. A token holds the time it was made and an HMAC of the user's
// id, password hash, last login, that time and email: it stops working once
// the password changes, the user logs in, the email changes, or Timeout
// passes. Nothing is stored.
//
// The clock is UTC. Django's generator counts seconds on the naive local
// clock (datetime.now()), which is UTC on a server whose TZ (Django's
// TIME_ZONE when it runs from a settings module) is UTC; with a Django
// site on another zone the tokens still verify both ways, but their age
// is off by the zone's offset, so a link lasts that much longer or shorter.
type PasswordResetTokens struct {
	// Keys are the secret key and its fallbacks (Django's SECRET_KEY and
	// SECRET_KEY_FALLBACKS): tokens are made with Key and accepted with any.
	Keys SecretKeys
	// Timeout is how long a token is valid; DefaultResetTimeout when zero.
	Timeout time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// resetKeySalt is Django's key_salt of the generator.
const resetKeySalt = "django.contrib.auth.tokens.PasswordResetTokenGenerator"

// epoch2001 is the start of Django's token clock.
var epoch2001 = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

func (g PasswordResetTokens) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

// Make returns a token for u (Django's make_token).
func (g PasswordResetTokens) Make(u *User) string {
	return makeResetToken(u, int64(g.now().UTC().Sub(epoch2001)/time.Second), g.Keys.Key)
}

// Check reports whether token is a valid token for u now (Django's
// check_token).
func (g PasswordResetTokens) Check(u *User, token string) bool {
	if u == nil || token == "" {
		return false
	}
	ts36, _, ok := strings.Cut(token, "-")
	if !ok || strings.Count(token, "-") != 1 {
		return false
	}
	ts, err := strconv.ParseInt(ts36, 36, 64)
	if err != nil || ts < 0 || ts36 != strconv.FormatInt(ts, 36) {
		return false
	}
	match := false
	for _, key := range append([]string{g.Keys.Key}, g.Keys.Fallbacks...) {
		if key != "" && subtle.ConstantTimeCompare([]byte(makeResetToken(u, ts, key)), []byte(token)) == 1 {
			match = true
		}
	}
	timeout := g.Timeout
	if timeout == 0 {
		timeout = DefaultResetTimeout
	}
	age := int64(g.now().UTC().Sub(epoch2001)/time.Second) - ts
	return match && age <= int64(timeout/time.Second)
}

// makeResetToken is Django's _make_token_with_timestamp.
func makeResetToken(u *User, ts int64, key string) string {
	login := ""
	if !u.LastLogin.IsZero() {
		login = u.LastLogin.UTC().Truncate(time.Second).Format("2006-01-02 15:04:05")
	}
	value := strconv.FormatInt(u.ID, 10) + u.Password + login + strconv.FormatInt(ts, 10) + u.Email
	sum := hex.EncodeToString(SaltedHMAC(resetKeySalt, value, key))
	var every2 strings.Builder
	for i := 0; i < len(sum); i += 2 {
		every2.WriteByte(sum[i])
	}
	return strconv.FormatInt(ts, 36) + "-" + every2.String()
}

// EncodeUID is the user id as a reset link carries it (Django's
// urlsafe_base64_encode(force_bytes(pk))).
func EncodeUID(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

// DecodeUID is the user id of a reset link, false when uidb64 is not one.
func DecodeUID(uidb64 string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(uidb64, "="))
	if err != nil {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	return id, err == nil && id > 0 && strconv.FormatInt(id, 10) == string(b)
}
