package security

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fiberviews/fiberviews/session"
	"github.com/gofiber/fiber/v2"
)

// ThrottleConfig configures a Throttle of failed logins; the zero value is
// on, with the defaults below.
type ThrottleConfig struct {
	// Off turns the throttle off.
	Off bool
	// Limit is how many failed logins one username may have in Window;
	// further attempts are refused until the window ends. Default 10. Anyone
	// can so keep a username locked by failing for it: the window bounds
	// that, as Rails' rate limit does.
	Limit int
	// IPLimit is how many failed logins one client address may have in
	// Window, whatever the usernames (higher: many people may share an
	// address). Default 100.
	IPLimit int
	// Window is how long counts live, from a username's or address's first
	// failure: the cool-down of a locked one is the rest of it. Default 3
	// minutes (Rails 8's rate_limit: 10 within 3 minutes).
	Window time.Duration
	// Storage keeps the counts. Default: the session storage of the request
	// (session.StorageOf), so that every server sharing the SQLite file or
	// Redis shares them; with neither, nothing is throttled.
	Storage fiber.Storage
	// KeyPrefix prefixes the storage keys. Default "throttle:login:".
	KeyPrefix string
	// OnLockout is called when a username or address reaches its limit
	// (as Django's user_login_failed signal serves), to log or alert.
	OnLockout func(c *fiber.Ctx, l Lockout)
	// Now is the throttle's clock. Default time.Now. A test sets a clock
	// of its own to wait out a Window by advancing it, without sleeping:
	// the throttle judges every count's window by this clock alone (see
	// Throttle).
	Now func() time.Time
}

// Lockout describes a username or address that reached its limit.
type Lockout struct {
	Username string    // the username of the failed login that reached the limit
	IP       string    // the client's address
	ByIP     bool      // the address reached IPLimit (else the username reached Limit)
	Until    time.Time // when attempts are accepted again
}

// Default values of ThrottleConfig.
const (
	DefaultThrottleLimit     = 10
	DefaultThrottleIPLimit   = 100
	DefaultThrottleWindow    = 3 * time.Minute
	DefaultThrottleKeyPrefix = "throttle:login:"
)

// ErrThrottled is what Throttle.Check returns, wrapped in a *Throttled, for
// a username or address over its limit.
var ErrThrottled = errors.New("security: too many failed logins for this username or address: wait for the cool-down")

// Throttled is the error of a refused attempt: ErrThrottled, with when
// attempts are accepted again.
type Throttled struct {
	Until time.Time     // when attempts are accepted again
	Wait  time.Duration // from the refusal to Until, on the throttle's clock (ThrottleConfig.Now)
}

// Error returns ErrThrottled's text.
func (t *Throttled) Error() string { return ErrThrottled.Error() }

// Unwrap returns ErrThrottled, for errors.Is.
func (t *Throttled) Unwrap() error { return ErrThrottled }

// Throttle counts failed logins per username and per client address in a
// storage, Rails 8's rate limit for logins (Django leaves it to add-ons).
// Usernames are counted case-folded and hashed into their key, so a huge
// username makes no huge key and the storage holds no usernames. Build it
// with NewThrottle; it is safe for concurrent use; a nil or Off Throttle
// counts nothing.
//
// Check reads both counts with one session.GetMany, on every storage: one
// round trip on the SQLite storage and on Redis. (Versions before this one
// kept, beside a SQLite database, a filter file named after it with
// "-marks" appended, to skip that read; nothing uses that file any more, and
// it can be deleted after upgrading every process that shares the database.)
//
// A count is stored as its number of failures and the end of its window,
// taken from the throttle's clock (ThrottleConfig.Now) at the first
// failure; Check and Fail treat a count whose window ended, by that same
// clock, as none. The storage's own expiry (SQLite's expiry column,
// Redis's TTL), set to the rest of the window plus a second, only reclaims
// the space: a count the storage still holds after its window ended reads
// as none. So the throttle's clock alone decides when a window ends, and a
// test that advances it past the window sees the count gone without
// sleeping while the storage's clock stands still.
type Throttle struct {
	cfg ThrottleConfig
	now func() time.Time
}

// NewThrottle returns the throttle cfg describes, with the defaults filled
// in; it refuses negative limits and window.
func NewThrottle(cfg ThrottleConfig) (*Throttle, error) {
	if cfg.Limit < 0 || cfg.IPLimit < 0 || cfg.Window < 0 {
		return nil, fmt.Errorf("ThrottleConfig: Limit, IPLimit and Window must not be negative (0 is the default; Off turns it off)")
	}
	cfg.Limit = cmp.Or(cfg.Limit, DefaultThrottleLimit)
	cfg.IPLimit = cmp.Or(cfg.IPLimit, DefaultThrottleIPLimit)
	cfg.Window = cmp.Or(cfg.Window, DefaultThrottleWindow)
	cfg.KeyPrefix = cmp.Or(cfg.KeyPrefix, DefaultThrottleKeyPrefix)
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Throttle{cfg: cfg, now: now}, nil
}

