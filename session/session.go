package session

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Session is one request's session, returned by Get. Its values are stored as JSON (like Django's
// JSONSerializer): Set encodes at once, so Get returns the same thing whether the value was set in
// this request or an earlier one. The middleware saves it after the handlers if it was modified.
// Methods are safe for concurrent use; a Session is valid only during its request.
type Session struct {
	m *Manager
	c *fiber.Ctx

	mu        sync.Mutex
	loaded    bool
	hadCookie bool   // the request carried a session cookie (any value)
	key       string // key of the stored row; "" when nothing is stored
	uid       string
	hash      string
	created   int64
	seen      int64
	age       int64 // ageDefault, ageBrowserClose or seconds
	data      map[string]json.RawMessage
	modified  bool
	cookie    cookieOp
}

type cookieOp uint8

const (
	cookieKeep cookieOp = iota
	cookieSet
	cookieDelete
)

// Get returns the request's session, loading it from the storage on first use in the request (one
// storage read when the request carries a well-formed session cookie, none otherwise; plus, at most
// every 30 seconds per Manager, a read of the user-tag secret for a logged-in session). A missing,
// malformed, oversized, unknown or expired cookie gives a new empty session. Errors wrap
// ErrNoMiddleware, ErrStorage (the storage failed; try again later) or ErrAuthHash.
func Get(c *fiber.Ctx) (*Session, error) {
	s, ok := c.Locals(sessionKey).(*Session)
	if !ok {
		ref, ok := c.Locals(managerKey).(*managerRef)
		if !ok {
			return nil, ErrNoMiddleware
		}
		s = &Session{m: ref.m, c: c}
		c.Locals(sessionKey, s)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.loadLocked(); err != nil {
		return nil, err
	}
	return s, nil
}

// decodeRecord decodes a stored session; ok is false when raw is nil, not a session, or expired.
func decodeRecord(raw []byte, now int64) (rec record, ok bool) {
	if raw == nil || json.Unmarshal(raw, &rec) != nil || rec.V == 0 {
		return record{}, false
	}
	if rec.X != 0 && rec.X <= now {
		return record{}, false
	}
	return rec, true
}

func (s *Session) loadLocked() error {
	if s.loaded {
		return nil
	}
	m := s.m
	if m.closed.Load() {
		return ErrClosed
	}
	raw := s.c.Request().Header.Cookie(m.cfg.CookieName)
	s.hadCookie = len(raw) > 0
	var rec record
	found := false
	if validKey(raw) {
		key := string(raw) // a copy: raw belongs to fasthttp's request buffer
		val, err := m.store.Get(m.cfg.KeyPrefix + key)
		if err != nil {
			return storageErr("loading the session", err)
		}
		now := m.now()
		rec, found = decodeRecord(val, now.Unix())
		if found && rec.U != "" && m.cfg.MaxLifetime > 0 && !now.Before(time.Unix(rec.C, 0).Add(m.cfg.MaxLifetime)) {
			found = false // past its absolute lifetime (a row written before it was enforced)
		}
		if found && rec.U != "" {
			// A logged-in session counts only under a key carrying its user's tag, the key Login
			// gives it: under any other it could escape Sessions and LogoutAll, so it loads as no
			// session.
			ok, err := m.keyBelongsTo(key, rec.U)
			if err != nil {
				return err
			}
			found = ok
		}
		if found && rec.U != "" && m.cfg.AuthHash != nil {
			h, err := m.authHash(rec.U)
			if err != nil {
				return err
			}
			if subtle.ConstantTimeCompare([]byte(h), []byte(rec.H)) != 1 {
				// The user's verification value changed (e.g. a new password): like Django, flush.
				if err := m.store.Delete(m.cfg.KeyPrefix + key); err != nil {
					return storageErr("deleting an invalidated session", err)
				}
				found = false
			}
		}
		if found {
			s.key = key
		} else {
			rec = record{}
		}
	}
	s.uid, s.hash, s.created, s.seen, s.age, s.data = rec.U, rec.H, rec.C, rec.S, rec.A, rec.D
	if s.data == nil {
		s.data = map[string]json.RawMessage{}
	}
	s.loaded = true
	return nil
}

// Get returns the value stored under key, decoded from JSON into the generic Go types (string,
// float64, bool, nil, []any, map[string]any). Use Decode for a typed value.
func (s *Session) Get(key string) (any, bool) {
	var v any
	if ok, err := s.Decode(key, &v); !ok || err != nil {
		return nil, false
	}
	return v, true
}

// Decode decodes the value stored under key into dst (a pointer), like json.Unmarshal. It reports
// false with a nil error when there is no such key.
func (s *Session) Decode(key string, dst any) (bool, error) {
	s.mu.Lock()
	raw, ok := s.data[key]
	s.mu.Unlock()
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return true, fmt.Errorf("session: decoding %q: %w", key, err)
	}
	return true, nil
}

