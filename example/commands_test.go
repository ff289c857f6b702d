package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/auth"
)

// runMain runs main() with args in a child process whose standard input is
// a pipe carrying stdin, and returns its exit code and output.
func runMain(t *testing.T, stdin string, args ...string) (int, string) {
	t.Helper()
	js, _ := json.Marshal(append([]string{"example"}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$")
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(js))
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

// TestUserCommands runs createuser and changepassword as a shell script
// would, the password piped to standard input, and checks auth_user.
func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "site.sqlite3")
	fast := []string{"-db", db, "-pbkdf2-iterations", "1000"}
	steps := []struct {
		name, stdin string
		args        []string
		code        int
		out         string
	}{
		{"createuser", "a long passphrase here\n", append([]string{"createuser", "-username", "Zed", "-email", "zed@EXAMPLE.com"}, fast...),
			0, `User "Zed" created successfully.`},
		{"createuser taken in another case", "a long passphrase here\n", append([]string{"createuser", "-username", "zed"}, fast...),
			1, `a user with the username "zed" already exists`},
		{"createuser common password", "password\n", append([]string{"createuser", "-username", "amy"}, fast...),
			1, "This password is too common."},
		{"createuser blank password", "\n", append([]string{"createuser", "-username", "amy"}, fast...),
			1, "blank passwords aren't allowed"},
		{"createuser without a username", "", append([]string{"createuser"}, fast...), 2, "-username is required"},
		{"changepassword", "another long passphrase\n", append(append([]string{"changepassword"}, fast...), "zed"),
			0, `Password changed successfully for user "Zed"`},
		{"changepassword, unknown user", "another long passphrase\n", append(append([]string{"changepassword"}, fast...), "nobody"),
			1, `user "nobody" does not exist`},
		{"changepassword, no database", "x\n", []string{"changepassword", "-db", db + ".missing", "zed"}, 1, "no database at"},
		{"changepassword without a name", "", append([]string{"changepassword"}, fast...), 2, "name one user"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, out := runMain(t, s.stdin, s.args...)
			if code != s.code || !strings.Contains(out, s.out) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s", code, s.code, s.out, out)
			}
			if strings.Contains(out, "passphrase") {
				t.Errorf("the output shows the password:\n%s", out)
			}
		})
	}
	conn := openDB(t, db)
	var n int
	var password, email string
	if err := conn.QueryRow(`SELECT count(*), max(password), max(email) FROM auth_user`).Scan(&n, &password, &email); err != nil || n != 1 {
		t.Fatalf("auth_user: %d rows (%v), want Zed only", n, err)
	}
	if email != "zed@example.com" || !strings.HasPrefix(password, "pbkdf2_sha256$1000$") {
		t.Errorf("Zed: email %q, password %q", email, password)
	}
	if ok, _, err := auth.CheckPassword("another long passphrase", password); !ok || err != nil {
		t.Errorf("the changed password does not verify (%v)", err)
	}
}

// TestSecretKeyFile: without -secret-key-file the key is made once beside
// the database, mode 0600, and read again on the next start.
func TestSecretKeyFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "db.sqlite3-secret-key")
	key, err := loadSecretKey(file)
	if err != nil || len(key) != 50 {
		t.Fatalf("new key %q: %v", key, err)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, fi.Mode())
	}
	if again, err := loadSecretKey(file); err != nil || again != key {
		t.Errorf("second read: %q, %v; want the same key", again, err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadSecretKey(empty); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("an empty key file: %v", err)
	}
}