func (t *Throttle) storage(c *fiber.Ctx) fiber.Storage {
	if t == nil || t.cfg.Off {
		return nil
	}
	if t.cfg.Storage != nil {
		return t.cfg.Storage
	}
	return session.StorageOf(c)
}

func (t *Throttle) keys(username, ip string) [2]string {
	h := sha256.Sum256([]byte(strings.ToLower(username)))
	var x [32]byte
	hex.Encode(x[:], h[:16])
	return [2]string{t.cfg.KeyPrefix + "u:" + string(x[:]), t.cfg.KeyPrefix + "ip:" + ip}
}

// count is a stored count: failures, and when the window ends (Unix
// milliseconds); none when the window ended at now (the throttle's clock).
func count(raw []byte, now time.Time) (n int, until int64) {
	if len(raw) == 0 {
		return 0, 0
	}
	a, b, _ := strings.Cut(string(raw), " ")
	n, _ = strconv.Atoi(a)
	until, _ = strconv.ParseInt(b, 10, 64)
	if until <= now.UnixMilli() {
		return 0, 0
	}
	return n, until
}

// Check returns nil when a login for username from ip may be tried, else a
// *Throttled (wrapping ErrThrottled) until the later cool-down; or the
// storage's error. Call it before checking the password.
func (t *Throttle) Check(c *fiber.Ctx, username, ip string) error {
	st := t.storage(c)
	if st == nil {
		return nil
	}
	k := t.keys(username, ip)
	now := t.now()
	vals, err := session.GetMany(st, k[:])
	if err != nil {
		return err
	}
	until := int64(0)
	for i, limit := range [2]int{t.cfg.Limit, t.cfg.IPLimit} {
		if n, u := count(vals[i], now); n >= limit {
			until = max(until, u)
		}
	}
	c.Locals(countedKey{}, vals[0] != nil)
	if until == 0 {
		return nil
	}
	end := time.UnixMilli(until)
	return &Throttled{Until: end, Wait: end.Sub(now)}
}

// Fail counts a failed login for username from ip, calling OnLockout for
// each count that reaches its limit.
func (t *Throttle) Fail(c *fiber.Ctx, username, ip string) error {
	st := t.storage(c)
	if st == nil {
		return nil
	}
	now := t.now()
	for i, key := range t.keys(username, ip) {
		var n int
		var until int64
		bump := func(old []byte) ([]byte, time.Duration, error) {
			if n, until = count(old, now); n == 0 {
				until = now.Add(t.cfg.Window).UnixMilli()
			}
			n++
			// The storage keeps the count for the rest of its window by the throttle's clock,
			// and a second more (the storage may round its expiry down to whole seconds); it
			// only frees the space: count judges the window's end by the throttle's clock.
			return []byte(strconv.Itoa(n) + " " + strconv.FormatInt(until, 10)), time.UnixMilli(until).Sub(now) + time.Second, nil
		}
		var err error
		if u, ok := st.(session.Updater); ok {
			err = u.Update(key, bump)
		} else { // a storage without atomic updates: concurrent failures may count once
			var old, val []byte
			var exp time.Duration
			if old, err = st.Get(key); err == nil {
				val, exp, _ = bump(old)
				err = st.Set(key, val, exp)
			}
		}
		if err != nil {
			return err
		}
		if limit := [2]int{t.cfg.Limit, t.cfg.IPLimit}[i]; n == limit && t.cfg.OnLockout != nil {
			t.cfg.OnLockout(c, Lockout{Username: username, IP: ip, ByIP: i == 1, Until: time.UnixMilli(until)})
		}
	}
	return nil
}

// countedKey, in c.Locals, says whether Check found a count for the
// username: Succeed then has nothing to delete when it found none.
type countedKey struct{}

// Succeed clears the username's count after a successful login (the
// address's stays: one good password must not reset a guessing run). After
// Check in the same request, it costs nothing when there was no count.
func (t *Throttle) Succeed(c *fiber.Ctx, username string) error {
	st := t.storage(c)
	if counted, ok := c.Locals(countedKey{}).(bool); st == nil || ok && !counted {
		return nil
	}
	return st.Delete(t.keys(username, "")[0])
}