// GetString returns the string stored under key; ok is false when absent or not a string.
func (s *Session) GetString(key string) (v string, ok bool) {
	found, err := s.Decode(key, &v)
	return v, found && err == nil
}

// GetInt returns the integer stored under key; ok is false when absent or not an integer.
func (s *Session) GetInt(key string) (v int64, ok bool) {
	found, err := s.Decode(key, &v)
	return v, found && err == nil
}

// Has reports whether key holds a value.
func (s *Session) Has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.data[key]
	return ok
}

// Set stores v under key, encoded as JSON at once. It returns an error wrapping ErrNotSerializable for
// a value encoding/json rejects. Setting the value a key already holds does not modify the session.
func (s *Session) Set(key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%w: key %q: %w", ErrNotSerializable, key, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.data[key]; ok && bytes.Equal(old, raw) {
		return nil
	}
	s.data[key] = raw
	s.modified = true
	return nil
}

// Delete removes key.
func (s *Session) Delete(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.data[key]; ok {
		delete(s.data, key)
		s.modified = true
	}
}

// Clear removes every value. Unlike Django's clear, the login state stays: use Logout to log out.
func (s *Session) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.data) > 0 {
		clear(s.data)
		s.modified = true
	}
}

// Keys returns the keys holding values, sorted.
func (s *Session) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.data))
}

// Len returns the number of values.
func (s *Session) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.data)
}

// IsEmpty reports whether the session holds no values and no user. An empty session is never stored.
func (s *Session) IsEmpty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.data) == 0 && s.uid == ""
}

// UserID returns the logged-in user's id, or "" and false for an anonymous session.
func (s *Session) UserID() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uid, s.uid != ""
}

// Modified reports whether the session changed since it was loaded or last saved.
func (s *Session) Modified() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modified
}

// SetExpiry sets this session's lifetime, like Django's set_expiry: d > 0 keeps it d after each save
// (rounded up to a second); d == 0 makes the cookie expire when the browser closes (the server still
// forgets it after Config.MaxAge); d < 0 goes back to the Manager's default. The setting is stored with
// the session, so later saves keep it.
func (s *Session) SetExpiry(d time.Duration) {
	var age int64
	switch {
	case d < 0:
		age = ageDefault
	case d == 0:
		age = ageBrowserClose
	default:
		age = int64((d + time.Second - 1) / time.Second)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.age != age {
		s.age = age
		s.modified = true
	}
}

// ExpiresAt returns when the server forgets the session unless it is saved again; zero when the
// session is not stored.
func (s *Session) ExpiresAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key == "" {
		return time.Time{}
	}
	seen := time.Unix(s.seen, 0)
	return seen.Add(s.ttl(s.uid, s.created, seen))
}

// ttl is the storage expiry at now of the session when it belongs to user uid (none: "") and was
// created (logged in) at created: its idle expiry, but never past the absolute lifetime of a
// logged-in session (and at least a second: a zero expiry would mean none).
func (s *Session) ttl(uid string, created int64, now time.Time) time.Duration {
	d := s.m.cfg.MaxAge
	if s.age > 0 {
		d = time.Duration(s.age) * time.Second
	}
	if life := s.m.cfg.MaxLifetime; uid != "" && life > 0 {
		d = max(min(d, time.Unix(created, 0).Add(life).Sub(now.Truncate(time.Second))), time.Second)
	}
	return d
}

