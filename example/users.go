package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/fiberviews/fiberviews/auth"
)

// hashing is how the example hashes passwords: Django's default hasher
// (pbkdf2_sha256) at iterations (0: Django's 1,200,000), other algorithms
// verified; the tests lower the iterations.
func hashing(iterations int) *auth.Hashing {
	if iterations == 0 {
		return auth.Default
	}
	hashers := auth.DefaultHashers()
	hashers[0] = auth.PBKDF2SHA256{Iterations: iterations}
	return &auth.Hashing{Hashers: hashers}
}

// createDemo adds demo / demo (email demo@example.com) when there are no
// users, and says so. It skips the password validators: "demo" is too
// short and too common for anyone else.
func (s *site) createDemo(ctx context.Context) error {
	var n int
	var err error
	if s.pg != nil {
		err = s.pg.Pool().QueryRow(ctx, `SELECT count(*) FROM auth_user`).Scan(&n)
	} else {
		err = s.users.DB().QueryRowContext(ctx, `SELECT count(*) FROM auth_user`).Scan(&n)
	}
	if err != nil || n > 0 {
		return err
	}
	if _, err := s.backend.CreateUser(ctx, "demo", "demo@example.com", "demo"); err != nil {
		return err
	}
	s.logger.Info("created the demo user: log in as demo with password demo (start with -demo=false to skip this)")
	return nil
}

// secretKeyChars are the characters of a new secret key (Django's
// get_random_secret_key).
const secretKeyChars = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"

// loadSecretKey reads the site's secret key (Django's SECRET_KEY) from
// file; when the file does not exist, it writes a new key of 50 random
// characters there first, readable by its owner only (mode 0600), so that
// sessions outlive a restart.
func loadSecretKey(file string) (string, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 50)
		for i := range key {
			key[i] = secretKeyChars[randIndex(len(secretKeyChars))]
		}
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) { // another process made it first
			return loadSecretKey(file)
		}
		if err != nil {
			return "", fmt.Errorf("creating the secret key file: %w", err)
		}
		_, err = f.Write(append(key, '\n'))
		if err = errors.Join(err, f.Close()); err != nil {
			return "", fmt.Errorf("writing the secret key file: %w", err)
		}
		return string(key), nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the secret key: %w", err)
	}
	key := strings.TrimSpace(string(b))
	if key == "" {
		return "", fmt.Errorf("the secret key file %s is empty", file)
	}
	return key, nil
}

// randIndex is a uniform random number in [0, n).
func randIndex(n int) int {
	var b [1]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err) // crypto/rand does not fail
		}
		if int(b[0]) < 256-256%n {
			return int(b[0]) % n
		}
	}
}
