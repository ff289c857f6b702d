// Package pgtest gives tests a PostgreSQL database: a fresh database on the
// server FIBERVIEWS_POSTGRES_URL names (as .ci/run sets it), else on a server
// started for the test binary (initdb and postgres in a temp dir, on a free
// 127.0.0.1 port, run as the postgres user when the tests run as root, which
// postgres refuses). Tests that stop and restart their server start one of
// their own with Start. Without PostgreSQL's binaries a test fails when
// CI=true and is skipped otherwise. Tests of session/pgstore, auth/pgusers
// and views use it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a PostgreSQL server this package started, in a temp dir of its
// own, listening on 127.0.0.1 only, with trust authentication for the
// superuser "postgres".
type Server struct {
	bin, dir, port string
	cred           *syscall.Credential // nil: run as ourselves

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// URL returns the server's connection string for database db ("postgres"
// when empty).
func (s *Server) URL(db string) string {
	if db == "" {
		db = "postgres"
	}
	return "postgres://postgres@127.0.0.1:" + s.port + "/" + db + "?sslmode=disable"
}

var (
	sharedMu  sync.Mutex
	shared    *Server
	sharedErr error
	mainUsed  bool
)

// Main runs a test binary's tests (call it from TestMain) and then stops the
// server shared by its tests, if URL started one.
func Main(m *testing.M) int {
	sharedMu.Lock()
	mainUsed = true
	sharedMu.Unlock()
	code := m.Run()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		shared.stop()
		_ = os.RemoveAll(shared.dir)
	}
	return code
}

// URL returns the connection string of a new, empty database for t, dropped
// at t's cleanup: on the server FIBERVIEWS_POSTGRES_URL names (its role
// needs CREATEDB) or, unset, on a server started for the test binary (by the
// first test that asks, stopped by Main; for each test when the package has
// no TestMain calling Main).
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("FIBERVIEWS_POSTGRES_URL")
	if base == "" {
		sharedMu.Lock()
		useShared := mainUsed
		if useShared && shared == nil && sharedErr == nil {
			shared, sharedErr = start()
		}
		srv, err := shared, sharedErr
		sharedMu.Unlock()
		if !useShared {
			srv = Start(t)
		} else if err != nil {
			unavailable(t, err)
		}
		base = srv.URL("")
	}
	return createDB(t, base)
}

// createDB creates a database on the server of base and returns its URL.
func createDB(t testing.TB, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("FIBERVIEWS_POSTGRES_URL: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "fvtest_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connecting to %s: %v", u.Redacted(), err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("creating a test database on %s (the role needs CREATEDB): %v", u.Redacted(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, base); err == nil {
			_, _ = conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
			_ = conn.Close(ctx)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// Start starts a server of t's own, stopped and deleted at t's cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := start()
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(func() { s.stop(); _ = os.RemoveAll(s.dir) })
	return s
}

// errNoBinaries is wrapped by start's error when initdb or postgres is missing.
var errNoBinaries = errors.New("PostgreSQL's initdb and postgres not found")

func unavailable(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, errNoBinaries) && os.Getenv("CI") != "true" {
		t.Skipf("%v (apt-get install postgresql, or set FIBERVIEWS_POSTGRES_URL)", err)
	}
	t.Fatalf("CI=true: no PostgreSQL for the test: %v (install postgresql or set FIBERVIEWS_POSTGRES_URL)", err)
}

// binDir finds initdb and postgres: on PATH, else in Debian's
// /usr/lib/postgresql/<version>/bin (the newest).
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("postgres"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, nil
		}
	}
	return "", errNoBinaries
}

// start runs initdb in a new temp dir and starts postgres on it.
func start() (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "fiberviews-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, dir: dir}
	if os.Geteuid() == 0 { // postgres refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and no postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
	}
	initdb := s.command(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "postgres",
		"--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	for range 3 { // a port found free may be taken before postgres binds it
		if s.port, err = freePort(); err != nil {
			break
		}
		if err = s.Start(); err == nil {
			return s, nil
		}
	}
	_ = os.RemoveAll(dir)
	return nil, err
}

func (s *Server) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = s.dir
	// The server dies with the test binary, should it exit without cleaning up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGQUIT}
	return cmd
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// Start starts the server (again, after Stop) on its port and data, and
// waits until it accepts connections.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("pgtest: server already running")
	}
	logf, err := os.OpenFile(filepath.Join(s.dir, "postgres.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := s.command(filepath.Join(s.bin, "postgres"), "-D", filepath.Join(s.dir, "data"), "-p", s.port,
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-done:
			log, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
			return fmt.Errorf("postgres exited: %s", lastLines(string(log), 5))
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, s.URL(""))
		cancel()
		if err == nil {
			_ = conn.Close(context.Background())
			s.cmd, s.done = cmd, done
			return nil
		}
	}
	_ = cmd.Process.Kill()
	<-done
	return errors.New("postgres did not accept connections within 30 seconds")
}

// Stop stops the server (fast shutdown: open connections are cut, committed
// transactions stay) and waits for it to exit.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked(syscall.SIGINT)
}

func (s *Server) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked(syscall.SIGQUIT)
}

func (s *Server) stopLocked(sig syscall.Signal) {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
