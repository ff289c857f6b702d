package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// User is a row of the example's users table; templates read its fields.
type User struct {
	ID       int64
	Username string
	Joined   time.Time
}

// errBadCredentials is what users.Authenticate returns for an unknown user and
// for a wrong password alike, so that nothing tells them apart.
var errBadCredentials = errors.New("unknown username or wrong password")

// errNoUser is what users.byID returns for an id that names no user (deleted
// since the session was logged in, or not a user id at all).
var errNoUser = errors.New("no such user")

// users keeps the example's accounts in the same SQLite file as the sessions.
type users struct {
	db    *sql.DB
	dummy []byte // a hash compared against for unknown users: same cost, same time
}

func newUsers(ctx context.Context, db *sql.DB, cost int) (*users, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS users (
		id            INTEGER PRIMARY KEY,
		username      TEXT    NOT NULL UNIQUE,
		password_hash TEXT    NOT NULL,
		joined        INTEGER NOT NULL
	)`); err != nil {
		return nil, fmt.Errorf("creating the users table: %w", err)
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("not a password anyone has"), cost)
	if err != nil {
		return nil, fmt.Errorf("bcrypt cost %d: %w", cost, err)
	}
	return &users{db: db, dummy: dummy}, nil
}

// count says how many users exist.
func (u *users) count(ctx context.Context) (int, error) {
	var n int
	err := u.db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// create adds a user with a bcrypt hash of password.
func (u *users) create(ctx context.Context, username, password string, cost int) (*User, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return nil, fmt.Errorf("hashing the password of %q: %w", username, err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	res, err := u.db.ExecContext(ctx, `INSERT INTO users (username, password_hash, joined) VALUES (?, ?, ?)`,
		username, string(hash), now.Unix())
	if err != nil {
		return nil, fmt.Errorf("creating user %q: %w", username, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	return &User{ID: id, Username: username, Joined: now}, nil
}

// authenticate checks a username and password. An unknown username costs the
// same bcrypt comparison as a known one, so response times do not reveal
// which usernames exist (Django does the same).
func (u *users) authenticate(ctx context.Context, username, password string) (*User, error) {
	var (
		user   User
		hash   string
		joined int64
	)
	err := u.db.QueryRowContext(ctx, `SELECT id, username, password_hash, joined FROM users WHERE username = ?`, username).
		Scan(&user.ID, &user.Username, &hash, &joined)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(u.dummy, []byte(password))
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return nil, errBadCredentials
	}
	user.Joined = time.Unix(joined, 0).UTC()
	return &user, nil
}

// byID loads a user by the id the session holds.
func (u *users) byID(ctx context.Context, id string) (*User, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("user id %q is not a number: %w", id, errNoUser)
	}
	var (
		user   User
		joined int64
	)
	err = u.db.QueryRowContext(ctx, `SELECT id, username, joined FROM users WHERE id = ?`, n).
		Scan(&user.ID, &user.Username, &joined)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user id %d: %w", n, errNoUser)
	}
	if err != nil {
		return nil, err
	}
	user.Joined = time.Unix(joined, 0).UTC()
	return &user, nil
}
