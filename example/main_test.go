package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/gofiber/fiber/v2"
	_ "github.com/mattn/go-sqlite3"
)

func TestFlagDefaults(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := options{addr: "127.0.0.1:8000", db: "example.sqlite3", demo: true, iterations: auth.DefaultPBKDF2Iterations,
		hosts: "localhost,127.0.0.1,[::1]", emailFrom: "webmaster@localhost"}
	if o != want {
		t.Errorf("defaults %+v, want %+v", o, want)
	}
	o, err = parseFlags([]string{"-addr", "127.0.0.1:9000", "-db", "/tmp/x.sqlite3", "-demo=false", "-pbkdf2-iterations", "5000", "-secure-cookies", "-secret-key-file", "/tmp/key",
		"-allowed-hosts", "example.com,.example.org"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want = options{addr: "127.0.0.1:9000", db: "/tmp/x.sqlite3", iterations: 5000, secure: true, hosts: "example.com,.example.org", keyFile: "/tmp/key",
		emailFrom: "webmaster@localhost"}
	if o != want {
		t.Errorf("parsed %+v, want %+v", o, want)
	}
}

func TestFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args   []string
		stderr string // what the user reads
	}{
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
		{[]string{"serve"}, `unexpected arguments ["serve"]: every setting is a flag`},
		{[]string{"-addr"}, "flag needs an argument: -addr"},
		{[]string{"-addr", ""}, "-addr is empty"},
		{[]string{"-db", ""}, "-db is empty"},
		{[]string{"-demo=maybe"}, `invalid boolean value "maybe" for -demo`},
		{[]string{"-pbkdf2-iterations", "999"}, "-pbkdf2-iterations 999 is too few: use at least 1000"},
		{[]string{"-pbkdf2-iterations", "ten"}, `invalid value "ten" for flag -pbkdf2-iterations`},
		{[]string{"-allowed-hosts", ""}, `-allowed-hosts "": views: Config.AllowedHosts: "" is not a host name`},
		{[]string{"-allowed-hosts", "https://example.com"}, `is not a host name`},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), c.args, &stdout, &stderr)
			var usage *usageError
			if !errors.As(err, &usage) {
				t.Fatalf("run(%q) = %v, want a usage error", c.args, err)
			}
			if !strings.Contains(stderr.String(), c.stderr) || !strings.Contains(stderr.String(), "usage: go run ./example [flags]") {
				t.Errorf("stderr lacks %q and the usage:\n%s", c.stderr, stderr.String())
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout: %q", stdout.String())
			}
		})
	}
	t.Run("-h", func(t *testing.T) {
		var stderr bytes.Buffer
		if err := run(context.Background(), []string{"-h"}, io.Discard, &stderr); !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("run(-h) = %v, want flag.ErrHelp", err)
		}
		for _, f := range []string{"-addr host:port", "-db file", "-demo", "-urls", "-pbkdf2-iterations iterations", "-secret-key-file file", "-secure-cookies", `(default "127.0.0.1:8000")`} {
			if !strings.Contains(stderr.String(), f) {
				t.Errorf("the help lacks %q:\n%s", f, stderr.String())
			}
		}
	})
}

// TestStartErrors: mistakes found when starting are errors that say what to
// do, and leave nothing open.
func TestStartErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	for _, c := range []struct {
		desc string
		args []string
		want string
	}{
		{"address in use", []string{"-addr", busy.Addr().String(), "-db", filepath.Join(dir, "a.sqlite3")},
			"listening on " + busy.Addr().String()},
		{"bad address", []string{"-addr", "nowhere", "-db", filepath.Join(dir, "b.sqlite3")}, "choose another with -addr"},
		{"database in a missing directory", []string{"-db", filepath.Join(dir, "missing", "c.sqlite3")}, "opening the database"},
	} {
		t.Run(c.desc, func(t *testing.T) {
			args := append([]string{"-pbkdf2-iterations", "1000"}, c.args...)
			err := run(context.Background(), args, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("run(%q) = %v, want an error saying %q", args, err, c.want)
			}
		})
	}
	// The database of a failed start was closed: SQLite removed its WAL.
	for _, name := range []string{"a.sqlite3", "b.sqlite3"} {
		if _, err := os.Stat(filepath.Join(dir, name+"-wal")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s-wal is still there (%v): the database was left open", name, err)
		}
	}
}

