package auth

import "testing"

// BenchmarkHash encodes a password with each hasher at its defaults (Django's).
func BenchmarkHash(b *testing.B) {
	for _, h := range []Hasher{PBKDF2SHA256{}, Argon2{}, BCryptSHA256{}, BCrypt{}} {
		b.Run(h.Algorithm(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := h.Encode("correct horse battery staple"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
