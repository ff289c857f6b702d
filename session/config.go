package session

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Defaults, taken from Django's settings where they are safe.
const (
	// DefaultDatabase is the SQLite file New opens when Config.Storage is nil.
	DefaultDatabase = "sessions.sqlite3"
	// DefaultCookieName is Django's SESSION_COOKIE_NAME.
	DefaultCookieName = "sessionid"
	// DefaultCookiePath is Django's SESSION_COOKIE_PATH.
	DefaultCookiePath = "/"
	// DefaultCookieSameSite is Django's SESSION_COOKIE_SAMESITE.
	DefaultCookieSameSite = "Lax"
	// DefaultMaxAge is Django's SESSION_COOKIE_AGE: two weeks.
	DefaultMaxAge = 14 * 24 * time.Hour
	// DefaultMaxLifetime is the absolute lifetime of a logged-in session: see Config.MaxLifetime.
	DefaultMaxLifetime = 30 * 24 * time.Hour
	// DefaultMaxSessionsPerUser bounds one user's sessions: see Config.MaxSessionsPerUser.
	DefaultMaxSessionsPerUser = 100
	// DefaultKeyPrefix prefixes every storage key this package writes, so a storage can be shared
	// with other users (rate limiters, caches) without collisions.
	DefaultKeyPrefix = "session:"
)

// Config configures a Manager. The zero value is usable: Django's defaults on a SQLite file named
// sessions.sqlite3 in the working directory.
type Config struct {
	// Storage holds the sessions. Any fiber.Storage works unchanged (Redis, Postgres, memory…).
	// Nil means OpenSQLite(Database); the Manager then owns and closes that storage, whereas a
	// storage given here stays the caller's to close.
	//
	// Storages that also implement Updater and Replacer (OpenSQLite and session/redisstore do) get
	// atomic logins across processes, and saves that never bring back a session deleted by a
	// concurrent logout. Storages implementing PrefixScanner (OpenSQLite) need no per-user session
	// index. See the package documentation. A bare *redis.Storage of gofiber/storage/redis/v3 is
	// refused (ErrConfig): pass redisstore.Wrap(st).
	Storage fiber.Storage

	// Database is the SQLite file used when Storage is nil. Default "sessions.sqlite3".
	Database string

	// SQLite tunes the SQLite file used when Storage is nil.
	SQLite SQLiteOptions

	// CookieName is the session cookie's name. Default "sessionid".
	CookieName string
	// CookiePath is the cookie's Path. Default "/".
	CookiePath string
	// CookieDomain is the cookie's Domain; empty means a host-only cookie (Django's default).
	CookieDomain string
	// CookieSecure marks the cookie Secure (HTTPS only). Default false like Django; turn it on in
	// production behind HTTPS.
	CookieSecure bool
	// CookieSameSite is "Lax" (default), "Strict" or "None" ("None" requires CookieSecure). The
	// cookie is always HttpOnly: nothing in a page's scripts needs the session key.
	CookieSameSite string

	// MaxAge is how long a session lives after it was last saved, both as the cookie's Max-Age and
	// as the storage expiry (a logged-in session's never past MaxLifetime). Default two weeks
	// (Django's SESSION_COOKIE_AGE).
	MaxAge time.Duration
	// MaxLifetime is the absolute lifetime of a logged-in session (OWASP's absolute timeout): it
	// ends this long after Login whatever its activity, while MaxAge is its idle expiry, renewed by
	// every save (and every touch, with TouchInterval). Its storage expiry and cookie never reach
	// past it (counted from the second of the Login); CycleKey and UpdateAuthHash keep it, a new
	// Login starts it again. Default 30 days: with the two-week idle expiry (Django's) a person who
	// uses the site daily still types the password at least once a month, and a stolen session key
	// kept alive by its thief's requests stops working within a month. Sites holding money or health
	// data want hours (OWASP suggests 4 to 8 for such applications). Negative: none (Django's
	// behaviour). Anonymous sessions have only MaxAge.
	MaxLifetime time.Duration
	// ExpireAtBrowserClose sends the cookie without Max-Age/Expires, so browsers drop it when they
	// close (Django's SESSION_EXPIRE_AT_BROWSER_CLOSE); the server still forgets it after MaxAge.
	ExpireAtBrowserClose bool

	// TouchInterval, when positive, writes back a loaded session that was last saved longer ago
	// than this even if unmodified, refreshing LastSeen, IP, user agent, the storage expiry and the
	// cookie (a sliding expiry). Zero or negative (the default) never writes an unmodified session
	// back, like Django without SESSION_SAVE_EVERY_REQUEST: LastSeen is then the time of the last
	// save.
	TouchInterval time.Duration

	// ClientIP returns the address recorded with a session (Info.IP, shown on a sessions page).
	// Nil: c.IP(), the connection's peer unless fiber.Config.ProxyHeader says otherwise. Behind a
	// proxy, pass views.ClientIP, which follows views.Config.Proxy.
	ClientIP func(c *fiber.Ctx) string

	// AuthHash, when set, returns the user's session verification value, like Django's
	// get_session_auth_hash: an HMAC over the password hash (never the password hash itself). It is
	// stored at Login and compared on every load; when it no longer matches (the password changed),
	// the session is deleted and the request is anonymous. After a password change, call
	// UpdateAuthHash(c) to keep the current session logged in.
	AuthHash func(userID string) (string, error)

	// MaxSessionsPerUser bounds how many sessions one user can have: a Login that would exceed it
	// logs out the user's oldest sessions (first logged in), on every storage. Default 100: far more
	// than anyone's devices and browsers over the two weeks a session lives, so a person never
	// notices, while a script logging in without keeping its cookie (or an attacker) cannot make
	// one user's sessions, and what listing or logging them out costs, grow without bound. On SQLite a
	// login counts the user's keys (in its own write from a fresh browser: +5% on a login→logout,
	// see BENCHMARKS.md); on the index path it costs nothing until the index has grown past the
	// limit. Negative: no limit.
	MaxSessionsPerUser int

	// KeyPrefix prefixes every storage key this package writes: the sessions, the per-user indexes
	// ("<KeyPrefix>user:…") and the user-tag secret ("<KeyPrefix>secret:user-tag"). Default
	// "session:".
	KeyPrefix string
}

