package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// startSite runs the example site on a loopback port with a fresh SQLite
// file and the demo user, and stops it when the test ends. It returns the
// site and its base URL ("http://127.0.0.1:port").
func startSite(t testing.TB) (*site, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "example.sqlite3")
	s, err := newSite(context.Background(), siteOptions{
		db: db, demo: true, bcryptCost: bcrypt.MinCost,
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("newSite: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		t.Fatalf("listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.app.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.app.ShutdownWithContext(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-done
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s, "http://" + ln.Addr().String()
}
