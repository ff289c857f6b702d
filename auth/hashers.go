package auth

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// ErrMalformedHash is returned by a Hasher's Verify for an encoded password it cannot parse.
var ErrMalformedHash = errors.New("auth: malformed encoded password")

// ErrVerifyOnly is returned by the Encode of a hasher kept only to verify old passwords.
var ErrVerifyOnly = errors.New("auth: this hasher only verifies passwords")

// ErrHasherParams is returned for a hasher configured out of its algorithm's range.
var ErrHasherParams = errors.New("auth: hasher parameters out of range")

// Hasher is one password hashing algorithm, as Django's BasePasswordHasher. Encoded passwords start
// with the algorithm's name and a "$". A site may add its own.
type Hasher interface {
	// Algorithm is the name before the first "$" of the passwords this hasher encodes.
	Algorithm() string
	// Encode hashes password with a new random salt at this hasher's parameters.
	Encode(password string) (string, error)
	// Verify reports, comparing in constant time, whether password matches encoded, a password
	// encoded by this algorithm at any parameters. It fails with ErrMalformedHash for one it cannot
	// parse.
	Verify(password, encoded string) (bool, error)
	// MustUpdate reports whether encoded, of this algorithm, differs from what Encode would make
	// now (parameters, salt length), so that it should be hashed again.
	MustUpdate(encoded string) bool
	// HardenRuntime does, for a wrong password, the extra work that this hasher's parameters cost
	// beyond encoded's own, so that a password stored at a lower work factor does not answer faster.
	HardenRuntime(password, encoded string)
}

// Django's defaults (Django 6.0).
const (
	// DefaultPBKDF2Iterations is Django 6.0's PBKDF2PasswordHasher.iterations.
	DefaultPBKDF2Iterations = 1_200_000
	// DefaultArgon2Time, DefaultArgon2Memory (KiB) and DefaultArgon2Threads are Django's
	// Argon2PasswordHasher time_cost, memory_cost and parallelism.
	DefaultArgon2Time    = 2
	DefaultArgon2Memory  = 102400
	DefaultArgon2Threads = 8
	// DefaultBCryptCost is Django's BCryptSHA256PasswordHasher.rounds.
	DefaultBCryptCost = 12
)

// Salts as Django's BasePasswordHasher.salt: characters of get_random_string's alphabet, enough of
// them for 128 bits of entropy.
const (
	randomStringChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	saltEntropy       = 128
	argon2HashLen     = 16 // argon2-cffi's DEFAULT_HASH_LENGTH, which Django keeps
)

var saltLen = int(math.Ceil(saltEntropy / math.Log2(float64(len(randomStringChars))))) // 22

// randomString is Django's get_random_string over its default alphabet, drawn from crypto/rand
// without modulo bias.
func randomString(n int) (string, error) {
	const limit = 256 - 256%len(randomStringChars) // 248
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", err
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, randomStringChars[int(c)%len(randomStringChars)])
			}
		}
	}
	return string(out), nil
}

