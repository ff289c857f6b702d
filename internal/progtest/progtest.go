package progtest

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Program is a running program.
type Program struct {
	Base string // its address, "http://127.0.0.1:<port>"
	Dir  string // the empty folder it runs in

	cancel context.CancelFunc
	cmd    *exec.Cmd
	once   sync.Once
	out    Buffer
}

// Start builds the package pkg (as go build names it, from the test's
// directory) and runs it with ADDR set, waiting up to 20 seconds for it to
// listen. It is stopped at t's cleanup, and its output logged if t failed.
func Start(t *testing.T, pkg string) *Program {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, filepath.Base(filepath.Clean(pkg)))
	if pkg == "." {
		bin = filepath.Join(dir, "program")
	}
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	p := &Program{Base: "http://" + addr, Dir: dir, cancel: cancel, cmd: exec.CommandContext(ctx, bin)}
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), "ADDR="+addr)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		out := p.Stop()
		if t.Failed() {
			t.Logf("the output of %s:\n%s", pkg, out)
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			_ = c.Close()
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not listen on $ADDR within 20 s", pkg)
		}
	}
}

// Stop ends the program (at once; safe to call more than once) and returns
// all it wrote to its standard output and error.
func (p *Program) Stop() string {
	p.once.Do(func() {
		p.cancel()
		_ = p.cmd.Wait()
	})
	return p.out.String()
}

// Buffer is a bytes.Buffer safe for concurrent writers and readers: a
// program's two output streams, or a logger, while the test reads. The zero
// value is ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns all that was written.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