// cookieAge is the cookie's Max-Age in seconds at now; 0 means a browser-session cookie.
func (s *Session) cookieAge(now time.Time) int64 {
	if s.age == ageBrowserClose || (s.age == ageDefault && s.m.cfg.ExpireAtBrowserClose) {
		return 0
	}
	return max(int64(s.ttl(s.uid, s.created, now)/time.Second), 1)
}

// Save writes the session now if it was modified, so the handler sees a storage error itself (the
// middleware would otherwise save after the handler and return the error to Fiber). The session stays
// usable after Save. A session emptied of all values and user is deleted instead. It returns an error
// wrapping ErrStorage when the write failed (the session is then unchanged and still modified), or
// ErrSessionDeleted when the session was deleted meanwhile by a logout elsewhere (the request is then
// anonymous).
func (s *Session) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveLocked(false)
}

// saveLocked writes the session if modified (or, with touch, if TouchInterval elapsed).
func (s *Session) saveLocked(touch bool) error {
	if !s.loaded {
		return nil
	}
	m := s.m
	now := m.now()
	touchDue := touch && m.cfg.TouchInterval > 0 && s.key != "" &&
		now.Sub(time.Unix(s.seen, 0)) >= m.cfg.TouchInterval
	if !s.modified && !touchDue {
		return nil
	}
	if len(s.data) == 0 && s.uid == "" {
		// Nothing worth storing: delete what there was, like Django's middleware.
		if s.key != "" {
			if err := m.store.Delete(m.cfg.KeyPrefix + s.key); err != nil {
				return storageErr("deleting an emptied session", err)
			}
			s.key = ""
		}
		s.modified = false
		s.dropCookieLocked()
		return nil
	}
	created := s.created
	if s.key == "" {
		created = 0
	}
	_, val, err := s.encodeLocked(now, s.uid, s.hash, created, s.data)
	if err != nil {
		return err
	}
	if s.key == "" {
		key := newKey()
		if err := m.store.Set(m.cfg.KeyPrefix+key, val, s.ttl(s.uid, now.Unix(), now)); err != nil {
			return storageErr("saving the session", err)
		}
		s.key = key
		s.created = now.Unix()
	} else if ok, err := m.replace(m.cfg.KeyPrefix+s.key, val, s.ttl(s.uid, s.created, now)); err != nil {
		return storageErr("saving the session", err)
	} else if !ok {
		s.resetLocked()
		return ErrSessionDeleted
	}
	s.seen = now.Unix()
	s.modified = false
	s.cookie = cookieSet
	return nil
}

// encodeLocked returns the session as it would be stored at now for user uid with auth hash hash,
// created at created (0: now) and holding data.
func (s *Session) encodeLocked(now time.Time, uid, hash string, created int64, data map[string]json.RawMessage) (record, []byte, error) {
	if created == 0 {
		created = now.Unix()
	}
	rec := record{
		V: recordVersion, U: uid, H: hash, C: created, S: now.Unix(),
		X: expirySeconds(now, s.ttl(uid, created, now)), A: s.age,
		IP: s.m.cfg.ClientIP(s.c), UA: userAgent(s.c), D: data,
	}
	val, err := json.Marshal(&rec)
	if err != nil {
		return rec, nil, fmt.Errorf("%w: %w", ErrNotSerializable, err)
	}
	return rec, val, nil
}

// maxUserAgent bounds the user agent kept with a session.
const maxUserAgent = 256

func userAgent(c *fiber.Ctx) string {
	ua := c.Request().Header.UserAgent()
	if len(ua) > maxUserAgent {
		ua = ua[:maxUserAgent]
	}
	return strings.ToValidUTF8(string(ua), "")
}

// destroyLocked deletes the session's row and makes the request's session a new empty anonymous one.
func (s *Session) destroyLocked() error {
	if s.key != "" {
		if err := s.m.store.Delete(s.m.cfg.KeyPrefix + s.key); err != nil {
			return storageErr("deleting the session", err)
		}
	}
	s.resetLocked()
	return nil
}

