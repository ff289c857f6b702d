package auth

import (
	"context"
	"strings"
)

// Unusable passwords, as Django's set_unusable_password: "!" and 40 random characters, which no
// hasher's encoding starts with.
const (
	UnusablePasswordPrefix       = "!"
	unusablePasswordSuffixLength = 40
)

// DefaultHashers returns Django's default PASSWORD_HASHERS that this package implements, in Django's
// order (pbkdf2_sha256 preferred, then pbkdf2_sha1, argon2, bcrypt_sha256), and plain bcrypt, which
// Django ships but does not list, so that its passwords verify too. All at Django's defaults.
func DefaultHashers() []Hasher {
	return []Hasher{PBKDF2SHA256{}, PBKDF2SHA1{}, Argon2{}, BCryptSHA256{}, BCrypt{}}
}

// Hashing makes and checks passwords with a list of hashers, as Django's PASSWORD_HASHERS: the first
// makes new passwords; the others only verify (and mark the password for an update). The zero value
// uses DefaultHashers() and DefaultPool(). Its fields must not change once in use.
type Hashing struct {
	// Hashers, the preferred first; empty: DefaultHashers().
	Hashers []Hasher
	// Pool runs every hash; nil: DefaultPool().
	Pool *Pool
}

// Default is the Hashing used by MakePassword and CheckPassword; a site may replace it at start-up.
var Default = &Hashing{}

func (h *Hashing) hashers() []Hasher {
	if h == nil || len(h.Hashers) == 0 {
		return defaultHashers
	}
	return h.Hashers
}

var defaultHashers = DefaultHashers()

func (h *Hashing) pool() *Pool {
	if h == nil || h.Pool == nil {
		return DefaultPool()
	}
	return h.Pool
}

// Preferred returns the hasher that makes new passwords.
func (h *Hashing) Preferred() Hasher { return h.hashers()[0] }

func (h *Hashing) identify(encoded string) Hasher {
	alg, _, _ := strings.Cut(encoded, "$")
	for _, hs := range h.hashers() {
		if hs.Algorithm() == alg {
			return hs
		}
	}
	return nil
}

// MakePassword hashes password with the preferred hasher, in the pool. It fails with ErrBusy when
// the pool stayed full past its wait limit.
func (h *Hashing) MakePassword(ctx context.Context, password string) (string, error) {
	var encoded string
	var err error
	if perr := h.pool().Do(ctx, func() { encoded, err = h.Preferred().Encode(password) }); perr != nil {
		return "", perr
	}
	return encoded, err
}

// CheckPassword reports whether password matches encoded, as Django's check_password, in the pool.
// mustUpdate is true when the password matched but encoded is not what the preferred hasher would
// make now (another algorithm, other parameters, a short salt): the caller should store
// MakePassword(password) (Authenticate does). An unusable password, an unknown algorithm or an
// encoding that does not parse is no match, after a hash of the preferred hasher, so that it takes
// about as long as a wrong password. err is only for the pool (ErrBusy) or ctx.
func (h *Hashing) CheckPassword(ctx context.Context, password, encoded string) (ok, mustUpdate bool, err error) {
	preferred := h.Preferred()
	hasher := h.identify(encoded)
	if !IsPasswordUsable(encoded) || hasher == nil {
		return false, false, h.dummyHash(ctx)
	}
	changed := hasher.Algorithm() != preferred.Algorithm()
	mustUpdate = changed || preferred.MustUpdate(encoded)
	var verr error
	err = h.pool().Do(ctx, func() {
		ok, verr = hasher.Verify(password, encoded)
		if verr != nil {
			// As Django for a hash it cannot use: the preferred hasher's work instead.
			_, _ = preferred.Encode(password)
			return
		}
		if !ok && !changed && mustUpdate {
			hasher.HardenRuntime(password, encoded)
		}
	})
	if err != nil || verr != nil {
		return false, false, err
	}
	return ok, ok && mustUpdate, nil
}

// dummyHash runs the preferred hasher once on a random password: Django's "fake runtime".
func (h *Hashing) dummyHash(ctx context.Context) error {
	pw, err := randomString(unusablePasswordSuffixLength)
	if err != nil {
		return err
	}
	_, err = h.MakePassword(ctx, pw)
	return err
}

// MakePassword hashes password with Default; see Hashing.MakePassword.
func MakePassword(password string) (string, error) {
	return Default.MakePassword(context.Background(), password)
}

// CheckPassword checks password against encoded with Default; see Hashing.CheckPassword.
func CheckPassword(password, encoded string) (ok, mustUpdate bool, err error) {
	return Default.CheckPassword(context.Background(), password, encoded)
}

// MakeUnusablePassword returns a new unusable password: "!" and 40 random characters, as Django's
// make_password(None). No password matches it.
func MakeUnusablePassword() (string, error) {
	s, err := randomString(unusablePasswordSuffixLength)
	if err != nil {
		return "", err
	}
	return UnusablePasswordPrefix + s, nil
}

// IsPasswordUsable reports whether encoded is not an unusable password, as Django's
// is_password_usable (an empty or unparsable one counts as usable; it just matches nothing).
func IsPasswordUsable(encoded string) bool {
	return !strings.HasPrefix(encoded, UnusablePasswordPrefix)
}
