package session

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"sync"
	"sync/atomic"
	"time"
)

// tagSecretSuffix is the storage key (after Config.KeyPrefix) of the secret that user tags are
// computed with. It holds a ':' so no cookie can name it (validKey), and no user's key prefix
// (tag + '.') can reach it.
const tagSecretSuffix = "secret:user-tag"

// tagSecretLen is the secret's length in bytes.
const tagSecretLen = 32

// userTag returns the tag that starts the keys of userID's sessions: the first 80 bits of
// HMAC-SHA256(secret, userID), in key characters. The secret is read from the storage on first use
// (and created there if absent), so every process sharing the storage computes the same tags.
func (m *Manager) userTag(userID string) (string, error) {
	var tag [tagLen]byte
	err := m.userTagInto(tag[:], userID)
	return string(tag[:]), err
}

// userTagInto writes userID's tag into dst (tagLen bytes) without allocating.
func (m *Manager) userTagInto(dst []byte, userID string) error {
	k, err := m.currentTagKey()
	if err != nil {
		return err
	}
	t, _ := k.macs.Get().(*tagMAC)
	if t == nil {
		t = &tagMAC{mac: hmac.New(sha256.New, k.secret)}
	}
	t.mac.Reset()
	t.in = append(t.in[:0], userID...)
	_, _ = t.mac.Write(t.in)
	keyEncoding.Encode(dst, t.mac.Sum(t.sum[:0])[:tagBytes])
	k.macs.Put(t)
	return nil
}

// keyBelongsTo reports whether key is a logged-in key carrying userID's tag. A logged-in session is
// only honoured under such a key: that is what lets Sessions and LogoutAll find every session of a
// user by its key prefix.
func (m *Manager) keyBelongsTo(key, userID string) (bool, error) {
	if keyTag(key) == "" {
		return false, nil
	}
	var want [tagLen]byte
	if err := m.userTagInto(want[:], userID); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(want[:], []byte(key[:tagLen])) == 1, nil
}

// tagKey is the user-tag secret as a Manager holds it.
type tagKey struct {
	secret  []byte
	checked atomic.Int64 // when the storage last confirmed it: monotonic nanoseconds since monoStart
	macs    sync.Pool    // of *tagMAC keyed with secret, reused (no allocation)
}

// tagMAC is an HMAC-SHA256 with the buffers it writes from and sums into, which would escape to the
// heap on every call through the hash.Hash interface if they were local.
type tagMAC struct {
	mac hash.Hash
	in  []byte
	sum [sha256.Size]byte
}

// tagSecretRecheck is how often a Manager reads the user-tag secret from the storage again, so
// that a secret deleted (or replaced) in the storage stops being used by every process sharing it
// within that time.
const tagSecretRecheck = 30 * time.Second

// currentTagKey returns the user-tag secret, reading it from the storage (creating it there if
// absent) the first time and again once tagSecretRecheck has passed, so that every process sharing
// the storage converges on the stored secret. A failed read is returned, not hidden behind the cached
// secret: a secret that may have changed is not used.
func (m *Manager) currentTagKey() (*tagKey, error) {
	if k := m.freshTagKey(); k != nil {
		return k, nil
	}
	m.tagSecretMu.Lock()
	defer m.tagSecretMu.Unlock()
	if k := m.freshTagKey(); k != nil {
		return k, nil
	}
	k := m.tagKey.Load()
	secret, err := m.loadTagSecret()
	if err != nil {
		return nil, err
	}
	if k == nil || !bytes.Equal(k.secret, secret) {
		k = &tagKey{secret: secret}
		m.tagKey.Store(k)
	}
	k.checked.Store(int64(time.Since(monoStart)))
	return k, nil
}

// monoStart is the origin of tagKey.checked: durations since it use the monotonic clock, so a wall
// clock set back cannot postpone a recheck.
var monoStart = time.Now()

// freshTagKey returns the cached secret if the storage confirmed it less than tagRecheck ago, else nil.
func (m *Manager) freshTagKey() *tagKey {
	k := m.tagKey.Load()
	if k != nil && time.Since(monoStart)-time.Duration(k.checked.Load()) < m.tagRecheck {
		return k
	}
	return nil
}

// loadTagSecret reads the stored secret, creating it when absent. On an Updater storage the creation
// is atomic, so processes starting together agree on one secret; otherwise the value read back after
// writing wins, and a process that lost the race adopts the stored secret at its next recheck.
func (m *Manager) loadTagSecret() ([]byte, error) {
	key := m.cfg.KeyPrefix + tagSecretSuffix
	stored, err := m.store.Get(key)
	if err == nil && len(stored) == 0 {
		var fresh [tagSecretLen]byte
		_, _ = rand.Read(fresh[:])
		err = m.update(key, func(old []byte) ([]byte, time.Duration, error) {
			if len(old) > 0 {
				stored = old
				return nil, 0, errUnchanged
			}
			stored = []byte(hex.EncodeToString(fresh[:]))
			return stored, 0, nil
		})
		if err == nil && m.updater == nil {
			stored, err = m.store.Get(key)
		}
		if errors.Is(err, errUnchanged) {
			err = nil
		}
	}
	if err != nil {
		return nil, storageErr("reading or creating the user-tag secret", err)
	}
	secret, err := hex.DecodeString(string(stored))
	if err != nil || len(secret) != tagSecretLen {
		return nil, fmt.Errorf("%w: the user-tag secret under storage key %q is not %d hex-encoded bytes; "+
			"delete that key to have a new one created (every logged-in session then ends)",
			ErrStorage, key, tagSecretLen)
	}
	return secret, nil
}
