package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// siteOptions configure newSite.
type siteOptions struct {
	db         string // SQLite file; "" builds the url table only (for -urls)
	demo       bool   // create demo/demo when there are no users
	bcryptCost int
	secure     bool
	logger     *slog.Logger
}

// site is the example application: a Fiber app with its url table, sessions
// and users on one SQLite file.
type site struct {
	app      *fiber.App
	resolver *urls.Resolver
	sessions *session.Manager
	storage  *session.SQLiteStorage
	users    *users
	cost     int
	logger   *slog.Logger
}

// templateDir finds example/templates whether the site runs from the module
// root (go run ./example), from example/ (go test) or elsewhere.
func templateDir() (string, error) {
	candidates := []string{"example/templates", "templates"}
	if _, file, _, ok := runtime.Caller(0); ok {
		candidates = append(candidates, filepath.Join(filepath.Dir(file), "templates"))
	}
	for _, d := range candidates {
		if st, err := os.Stat(filepath.Join(d, "home.html")); err == nil && !st.IsDir() {
			return d, nil
		}
	}
	return "", errors.New("cannot find the example's templates: run it from the module root (go run ./example)")
}

func newSite(ctx context.Context, o siteOptions) (*site, error) {
	s := &site{cost: o.bcryptCost, logger: o.logger}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	var err error
	if s.resolver, err = urls.Compile(s.urlpatterns()); err != nil {
		return nil, err
	}
	if o.db == "" {
		return s, nil
	}
	if s.storage, err = session.OpenSQLite(o.db); err != nil {
		return nil, err
	}
	if s.users, err = newUsers(ctx, s.storage.DB(), o.bcryptCost); err != nil {
		s.Close()
		return nil, err
	}
	if o.demo {
		if err := s.createDemo(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	if s.sessions, err = session.New(session.Config{Storage: s.storage, CookieSecure: o.secure}); err != nil {
		s.Close()
		return nil, err
	}
	dir, err := templateDir()
	if err != nil {
		s.Close()
		return nil, err
	}
	engine, err := templates.New(templates.Config{Dir: dir, Resolver: s.resolver, Layout: "layouts/base"})
	if err != nil {
		s.Close()
		return nil, err
	}
	s.app = fiber.New(fiber.Config{
		Views:                 engine,
		DisableStartupMessage: true,
		ErrorHandler:          s.errorHandler,
	})
	s.app.Use(s.sessions.Middleware())
	s.app.Use(views.Setup(views.Config{
		SiteName:          "fiberviews example",
		LoginURL:          "accounts:login",
		LoginRedirectURL:  "home",
		LogoutRedirectURL: "home",
		LoadUser:          s.loadUser,
		Authenticate:      s.authenticate,
		Logger:            s.logger,
		CSRF:              views.CSRFConfig{CookieSecure: o.secure},
	}))
	s.resolver.Mount(s.app)
	return s, nil
}

// createDemo adds demo/demo on first start, and says so.
func (s *site) createDemo(ctx context.Context) error {
	n, err := s.users.count(ctx)
	if err != nil || n > 0 {
		return err
	}
	if _, err := s.users.create(ctx, "demo", "demo", s.cost); err != nil {
		return err
	}
	s.logger.Info("created the demo user: log in as demo with password demo (start with -demo=false to skip this)")
	return nil
}

// loadUser is views.Config.LoadUser: the session's user id to a *User.
func (s *site) loadUser(c *fiber.Ctx, id string) (any, error) {
	u, err := s.users.byID(c.UserContext(), id)
	if err != nil {
		return nil, nil // a deleted user: anonymous
	}
	return u, nil
}

// authenticate is views.Config.Authenticate: the user id for a username and
// password, or views.ErrInvalidCredentials.
func (s *site) authenticate(c *fiber.Ctx, username, password string) (string, error) {
	u, err := s.users.authenticate(c.UserContext(), username, password)
	if errors.Is(err, errBadCredentials) {
		return "", views.ErrInvalidCredentials
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprint(u.ID), nil
}

// errorHandler answers errors nobody handled: Fiber's errors with their own
// status, the rest as a logged 500 that says nothing of the internals.
func (s *site) errorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return c.Status(fe.Code).SendString(fe.Message)
	}
	s.logger.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	return c.Status(fiber.StatusInternalServerError).SendString("Internal Server Error")
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
	return errors.Join(errs...)
}
