package session

import (
	"errors"

	"github.com/gofiber/fiber/v2"
)

// Sentinel errors. Errors returned by this package wrap one of these (and, for storage failures, the
// storage's own error too), so callers test them with errors.Is.
var (
	// ErrNoMiddleware is returned when a request-level function (Get, Login, Logout, …) is called on a
	// request that did not pass through (*Manager).Middleware. Register the middleware before the
	// routes that use sessions: app.Use(manager.Middleware()).
	ErrNoMiddleware = errors.New("session: no session middleware on this request; add app.Use(manager.Middleware()) before the routes that use sessions")

	// ErrStorage wraps every failure of the underlying fiber.Storage (the storage's error is wrapped
	// as well). The session is left as it was before the failed call: never half-written, never locked.
	ErrStorage = errors.New("session: storage failed")

	// ErrConfig is returned by New and OpenSQLite for an invalid configuration.
	ErrConfig = errors.New("session: invalid configuration")

	// ErrNotSerializable is returned by (*Session).Set for a value encoding/json cannot encode
	// (channels, functions, cyclic values, …). Session values are stored as JSON, like Django's
	// JSONSerializer.
	ErrNotSerializable = errors.New("session: value cannot be stored as JSON")

	// ErrEmptyUserID is returned by Login, and by the Manager's UserSessions, LogoutAll and
	// LogoutUserSession, for an empty user id.
	ErrEmptyUserID = errors.New("session: empty user id")

	// ErrInvalidUserID is wrapped by the error Login, and the Manager's UserSessions, LogoutAll and
	// LogoutUserSession, return for a user id that is not valid UTF-8 or is longer than MaxUserIDLen
	// bytes. Session records are JSON, which cannot hold invalid UTF-8: such an id would be stored
	// altered, and the session would load as another user. Pass the user's primary key as text
	// (strconv.Itoa, a UUID's String, …); hex- or base64-encode binary ids.
	ErrInvalidUserID = errors.New("session: invalid user id")

	// ErrNotLoggedIn is returned by the functions that act on the current user's sessions
	// (LogoutOthers, Sessions, LogoutSession, UpdateAuthHash) when the request is anonymous.
	ErrNotLoggedIn = errors.New("session: the request is not logged in")

	// ErrAuthHash wraps an error returned by Config.AuthHash.
	ErrAuthHash = errors.New("session: computing the session auth hash failed")

	// ErrSessionDeleted is returned by (*Session).Save, (*Session).CycleKey and UpdateAuthHash when
	// the session's row was deleted while the request ran (a logout in another request, "log out
	// everywhere", or expiry). The request is anonymous afterwards; the session is not written back,
	// so a logout can never be undone by a concurrent save or key rotation. Save needs a storage
	// implementing Replacer for this (OpenSQLite and redisstore do); the rotations are atomic on
	// storages implementing Updater and checked just before on others.
	ErrSessionDeleted = errors.New("session: the session was deleted by a concurrent request")

	// ErrUnknownSession is returned by LogoutSession and LogoutUserSession for an id that is not one of
	// the user's sessions.
	ErrUnknownSession = errors.New("session: no such session for this user")

	// ErrClosed is returned after (*Manager).Close, and by (*SQLiteStorage).Sweep after the storage's
	// Close.
	ErrClosed = errors.New("session: manager is closed")

	// ErrBusy is wrapped by the error of a write that could not get the storage within its deadline
	// (SQLiteStorage: SQLiteOptions.WriteTimeout, then BusyTimeout for other processes): the site is
	// overloaded or a long write holds the file; the request may succeed if tried again. It is a
	// *fiber.Error with status 503, so even Fiber's default error handler answers 503, never 500;
	// views.ErrorHandler adds Retry-After. Test for it with errors.Is.
	ErrBusy = &fiber.Error{Code: fiber.StatusServiceUnavailable, Message: "session: the session storage is busy; try again in a moment"}
)
