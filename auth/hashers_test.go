package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
)

// cheap are the hashers at low work factors, for tests that are about logic, not cost.
var cheap = []Hasher{PBKDF2SHA256{Iterations: 1000}, PBKDF2SHA1{Iterations: 1000},
	Argon2{Time: 1, Memory: 64, Threads: 1}, BCryptSHA256{Cost: 4}, BCrypt{Cost: 4}}

func cheapHashing(preferred int) *Hashing {
	hs := []Hasher{cheap[preferred]}
	for i, h := range cheap {
		if i != preferred {
			hs = append(hs, h)
		}
	}
	return &Hashing{Hashers: hs, Pool: NewPool(2, 0)}
}

func TestRandomStringAndSalt(t *testing.T) {
	if saltLen != 22 {
		t.Fatalf("salt length %d, Django's is 22", saltLen)
	}
	s, err := randomString(1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 1000 || strings.Trim(s, randomStringChars) != "" {
		t.Fatalf("bad random string %q", s)
	}
	for _, tc := range []struct {
		salt string
		want bool
	}{{strings.Repeat("a", 21), true}, {strings.Repeat("a", 22), false}, {"", true}} {
		if got := mustUpdateSalt(tc.salt); got != tc.want {
			t.Errorf("mustUpdateSalt(len %d) = %v", len(tc.salt), got)
		}
	}
}

func TestHashersRoundTrip(t *testing.T) {
	for i, h := range cheap {
		t.Run(h.Algorithm(), func(t *testing.T) {
			hs := cheapHashing(i)
			ctx := context.Background()
			enc, err := hs.MakePassword(ctx, "pässwörd 1")
			if _, ok := h.(PBKDF2SHA1); ok {
				if !errors.Is(err, ErrVerifyOnly) {
					t.Fatalf("pbkdf2_sha1 made %q, %v", enc, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(enc, h.Algorithm()+"$") || len(enc) > 128 {
				t.Fatalf("encoded %q", enc)
			}
			for _, tc := range []struct {
				pw         string
				ok, update bool
			}{{"pässwörd 1", true, false}, {"pässwörd 2", false, false}, {"", false, false}} {
				ok, update, err := hs.CheckPassword(ctx, tc.pw, enc)
				if err != nil || ok != tc.ok || update != tc.update {
					t.Errorf("CheckPassword(%q) = %v, %v, %v; want %v, %v", tc.pw, ok, update, err, tc.ok, tc.update)
				}
			}
			// The same password under another preferred hasher must be updated.
			other := cheapHashing((i + 2) % len(cheap))
			if ok, update, err := other.CheckPassword(ctx, "pässwörd 1", enc); !ok || !update || err != nil {
				t.Errorf("under %s: %v, %v, %v; want match and update", other.Preferred().Algorithm(), ok, update, err)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		h      Hasher
		prefix string
		parts  int
		padded bool // base64 with "=" as Python's b64encode (pbkdf2), or raw (argon2)
	}{
		{PBKDF2SHA256{Iterations: 1000}, "pbkdf2_sha256$1000$", 4, true},
		{Argon2{Time: 1, Memory: 64, Threads: 1}, "argon2$argon2id$v=19$m=64,t=1,p=1$", 6, false},
		{BCryptSHA256{Cost: 4}, "bcrypt_sha256$$2b$04$", 5, false},
		{BCrypt{Cost: 4}, "bcrypt$$2b$04$", 5, false},
	} {
		t.Run(tc.h.Algorithm(), func(t *testing.T) {
			enc, err := tc.h.Encode("x")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(enc, tc.prefix) || strings.Count(enc, "$")+1 != tc.parts ||
				strings.HasSuffix(enc, "=") != tc.padded {
				t.Fatalf("encoded %q, want prefix %q, %d parts, padded %v", enc, tc.prefix, tc.parts, tc.padded)
			}
			if tc.h.MustUpdate(enc) {
				t.Errorf("fresh %q must not need an update", enc)
			}
		})
	}
}

func TestMustUpdate(t *testing.T) {
	enc := func(h Hasher) string {
		t.Helper()
		s, err := h.Encode("pw")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	pb := enc(PBKDF2SHA256{Iterations: 1000})
	shortSalt, _ := pbkdf2Encoded("pbkdf2_sha256", sha256.New, "pw", "short", 1000)
	ar := enc(Argon2{Time: 1, Memory: 64, Threads: 1})
	bc := enc(BCryptSHA256{Cost: 4})
	for _, tc := range []struct {
		name    string
		h       Hasher
		encoded string
		want    bool
	}{
		{"pbkdf2 same", PBKDF2SHA256{Iterations: 1000}, pb, false},
		{"pbkdf2 fewer iterations", PBKDF2SHA256{Iterations: 2000}, pb, true},
		{"pbkdf2 more iterations", PBKDF2SHA256{Iterations: 500}, pb, true},
		{"pbkdf2 short salt", PBKDF2SHA256{Iterations: 1000}, shortSalt, true},
		{"pbkdf2 malformed", PBKDF2SHA256{}, "pbkdf2_sha256$x$y$z", true},
		{"argon2 same", Argon2{Time: 1, Memory: 64, Threads: 1}, ar, false},
		{"argon2 time", Argon2{Time: 2, Memory: 64, Threads: 1}, ar, true},
		{"argon2 memory", Argon2{Time: 1, Memory: 128, Threads: 1}, ar, true},
		{"argon2 threads", Argon2{Time: 1, Memory: 64, Threads: 2}, ar, true},
		{"argon2i", Argon2{Time: 1, Memory: 64, Threads: 1}, strings.Replace(ar, "argon2id", "argon2i", 1), true},
		{"bcrypt same", BCryptSHA256{Cost: 4}, bc, false},
		{"bcrypt lower cost", BCryptSHA256{Cost: 5}, bc, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.h.MustUpdate(tc.encoded); got != tc.want {
				t.Errorf("MustUpdate(%q) = %v, want %v", tc.encoded, got, tc.want)
			}
		})
	}
}

func TestMalformedAndUnusable(t *testing.T) {
	hs := cheapHashing(0)
	ctx := context.Background()
	unusable, err := MakeUnusablePassword()
	if err != nil {
		t.Fatal(err)
	}
	if len(unusable) != 41 || IsPasswordUsable(unusable) || !IsPasswordUsable("") {
		t.Fatalf("unusable %q", unusable)
	}
	for _, encoded := range []string{unusable, "", "nohasher$1$2", "pbkdf2_sha256$", "pbkdf2_sha256$0$s$h",
		"argon2$argon2id$v=19$m=64$x$y", "argon2$argon2d$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
		"argon2$argon2i$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "bcrypt_sha256$nope", "bcrypt$$2b$99$xx"} {
		t.Run(encoded, func(t *testing.T) {
			ok, update, err := hs.CheckPassword(ctx, "", encoded)
			if ok || update || err != nil {
				t.Errorf("CheckPassword = %v, %v, %v; want no match, no error", ok, update, err)
			}
		})
	}
}

func TestHasherParams(t *testing.T) {
	for _, h := range []Hasher{PBKDF2SHA256{Iterations: -1}, BCrypt{Cost: 3}, BCryptSHA256{Cost: 32}, Argon2{Memory: 8, Threads: 2}} {
		if _, err := h.Encode("x"); !errors.Is(err, ErrHasherParams) {
			t.Errorf("%#v: %v, want ErrHasherParams", h, err)
		}
	}
}

func TestBCryptLongPasswords(t *testing.T) {
	long := strings.Repeat("x", 72)
	enc, err := BCrypt{Cost: 4}.Encode(long + "tail")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := (BCrypt{}).Verify(long+"other", enc); !ok {
		t.Error("plain bcrypt reads only 72 bytes, as Django's")
	}
	enc, err = BCryptSHA256{Cost: 4}.Encode(long + "tail")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := (BCryptSHA256{}).Verify(long+"other", enc); ok {
		t.Error("bcrypt_sha256 must read the whole password")
	}
}

// TestHardenRuntime checks that a wrong password against a weaker stored hash does the preferred
// hasher's extra work, counted by the hasher instead of timed.
func TestHardenRuntime(t *testing.T) {
	c := &countingHasher{iterations: 10}
	weak := "counting$3"
	hs := &Hashing{Hashers: []Hasher{c}, Pool: NewPool(1, 0)}
	if ok, _, _ := hs.CheckPassword(context.Background(), "wrong", weak); ok {
		t.Fatal("matched")
	}
	if c.hardened != 7 {
		t.Errorf("hardened %d iterations, want 7", c.hardened)
	}
}
