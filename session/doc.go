// Package session gives Fiber v2 apps Django-style server-side sessions and login state: lazy,
// frugal sessions on any fiber.Storage (a tuned SQLite file by default, Redis for several servers),
// Login/Logout with key rotation and logout hooks, and "log out everywhere".
//
// # Setup
//
//	m, err := session.New(session.Config{Database: "sessions.sqlite3"})
//	if err != nil { … }
//	defer m.Close()
//	app.Use(m.Middleware())
//
//	app.Post("/login", func(c *fiber.Ctx) error {
//		// … check the password …
//		if err := session.Login(c, user.ID); err != nil { return err }
//		return c.Redirect("/")
//	})
//	app.Get("/", func(c *fiber.Ctx) error {
//		id, ok := session.UserID(c)
//		…
//	})
//
// # Defaults
//
// Django's, where they are safe: cookie "sessionid", Path "/", HttpOnly (always), SameSite=Lax,
// two weeks (Config.MaxAge, both cookie Max-Age and storage expiry), Secure off until
// Config.CookieSecure is set. Beyond Django: a logged-in session ends 30 days after Login whatever
// its activity (Config.MaxLifetime), and a user has at most 100 sessions (Config.MaxSessionsPerUser);
// see Session lifetimes and limits. An anonymous session's key is 32 characters of [a-z2-7] carrying 160
// bits from crypto/rand; a logged-in session's key is its user's tag, a dot, and such 32 characters
// (see Log out everywhere). A cookie that does not have exactly one of these shapes is never looked
// up: malformed, oversized and unknown cookies give a new empty session, never an error.
//
// # Lazy and frugal
//
// The middleware only makes the session reachable. Nothing is read until a handler calls Get (or
// UserID, Login, …): a request that never touches the session makes no storage call and sets no
// cookie. Values are JSON (like Django's JSONSerializer) and a session is written back after the
// handlers only if it was modified (setting a value to what it already was is no modification). An
// empty session is never stored. Config.TouchInterval optionally writes back unmodified sessions, at
// most once per interval, for a sliding expiry and a fresh Info.LastSeen. (A Manager also reads its
// user-tag secret on the first login or logged-in load, and again every 30 seconds; see Log out
// everywhere.)
//
// Unlike Fiber's session middleware, a Session stays usable after Save, a failed save leaves nothing
// locked or half-written, a deleted session is not brought back by a later save (on storages
// implementing Replacer), and SetExpiry is stored with the session so later saves keep it.
//
// # Login state
//
// Login rotates the session key (the old row is deleted, values carried over) and records the user.
// Logout runs the OnLogout hooks with the user while the session is intact, deletes the row, expires
// the cookie with the attributes it was set with, and leaves the request anonymous. Config.AuthHash
// (Django's session auth hash) turns a user's other sessions anonymous when the value changes, e.g.
// with the password; UpdateAuthHash keeps the current session logged in.
//
// # Log out everywhere
//
// Sessions lists the request's user's sessions (created, last seen, IP, user agent, the current one
// marked), LogoutOthers deletes all but the request's own and LogoutSession one of them; for any user
// id, (*Manager).UserSessions, LogoutAll and LogoutUserSession do the same. Nothing scans the storage,
// and how a user's sessions are found depends on it:
//
//   - Every logged-in session's key starts with its user's tag: 80 bits of HMAC-SHA256 of the user id,
//     under a secret the Manager keeps in the storage (created on first use, shared by every process
//     using the storage). The tag reveals nothing about the user without the secret. A logged-in
//     session is honoured only under a key carrying its user's tag.
//   - On a storage with ordered keys that also implements Updater (PrefixScanner and Updater:
//     OpenSQLite) a user's sessions therefore sit side by side, and are found by a range query on the
//     primary key. A login writes the session's row and nothing else, so it costs what an anonymous
//     save costs (plus a count of the user's keys, for MaxSessionsPerUser).
//   - Every other storage keeps a per-user index of session keys, in the same storage. A session's row
//     is always written before (or atomically with) its key's entry in the index, and the client
//     learns the key only after both, so the index never misses a session a client holds. Logout only
//     deletes the row; entries whose row is gone are pruned when the index is read, and at login once
//     the index has grown (see Session lifetimes and limits; amortised O(1) per login).
//
// Index updates for one user are serialised per user inside a process. Across processes they are
// atomic on storages implementing Updater (and Appender, which makes a login a single write), such as
// session/redisstore. On other storages shared by several processes, two logins of the same user at
// the same instant on two servers can lose an index entry, and that one session then survives "log
// out everywhere" until it expires; implement Updater and Appender (or Updater and PrefixScanner) for
// such a storage. Likewise only storages implementing Replacer guarantee that a request still running
// when its session was logged out elsewhere cannot write the session back, and only storages
// implementing Updater make the check that CycleKey and UpdateAuthHash do not revive a session logged
// out meanwhile atomic. LogoutAll and LogoutOthers look again after deleting, so a session that
// rotated to a new key while they ran is caught too.
//
// The user-tag secret is the storage key "<KeyPrefix>secret:user-tag". A Manager reads it on the first
// login or logged-in load (creating it if absent; atomically on Updater storages) and again every 30
// seconds, so processes sharing the storage converge on the stored secret. Deleting it (or resetting
// the storage) ends every logged-in session: within 30 seconds every process uses a new secret, and
// no session tagged under the old one is honoured.
//
// # Storage
//
// With no Config.Storage, New opens a SQLite file through OpenSQLite, on a connection this package
// configures (WAL, busy timeout, synchronous=NORMAL, a bounded pool of long-lived connections with
// cached statements, writes queued in-process, a WITHOUT ROWID table in the layout of
// github.com/gofiber/storage/sqlite3), with errors returned instead of panics. Any other
// fiber.Storage plugs in unchanged; the optional interfaces Updater, Appender, Replacer,
// PrefixScanner and ManyGetter make it atomic or faster. For sessions shared by several servers use
// package session/pgstore (PostgreSQL: every optional interface, a user's sessions found by a range
// scan of the primary key) or session/redisstore, kept apart so that sites without them link no
// client.
//
// # At scale (SQLite)
//
// Expired rows are never returned, and are deleted by a sweeper in small batches
// (SQLiteOptions.SweepBatch, 250 rows, a few milliseconds) that take their turn in the same write
// queue as requests and pause between batches as long as a batch took: no request waits behind a
// whole sweep, whatever the backlog. The first sweep runs within 30 seconds of opening the file, then
// every GCInterval (5 minutes) ±20% at random, so processes sharing a file do not sweep in step.
// (*SQLiteStorage).Sweep sweeps now.
//
// The WAL is truncated back to SQLiteOptions.JournalSizeLimit (32 MiB) after checkpoints, instead
// of keeping its largest size. Files this package creates use incremental auto-vacuum, and a sweep
// gives the pages it freed back to the file system the same way, in batches. A file created by an
// earlier version (or by gofiber/storage/sqlite3) keeps its free pages for reuse; (*SQLiteStorage).
// Vacuum converts it once, holding writes back for its duration (see BENCHMARKS.md for the cost).
//
// A write waits at most SQLiteOptions.WriteTimeout (1 second) for its turn, then BusyTimeout (5
// seconds) for other processes sharing the file: past either it fails with an error wrapping
// ErrBusy, a *fiber.Error 503 (views.ErrorHandler answers it with Retry-After; Fiber's default
// handler with 503), counted in (*SQLiteStorage).Stats and logged (the first, then at most once a
// minute), never a hang.
//
// # Session lifetimes and limits
//
// A session expires MaxAge (two weeks) after its last save: its idle expiry. A logged-in session
// also ends MaxLifetime (30 days) after Login whatever its activity (OWASP's absolute timeout; Django
// has none): a stolen key cannot be kept alive by its thief, and a person using the site daily types
// the password at least once a month. Sites holding money or health data should set hours. Neither
// applies before the other: a session lives until the earlier of the two.
//
// A user has at most MaxSessionsPerUser (100) sessions: a Login beyond it logs out the user's
// oldest (first logged in). A hundred is far more than anyone's devices and browsers over two weeks,
// yet keeps what a user's sessions cost (listing them, "log out everywhere", the index on Redis)
// bounded when a script logs in without keeping its cookie. On SQLite a login counts the user's keys
// (from a fresh browser in the same statement that writes the session); on an index storage with Append
// (session/redisstore) a login appends to the index and reads nothing back until the index has
// grown past the limit (or to a power of two, which prunes the entries of ended sessions, amortised
// O(1) per login); on other storages a login reads and rewrites the user's index.
//
// The address in Info is Config.ClientIP(c), by default fiber.Ctx.IP (the connection's peer unless
// fiber.Config.ProxyHeader says otherwise); behind a proxy, pass views.ClientIP, which follows
// views.Config.Proxy.
package session