// TestURLsFlag: -urls prints the url table and exits without touching the
// database.
func TestURLsFlag(t *testing.T) {
	db := filepath.Join(t.TempDir(), "never.sqlite3")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-urls", "-db", db}, &stdout, &stderr); err != nil {
		t.Fatalf("run -urls: %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 1+len(theURLTable) || !regexp.MustCompile(`^ROUTE\s+NAME\s+HANDLER\s+ACCESS$`).MatchString(lines[0]) {
		t.Fatalf("-urls printed %d lines, want a header and %d routes:\n%s", len(lines), len(theURLTable), out)
	}
	for i, r := range theURLTable {
		name := r.name
		if name == "" {
			name = "-"
		}
		access := ""
		if r.access != "" {
			access = `\s+` + r.access
		}
		row := regexp.MustCompile(`^` + regexp.QuoteMeta(r.path) + `\s+` + regexp.QuoteMeta(name) + `\s+` + regexp.QuoteMeta(r.handler) + access + `$`)
		if !row.MatchString(lines[i+1]) {
			t.Errorf("row %d is %q, want %s %s %s", i+1, lines[i+1], r.path, name, r.handler)
		}
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("-urls created the database (%v)", err)
	}
}

// TestDemoUser: the first start creates demo/demo in auth_user with a
// pbkdf2_sha256 hash and
// says so; later starts and -demo=false do not.
func TestDemoUser(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.sqlite3")
	start := func(demo bool) string {
		t.Helper()
		var log bytes.Buffer
		s, err := newSite(context.Background(), siteOptions{db: db, demo: demo, iterations: 1000, secretKey: "k", logger: slog.New(slog.NewTextHandler(&log, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		return log.String()
	}
	const said = "created the demo user: log in as demo with password demo"
	if log := start(true); !strings.Contains(log, said) {
		t.Errorf("the first start does not say it created the demo user:\n%s", log)
	}
	if log := start(true); strings.Contains(log, said) {
		t.Errorf("the second start created the demo user again:\n%s", log)
	}
	conn := openDB(t, db)
	var (
		n    int
		hash string
	)
	var email string
	if err := conn.QueryRow(`SELECT count(*), max(password), max(email) FROM auth_user WHERE username = 'demo'`).Scan(&n, &hash, &email); err != nil || n != 1 {
		t.Fatalf("demo users: %d, %v", n, err)
	}
	if !strings.HasPrefix(hash, "pbkdf2_sha256$1000$") || email != "demo@example.com" {
		t.Errorf("the demo user: password %q, email %q", hash, email)
	}
	if ok, _, err := auth.CheckPassword("demo", hash); !ok || err != nil {
		t.Errorf("the hash does not match the password demo (%v)", err)
	}

	fresh := filepath.Join(t.TempDir(), "nodemo.sqlite3")
	var log bytes.Buffer
	s, err := newSite(context.Background(), siteOptions{db: fresh, iterations: 1000, secretKey: "k", logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.users.DB().QueryRow(`SELECT count(*) FROM auth_user`).Scan(&n); err != nil || n != 0 || strings.Contains(log.String(), said) {
		t.Errorf("-demo=false: %d users (%v), log:\n%s", n, err, log.String())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// openDB opens a SQLite file the way another process would.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var upRe = regexp.MustCompile(`msg="example site is up" url=http://([^\s/]+)/`)

// TestCleanShutdown cancels run's context while a request is in flight: the
// listener closes at once, the request finishes with the database still
// open, then run closes the database and returns. The file is intact and a
// new start on it still knows the session.
func TestCleanShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	testHookRequest = func(c *fiber.Ctx) {
		if c.Get("X-Test-Hold") != "" {
			close(started)
			<-release
		}
	}
	t.Cleanup(func() { testHookRequest = nil })
	db := filepath.Join(t.TempDir(), "shutdown.sqlite3")
	args := []string{"-addr", "127.0.0.1:0", "-db", db, "-pbkdf2-iterations", "1000"}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, io.Discard, log) }()
	addr := log.waitFor(t, upRe, 20*time.Second)
	base := "http://" + addr

	cl := newSiteClient(t, base, "shutdown-test")
	cl.login("demo", "demo")
	key := cl.cookie("sessionid")

	type result struct {
		r   reply
		err error
	}
	inFlight := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("GET", base+"/home/", nil)
		req.Header.Set("X-Test-Hold", "1")
		req.AddCookie(&http.Cookie{Name: "sessionid", Value: key})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			inFlight <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		inFlight <- result{reply{status: resp.StatusCode, header: resp.Header, body: string(b)}, err}
	}()
	<-started
	cancel()
	log.waitFor(t, regexp.MustCompile(`shutting down`), 5*time.Second)

	// The listener closes at once; run waits for the request.
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatalf("the site still accepts connections after the shutdown began")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("run returned (%v) while a request was in flight", err)
	case <-time.After(300 * time.Millisecond):
	}
	if strings.Contains(log.String(), "database closed") {
		t.Fatalf("the database was closed while a request was in flight:\n%s", log.String())
	}

	close(release)
	res := <-inFlight
	if res.err != nil {
		t.Fatalf("the request in flight failed: %v", res.err)
	}
	if res.r.status != http.StatusOK || !strings.Contains(res.r.body, "Hello, demo") {
		t.Errorf("the request in flight got %d, want the home page greeting demo (the user loaded from the database):\n%s", res.r.status, res.r.body)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v\n%s", err, log.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("run did not return after the request finished:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "stopped; database closed") {
		t.Errorf("the log does not say the database was closed:\n%s", log.String())
	}

	// Closed: the last connection checkpointed and removed the WAL.
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(db + suffix); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there (%v): the database was not closed", filepath.Base(db+suffix), err)
		}
	}
	// Intact: integrity check, the user, the session.
	conn := openDB(t, db)
	var check string
	if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM auth_user WHERE username = 'demo'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("demo users after shutdown: %d, %v", n, err)
	}
	if err := conn.QueryRow(`SELECT count(*) FROM fiberviews_sessions WHERE k = ?`, "session:"+key).Scan(&n); err != nil || n != 1 {
		t.Errorf("the session row after shutdown: %d, %v", n, err)
	}
	conn.Close()

	// A new start on the same file still knows the session.
	ctx2, cancel2 := context.WithCancel(context.Background())
	log2 := &syncBuffer{}
	done2 := make(chan error, 1)
	go func() { done2 <- run(ctx2, args, io.Discard, log2) }()
	cl2 := newSiteClient(t, "http://"+log2.waitFor(t, upRe, 20*time.Second), "shutdown-test")
	cl2.setCookie("sessionid", key)
	if got := cl2.loggedInAs(); got != "demo" {
		t.Errorf("after a restart the session greets %q, want demo", got)
	}
	if strings.Contains(log2.String(), "created the demo user") {
		t.Errorf("the restart created the demo user again")
	}
	cancel2()
	if err := <-done2; err != nil {
		t.Errorf("second run: %v", err)
	}
}