// resetLocked makes the in-memory session a new empty anonymous one whose cookie will be expired.
func (s *Session) resetLocked() {
	s.key, s.uid, s.hash = "", "", ""
	s.created, s.seen, s.age = 0, 0, ageDefault
	clear(s.data)
	s.modified = false
	s.dropCookieLocked()
}

// dropCookieLocked expires the client's cookie if it has one (or was about to get one).
func (s *Session) dropCookieLocked() {
	if s.hadCookie || s.cookie == cookieSet {
		s.cookie = cookieDelete
	} else {
		s.cookie = cookieKeep
	}
}

// finish runs in the middleware after the handlers: it saves a modified session (not for a 5xx
// response) and writes the cookie.
func (s *Session) finish(handlerErr error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	if s.loaded && finishStatus(s.c, handlerErr) < 500 {
		err = s.saveLocked(s.c.Locals(noTouchKey) == nil)
		if err == ErrSessionDeleted {
			err = nil // logged out meanwhile: the request simply ends anonymous
		}
	}
	if s.loaded && s.hadCookie && s.key == "" && s.cookie == cookieKeep {
		// The request's cookie names no stored session (malformed, unknown, expired or flushed):
		// remove it, like Django, so the browser stops sending it.
		s.cookie = cookieDelete
	}
	switch s.cookie {
	case cookieSet:
		now := s.m.now()
		s.m.setCookie(s.c, s.key, s.cookieAge(now), now)
	case cookieDelete:
		s.m.expireCookie(s.c)
	}
	return err
}

// rotateLocked moves the session to a new key, as the user userID with auth hash hash, keeping the
// values when keep is true, and deletes the old key's row. A logged-in session's new key starts with
// its user's tag.
//
// The client learns the new key (Set-Cookie, when the request ends) only after its row exists and,
// on storages without PrefixScanner, after the key is in the user's index. A Login on an Updater
// storage with an index writes all of it in one step. Otherwise moveRow writes the new row and
// deletes the old one (all or nothing), then the index entry follows; should that fail, the new row
// is deleted again and the request is anonymous (never half logged in), its values kept in memory.
//
// With continued (CycleKey, UpdateAuthHash: the same login goes on under a new key) a session whose
// row was deleted meanwhile (a logout elsewhere, "log out everywhere") is not brought back: the
// request turns anonymous and the error is ErrSessionDeleted. A Login (a fresh authentication)
// proceeds either way.
func (s *Session) rotateLocked(userID, hash string, keep, continued bool) error {
	m := s.m
	now := m.now()
	data := s.data
	if !keep {
		data = map[string]json.RawMessage{}
	}
	key := newKey()
	if userID != "" {
		var tag [tagLen]byte
		if err := m.userTagInto(tag[:], userID); err != nil {
			return err // nothing was written
		}
		key = newUserKey(string(tag[:]))
	}
	var created int64 // a Login starts the absolute lifetime; CycleKey and UpdateAuthHash keep it
	if continued {
		created = s.created
	}
	rec, val, err := s.encodeLocked(now, userID, hash, created, data)
	if err != nil {
		return err
	}
	row := Write{Key: m.cfg.KeyPrefix + key, Val: val, Exp: s.ttl(userID, rec.C, now)}
	count := -1 // the user's keys after the write, when the write counted them
	useIndex := userID != "" && m.scanner == nil
	entry := indexEntry{K: key, C: rec.C, X: rec.X}
	replaced := "" // the index entry the new one replaces
	if s.uid == userID {
		replaced = s.key
	}
	if useIndex && m.updater != nil && !continued {
		// A Login: index entry, new row and the old row's deletion in one step.
		also := []Write{row}
		if s.key != "" {
			also = append(also, Write{Key: m.cfg.KeyPrefix + s.key})
		}
		if err := m.indexAdd(userID, entry, replaced, also...); err != nil {
			return err // nothing was written
		}
	} else {
		var err error
		if st, ok := m.store.(*SQLiteStorage); ok && s.key == "" && userID != "" && m.cfg.MaxSessionsPerUser > 0 {
			// A login from a fresh browser on SQLite counts the user's keys in its own write.
			count, err = st.setCounting(row, m.cfg.KeyPrefix+key[:tagLen+1])
		} else {
			err = m.moveRow(s.key, row, continued)
		}
		if errors.Is(err, ErrSessionDeleted) {
			s.resetLocked()
			return err
		}
		if err != nil {
			return storageErr("saving the session under a new key", err)
		}
		if useIndex {
			if err := m.indexAdd(userID, entry, replaced); err != nil {
				_ = m.store.Delete(row.Key) // never sent to the client: best effort
				// The old row is gone: the request is anonymous, its values unsaved.
				s.key, s.uid, s.hash, s.created, s.data = "", "", "", 0, data
				s.modified = len(data) > 0
				s.dropCookieLocked()
				return err
			}
		}
	}
	s.key, s.uid, s.hash, s.data = key, userID, hash, data
	s.created, s.seen = rec.C, rec.S
	s.modified = false
	s.cookie = cookieSet
	if userID != "" && !continued && m.scanner != nil && m.cfg.MaxSessionsPerUser > 0 {
		// Best effort, like the index path's (indexAdd): an error leaves one session too many,
		// logged out at the next login. Records are decoded only when there are too many.
		if count < 0 {
			count, _ = m.countUserKeys(key[:tagLen+1]) // on an error 0: no check this time
		}
		if count > m.cfg.MaxSessionsPerUser {
			if live, err := m.scanUser(userID); err == nil {
				m.trimSessions(userID, slices.DeleteFunc(live, func(l liveSession) bool { return l.key == key }))
			}
		}
	}
	return nil
}

