package main

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"time"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/auth/pgusers"
	"github.com/fiberviews/fiberviews/mail"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/session/pgstore"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// templateFiles are the site's templates, built into the binary so that it
// runs from any directory.
//
//go:embed templates
var templateFiles embed.FS

// siteOptions configure newSite.
type siteOptions struct {
	db         string // SQLite file; "" builds the url table only (for -urls)
	database   string // PostgreSQL connection string: used instead of db
	demo       bool   // create demo/demo when there are no users
	iterations int    // pbkdf2_sha256 iterations of new passwords; 0: Django's
	// secretKey is the site's secret key (Django's SECRET_KEY); empty: read
	// from keyFile, by default <db>-secret-key, made there on first start.
	secretKey, keyFile string
	secure             bool
	logger             *slog.Logger
	// allowedHosts are the host names the site answers to (views.Config.AllowedHosts);
	// nil answers any, as the tests' app.Test requests need.
	allowedHosts []string
	// proxy is which forwarded headers to believe (-trusted-proxies).
	proxy security.ProxyConfig
	// mailer sends the reset emails (nil: printed); siteURL starts their
	// links; emailFrom is their sender.
	mailer             mail.Mailer
	siteURL, emailFrom string
}

// site is the example application: a Fiber app with its url table, sessions
// and users on one SQLite file.
type site struct {
	app      *fiber.App
	resolver *urls.Resolver
	sessions *session.Manager
	storage  *session.SQLiteStorage
	users    *auth.SQLiteUsers // Django's auth_user, in the same file
	pg       *pgstore.Storage  // with -database: sessions and counts in PostgreSQL
	pgUsers  *pgusers.Users    // and auth_user there
	backend  *auth.Backend
	logger   *slog.Logger
}

// testHookRequest, when a test sets it before newSite, runs first on every
// request of the sites built afterwards (the shutdown test holds a request in
// flight with it). Always nil outside tests.
var testHookRequest func(c *fiber.Ctx)

func newSite(ctx context.Context, o siteOptions) (*site, error) {
	s := &site{logger: o.logger}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	var err error
	if s.resolver, err = urls.Compile(s.urlpatterns()); err != nil {
		return nil, err
	}
	if o.db == "" && o.database == "" {
		return s, nil
	}
	dir, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	engine, err := templates.New(templates.Config{FS: dir, Resolver: s.resolver, Layout: "layouts/base", Logger: s.logger})
	if err != nil {
		return nil, err
	}
	var store session.Storage
	var users auth.UserStore
	if o.database != "" {
		// PostgreSQL: every process started on it shares sessions, users and
		// the login throttle's counts.
		if s.pg, err = pgstore.Open(ctx, o.database); err != nil {
			return nil, fmt.Errorf("opening -database: %w", err)
		}
		if s.pgUsers, err = pgusers.New(ctx, s.pg.Pool()); err != nil {
			return nil, errors.Join(err, s.Close())
		}
		store, users = s.pg, s.pgUsers
		if o.secretKey == "" && o.keyFile == "" {
			return nil, errors.Join(errors.New("-database needs the site's secret key, the same in every process: give -secret-key-file or SECRET_KEY"), s.Close())
		}
	} else {
		if s.storage, err = session.OpenSQLite(o.db); err != nil {
			return nil, fmt.Errorf("opening the database %s: %w", o.db, err)
		}
		if s.users, err = auth.NewSQLiteUsers(ctx, s.storage.DB()); err != nil {
			return nil, errors.Join(err, s.Close())
		}
		store, users = s.storage, s.users
	}
	if o.secretKey == "" {
		if o.secretKey, err = loadSecretKey(cmp.Or(o.keyFile, o.db+"-secret-key")); err != nil {
			return nil, errors.Join(err, s.Close())
		}
	}
	s.backend = &auth.Backend{Users: users, Hashing: hashing(o.iterations)}
	if o.demo {
		if err := s.createDemo(ctx); err != nil {
			return nil, errors.Join(err, s.Close())
		}
	}
	if s.sessions, err = session.New(session.Config{
		Storage: store,
		// A password change logs out the user's other sessions.
		AuthHash:     auth.SecretKeys{Key: o.secretKey}.AuthHash(users),
		CookieSecure: o.secure,
		ClientIP:     views.ClientIP, // the address views.Config.Proxy says is the client's
		// Refresh a session's "last seen" (and its expiry) at most once a
		// minute, for the sessions page.
		TouchInterval: time.Minute,
	}); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	s.app = fiber.New(fiber.Config{
		Views:                 engine,
		DisableStartupMessage: true,
		ErrorHandler:          views.ErrorHandler,
		// A client gets this long to send its request and to read the
		// answer, and a kept-alive connection this long between requests.
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  2 * time.Minute,
	})
	if hook := testHookRequest; hook != nil {
		s.app.Use(func(c *fiber.Ctx) error { hook(c); return c.Next() })
	}
	s.app.Use(s.sessions.Middleware())
	s.app.Use(views.Setup(views.Config{
		SiteName:          "fiberviews example",
		LoginURL:          "accounts:login",
		LoginRedirectURL:  "home",
		LogoutRedirectURL: "home",
		Users:             s.backend, // log in, "user", password change and sign-up
		Logger:            s.logger,
		AllowedHosts:      o.allowedHosts,
		Proxy:             o.proxy,
		CSRF:              security.CSRFConfig{CookieSecure: o.secure},
		URLs:              s.resolver, // every route name above and in the views is checked here
		LoginRequired:     true,       // every route of the table but those marked public
		CSP:               security.CSPConfig{Policy: security.StrictCSP},
		// Password reset: links from the site's own address, emails through
		// -smtp, else printed to the output.
		ResetTokens: auth.PasswordResetTokens{Keys: auth.SecretKeys{Key: o.secretKey}},
		Mailer:      o.mailer,
		SiteURL:     cmp.Or(o.siteURL, "http://127.0.0.1:8000"), // run passes the -addr it listens on
		FromEmail:   o.emailFrom,
	}))
	// Messages ("You have been logged out.") in a cookie signed with a
	// secret made at start-up: one waiting across a restart is dropped.
	s.app.Use(messages.Setup(messages.Config{CookieSecure: o.secure}))
	s.resolver.Mount(s.app)
	return s, nil
}

// writeURLTable prints the url table, Django's show_urls.
func (s *site) writeURLTable(w io.Writer) error {
	return s.resolver.WriteTable(w)
}

// Close stops the session collector and closes the database.
func (s *site) Close() error {
	var errs []error
	if s.sessions != nil {
		errs = append(errs, s.sessions.Close())
	}
	if s.storage != nil {
		errs = append(errs, s.storage.Close())
	}
	if s.pg != nil {
		errs = append(errs, s.pg.Close())
	}
	return errors.Join(errs...)
}