// mustUpdateSalt is Django's must_update_salt: each character counts log2(62) bits.
func mustUpdateSalt(salt string) bool {
	return float64(utf8.RuneCountInString(salt))*math.Log2(float64(len(randomStringChars))) < saltEntropy
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// --- PBKDF2 ---

// PBKDF2SHA256 is Django's default hasher, "pbkdf2_sha256$<iterations>$<salt>$<base64 hash>".
// Iterations 0 means DefaultPBKDF2Iterations.
type PBKDF2SHA256 struct{ Iterations int }

// Algorithm returns "pbkdf2_sha256".
func (PBKDF2SHA256) Algorithm() string { return "pbkdf2_sha256" }

func (h PBKDF2SHA256) iterations() int { return iterationsOr(h.Iterations) }

// Encode hashes password with a new 22-character salt.
func (h PBKDF2SHA256) Encode(password string) (string, error) {
	return encodePBKDF2(h.Algorithm(), sha256.New, password, h.iterations())
}

// Verify checks password against encoded in constant time.
func (h PBKDF2SHA256) Verify(password, encoded string) (bool, error) {
	return verifyPBKDF2(h.Algorithm(), sha256.New, password, encoded)
}

// MustUpdate reports another iteration count than h's (as Django: fewer or more) or a short salt.
func (h PBKDF2SHA256) MustUpdate(encoded string) bool {
	return mustUpdatePBKDF2(h.Algorithm(), encoded, h.iterations())
}

// HardenRuntime runs the iterations h has beyond encoded's.
func (h PBKDF2SHA256) HardenRuntime(password, encoded string) {
	hardenPBKDF2(h.Algorithm(), sha256.New, password, encoded, h.iterations())
}

// PBKDF2SHA1 verifies Django's "pbkdf2_sha1$..." passwords; it does not make new ones (Encode fails
// with ErrVerifyOnly), so it must not be first in a Hashers list. Iterations 0 means
// DefaultPBKDF2Iterations.
type PBKDF2SHA1 struct{ Iterations int }

// Algorithm returns "pbkdf2_sha1".
func (PBKDF2SHA1) Algorithm() string { return "pbkdf2_sha1" }

// Encode fails with ErrVerifyOnly.
func (PBKDF2SHA1) Encode(string) (string, error) { return "", ErrVerifyOnly }

// Verify checks password against encoded in constant time.
func (h PBKDF2SHA1) Verify(password, encoded string) (bool, error) {
	return verifyPBKDF2(h.Algorithm(), sha1.New, password, encoded)
}

// MustUpdate reports another iteration count than h's or a short salt.
func (h PBKDF2SHA1) MustUpdate(encoded string) bool {
	return mustUpdatePBKDF2(h.Algorithm(), encoded, iterationsOr(h.Iterations))
}

// HardenRuntime runs the iterations h has beyond encoded's.
func (h PBKDF2SHA1) HardenRuntime(password, encoded string) {
	hardenPBKDF2(h.Algorithm(), sha1.New, password, encoded, iterationsOr(h.Iterations))
}

func iterationsOr(n int) int {
	if n == 0 {
		return DefaultPBKDF2Iterations
	}
	return n
}

func pbkdf2Encoded(alg string, h func() hash.Hash, password, salt string, iterations int) (string, error) {
	dk, err := pbkdf2.Key(h, password, []byte(salt), iterations, h().Size())
	if err != nil {
		return "", err
	}
	return alg + "$" + strconv.Itoa(iterations) + "$" + salt + "$" + base64.StdEncoding.EncodeToString(dk), nil
}

func encodePBKDF2(alg string, h func() hash.Hash, password string, iterations int) (string, error) {
	if iterations < 1 {
		return "", fmt.Errorf("%w: %s iterations %d", ErrHasherParams, alg, iterations)
	}
	salt, err := randomString(saltLen)
	if err != nil {
		return "", err
	}
	return pbkdf2Encoded(alg, h, password, salt, iterations)
}

func decodePBKDF2(alg, encoded string) (iterations int, salt string, err error) {
	parts := strings.SplitN(encoded, "$", 4)
	if len(parts) != 4 || parts[0] != alg || parts[2] == "" {
		return 0, "", ErrMalformedHash
	}
	iterations, err = strconv.Atoi(parts[1])
	if err != nil || iterations < 1 {
		return 0, "", ErrMalformedHash
	}
	return iterations, parts[2], nil
}

func verifyPBKDF2(alg string, h func() hash.Hash, password, encoded string) (bool, error) {
	iterations, salt, err := decodePBKDF2(alg, encoded)
	if err != nil {
		return false, err
	}
	again, err := pbkdf2Encoded(alg, h, password, salt, iterations)
	if err != nil {
		return false, err
	}
	return constantTimeEqual(encoded, again), nil
}

func mustUpdatePBKDF2(alg, encoded string, iterations int) bool {
	n, salt, err := decodePBKDF2(alg, encoded)
	return err != nil || n != iterations || mustUpdateSalt(salt)
}

func hardenPBKDF2(alg string, h func() hash.Hash, password, encoded string, iterations int) {
	n, salt, err := decodePBKDF2(alg, encoded)
	if err == nil && iterations > n {
		_, _ = pbkdf2Encoded(alg, h, password, salt, iterations-n)
	}
}

// --- Argon2 ---

// Argon2 is Django's Argon2PasswordHasher (argon2id, as argon2-cffi encodes it):
// "argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>", salt and 16-byte hash in base64 without
// padding. Zero fields mean Django's defaults. Verify also accepts argon2i passwords of version 19;
// argon2d and version 16 are not supported (they do not verify).
type Argon2 struct {
	Time    uint32 // passes; 0: DefaultArgon2Time
	Memory  uint32 // KiB; 0: DefaultArgon2Memory
	Threads uint8  // lanes; 0: DefaultArgon2Threads
}

// Algorithm returns "argon2".
func (Argon2) Algorithm() string { return "argon2" }

func (h Argon2) params() (t, m uint32, p uint8) {
	t, m, p = h.Time, h.Memory, h.Threads
	if t == 0 {
		t = DefaultArgon2Time
	}
	if m == 0 {
		m = DefaultArgon2Memory
	}
	if p == 0 {
		p = DefaultArgon2Threads
	}
	return t, m, p
}

// Encode hashes password with argon2id and a new 22-character salt.
func (h Argon2) Encode(password string) (string, error) {
	t, m, p := h.params()
	if m < 8*uint32(p) {
		return "", fmt.Errorf("%w: argon2 memory %d KiB below 8 per thread", ErrHasherParams, m)
	}
	salt, err := randomString(saltLen)
	if err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), []byte(salt), t, m, p, argon2HashLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("argon2$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, m, t, p,
		b64.EncodeToString([]byte(salt)), b64.EncodeToString(key)), nil
}

