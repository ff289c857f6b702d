package messages

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Level is a message's importance (Django's message levels); a site may use
// levels of its own between these.
type Level int

// Django's levels.
const (
	LevelDebug   Level = 10
	LevelInfo    Level = 20
	LevelSuccess Level = 25
	LevelWarning Level = 30
	LevelError   Level = 40
)

// Tag is the level's name for a CSS class (Django's DEFAULT_TAGS): "debug",
// "info", "success", "warning" or "error"; "" for a level of the site's own.
func (l Level) Tag() string {
	switch l {
	case LevelDebug:
		return "debug"
	case LevelInfo:
		return "info"
	case LevelSuccess:
		return "success"
	case LevelWarning:
		return "warning"
	case LevelError:
		return "error"
	}
	return ""
}

// Message is one message. In a template {{ . }} (or {{ .Message }}) is its
// text, escaped like any other value, and {{ .Tags }} its CSS classes.
type Message struct {
	Level     Level  `json:"l"`
	Message   string `json:"m"`
	ExtraTags string `json:"x,omitempty"` // the site's own classes, space-separated
}

// String returns the text.
func (m Message) String() string { return m.Message }

// LevelTag returns Level.Tag().
func (m Message) LevelTag() string { return m.Level.Tag() }

// Tags returns ExtraTags then LevelTag, space-separated (Django's tags).
func (m Message) Tags() string { return strings.TrimSpace(m.ExtraTags + " " + m.Level.Tag()) }

// Config configures messages for the routes below Setup.
type Config struct {
	// Secret signs the message cookie (HMAC-SHA256), at least 32 bytes,
	// e.g. from `openssl rand -hex 32` kept in the site's configuration.
	// Empty: 32 random bytes made when Setup runs, so messages survive a
	// redirect within one process but not a restart, nor a hop to another
	// process of the same site: set it when the site runs more than one.
	Secret []byte
	// Level is the lowest level recorded (Django's MESSAGE_LEVEL); messages
	// below it are dropped. Default LevelInfo, so Debug messages are dropped
	// unless you set LevelDebug.
	Level Level
	// CookieSecure marks the cookie Secure (set it when the site is served
	// over HTTPS).
	CookieSecure bool
}

// CookieName is the cookie holding the messages (Django's).
const CookieName = "messages"

// MaxCookieSize is the longest cookie value written (Django's
// max_cookie_size): when the messages do not fit, the oldest are dropped.
// A cookie a client sends that is longer than twice this is ignored unread.
const MaxCookieSize = 2048

type settings struct {
	secret []byte
	level  Level
	secure bool
}

func newSettings(cfg Config) (*settings, error) {
	s := &settings{secret: cfg.Secret, level: cfg.Level, secure: cfg.CookieSecure}
	if len(s.secret) == 0 {
		s.secret = make([]byte, 32)
		rand.Read(s.secret)
	} else if len(s.secret) < 32 {
		return nil, fmt.Errorf("messages: Config.Secret has %d bytes: use at least 32 random bytes (e.g. `openssl rand -hex 32`), or none for a random one per process", len(s.secret))
	}
	if s.level == 0 {
		s.level = LevelInfo
	}
	return s, nil
}

// defaults serve requests that no Setup went through.
var defaults, _ = newSettings(Config{})

type settingsKey struct{}

// Setup returns a middleware that applies cfg to the routes below it.
// Without Setup, messages work with a random secret per process and Level
// LevelInfo. Setup panics when cfg.Secret is shorter than 32 bytes.
func Setup(cfg Config) fiber.Handler {
	s, err := newSettings(cfg)
	if err != nil {
		panic(err)
	}
	return func(c *fiber.Ctx) error {
		c.Locals(settingsKey{}, s)
		return c.Next()
	}
}

// store is a request's messages: those of its cookie not yet shown, then
// those added.
type store struct {
	s       *settings
	pending []Message
	had     bool // the request carried a message cookie
}

type storeKey struct{}

// load returns the request's store, reading the cookie on first use (never
// any server-side storage).
func load(c *fiber.Ctx) *store {
	if st, ok := c.Locals(storeKey{}).(*store); ok {
		return st
	}
	s, ok := c.Locals(settingsKey{}).(*settings)
	if !ok {
		s = defaults
	}
	st := &store{s: s}
	if raw := c.Cookies(CookieName); raw != "" {
		st.had = true
		st.pending, _ = decode(s.secret, raw) // a bad cookie is ignored, and replaced below
	}
	c.Locals(storeKey{}, st)
	return st
}

// save writes the pending messages to the response's cookie, or expires the
// cookie when none are left.
func (st *store) save(c *fiber.Ctx) {
	value := encode(st.s.secret, st.pending)
	for len(value) > MaxCookieSize {
		st.pending = st.pending[1:]
		value = encode(st.s.secret, st.pending)
	}
	ck := &fiber.Cookie{Name: CookieName, Value: value, Path: "/", SessionOnly: true,
		Secure: st.s.secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode}
	if len(st.pending) == 0 {
		c.Response().Header.DelCookie(CookieName) // one this response set
		if !st.had {
			return
		}
		ck.Value, ck.SessionOnly, ck.Expires = "", false, fasthttp.CookieExpireDelete
	}
	c.Cookie(ck)
}

// Add records a message for the next page that shows messages, in this
// request or a later one (after a redirect): Django's add_message. Empty
// text, a level below Config.Level or not above 0, records nothing; so does
// a message too long for the cookie on its own (see MaxCookieSize).
// extraTags are added to the message's Tags.
func Add(c *fiber.Ctx, level Level, text string, extraTags ...string) {
	if text == "" || level <= 0 {
		return
	}
	st := load(c)
	if level < st.s.level {
		return
	}
	st.pending = append(st.pending, Message{Level: level, Message: text, ExtraTags: strings.Join(extraTags, " ")})
	st.save(c)
}

// Debug adds a LevelDebug message.
func Debug(c *fiber.Ctx, text string) { Add(c, LevelDebug, text) }

// Info adds a LevelInfo message.
func Info(c *fiber.Ctx, text string) { Add(c, LevelInfo, text) }

// Success adds a LevelSuccess message.
func Success(c *fiber.Ctx, text string) { Add(c, LevelSuccess, text) }

// Warning adds a LevelWarning message.
func Warning(c *fiber.Ctx, text string) { Add(c, LevelWarning, text) }

// Error adds a LevelError message.
func Error(c *fiber.Ctx, text string) { Add(c, LevelError, text) }

// Get returns the request's messages, oldest first, and marks them shown:
// later calls, and later requests, no longer get them (Django's iterating
// get_messages). Messages added afterwards wait for the next Get.
func Get(c *fiber.Ctx) []Message {
	st := load(c)
	shown := st.pending
	if len(shown) > 0 || st.had { // a bad cookie is expired here too
		st.pending = nil
		st.save(c)
	}
	return shown
}

// List is the "messages" of a template's context: ranging over it shows and
// marks shown the request's messages (as Get does), so that a page whose
// template does not range over it keeps them for the next:
//
//	{{ range .messages }}<p class="{{ .Tags }}">{{ . }}</p>{{ end }}
//
// Nothing is read before the template uses it, and then only the request's
// cookie.
type List func(yield func(Message) bool)

// For returns the List of c's messages.
func For(c *fiber.Ctx) List {
	return func(yield func(Message) bool) {
		for _, m := range Get(c) {
			if !yield(m) {
				return
			}
		}
	}
}
