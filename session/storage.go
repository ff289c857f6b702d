package session

import (
	"fmt"
	"reflect"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Updater is implemented by storages that can read, change and write back one key atomically, even
// when several processes share the storage, together with other writes in the same atomic step. The
// Manager uses it so that a login writes the new session, deletes the old one and (on storages without
// PrefixScanner) adds the new key to the user's index all at once: two simultaneous logins of one user
// on two servers cannot lose an index entry (which would leave a session that "log out everywhere"
// misses), and a failed login changes nothing. Without it the Manager writes one key after the other
// and serialises index updates per user inside one process only.
type Updater interface {
	// Update calls fn with the key's current value (nil when absent or expired) and stores what fn
	// returns — val with expiry exp (0: none), or deletes the key when val is nil — together with the
	// writes in also, all or nothing. When fn returns an error nothing is written and Update returns
	// that error. fn may be called more than once (retries after a conflicting write) and must not
	// call the storage itself.
	Update(key string, fn func(old []byte) (val []byte, exp time.Duration, err error), also ...Write) error
}

// Write is one extra write of an Update: Val stored under Key with expiry Exp (0: none), or Key deleted
// when Val is nil.
type Write struct {
	Key string
	Val []byte
	Exp time.Duration
}

// Appender is implemented by storages that can append to a value atomically (creating it when
// absent) together with other writes, all or nothing, in one step. The Manager adds a new session's key
// to its user's index with it: a login is then a single write, as cheap as a plain Set, and still
// atomic across processes. Storages implementing Appender implement Updater too (for the removals).
type Appender interface {
	// Append appends val to the value of key (stores val when key is absent or expired; the key
	// gets no expiry) and performs the writes in also, all or nothing, and returns the length in
	// bytes of key's new value (what Redis's APPEND answers: the value itself is not read back).
	Append(key string, val []byte, also ...Write) (int, error)
}

// Replacer is implemented by storages that can overwrite a key only when it still exists. The Manager
// saves loaded sessions with it, so a session deleted by a concurrent logout is not brought back by a
// request that was still running (Fiber's "Save after Destroy" trap). Without it a save is a plain Set.
type Replacer interface {
	// Replace stores val under key with expiry exp if the key exists and has not expired, and reports
	// whether it did.
	Replace(key string, val []byte, exp time.Duration) (bool, error)
}

// PrefixScanner is implemented by storages that keep their keys in order and can read every live key
// starting with a prefix in one range query (SQLiteStorage does, on its primary key). On such a
// storage the Manager keeps no per-user index: a logged-in session's key starts with its user's tag
// (a keyed hash of the user id), so Sessions, LogoutOthers and LogoutAll find a user's sessions by
// that prefix, and a login writes the session's row and nothing else. The scan must cost in
// proportion to the keys it returns, not to the size of the storage.
type PrefixScanner interface {
	// ScanPrefix returns the keys that start with prefix and have not expired, in key order, with
	// their values.
	ScanPrefix(prefix string) (keys []string, vals [][]byte, err error)
}

// ManyGetter is implemented by storages that read several keys in one round trip (SQLiteStorage,
// redisstore.Storage). The Manager uses it to read the sessions a per-user index lists.
type ManyGetter interface {
	// GetMany returns the values of keys, in order: nil for an absent or expired key.
	GetMany(keys []string) ([][]byte, error)
}

// checkStorage refuses a bare *redis.Storage of gofiber/storage/redis/v3: it would work, but without
// the atomic steps package session/redisstore gives it (versions before it wrapped one silently).
func checkStorage(s fiber.Storage) error {
	if t := reflect.TypeOf(s); t.Kind() == reflect.Pointer && t.Elem().PkgPath() == "github.com/gofiber/storage/redis/v3" {
		return fmt.Errorf("%w: Config.Storage is a bare *redis.Storage: pass redisstore.Wrap(st) "+
			"(package github.com/fiberviews/fiberviews/session/redisstore) for logins and logouts that stay atomic across servers", ErrConfig)
	}
	return nil
}

// update is the storage's Update where it implements Updater. On other storages it takes the same
// steps one after the other — read key, call fn, the writes in also, then key's own write — which is
// atomic only against callers holding the same lock inside this process (updateIndex holds the
// user's), and on a failure leaves the writes done before it.
func (m *Manager) update(key string, fn func(old []byte) ([]byte, time.Duration, error), also ...Write) error {
	if m.updater != nil {
		return m.updater.Update(key, fn, also...)
	}
	old, err := m.store.Get(key)
	if err != nil {
		return err
	}
	val, exp, err := fn(old)
	if err != nil {
		return err
	}
	for _, w := range also {
		if err := m.write(w); err != nil {
			return err
		}
	}
	return m.write(Write{Key: key, Val: val, Exp: exp})
}

// write performs one Write: Set, or Delete when it has no value.
func (m *Manager) write(w Write) error {
	if w.Val == nil {
		return m.store.Delete(w.Key)
	}
	return m.store.Set(w.Key, w.Val, w.Exp)
}

// deleteAll deletes storage keys: in one transaction on an Updater storage, else one Delete each
// (all of them tried; the first error returned).
func (m *Manager) deleteAll(keys []string) error {
	if m.updater == nil {
		var first error
		for _, k := range keys {
			if err := m.store.Delete(k); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	also := make([]Write, 0, len(keys))
	for _, k := range keys[1:] {
		also = append(also, Write{Key: k})
	}
	return m.update(keys[0], func([]byte) ([]byte, time.Duration, error) { return nil, 0, nil }, also...)
}

// getMany returns the values of keys (nil for absent ones), in one round trip when the storage can.
func (m *Manager) getMany(keys []string) ([][]byte, error) { return GetMany(m.store, keys) }

// GetMany returns the values of keys in st (nil for absent ones): in one round trip when st is a
// ManyGetter, else one Get each. Packages that keep records beside the sessions (views' login
// throttle, through StorageOf) read them with it.
func GetMany(st fiber.Storage, keys []string) ([][]byte, error) {
	if g, ok := st.(ManyGetter); ok {
		return g.GetMany(keys)
	}
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		v, err := st.Get(k)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

// replace is the storage's Replace where it implements Replacer, else a Set that reports true.
func (m *Manager) replace(key string, val []byte, exp time.Duration) (bool, error) {
	if m.replacer != nil {
		return m.replacer.Replace(key, val, exp)
	}
	return true, m.store.Set(key, val, exp)
}

// expirySeconds converts a relative expiry to the absolute Unix second the sqlite3 storage stores,
// rounded up like the storage does (0 means none).
func expirySeconds(now time.Time, exp time.Duration) int64 {
	if exp <= 0 {
		return 0
	}
	deadline := now.Add(exp)
	s := deadline.Unix()
	if deadline.Nanosecond() != 0 {
		s++
	}
	return s
}
