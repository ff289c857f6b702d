package pgusers_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/auth/pgusers"
	"github.com/fiberviews/fiberviews/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t *testing.T, url string) *pgusers.Users {
	t.Helper()
	u, err := pgusers.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(u.Close)
	return u
}

// cheap is a backend whose new hashes cost little (tests run under -race).
func cheap(users auth.UserStore) *auth.Backend {
	return &auth.Backend{Users: users, Hashing: &auth.Hashing{
		Hashers: []auth.Hasher{auth.PBKDF2SHA256{Iterations: 1000}, auth.PBKDF2SHA256{}},
		Pool:    auth.NewPool(0, time.Minute),
	}}
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.URL(t))
	b := cheap(s)
	ann, err := b.CreateUser(ctx, "Ann", "ann@EXAMPLE.org", "ann password")
	if err != nil {
		t.Fatal(err)
	}
	if ann.ID == 0 {
		t.Fatal("no id")
	}
	if _, err := b.CreateUser(ctx, "bob", "ANN@example.org", "bob password"); err != nil {
		t.Fatal(err)
	}
	t.Run("lookups", func(t *testing.T) {
		for _, tc := range []struct {
			name, username string
			want           string
			err            error
		}{
			{"exact", "Ann", "Ann", nil},
			{"other case", "aNN", "Ann", nil},
			{"unknown", "carl", "", auth.ErrUserNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				u, err := s.UserByUsername(ctx, tc.username)
				if !errors.Is(err, tc.err) || (err == nil && u.Username != tc.want) {
					t.Fatalf("UserByUsername(%q) = %v, %v", tc.username, u, err)
				}
			})
		}
		if u, err := s.UserByID(ctx, ann.ID); err != nil || u.Email != "ann@example.org" || !u.DateJoined.Equal(ann.DateJoined) || !u.LastLogin.IsZero() {
			t.Fatalf("UserByID = %+v, %v", u, err)
		}
		if _, err := s.UserByID(ctx, 999999); !errors.Is(err, auth.ErrUserNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
		if us, err := s.UsersByEmail(ctx, "ann@example.ORG"); err != nil || len(us) != 2 || us[0].ID != ann.ID {
			t.Fatalf("UsersByEmail = %v, %v", us, err)
		}
	})
	t.Run("authenticate", func(t *testing.T) {
		for _, tc := range []struct {
			username, password string
			err                error
		}{
			{"ANN", "ann password", nil},
			{"ann", "wrong", auth.ErrInvalidCredentials},
			{"nobody", "ann password", auth.ErrInvalidCredentials},
		} {
			u, err := b.Authenticate(ctx, tc.username, tc.password)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Authenticate(%q, %q): %v, want %v", tc.username, tc.password, err, tc.err)
			}
			if err == nil {
				stored, _ := s.UserByID(ctx, u.ID)
				if !stored.LastLogin.Equal(u.LastLogin) || u.LastLogin.IsZero() {
					t.Fatalf("last_login stored %v, returned %v", stored.LastLogin, u.LastLogin)
				}
			}
		}
	})
	t.Run("username taken in any case, also by concurrent creators", func(t *testing.T) {
		if _, err := b.CreateUser(ctx, "BOB", "", "x"); !errors.Is(err, auth.ErrUsernameTaken) {
			t.Fatalf("got %v", err)
		}
		other := open(t, s.Pool().Config().ConnString()) // a second server
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = (&auth.Backend{Users: []auth.UserStore{s, other}[i%2], Hashing: b.Hashing}).CreateUser(ctx, []string{"dora", "DORA"}[i%2], "", "")
			})
		}
		wg.Wait()
		created := 0
		for _, err := range errs {
			switch {
			case err == nil:
				created++
			case !errors.Is(err, auth.ErrUsernameTaken):
				t.Fatal(err)
			}
		}
		if created != 1 {
			t.Fatalf("%d users created for one username", created)
		}
	})
	t.Run("set password", func(t *testing.T) {
		if err := b.SetPassword(ctx, ann, "new password"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Authenticate(ctx, "ann", "new password"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, 999999, "x"); !errors.Is(err, auth.ErrUserNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
	})
}

func TestExistingTables(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s := open(t, url)
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE tablename = 'auth_user' AND indexname = 'auth_user_username_upper'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("index on upper(username): %d, %v", n, err)
	}
	t.Run("reopened", func(t *testing.T) { open(t, url) })
	t.Run("lacking columns", func(t *testing.T) {
		if _, err := s.Pool().Exec(ctx, `ALTER TABLE auth_user DROP COLUMN is_staff`); err != nil {
			t.Fatal(err)
		}
		if _, err := pgusers.New(ctx, s.Pool()); !errors.Is(err, auth.ErrUserTable) {
			t.Fatalf("New: %v, want ErrUserTable", err)
		}
	})
}