type argon2Decoded struct {
	variant    string
	version    int
	t, m       uint32
	p          uint8
	salt, hash []byte
}

func decodeArgon2(encoded string) (argon2Decoded, error) {
	var d argon2Decoded
	rest, ok := strings.CutPrefix(encoded, "argon2$")
	if !ok {
		return d, ErrMalformedHash
	}
	parts := strings.Split(rest, "$")
	d.version = 0x10 // argon2-cffi: no "v=" means version 16
	switch len(parts) {
	case 5:
		v, ok := strings.CutPrefix(parts[1], "v=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil {
			return d, ErrMalformedHash
		}
		d.version = n
		parts = append(parts[:1], parts[2:]...)
	case 4:
	default:
		return d, ErrMalformedHash
	}
	d.variant = parts[0]
	seen := 0
	for _, kv := range strings.Split(parts[1], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return d, ErrMalformedHash
		}
		switch k {
		case "m":
			d.m, seen = uint32(n), seen|1
		case "t":
			d.t, seen = uint32(n), seen|2
		case "p":
			if n > math.MaxUint8 {
				return d, ErrMalformedHash
			}
			d.p, seen = uint8(n), seen|4
		default:
			return d, ErrMalformedHash
		}
	}
	var err1, err2 error
	d.salt, err1 = base64.RawStdEncoding.DecodeString(parts[2])
	d.hash, err2 = base64.RawStdEncoding.DecodeString(parts[3])
	if seen != 7 || err1 != nil || err2 != nil || d.t == 0 || d.p == 0 || len(d.hash) == 0 {
		return d, ErrMalformedHash
	}
	return d, nil
}

// Verify checks password against an argon2id or argon2i (version 19) password in constant time.
func (Argon2) Verify(password, encoded string) (bool, error) {
	d, err := decodeArgon2(encoded)
	if err != nil {
		return false, err
	}
	if d.version != argon2.Version {
		return false, fmt.Errorf("%w: argon2 version %d is not supported", ErrMalformedHash, d.version)
	}
	var key []byte
	switch d.variant {
	case "argon2id":
		key = argon2.IDKey([]byte(password), d.salt, d.t, d.m, d.p, uint32(len(d.hash)))
	case "argon2i":
		key = argon2.Key([]byte(password), d.salt, d.t, d.m, d.p, uint32(len(d.hash)))
	default:
		return false, fmt.Errorf("%w: argon2 variant %q is not supported", ErrMalformedHash, d.variant)
	}
	return subtle.ConstantTimeCompare(key, d.hash) == 1, nil
}

// MustUpdate reports, as Django, another variant, version, time, memory, parallelism or hash
// length than h's, or a short salt.
func (h Argon2) MustUpdate(encoded string) bool {
	d, err := decodeArgon2(encoded)
	if err != nil {
		return true
	}
	t, m, p := h.params()
	return d.variant != "argon2id" || d.version != argon2.Version || d.t != t || d.m != m || d.p != p ||
		len(d.hash) != argon2HashLen || mustUpdateSalt(string(d.salt))
}

// HardenRuntime does nothing, as Django's: argon2's cost is not additive.
func (Argon2) HardenRuntime(string, string) {}

// --- bcrypt ---

// BCryptSHA256 is Django's BCryptSHA256PasswordHasher: the password's SHA-256 hex digest is fed to
// bcrypt (so long passwords are not cut at 72 bytes): "bcrypt_sha256$$2b$12$<salt+hash>".
// Cost 0 means DefaultBCryptCost.
type BCryptSHA256 struct{ Cost int }

// Algorithm returns "bcrypt_sha256".
func (BCryptSHA256) Algorithm() string { return "bcrypt_sha256" }

func sha256Hex(password string) []byte {
	sum := sha256.Sum256([]byte(password))
	return []byte(hex.EncodeToString(sum[:]))
}

