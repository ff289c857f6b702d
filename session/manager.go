package session

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Manager owns the session configuration and storage of an app. Create one with New, register
// Middleware, and use the package functions (Get, Login, Logout, …) in handlers. Safe for concurrent
// use.
type Manager struct {
	cfg      Config
	store    fiber.Storage
	updater  Updater
	appender Appender
	replacer Replacer
	scanner  PrefixScanner // nil: a per-user index tracks each user's sessions
	owns     bool

	tagSecretMu sync.Mutex // serialises loading the user-tag secret
	tagKey      atomic.Pointer[tagKey]
	tagRecheck  time.Duration // tagSecretRecheck; tests shorten it

	hooksMu sync.RWMutex
	hooks   []func(c *fiber.Ctx, userID string)

	userLocks [64]sync.Mutex
	closed    atomic.Bool

	cookieAttrs  string // "; Path=/; HttpOnly; SameSite=Lax" etc.
	deleteCookie string // the whole Set-Cookie value that expires the cookie

	now func() time.Time

	// ref is what the middleware puts in the request's Locals. Not the Manager itself: fasthttp
	// calls Close on every io.Closer among a request's user values when the request ends.
	ref managerRef
}

// managerRef points back to its Manager; it is not an io.Closer.
type managerRef struct{ m *Manager }

// localsKey is the type of this package's fiber.Ctx Locals keys.
type localsKey int

const (
	managerKey localsKey = iota
	sessionKey
	noTouchKey // set by Alive: the request never refreshes the session
)

// New returns a Manager for cfg. With a nil cfg.Storage it opens the SQLite file cfg.Database
// through OpenSQLite and closes it in Close. Errors wrap ErrConfig or ErrStorage.
func New(cfg Config) (*Manager, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	m := &Manager{cfg: cfg, now: time.Now, tagRecheck: tagSecretRecheck}
	m.ref.m = m
	if cfg.Storage == nil {
		st, err := OpenSQLite(cfg.Database, cfg.SQLite)
		if err != nil {
			return nil, err
		}
		m.store, m.owns = st, true
	} else if err := checkStorage(cfg.Storage); err != nil {
		return nil, err
	} else {
		m.store = cfg.Storage
	}
	m.updater, _ = m.store.(Updater)
	m.replacer, _ = m.store.(Replacer)
	if m.updater != nil {
		m.appender, _ = m.store.(Appender) // removals need Update: appending alone is not enough
		// Only with Updater: the user-tag secret must be created atomically, or two processes could
		// tag one user differently and a prefix scan in one would miss the other's sessions.
		m.scanner, _ = m.store.(PrefixScanner)
	}

	var b strings.Builder
	if cfg.CookieDomain != "" {
		b.WriteString("; Domain=" + cfg.CookieDomain)
	}
	b.WriteString("; Path=" + cfg.CookiePath + "; HttpOnly")
	if cfg.CookieSecure {
		b.WriteString("; Secure")
	}
	b.WriteString("; SameSite=" + cfg.CookieSameSite)
	m.cookieAttrs = b.String()
	m.deleteCookie = cfg.CookieName + "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + m.cookieAttrs
	return m, nil
}

// Config returns the Manager's configuration with defaults filled in.
func (m *Manager) Config() Config { return m.cfg }

// Storage returns the storage holding the sessions.
func (m *Manager) Storage() fiber.Storage { return m.store }

// Close marks the Manager closed and closes the storage if New opened it. A storage passed in
// Config.Storage stays open (it is the caller's). Safe to call more than once.
func (m *Manager) Close() error {
	if !m.closed.CompareAndSwap(false, true) {
		return nil
	}
	if m.owns {
		return m.store.Close()
	}
	return nil
}

// Middleware returns the handler that puts the request's session in reach of Get, Login, Logout and
// the other request functions. It is lazy: a request whose handlers never use the session costs no
// storage call and sets no cookie. After the handlers ran, a session that was modified is saved (unless
// the response is a 5xx, like Django) and its cookie set; an unmodified session is not written back.
// A failed save is returned as the request's error (Fiber's error handler answers it); call
// (*Session).Save in a handler to handle storage errors there instead. Register it once per app,
// before the routes that use sessions.
func (m *Manager) Middleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, ok := c.Locals(managerKey).(*managerRef); ok {
			return c.Next() // registered twice on one route: the outer one does the work
		}
		c.Locals(managerKey, &m.ref)
		err := c.Next()
		s, _ := c.Locals(sessionKey).(*Session)
		if s == nil {
			return err
		}
		if ferr := s.finish(err); ferr != nil && err == nil {
			return ferr
		}
		return err
	}
}

// OnLogout registers fn to run at every Logout of a logged-in user, before anything is cleared:
// fn can still read the session (Django's user_logged_out signal). Hooks run in registration order.
// They do not run for LogoutOthers, LogoutSession, LogoutAll or LogoutUserSession, which end sessions
// other than the request's own.
func (m *Manager) OnLogout(fn func(c *fiber.Ctx, userID string)) {
	m.hooksMu.Lock()
	defer m.hooksMu.Unlock()
	m.hooks = append(m.hooks, fn)
}