// TestShutdownBeforeServing: a context cancelled before the server got going
// still stops run and closes the database.
func TestShutdownBeforeServing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "early.sqlite3")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", db, "-pbkdf2-iterations", "1000"}, io.Discard, io.Discard)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return")
	}
	if _, err := os.Stat(db + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the database was not closed: %v", err)
	}
}

// mainArgsEnv carries the arguments of main() to the child process that
// TestMainProcess becomes.
const mainArgsEnv = "FIBERVIEWS_EXAMPLE_MAIN_ARGS"

// TestMainProcess is not a test: it runs main() with the arguments in
// $FIBERVIEWS_EXAMPLE_MAIN_ARGS when the signal tests start this binary as
// a child, and is skipped otherwise.
func TestMainProcess(t *testing.T) {
	args := os.Getenv(mainArgsEnv)
	if args == "" {
		t.Skip("only runs as the child process of TestSignals and TestExitCodes")
	}
	os.Args = []string{"example"}
	if err := json.Unmarshal([]byte(args), &os.Args); err != nil {
		panic(err)
	}
	main()
	os.Exit(0)
}

// startMain runs main() with args in a child process.
func startMain(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	js, _ := json.Marshal(append([]string{"example"}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$")
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(js))
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, out
}

// TestSignals: SIGINT and SIGTERM stop the program cleanly, exit status 0,
// the database closed.
func TestSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "signal.sqlite3")
			cmd, out := startMain(t, "-addr", "127.0.0.1:0", "-db", db, "-pbkdf2-iterations", "1000")
			base := "http://" + out.waitFor(t, upRe, 30*time.Second)
			cl := newSiteClient(t, base, "signals")
			cl.login("demo", "demo")
			if sig == syscall.SIGINT { // the default -allowed-hosts: loopback names only
				req, _ := http.NewRequest("GET", base+"/home/", nil)
				req.Host = "evil.example"
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadRequest {
					t.Errorf("Host evil.example: %d, want 400", resp.StatusCode)
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			select {
			case err := <-waited:
				if err != nil {
					t.Fatalf("after %s the program exited with %v:\n%s", sig, err, out.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("the program did not stop after %s:\n%s", sig, out.String())
			}
			if !strings.Contains(out.String(), "stopped; database closed") {
				t.Errorf("the log does not say the database was closed:\n%s", out.String())
			}
			if _, err := os.Stat(db + "-wal"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the database was not closed: %v", err)
			}
		})
	}
}

// TestExitCodes: main exits 0 for -h and -urls, 2 for a usage mistake
// (printed once, with the usage), 1 for a failure to start.
func TestExitCodes(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"-h"}, 0, "usage: go run ./example [flags]"},
		{[]string{"-urls"}, 0, "/accounts/logout/then-login/"},
		{[]string{"-nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"-addr", "nowhere", "-db", filepath.Join(t.TempDir(), "x.sqlite3"), "-pbkdf2-iterations", "1000"}, 1, "example: listening on nowhere"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			cmd, out := startMain(t, c.args...)
			err := cmd.Wait()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code || !strings.Contains(out.String(), c.out) {
				t.Errorf("exit %d, want %d; output lacks %q?\n%s", code, c.code, c.out, out.String())
			}
			if strings.Count(out.String(), "flag provided but not defined") > 1 {
				t.Errorf("the mistake is printed twice:\n%s", out.String())
			}
		})
	}
}
