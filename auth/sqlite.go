package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fiberviews/fiberviews/internal/sqlitedb"
)

// ErrUserTable is returned when an existing auth_user table lacks a column this package uses.
var ErrUserTable = errors.New("auth: auth_user table lacks columns")

// UserTableDDL is the auth_user table exactly as Django's migrate leaves it on SQLite (Django 3.1 to
// 5.x: the last auth migration rebuilds the table with first_name last). A missing table is created
// with it, so Django can use the file too; Django's own migrate then needs --fake-initial for the
// auth app, since the table already exists.
const UserTableDDL = `CREATE TABLE "auth_user" (` +
	`"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, ` +
	`"password" varchar(128) NOT NULL, ` +
	`"last_login" datetime NULL, ` +
	`"is_superuser" bool NOT NULL, ` +
	`"username" varchar(150) NOT NULL UNIQUE, ` +
	`"last_name" varchar(150) NOT NULL, ` +
	`"email" varchar(254) NOT NULL, ` +
	`"is_staff" bool NOT NULL, ` +
	`"is_active" bool NOT NULL, ` +
	`"date_joined" datetime NOT NULL, ` +
	`"first_name" varchar(150) NOT NULL)`

const userColumns = `"id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined"`

// SQLiteUsers is a UserStore on Django's auth_user table in an SQLite file. A table made by Django's
// migrate is used as it is. Times are stored as Django stores them with USE_TZ=True (FormatTime).
// Usernames compare ignoring ASCII case, as Django's username__iexact does on SQLite.
type SQLiteUsers struct {
	db  *sql.DB
	own bool
}

// OpenSQLiteUsers opens (creating if needed) the SQLite file at path with the project's tuned
// settings (WAL, busy timeout) and its auth_user table.
func OpenSQLiteUsers(ctx context.Context, path string) (*SQLiteUsers, error) {
	db, err := sqlitedb.Open(path, sqlitedb.Options{})
	if err != nil {
		return nil, err
	}
	s, err := NewSQLiteUsers(ctx, db)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	s.own = true
	return s, nil
}

// NewSQLiteUsers uses db, an SQLite database, creating its auth_user table if it is missing and
// checking the columns of one that is there. Close does not close db.
func NewSQLiteUsers(ctx context.Context, db *sql.DB) (*SQLiteUsers, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'auth_user'`).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		if _, err := db.ExecContext(ctx, strings.Replace(UserTableDDL, "CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1)); err != nil {
			return nil, err
		}
	} else if err := checkUserColumns(ctx, db); err != nil {
		return nil, err
	}
	return &SQLiteUsers{db: db}, nil
}

func checkUserColumns(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info('auth_user')`)
	if err != nil {
		return err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		have[name] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var missing []string
	for _, c := range strings.Split(userColumns, ", ") {
		if c = strings.Trim(c, `"`); !have[c] {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s", ErrUserTable, strings.Join(missing, ", "))
	}
	return nil
}

// DB returns the database.
func (s *SQLiteUsers) DB() *sql.DB { return s.db }

// Close closes the database if OpenSQLiteUsers opened it.
func (s *SQLiteUsers) Close() error {
	if s.own {
		return s.db.Close()
	}
	return nil
}

// timeScanner reads a datetime column: text as Django writes it, or a time the driver already
// parsed (go-sqlite3 parses columns declared datetime), or NULL as the zero time.
type timeScanner struct{ t *time.Time }

func (ts timeScanner) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*ts.t = time.Time{}
	case time.Time:
		*ts.t = x.UTC()
	case string:
		t, err := ParseTime(x)
		*ts.t = t
		return err
	case []byte:
		t, err := ParseTime(string(x))
		*ts.t = t
		return err
	default:
		return fmt.Errorf("auth: datetime column holds %T", v)
	}
	return nil
}

type rowScanner interface{ Scan(...any) error }

func scanUser(r rowScanner) (*User, error) {
	u := &User{}
	err := r.Scan(&u.ID, &u.Password, timeScanner{&u.LastLogin}, &u.IsSuperuser, &u.Username, &u.FirstName,
		&u.LastName, &u.Email, &u.IsStaff, &u.IsActive, timeScanner{&u.DateJoined})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUserNotFound
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserByID returns the user with that id.
func (s *SQLiteUsers) UserByID(ctx context.Context, id int64) (*User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM "auth_user" WHERE "id" = ?`, id))
}

// UserByUsername returns the user with that username, ignoring ASCII case; an exact match wins. When
// several differ only in case (a table Django filled before 4.2) and none matches exactly, it fails
// with ErrUserNotFound rather than choose.
func (s *SQLiteUsers) UserByUsername(ctx context.Context, username string) (*User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM "auth_user" WHERE "username" = ? COLLATE NOCASE
		ORDER BY "username" = ? DESC, "id" LIMIT 2`, username, username)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		found = append(found, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(found) == 0 || (len(found) > 1 && found[0].Username != username) {
		return nil, ErrUserNotFound
	}
	return found[0], nil
}

// UsersByEmail returns the users with that email, ignoring ASCII case, by id.
func (s *SQLiteUsers) UsersByEmail(ctx context.Context, email string) ([]*User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM "auth_user" WHERE "email" = ? COLLATE NOCASE ORDER BY "id"`, email)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// CreateUser inserts u as it is (see Backend.CreateUser for Django's create_user) and sets u.ID. A
// zero DateJoined is stored as now. It fails with ErrUsernameTaken when a username equal ignoring
// ASCII case exists.
func (s *SQLiteUsers) CreateUser(ctx context.Context, u *User) error {
	if u.DateJoined.IsZero() {
		u.DateJoined = time.Now()
	}
	u.DateJoined = u.DateJoined.UTC().Truncate(time.Microsecond)
	var lastLogin any
	if !u.LastLogin.IsZero() {
		u.LastLogin = u.LastLogin.UTC().Truncate(time.Microsecond)
		lastLogin = FormatTime(u.LastLogin)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM "auth_user" WHERE "username" = ? COLLATE NOCASE`, u.Username).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrUsernameTaken
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO "auth_user" ("password", "last_login", "is_superuser", "username",
		"first_name", "last_name", "email", "is_staff", "is_active", "date_joined") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Password, lastLogin, u.IsSuperuser, u.Username, u.FirstName, u.LastName, u.Email, u.IsStaff, u.IsActive,
		FormatTime(u.DateJoined))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return ErrUsernameTaken
		}
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	u.ID = id
	return nil
}

func (s *SQLiteUsers) update(ctx context.Context, query string, args ...any) error {
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrUserNotFound
	}
	return nil
}

// SetPassword stores an encoded password for the user.
func (s *SQLiteUsers) SetPassword(ctx context.Context, id int64, encoded string) error {
	return s.update(ctx, `UPDATE "auth_user" SET "password" = ? WHERE "id" = ?`, encoded, id)
}

// UpdateLastLogin stores t, to the microsecond, as the user's last login.
func (s *SQLiteUsers) UpdateLastLogin(ctx context.Context, id int64, t time.Time) error {
	return s.update(ctx, `UPDATE "auth_user" SET "last_login" = ? WHERE "id" = ?`, FormatTime(t), id)
}
