package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordResetTokens(t *testing.T) {
	made := time.Date(2026, 12, 8, 3, 1, 4, 0, time.UTC)
	now := made
	g := PasswordResetTokens{Keys: SecretKeys{Key: "new key", Fallbacks: []string{"old key"}}, Now: func() time.Time { return now }}
	u := &User{ID: 42, Password: "pbkdf2_sha256$1000$salt$hash", Email: "ada@example.com",
		LastLogin: time.Date(2026, 12, 1, 10, 0, 0, 123456000, time.UTC)}
	tok := g.Make(u)
	if g.Make(u) != tok || strings.Count(tok, "-") != 1 {
		t.Fatalf("Make = %q, then %q: want the same token for the same user, time and key", tok, g.Make(u))
	}
	old := PasswordResetTokens{Keys: SecretKeys{Key: "old key"}, Now: g.Now}.Make(u)
	changed := func(f func(*User)) *User { c := *u; f(&c); return &c }
	cases := []struct {
		name  string
		user  *User
		token string
		after time.Duration
		ok    bool
	}{
		{"fresh", u, tok, 0, true},
		{"a day later", u, tok, 24 * time.Hour, true},
		{"at the timeout", u, tok, DefaultResetTimeout, true},
		{"past the timeout", u, tok, DefaultResetTimeout + time.Second, false},
		{"made with a fallback key", u, old, 0, true},
		{"after a password change", changed(func(c *User) { c.Password = "pbkdf2_sha256$1000$salt$other" }), tok, 0, false},
		{"after a login", changed(func(c *User) { c.LastLogin = c.LastLogin.Add(time.Minute) }), tok, 0, false},
		{"a login in the same second", changed(func(c *User) { c.LastLogin = c.LastLogin.Add(time.Millisecond) }), tok, 0, true},
		{"after an email change", changed(func(c *User) { c.Email = "ada@other.example" }), tok, 0, false},
		{"another user", changed(func(c *User) { c.ID = 43 }), tok, 0, false},
		{"altered", u, tok[:len(tok)-1] + "0", 0, false},
		{"no dash", u, strings.ReplaceAll(tok, "-", ""), 0, false},
		{"two dashes", u, tok + "-x", 0, false},
		{"empty", u, "", 0, false},
		{"bad time", u, "!!-" + strings.SplitN(tok, "-", 2)[1], 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now = made.Add(tc.after)
			if got := g.Check(tc.user, tc.token); got != tc.ok {
				t.Errorf("Check = %v, want %v", got, tc.ok)
			}
		})
	}
	now = made
	if (PasswordResetTokens{Keys: SecretKeys{Key: "other"}, Now: g.Now}).Check(u, tok) {
		t.Error("a token checked with another key")
	}
}

func TestUID(t *testing.T) {
	for _, id := range []int64{1, 42, 1 << 40} {
		got, ok := DecodeUID(EncodeUID(id))
		if !ok || got != id {
			t.Errorf("DecodeUID(EncodeUID(%d)) = %d, %v", id, got, ok)
		}
	}
	if EncodeUID(42) != "NDI" { // Django: urlsafe_base64_encode(b"42")
		t.Errorf("EncodeUID(42) = %q, want Django's NDI", EncodeUID(42))
	}
	for _, bad := range []string{"", "!!", "MA", "LTE", "MDQy", "eA"} { // "", "0", "-1", "042", "x"
		if id, ok := DecodeUID(bad); ok {
			t.Errorf("DecodeUID(%q) = %d, accepted", bad, id)
		}
	}
}

// TestDjangoResetTokens: a token Django makes is accepted here and one made
// here passes Django's check_token, with the same secret key; both refuse
// after a password change.
func TestDjangoResetTokens(t *testing.T) {
	made := time.Date(2026, 12, 8, 3, 1, 4, 0, time.UTC)
	g := PasswordResetTokens{Keys: SecretKeys{Key: "a shared secret key"}, Now: func() time.Time { return made }}
	u := &User{ID: 7, Password: "pbkdf2_sha256$1000$abc$def", Email: "grace@example.com",
		LastLogin: time.Date(2026, 12, 7, 22, 15, 30, 987000, time.UTC)}
	other := *u
	other.Password = "pbkdf2_sha256$1000$abc$changed"
	asDjango := func(u *User) map[string]any {
		last := ""
		if !u.LastLogin.IsZero() {
			last = u.LastLogin.Format("2006-01-02T15:04:05.000000+00:00")
		}
		return map[string]any{"id": u.ID, "password": u.Password, "email": u.Email, "last_login": last}
	}
	ours := g.Make(u)
	res := runDjango(t, map[string]any{"action": "token", "secret": "a shared secret key", "now": "2026-12-08T03:01:04",
		"user": asDjango(u), "checks": [][]any{{asDjango(u), ours}, {asDjango(&other), ours}}})
	if res["token"] != ours {
		t.Errorf("Django made %q, we made %q for the same user, time and key", res["token"], ours)
	}
	if checks := res["checks"].([]any); checks[0] != true || checks[1] != false {
		t.Errorf("Django's check_token of our token: %v, want [true false] (valid, then refused after a password change)", checks)
	}
	theirs, _ := res["token"].(string)
	if !g.Check(u, theirs) || g.Check(&other, theirs) {
		t.Errorf("our Check of Django's token %q: want accepted, then refused after a password change", theirs)
	}
	never := *u
	never.LastLogin = time.Time{}
	res = runDjango(t, map[string]any{"action": "token", "secret": "a shared secret key", "now": "2026-12-08T03:01:04",
		"user": asDjango(&never), "checks": [][]any{}})
	if res["token"] != g.Make(&never) {
		t.Errorf("a user who never logged in: Django %q, ours %q", res["token"], g.Make(&never))
	}
}
