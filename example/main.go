// Command example is the fiberviews demo site: a home page, login, five ways
// to log out, a page that needs a login and a list of your sessions with
// "log out everywhere", on one SQLite file.
//
//	go run ./example                 # http://127.0.0.1:8000, user demo / demo
//	go run ./example -urls           # print the url table and exit
//	go run ./example -addr 127.0.0.1:9000 -db /tmp/site.sqlite3 -demo=false
//
// It stops cleanly on Ctrl-C (SIGINT) or SIGTERM: requests in flight finish,
// then the database is closed. A second Ctrl-C stops it at once.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/mail"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
)

// shutdownTimeout bounds how long a shutdown waits for requests in flight.
const shutdownTimeout = 10 * time.Second

// options are the command-line flags.
type options struct {
	addr       string
	db         string
	demo       bool
	urls       bool
	iterations int
	secure     bool
	hosts      string
	keyFile    string
	proxies    string
	database   string
	smtp       string
	emailFrom  string
	siteURL    string
}

// usageError is a mistake on the command line. parseFlags has already
// printed it with the usage, so main only exits with status 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("example", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: go run ./example [flags]

The fiberviews example site: log in as demo / demo, log out five ways,
see your sessions and log out everywhere.

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8000", "`host:port` to listen on (port 0 picks a free port)")
	fs.StringVar(&o.db, "db", "example.sqlite3", "SQLite `file` for users and sessions (created if missing)")
	fs.StringVar(&o.database, "database", "", "PostgreSQL `URL` (postgres://user:password@host/dbname) for users, sessions and login counts, shared by every process started on it; instead of -db")
	fs.BoolVar(&o.demo, "demo", true, "create the user demo with password demo when there are no users")
	fs.BoolVar(&o.urls, "urls", false, "print the url table and exit")
	fs.IntVar(&o.iterations, "pbkdf2-iterations", auth.DefaultPBKDF2Iterations, "pbkdf2_sha256 `iterations` of new passwords (at least 1000)")
	fs.StringVar(&o.keyFile, "secret-key-file", "", "`file` holding the site's secret key (Django's SECRET_KEY); default: made once beside the database, as <db>-secret-key")
	fs.BoolVar(&o.secure, "secure-cookies", false, "mark cookies Secure (when the site is served over HTTPS)")
	fs.StringVar(&o.proxies, "trusted-proxies", "", "comma-separated `addresses` and CIDR ranges of reverse proxies whose X-Forwarded-Proto and X-Forwarded-For are believed (Django's SECURE_PROXY_SSL_HEADER); none by default")
	fs.StringVar(&o.smtp, "smtp", "", "`host:port` of the SMTP server for the password reset emails (STARTTLS; credentials from SMTP_USERNAME and SMTP_PASSWORD); default: print them")
	fs.StringVar(&o.emailFrom, "email-from", "webmaster@localhost", "sender `address` of the emails (Django's DEFAULT_FROM_EMAIL)")
	fs.StringVar(&o.siteURL, "site-url", "", "the site's `address` as users reach it, which starts the reset links (default: http:// and -addr)")
	fs.StringVar(&o.hosts, "allowed-hosts", "localhost,127.0.0.1,[::1]", "comma-separated host names the site answers to (Django's ALLOWED_HOSTS; \"*\" for any)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, &usageError{err} // the flag package printed it, and the usage
	}
	var err error
	dbSet := false
	fs.Visit(func(f *flag.Flag) { dbSet = dbSet || f.Name == "db" })
	switch {
	case o.database != "" && dbSet:
		err = errors.New("-db and -database are exclusive: SQLite (-db FILE) or PostgreSQL (-database URL)")
	case o.database != "" && o.keyFile == "" && os.Getenv("SECRET_KEY") == "":
		err = errors.New("-database needs the site's secret key, the same in every process: give -secret-key-file FILE or set SECRET_KEY")
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected arguments %q: every setting is a flag", fs.Args())
	case o.iterations < 1000:
		err = fmt.Errorf("-pbkdf2-iterations %d is too few: use at least 1000", o.iterations)
	case o.db == "" && !o.urls:
		err = errors.New("-db is empty: name the SQLite file, e.g. -db example.sqlite3")
	case o.addr == "" && !o.urls:
		err = errors.New("-addr is empty: give host:port, e.g. -addr 127.0.0.1:8000")
	default:
		if verr := (views.Config{AllowedHosts: strings.Split(o.hosts, ",")}).Validate(); verr != nil {
			err = fmt.Errorf("-allowed-hosts %q: %w", o.hosts, verr)
		} else if verr := (views.Config{Proxy: proxyConfig(o.proxies)}).Validate(); verr != nil {
			err = fmt.Errorf("-trusted-proxies %q: %w", o.proxies, verr)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		fs.Usage()
		return o, &usageError{err}
	}
	return o, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills the process at once
	}()
	err := runCommand(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	var usage *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

// run starts the site and serves until ctx is done, then shuts down cleanly:
// the listener closes, requests in flight finish (for up to
// shutdownTimeout), then the database is closed. With -urls it prints the
// url table and returns without opening the database.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if o.urls {
		s, err := newSite(ctx, siteOptions{logger: logger})
		if err != nil {
			return err
		}
		return s.writeURLTable(stdout)
	}
	// Setting up runs to the end even if a signal comes meanwhile; the
	// shutdown below then follows at once.
	var sender mail.Mailer = &mail.Console{Out: stdout}
	if o.smtp != "" {
		sender = &mail.SMTP{Addr: o.smtp, Username: os.Getenv("SMTP_USERNAME"), Password: os.Getenv("SMTP_PASSWORD")}
	}
	// Emails leave off the request; at shutdown those waiting are sent.
	queue := &mail.Queue{Mailer: sender, Logger: logger}
	defer func() {
		qctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		_ = queue.Close(qctx)
	}()
	s, err := newSite(context.WithoutCancel(ctx), siteOptions{db: o.db, demo: o.demo, logger: logger, iterations: o.iterations, secure: o.secure,
		allowedHosts: strings.Split(o.hosts, ","), keyFile: o.keyFile, proxy: proxyConfig(o.proxies),
		database: o.database, secretKey: os.Getenv("SECRET_KEY"),
		mailer: queue, emailFrom: o.emailFrom, siteURL: cmp.Or(o.siteURL, "http://"+o.addr)})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return errors.Join(fmt.Errorf("listening on %s: %w (is another server running there? choose another with -addr)", o.addr, err), s.Close())
	}
	logger.Info("example site is up", "url", "http://"+ln.Addr().String()+"/", "db", o.db)
	served := make(chan error, 1)
	go func() { served <- s.app.Listener(ln) }()
	select {
	case err := <-served:
		return errors.Join(fmt.Errorf("serving: %w", err), s.Close())
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing the requests in flight (Ctrl-C again to stop at once)")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	shutdownErr := s.app.ShutdownWithContext(sctx)
	// Fiber's shutdown does nothing if it comes before the server has taken
	// the listener; closing it ourselves makes the server return either way.
	_ = ln.Close()
	<-served
	if shutdownErr != nil {
		shutdownErr = fmt.Errorf("requests still running after %s were cut off: %w", shutdownTimeout, shutdownErr)
		logger.Warn("shutdown", "err", shutdownErr)
	}
	if err := s.Close(); err != nil {
		return errors.Join(shutdownErr, fmt.Errorf("closing the database: %w", err))
	}
	logger.Info("stopped; database closed")
	return shutdownErr
}

// proxyConfig believes X-Forwarded-Proto and X-Forwarded-For from the
// proxies of list (comma-separated addresses and CIDR ranges); an empty
// list believes nothing.
func proxyConfig(list string) security.ProxyConfig {
	if strings.TrimSpace(list) == "" {
		return security.ProxyConfig{}
	}
	var proxies []string
	for _, p := range strings.Split(list, ",") {
		proxies = append(proxies, strings.TrimSpace(p))
	}
	return security.ProxyConfig{SchemeHeader: "X-Forwarded-Proto", IPHeader: "X-Forwarded-For", Proxies: proxies}
}
