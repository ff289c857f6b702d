package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fiberviews/fiberviews/auth"
	"golang.org/x/term"
)

// runCommand runs a subcommand, as Django's manage.py does, or else the site:
//
//	example createuser -db FILE -username NAME [-email ADDRESS]
//	example changepassword -db FILE NAME
//
// Both read the password from the terminal (twice, not echoed), or one line
// of standard input when it is not a terminal, and check it with Django's
// password validators.
func runCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "createuser" || args[0] == "changepassword") {
		return userCommand(ctx, args[0], args[1:], stdin, stdout, stderr)
	}
	return run(ctx, args, stdout, stderr)
}

// userCommand is createuser or changepassword.
func userCommand(ctx context.Context, name string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("example "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "example.sqlite3", "SQLite `file` of the site")
	iterations := fs.Int("pbkdf2-iterations", auth.DefaultPBKDF2Iterations, "pbkdf2_sha256 `iterations` of the new password")
	var username, email string
	if name == "createuser" {
		fs.StringVar(&username, "username", "", "the new user's `name`")
		fs.StringVar(&email, "email", "", "the new user's email `address`")
		fs.Usage = func() {
			fmt.Fprintln(fs.Output(), "usage: example createuser -db FILE -username NAME [-email ADDRESS]\n\nCreates a user, reading the password from the terminal or standard input.\n\nFlags:")
			fs.PrintDefaults()
		}
	} else {
		fs.Usage = func() {
			fmt.Fprintln(fs.Output(), "usage: example changepassword -db FILE NAME\n\nSets the user's password, read from the terminal or standard input.\n\nFlags:")
			fs.PrintDefaults()
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err}
	}
	var err error
	switch {
	case name == "changepassword" && fs.NArg() != 1:
		err = errors.New("name one user: example changepassword -db FILE NAME")
	case name == "createuser" && fs.NArg() > 0:
		err = fmt.Errorf("unexpected arguments %q", fs.Args())
	case name == "createuser" && username == "":
		err = errors.New("-username is required")
	case *iterations < 1000:
		err = fmt.Errorf("-pbkdf2-iterations %d is too few: use at least 1000", *iterations)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		fs.Usage()
		return &usageError{err}
	}
	if name == "changepassword" {
		username = fs.Arg(0)
		if _, err := os.Stat(*db); err != nil {
			return fmt.Errorf("no database at %s: %w", *db, err)
		}
	}
	users, err := auth.OpenSQLiteUsers(ctx, *db)
	if err != nil {
		return err
	}
	defer users.Close()
	backend := &auth.Backend{Users: users, Hashing: hashing(*iterations)}
	user := &auth.User{Username: auth.NormalizeUsername(username), Email: auth.NormalizeEmail(email)}
	if name == "changepassword" {
		if user, err = users.UserByUsername(ctx, username); errors.Is(err, auth.ErrUserNotFound) {
			return fmt.Errorf("user %q does not exist", username)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Changing password for user %q\n", user.Username)
	} else if _, err := users.UserByUsername(ctx, user.Username); err == nil {
		return fmt.Errorf("a user with the username %q already exists", user.Username)
	}
	password, err := readPassword(stdin, stderr, user)
	if err != nil {
		return err
	}
	if name == "changepassword" {
		if err := backend.SetPassword(ctx, user, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Password changed successfully for user %q\n", user.Username)
		return nil
	}
	if _, err := backend.CreateUser(ctx, user.Username, user.Email, password); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "User %q created successfully.\n", user.Username)
	return nil
}

// readPassword reads a new password for u: from a terminal, typed twice
// without echo (three tries, as Django's changepassword); else the first
// line of stdin. Django's validators must accept it.
func readPassword(stdin io.Reader, stderr io.Writer, u *auth.User) (string, error) {
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && (!errors.Is(err, io.EOF) || line == "") {
			return "", fmt.Errorf("reading the password from standard input: %w", err)
		}
		password := strings.TrimRight(line, "\r\n")
		if password == "" {
			return "", errors.New("blank passwords aren't allowed")
		}
		if err := auth.ValidatePassword(password, u); err != nil {
			return "", fmt.Errorf("the password was refused: %w", err)
		}
		return password, nil
	}
	for range 3 {
		password, err := prompt(f, stderr, "Password: ")
		if err != nil {
			return "", err
		}
		again, err := prompt(f, stderr, "Password (again): ")
		if err != nil {
			return "", err
		}
		switch {
		case password != again:
			fmt.Fprintln(stderr, "Error: Your passwords didn't match.")
		case password == "":
			fmt.Fprintln(stderr, "Error: Blank passwords aren't allowed.")
		default:
			if err := auth.ValidatePassword(password, u); err != nil {
				fmt.Fprintln(stderr, "Error:", err)
				continue
			}
			return password, nil
		}
	}
	return "", errors.New("too many attempts: the password is unchanged")
}

// prompt reads a line from the terminal f without echoing it.
func prompt(f *os.File, w io.Writer, label string) (string, error) {
	fmt.Fprint(w, label)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(w)
	return string(b), err
}