// countUserKeys counts the keys starting with KeyPrefix+prefix on the PrefixScanner: a COUNT on
// SQLiteStorage, else the length of a scan.
func (m *Manager) countUserKeys(prefix string) (int, error) {
	if st, ok := m.store.(*SQLiteStorage); ok {
		return st.countPrefix(m.cfg.KeyPrefix + prefix)
	}
	keys, _, err := m.scanner.ScanPrefix(m.cfg.KeyPrefix + prefix)
	return len(keys), err
}

// moveRow writes row and deletes the row of the session key oldKey (if any), all or nothing: one
// Update on an Updater storage, else Set then Delete, undoing the Set (best effort) when the Delete
// fails. With mustExist a missing old row is ErrSessionDeleted, and nothing is written.
func (m *Manager) moveRow(oldKey string, row Write, mustExist bool) error {
	old := m.cfg.KeyPrefix + oldKey
	switch {
	case oldKey == "":
		return m.write(row)
	case m.updater != nil:
		return m.updater.Update(old, func(cur []byte) ([]byte, time.Duration, error) {
			if mustExist && cur == nil {
				return nil, 0, ErrSessionDeleted
			}
			return nil, 0, nil // delete the old row, together with writing the new one
		}, row)
	case mustExist:
		// Without Updater this check and the move are two steps: best effort.
		cur, err := m.store.Get(old)
		if err != nil {
			return err
		}
		if _, ok := decodeRecord(cur, m.now().Unix()); !ok {
			return ErrSessionDeleted
		}
	}
	if err := m.write(row); err != nil {
		return err
	}
	if err := m.store.Delete(old); err != nil {
		_ = m.store.Delete(row.Key) // never sent to the client
		return err
	}
	return nil
}

// CycleKey moves the session to a new key, keeping its values and login, and deletes the old key's
// row (Django's cycle_key): call it when privileges change. Login does it for you. An unsaved session
// gets a key when first saved, so CycleKey does nothing for it. When the session was logged out
// meanwhile by another request (LogoutAll, LogoutOthers, …), CycleKey does not bring it back: the
// request turns anonymous and the error wraps ErrSessionDeleted.
func (s *Session) CycleKey() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key == "" {
		return nil
	}
	return s.rotateLocked(s.uid, s.hash, true, true)
}
