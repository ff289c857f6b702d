package auth

import (
	"context"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openUsers(t *testing.T) *SQLiteUsers {
	t.Helper()
	s, err := OpenSQLiteUsers(context.Background(), filepath.Join(t.TempDir(), "users.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestUserTableCreated(t *testing.T) {
	s := openUsers(t)
	var ddl string
	if err := s.DB().QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'auth_user'`).Scan(&ddl); err != nil {
		t.Fatal(err)
	}
	if ddl != UserTableDDL {
		t.Fatalf("DDL\n%s\nwant\n%s", ddl, UserTableDDL)
	}
	// A second open uses the table as it is.
	if _, err := NewSQLiteUsers(context.Background(), s.DB()); err != nil {
		t.Fatal(err)
	}
}

func TestUserTableMissingColumns(t *testing.T) {
	s := openUsers(t)
	if _, err := s.DB().Exec(`ALTER TABLE auth_user RENAME COLUMN email TO mail`); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSQLiteUsers(context.Background(), s.DB()); !errors.Is(err, ErrUserTable) || !strings.Contains(err.Error(), "email") {
		t.Fatalf("got %v", err)
	}
}

func TestTimeFormat(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 12, 8, 3, 1, 4, 123456789, time.UTC), "2026-12-08 03:01:04.123456"},
		{time.Date(2026, 12, 8, 3, 1, 4, 0, time.UTC), "2026-12-08 03:01:04"},
		{time.Date(2026, 12, 8, 4, 1, 4, 5000, time.FixedZone("x", 3600)), "2026-12-08 03:01:04.000005"},
	} {
		got := FormatTime(tc.t)
		if got != tc.want {
			t.Errorf("FormatTime = %q, want %q", got, tc.want)
		}
		back, err := ParseTime(got)
		if err != nil || !back.Equal(tc.t.Truncate(time.Microsecond)) {
			t.Errorf("ParseTime(%q) = %v, %v", got, back, err)
		}
	}
	if _, err := ParseTime("yesterday"); err == nil {
		t.Error("parsed nonsense")
	}
}

func TestStore(t *testing.T) {
	s := openUsers(t)
	ctx := context.Background()
	joined := time.Date(2026, 1, 2, 3, 4, 5, 600000, time.UTC)
	u := &User{Password: "x", Username: "Alice", Email: "alice@example.com", FirstName: "Al", IsActive: true,
		IsStaff: true, DateJoined: joined}
	if err := s.CreateUser(ctx, u); err != nil || u.ID == 0 {
		t.Fatal(u.ID, err)
	}
	for _, name := range []string{"alice", "ALICE", "Alice"} {
		if err := s.CreateUser(ctx, &User{Username: name}); !errors.Is(err, ErrUsernameTaken) {
			t.Errorf("create %q: %v, want ErrUsernameTaken", name, err)
		}
	}
	got, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *u {
		t.Fatalf("read %+v\nwant %+v", got, u)
	}
	for _, tc := range []struct {
		name, username string
		wantErr        error
	}{{"exact", "Alice", nil}, {"other case", "aLiCe", nil}, {"unknown", "bob", ErrUserNotFound}, {"empty", "", ErrUserNotFound}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.UserByUsername(ctx, tc.username)
			if !errors.Is(err, tc.wantErr) || (err == nil && got.ID != u.ID) {
				t.Errorf("got %v, %v", got, err)
			}
		})
	}
	if _, err := s.UserByID(ctx, 999); !errors.Is(err, ErrUserNotFound) {
		t.Errorf("got %v", err)
	}
	users, err := s.UsersByEmail(ctx, "ALICE@example.COM")
	if err != nil || len(users) != 1 || users[0].ID != u.ID {
		t.Errorf("by email: %v, %v", users, err)
	}
	login := time.Date(2026, 12, 8, 3, 1, 4, 123456000, time.UTC)
	if err := s.UpdateLastLogin(ctx, u.ID, login); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, u.ID, "y"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, 999, "y"); !errors.Is(err, ErrUserNotFound) {
		t.Errorf("got %v", err)
	}
	var raw string
	if err := s.DB().QueryRow(`SELECT CAST(last_login AS TEXT) || '|' || CAST(date_joined AS TEXT) || '|' || password FROM auth_user`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw != "2026-12-08 03:01:04.123456|2026-01-02 03:04:05.000600|y" {
		t.Errorf("stored %q", raw)
	}
	got, _ = s.UserByID(ctx, u.ID)
	if !got.LastLogin.Equal(login) || got.Password != "y" {
		t.Errorf("read back %+v", got)
	}
}

// TestUserByUsernameAmbiguous: a table where two usernames differ only in case (as Django allowed
// before 4.2).
func TestUserByUsernameAmbiguous(t *testing.T) {
	s := openUsers(t)
	ctx := context.Background()
	for _, name := range []string{"bob", "Bob"} {
		if _, err := s.DB().Exec(`INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
			is_staff, is_active, date_joined) VALUES ('', 0, ?, '', '', '', 0, 1, '2026-01-01 00:00:00')`, name); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		username, want string
	}{{"bob", "bob"}, {"Bob", "Bob"}, {"BOB", ""}} {
		u, err := s.UserByUsername(ctx, tc.username)
		if tc.want == "" {
			if !errors.Is(err, ErrUserNotFound) {
				t.Errorf("%q: %v, %v; want ErrUserNotFound", tc.username, u, err)
			}
		} else if err != nil || u.Username != tc.want {
			t.Errorf("%q: %v, %v", tc.username, u, err)
		}
	}
}

// spyHasher counts the work of the hasher it wraps.
type spyHasher struct {
	Hasher
	mu                sync.Mutex
	encodes, verifies int
}

func (s *spyHasher) Encode(p string) (string, error) {
	s.mu.Lock()
	s.encodes++
	s.mu.Unlock()
	return s.Hasher.Encode(p)
}

func (s *spyHasher) Verify(p, e string) (bool, error) {
	s.mu.Lock()
	s.verifies++
	s.mu.Unlock()
	return s.Hasher.Verify(p, e)
}

func (s *spyHasher) work() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.encodes + s.verifies
	s.encodes, s.verifies = 0, 0
	return n
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	s := openUsers(t)
	spy := &spyHasher{Hasher: PBKDF2SHA256{Iterations: 1000}}
	old := PBKDF2SHA256{Iterations: 500}
	hs := &Hashing{Hashers: []Hasher{spy, BCryptSHA256{Cost: 4}}, Pool: NewPool(2, 0)}
	now := time.Date(2026, 12, 8, 3, 1, 4, 123456789, time.UTC)
	b := &Backend{Users: s, Hashing: hs, Now: func() time.Time { return now }}

	alice, err := b.CreateUser(ctx, "alice", "Alice@Example.COM", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if alice.Email != "Alice@example.com" || !alice.IsActive || alice.IsStaff || !alice.LastLogin.IsZero() {
		t.Fatalf("created %+v", alice)
	}
	if _, err := b.CreateUser(ctx, "ALICE", "", "x"); !errors.Is(err, ErrUsernameTaken) {
		t.Fatalf("got %v", err)
	}
	inactive, _ := b.CreateUser(ctx, "ina", "", "pw of ina")
	if _, err := s.DB().Exec(`UPDATE auth_user SET is_active = 0 WHERE id = ?`, inactive.ID); err != nil {
		t.Fatal(err)
	}
	oldEnc, _ := old.Encode("old pw")
	bcEnc, _ := BCryptSHA256{Cost: 4}.Encode("bc pw")
	olduser := &User{Username: "olduser", Password: oldEnc, IsActive: true}
	bcuser := &User{Username: "bcuser", Password: bcEnc, IsActive: true}
	unusable := &User{Username: "nopw", IsActive: true}
	unusable.Password, _ = MakeUnusablePassword()
	for _, u := range []*User{olduser, bcuser, unusable} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	spy.work()

	for _, tc := range []struct {
		name, username, password string
		wantErr                  error
		wantWork                 int    // hashes of the preferred hasher
		wantPrefix               string // stored password after
	}{
		{"right", "alice", "correct horse", nil, 1, "pbkdf2_sha256$1000$"},
		{"other case", "ALICE", "correct horse", nil, 1, "pbkdf2_sha256$1000$"},
		{"NFKC", "ａｌｉｃｅ", "correct horse", nil, 1, "pbkdf2_sha256$1000$"},
		{"wrong", "alice", "wrong", ErrInvalidCredentials, 1, "pbkdf2_sha256$1000$"},
		{"unknown: a dummy hash", "nobody", "wrong", ErrInvalidCredentials, 1, ""},
		{"unusable: a dummy hash", "nopw", "", ErrInvalidCredentials, 1, "!"},
		{"inactive, right password", "ina", "pw of ina", ErrInvalidCredentials, 1, "pbkdf2_sha256$1000$"},
		{"inactive, wrong password", "ina", "x", ErrInvalidCredentials, 1, "pbkdf2_sha256$1000$"},
		{"fewer iterations: updated", "olduser", "old pw", nil, 2, "pbkdf2_sha256$1000$"},
		{"other hasher: updated", "bcuser", "bc pw", nil, 1, "pbkdf2_sha256$1000$"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := b.Authenticate(ctx, tc.username, tc.password)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, %v; want %v", u, err, tc.wantErr)
			}
			if w := spy.work(); w != tc.wantWork {
				t.Errorf("%d hashes of the preferred hasher, want %d", w, tc.wantWork)
			}
			if err == nil {
				if !u.LastLogin.Equal(now.Truncate(time.Microsecond)) {
					t.Errorf("last login %v", u.LastLogin)
				}
				stored, _ := s.UserByID(ctx, u.ID)
				if !stored.LastLogin.Equal(u.LastLogin) || stored.Password != u.Password {
					t.Errorf("stored %+v, returned %+v", stored, u)
				}
			}
			if tc.wantPrefix != "" {
				stored, err := s.UserByUsername(ctx, NormalizeUsername(tc.username))
				if err != nil || !strings.HasPrefix(stored.Password, tc.wantPrefix) {
					t.Errorf("stored password %v, %v; want prefix %q", stored, err, tc.wantPrefix)
				}
			}
		})
	}
	// SetPassword changes the session auth hash.
	keys := SecretKeys{Key: "k"}
	before := keys.SessionAuthHash(alice)
	if err := b.SetPassword(ctx, alice, "new one"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := keys.VerifySessionAuthHash(alice, before); ok {
		t.Error("old session hash still valid after a password change")
	}
	if _, err := b.Authenticate(ctx, "alice", "new one"); err != nil {
		t.Fatal(err)
	}
}

func TestAuthenticateBusy(t *testing.T) {
	bl := newBlockingHasher()
	p := NewPool(1, time.Hour)
	timers := newManualTimer(p)
	s := openUsers(t)
	b := &Backend{Users: s, Hashing: &Hashing{Hashers: []Hasher{bl}, Pool: p}}
	done := make(chan struct{})
	go func() { _, _ = b.Hashing.MakePassword(context.Background(), "x"); close(done) }()
	<-bl.started
	errc := make(chan error, 1)
	go func() { _, err := b.Authenticate(context.Background(), "nobody", "x"); errc <- err }()
	<-timers.started
	timers.fire <- time.Time{}
	if err := <-errc; !errors.Is(err, ErrBusy) {
		t.Fatalf("got %v, want ErrBusy", err)
	}
	bl.release <- struct{}{}
	<-done
}

func TestSaltedHMAC(t *testing.T) {
	// Python: hmac.new(hashlib.sha256(b"salt"+b"secret").digest(), b"value", hashlib.sha256).hexdigest(),
	// which is Django's salted_hmac("salt", "value", "secret", algorithm="sha256") (and the test
	// against Django itself checks get_session_auth_hash).
	const want = "debaddcd9ecbaab181289870baf8af49b0af0a7050d620d1a63f1e69bd87ceb8"
	if got := hex.EncodeToString(SaltedHMAC("salt", "value", "secret")); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	u := &User{Password: "pbkdf2_sha256$x"}
	keys := SecretKeys{Key: "new", Fallbacks: []string{"older", "old"}}
	for _, tc := range []struct {
		name      string
		hash      string
		ok, stale bool
	}{
		{"current", SessionAuthHash(u.Password, "new"), true, false},
		{"fallback", SessionAuthHash(u.Password, "old"), true, true},
		{"unknown key", SessionAuthHash(u.Password, "other"), false, false},
		{"other password", SessionAuthHash("y", "new"), false, false},
		{"empty", "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, stale := keys.VerifySessionAuthHash(u, tc.hash)
			if ok != tc.ok || stale != tc.stale {
				t.Errorf("got %v, %v", ok, stale)
			}
		})
	}
}
