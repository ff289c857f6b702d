// Command example is the fiberviews demo site: a home page, login, five ways
// to log out, a page that needs a login and a list of your sessions with
// "log out everywhere", on one SQLite file.
//
//	go run ./example                 # http://127.0.0.1:8000, user demo / demo
//	go run ./example -urls           # print the url table and exit
//	go run ./example -addr 127.0.0.1:9000 -db /tmp/site.sqlite3 -demo=false
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// options are the command-line flags.
type options struct {
	addr       string
	db         string
	demo       bool
	urls       bool
	bcryptCost int
	secure     bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("example", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8000", "address to listen on")
	fs.StringVar(&o.db, "db", "example.sqlite3", "SQLite file for users and sessions (created if missing)")
	fs.BoolVar(&o.demo, "demo", true, "create the user demo with password demo when there are no users")
	fs.BoolVar(&o.urls, "urls", false, "print the url table and exit")
	fs.IntVar(&o.bcryptCost, "bcrypt-cost", bcrypt.DefaultCost, "bcrypt cost for new passwords (4 to 31)")
	fs.BoolVar(&o.secure, "secure-cookies", false, "mark cookies Secure (serve over HTTPS)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q: every setting is a flag, see -h", fs.Args())
	}
	if o.bcryptCost < bcrypt.MinCost || o.bcryptCost > bcrypt.MaxCost {
		return o, fmt.Errorf("-bcrypt-cost %d is out of range: use %d to %d", o.bcryptCost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	return o, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

// run starts the site and serves until ctx is done, then shuts down cleanly:
// in-flight requests finish, then the database is closed.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if o.urls {
		s, err := newSite(ctx, siteOptions{db: "", logger: logger, bcryptCost: o.bcryptCost})
		if err != nil {
			return err
		}
		defer s.Close()
		return s.resolver.WriteTable(stdout)
	}
	s, err := newSite(ctx, siteOptions{db: o.db, demo: o.demo, logger: logger, bcryptCost: o.bcryptCost, secure: o.secure})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		s.Close()
		return fmt.Errorf("listening on %s: %w (is another server running there? choose one with -addr)", o.addr, err)
	}
	logger.Info("example site is up", "url", "http://"+ln.Addr().String()+"/", "db", o.db)
	served := make(chan error, 1)
	go func() { served <- s.app.Listener(ln) }()
	select {
	case err := <-served:
		s.Close()
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	shutdownErr := s.app.ShutdownWithContext(sctx)
	<-served
	if err := s.Close(); err != nil {
		return err
	}
	logger.Info("stopped; database closed")
	return shutdownErr
}
