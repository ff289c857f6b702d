package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
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
	secret, err := m.tagSecretKey()
	if err != nil {
		return err
	}
	mac, _ := m.tagMACs.Get().(hash.Hash)
	if mac == nil {
		mac = hmac.New(sha256.New, secret)
	}
	mac.Reset()
	_, _ = mac.Write([]byte(userID))
	var sum [sha256.Size]byte
	keyEncoding.Encode(dst, mac.Sum(sum[:0])[:tagBytes])
	m.tagMACs.Put(mac)
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

// tagSecretKey returns the user-tag secret, loading or creating it in the storage the first time.
// A failure is not cached: the next call tries again.
func (m *Manager) tagSecretKey() ([]byte, error) {
	if p := m.tagSecret.Load(); p != nil {
		return *p, nil
	}
	m.tagSecretMu.Lock()
	defer m.tagSecretMu.Unlock()
	if p := m.tagSecret.Load(); p != nil {
		return *p, nil
	}
	secret, err := m.loadTagSecret()
	if err != nil {
		return nil, err
	}
	m.tagSecret.Store(&secret)
	return secret, nil
}

// loadTagSecret reads the stored secret, creating it when absent. On an Updater storage the creation
// is atomic, so processes starting together agree on one secret; otherwise the value read back after
// writing wins.
func (m *Manager) loadTagSecret() ([]byte, error) {
	key := m.cfg.KeyPrefix + tagSecretSuffix
	var fresh [tagSecretLen]byte
	_, _ = rand.Read(fresh[:])
	freshHex := []byte(hex.EncodeToString(fresh[:]))
	var stored []byte
	if m.updater != nil {
		err := m.updater.Update(key, func(old []byte) ([]byte, time.Duration, error) {
			if len(old) > 0 {
				stored = old
				return nil, 0, errUnchanged
			}
			stored = freshHex
			return freshHex, 0, nil
		})
		if err != nil && !errors.Is(err, errUnchanged) {
			return nil, storageErr("creating the user-tag secret", err)
		}
	} else {
		old, err := m.store.Get(key)
		if err != nil {
			return nil, storageErr("reading the user-tag secret", err)
		}
		if len(old) == 0 {
			if err := m.store.Set(key, freshHex, 0); err != nil {
				return nil, storageErr("creating the user-tag secret", err)
			}
			if old, err = m.store.Get(key); err != nil {
				return nil, storageErr("reading the user-tag secret", err)
			}
		}
		stored = old
	}
	secret, err := hex.DecodeString(string(stored))
	if err != nil || len(secret) != tagSecretLen {
		return nil, fmt.Errorf("%w: the user-tag secret under storage key %q is not %d hex-encoded bytes; "+
			"delete that key to have a new one created (every logged-in session then ends)",
			ErrStorage, key, tagSecretLen)
	}
	return secret, nil
}