// Encode hashes password's SHA-256 hex digest with bcrypt and a new salt.
func (h BCryptSHA256) Encode(password string) (string, error) {
	return encodeBCrypt(h.Algorithm(), sha256Hex(password), h.Cost)
}

// Verify checks password against encoded in constant time.
func (h BCryptSHA256) Verify(password, encoded string) (bool, error) {
	return verifyBCrypt(h.Algorithm(), sha256Hex(password), encoded)
}

// MustUpdate reports another cost than h's.
func (h BCryptSHA256) MustUpdate(encoded string) bool {
	return mustUpdateBCrypt(h.Algorithm(), encoded, h.Cost)
}

// HardenRuntime runs bcrypt 2^(cost-stored)-1 more times, as Django.
func (h BCryptSHA256) HardenRuntime(password, encoded string) {
	hardenBCrypt(h.Algorithm(), sha256Hex(password), encoded, h.Cost)
}

// BCrypt is Django's BCryptPasswordHasher, "bcrypt$$2b$12$<salt+hash>": bcrypt of the password
// itself, of which bcrypt reads only the first 72 bytes (longer ones are cut there, as Django's
// bcrypt library does). Prefer BCryptSHA256. Cost 0 means DefaultBCryptCost.
type BCrypt struct{ Cost int }

// Algorithm returns "bcrypt".
func (BCrypt) Algorithm() string { return "bcrypt" }

func truncate72(password string) []byte {
	b := []byte(password)
	if len(b) > 72 {
		b = b[:72]
	}
	return b
}

// Encode hashes password's first 72 bytes with bcrypt and a new salt.
func (h BCrypt) Encode(password string) (string, error) {
	return encodeBCrypt(h.Algorithm(), truncate72(password), h.Cost)
}

// Verify checks password against encoded in constant time.
func (h BCrypt) Verify(password, encoded string) (bool, error) {
	return verifyBCrypt(h.Algorithm(), truncate72(password), encoded)
}

// MustUpdate reports another cost than h's.
func (h BCrypt) MustUpdate(encoded string) bool {
	return mustUpdateBCrypt(h.Algorithm(), encoded, h.Cost)
}

// HardenRuntime runs bcrypt 2^(cost-stored)-1 more times, as Django.
func (h BCrypt) HardenRuntime(password, encoded string) {
	hardenBCrypt(h.Algorithm(), truncate72(password), encoded, h.Cost)
}

func bcryptCost(c int) int {
	if c == 0 {
		return DefaultBCryptCost
	}
	return c
}

func encodeBCrypt(alg string, password []byte, cost int) (string, error) {
	cost = bcryptCost(cost)
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		return "", fmt.Errorf("%w: bcrypt cost %d", ErrHasherParams, cost)
	}
	b, err := bcrypt.GenerateFromPassword(password, cost)
	if err != nil {
		return "", err
	}
	// The library writes "$2a$"; Django's writes "$2b$". Both hash a password of at most 72 bytes
	// alike ("2b" only fixed a length wrap-around past 255 bytes), and both verify either.
	s := string(b)
	if rest, ok := strings.CutPrefix(s, "$2a$"); ok {
		s = "$2b$" + rest
	}
	return alg + "$" + s, nil
}

// bcryptData returns the "$2b$12$..." part of "alg$$2b$12$...".
func bcryptData(alg, encoded string) (string, error) {
	data, ok := strings.CutPrefix(encoded, alg+"$")
	if !ok || !strings.HasPrefix(data, "$") {
		return "", ErrMalformedHash
	}
	return data, nil
}

func verifyBCrypt(alg string, password []byte, encoded string) (bool, error) {
	data, err := bcryptData(alg, encoded)
	if err != nil {
		return false, err
	}
	switch err := bcrypt.CompareHashAndPassword([]byte(data), password); {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		return false, fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
}

func storedBCryptCost(alg, encoded string) (int, error) {
	data, err := bcryptData(alg, encoded)
	if err != nil {
		return 0, err
	}
	return bcrypt.Cost([]byte(data))
}

func mustUpdateBCrypt(alg, encoded string, cost int) bool {
	c, err := storedBCryptCost(alg, encoded)
	return err != nil || c != bcryptCost(cost)
}

func hardenBCrypt(alg string, password []byte, encoded string, cost int) {
	c, err := storedBCryptCost(alg, encoded)
	diff := bcryptCost(cost) - c
	if err != nil || diff <= 0 || diff > 30 {
		return
	}
	data, _ := bcryptData(alg, encoded)
	for n := (1 << diff) - 1; n > 0; n-- {
		_ = bcrypt.CompareHashAndPassword([]byte(data), password)
	}
}
