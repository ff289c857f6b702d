// Package redistest gives tests a Redis server: the one named by the
// environment (as .ci/run sets FIBERVIEWS_REDIS_ADDR), else a redis-server
// started for the test on a free loopback port and killed at its cleanup.
// Tests of session/redisstore, views and views/viewtest use it.
package redistest

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Addr returns the address of a Redis server for t: REDIS_URL or
// FIBERVIEWS_REDIS_ADDR when set, else a redis-server started in a temp dir
// on a free 127.0.0.1 port (a few ports are tried, in case one is taken in
// between). Without a redis-server binary the test fails when CI=true and is
// skipped otherwise.
func Addr(t testing.TB) string {
	t.Helper()
	for _, env := range []string{"REDIS_URL", "FIBERVIEWS_REDIS_ADDR"} {
		if v := os.Getenv(env); v != "" {
			return v
		}
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and no redis-server binary on PATH (install the redis-server package or set FIBERVIEWS_REDIS_ADDR): %v", err)
		}
		t.Skipf("redis-server not installed (apt-get install redis-server) and FIBERVIEWS_REDIS_ADDR unset: %v", err)
	}
	for range 3 {
		if addr, ok := start(t, bin); ok {
			return addr
		}
	}
	t.Fatal("could not start redis-server")
	return ""
}

// start runs one redis-server and waits for it to answer; false when it
// exited first (its port was taken).
func start(t testing.TB, bin string) (string, bool) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	_ = ln.Close()
	dir := t.TempDir()
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--daemonize", "no", "--logfile", filepath.Join(dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting redis-server: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	addr := "127.0.0.1:" + port
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-exited:
			return "", false
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			_ = c.Close()
			return addr, true
		}
	}
	return "", false
}