// SameSite values accepted in Config.CookieSameSite.
var sameSiteValues = map[string]string{"lax": "Lax", "strict": "Strict", "none": "None"}

func (cfg Config) withDefaults() (Config, error) {
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	if cfg.CookieName == "" {
		cfg.CookieName = DefaultCookieName
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = (*fiber.Ctx).IP
	}
	if !validToken(cfg.CookieName) {
		return cfg, fmt.Errorf("%w: CookieName %q: use letters, digits and !#$%%&'*+-.^_`|~ only", ErrConfig, cfg.CookieName)
	}
	if cfg.CookiePath == "" {
		cfg.CookiePath = DefaultCookiePath
	}
	if !validAttr(cfg.CookiePath) || !strings.HasPrefix(cfg.CookiePath, "/") {
		return cfg, fmt.Errorf("%w: CookiePath %q must start with \"/\" and hold no ';', control characters or spaces", ErrConfig, cfg.CookiePath)
	}
	if cfg.CookieDomain != "" && !validAttr(cfg.CookieDomain) {
		return cfg, fmt.Errorf("%w: CookieDomain %q holds ';', control characters or spaces", ErrConfig, cfg.CookieDomain)
	}
	if cfg.CookieSameSite == "" {
		cfg.CookieSameSite = DefaultCookieSameSite
	}
	ss, ok := sameSiteValues[strings.ToLower(cfg.CookieSameSite)]
	if !ok {
		return cfg, fmt.Errorf("%w: CookieSameSite %q: use \"Lax\", \"Strict\" or \"None\"", ErrConfig, cfg.CookieSameSite)
	}
	cfg.CookieSameSite = ss
	if ss == "None" && !cfg.CookieSecure {
		return cfg, fmt.Errorf("%w: CookieSameSite \"None\" requires CookieSecure (browsers reject it otherwise)", ErrConfig)
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.MaxAge < time.Second {
		return cfg, fmt.Errorf("%w: MaxAge %v: use at least one second", ErrConfig, cfg.MaxAge)
	}
	if cfg.MaxLifetime == 0 {
		cfg.MaxLifetime = DefaultMaxLifetime
	}
	if cfg.MaxLifetime > 0 && cfg.MaxLifetime < time.Second {
		return cfg, fmt.Errorf("%w: MaxLifetime %v: use at least one second, or a negative value for none", ErrConfig, cfg.MaxLifetime)
	}
	if cfg.KeyPrefix == "" {
		cfg.KeyPrefix = DefaultKeyPrefix
	}
	if cfg.MaxSessionsPerUser == 0 {
		cfg.MaxSessionsPerUser = DefaultMaxSessionsPerUser
	}
	return cfg, nil
}

// validToken reports whether s is a non-empty RFC 7230 token (what a cookie name must be).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", ch) >= 0:
		default:
			return false
		}
	}
	return true
}

// validAttr reports whether s can be a cookie attribute value.
func validAttr(s string) bool {
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch <= ' ' || ch == ';' || ch >= 0x7f {
			return false
		}
	}
	return true
}