func (m *Manager) logoutHooks() []func(*fiber.Ctx, string) {
	m.hooksMu.RLock()
	defer m.hooksMu.RUnlock()
	return m.hooks
}

// Info describes one of a user's sessions, for a "your devices" page.
type Info struct {
	// ID identifies the session to its owner, for LogoutSession and LogoutUserSession. It is derived
	// from the session key but does not reveal it.
	ID string
	// Created is when the session was logged in.
	Created time.Time
	// LastSeen is when the session was last saved (login, a modification, or a touch when
	// Config.TouchInterval is set).
	LastSeen time.Time
	// Expires is when the server forgets the session unless it is saved again.
	Expires time.Time
	// IP and UserAgent are the client's at LastSeen.
	IP, UserAgent string
	// Current is true for the session of the request that asked (only set by Sessions(c)).
	Current bool
}

// UserSessions returns the live sessions of userID, most recently seen first. It reads only that
// user's sessions, never scans the storage: one range query on a PrefixScanner (SQLite), else the
// user's index and each listed session, pruning the index's dead entries on the way. A user id Login
// would refuse is an error wrapping ErrEmptyUserID or ErrInvalidUserID.
func (m *Manager) UserSessions(userID string) ([]Info, error) {
	if err := m.checkUser(userID); err != nil {
		return nil, err
	}
	live, err := m.liveSessions(userID)
	if err != nil {
		return nil, err
	}
	infos := make([]Info, 0, len(live))
	for _, l := range live {
		infos = append(infos, Info{
			ID:        publicID(l.key),
			Created:   time.Unix(l.rec.C, 0),
			LastSeen:  time.Unix(l.rec.S, 0),
			Expires:   time.Unix(l.rec.X, 0),
			IP:        l.rec.IP,
			UserAgent: l.rec.UA,
		})
	}
	slices.SortStableFunc(infos, func(a, b Info) int { return b.LastSeen.Compare(a.LastSeen) })
	return infos, nil
}

// LogoutAll logs out every session of userID, everywhere (e.g. from an admin action or after a
// password reset): their rows are deleted, so their cookies then load as anonymous sessions. Logout
// hooks do not run. A request of that user still running keeps its in-memory state until it ends, but
// cannot write the session back on storages implementing Replacer. A user id Login would refuse is an
// error wrapping ErrEmptyUserID or ErrInvalidUserID.
func (m *Manager) LogoutAll(userID string) error {
	if err := m.checkUser(userID); err != nil {
		return err
	}
	_, err := m.removeSessions(userID, func(string) bool { return true })
	return err
}

// LogoutUserSession logs out the session of userID whose Info.ID is id. It returns an error wrapping
// ErrUnknownSession when the user has no such session, and one wrapping ErrEmptyUserID or
// ErrInvalidUserID for a user id Login would refuse.
func (m *Manager) LogoutUserSession(userID, id string) error {
	if err := m.checkUser(userID); err != nil {
		return err
	}
	n, err := m.removeSessions(userID, func(k string) bool { return publicID(k) == id })
	if err == nil && n == 0 {
		return ErrUnknownSession
	}
	return err
}

// checkUser returns the error of the per-user functions for a closed Manager or a user id Login
// would refuse.
func (m *Manager) checkUser(userID string) error {
	if m.closed.Load() {
		return ErrClosed
	}
	return checkUserID(userID)
}

// setCookie writes the Set-Cookie header carrying key.
func (m *Manager) setCookie(c *fiber.Ctx, key string, age int64, now time.Time) {
	var b []byte
	b = append(b, m.cfg.CookieName...)
	b = append(b, '=')
	b = append(b, key...)
	if age > 0 {
		b = append(b, "; Max-Age="...)
		b = strconv.AppendInt(b, age, 10)
		b = append(b, "; Expires="...)
		b = now.Add(time.Duration(age)*time.Second).UTC().AppendFormat(b, http.TimeFormat)
	}
	b = append(b, m.cookieAttrs...)
	h := &c.Response().Header
	h.DelCookie(m.cfg.CookieName)
	h.Add(fiber.HeaderSetCookie, string(b))
}

// expireCookie writes the Set-Cookie header that removes the session cookie: same Path, Domain,
// Secure and SameSite, Max-Age=0 and an Expires in the past.
func (m *Manager) expireCookie(c *fiber.Ctx) {
	h := &c.Response().Header
	h.DelCookie(m.cfg.CookieName)
	h.Add(fiber.HeaderSetCookie, m.deleteCookie)
}

// finishStatus is the status the response will have once Fiber's error handler answered err.
func finishStatus(c *fiber.Ctx, err error) int {
	if err == nil {
		return c.Response().StatusCode()
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	return fiber.StatusInternalServerError
}
