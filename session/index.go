package session

import (
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The per-user index, for storages without PrefixScanner (see "Log out everywhere" in doc.go). A
// session's row is written before (or atomically with) its key's addition to the index, and the key
// reaches the client only after both: so an entry whose row is missing is dead for good, and pruned
// when the user's sessions are listed or logged out, and at login once the index has grown past twice
// its last verified size.

// userIndex is a user's index. It is stored as text, one line per session, so that adding a session
// is an append (one atomic write on storages implementing Appender):
//
//	fvidx1 <verified>           optional header, written when the index is rewritten
//	<key> <added> <expiry hint> one line per session, each ending in a newline
//
// (a format of our own rather than JSON: a login writes it, and encoding/json made up a tenth of a
// login's cost).
type userIndex struct {
	N int          // live entries at the last full verification
	E []indexEntry // the user's session keys
}

type indexEntry struct {
	K string // session key
	C int64  // added (Unix seconds)
	X int64  // expiry when last seen; a hint only (saves can extend it)
}

const indexHeader = "fvidx1 "

// decodeIndex parses a stored index. Absent, or not ours, gives an empty index: a corrupt index has
// already lost track of its keys, and there is nothing better to do than to start tracking again.
func decodeIndex(raw []byte) userIndex {
	var ix userIndex
	all := string(raw) // one allocation: the entries' keys are substrings of it
	rest := all
	if after, ok := strings.CutPrefix(rest, indexHeader); ok {
		line, tail, _ := strings.Cut(after, "\n")
		n, err := strconv.Atoi(line)
		if err != nil {
			return userIndex{}
		}
		ix.N, rest = n, tail
	}
	ix.E = make([]indexEntry, 0, strings.Count(rest, "\n")+1)
	for len(rest) > 0 {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		k, tail, ok1 := strings.Cut(line, " ")
		c, x, ok2 := strings.Cut(tail, " ")
		ci, err1 := strconv.ParseInt(c, 10, 64)
		xi, err2 := strconv.ParseInt(x, 10, 64)
		if !ok1 || !ok2 || err1 != nil || err2 != nil || !validKey(k) {
			return userIndex{}
		}
		ix.E = append(ix.E, indexEntry{K: k, C: ci, X: xi})
	}
	return ix
}

// line returns the entry's stored line.
func (e indexEntry) line(b []byte) []byte {
	b = append(b, e.K...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, e.C, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, e.X, 10)
	return append(b, '\n')
}

// encode returns the stored form, or nil (delete the index) when it has no entries.
func (ix *userIndex) encode() []byte {
	if len(ix.E) == 0 {
		return nil
	}
	b := make([]byte, 0, len(indexHeader)+8+len(ix.E)*(keyLen+24))
	b = append(b, indexHeader...)
	b = strconv.AppendInt(b, int64(ix.N), 10)
	b = append(b, '\n')
	for _, e := range ix.E {
		b = e.line(b)
	}
	return b
}

// needsPrune reports whether the index has grown past twice its verified size plus pruneSlack, or
// holds an entry whose expiry hint passed.
func (ix *userIndex) needsPrune(now int64) bool {
	if len(ix.E) > 2*ix.N+pruneSlack {
		return true
	}
	for _, e := range ix.E {
		if e.X != 0 && e.X <= now {
			return true
		}
	}
	return false
}

// refresh drops the dead entries, updates expiry hints and records the verified size; it reports
// whether anything changed.
func (ix *userIndex) refresh(dead map[string]bool, hints map[string]int64) bool {
	n := len(ix.E)
	ix.E = slices.DeleteFunc(ix.E, func(e indexEntry) bool { return dead[e.K] })
	changed := len(ix.E) != n
	for i := range ix.E {
		if x, ok := hints[ix.E[i].K]; ok && x != ix.E[i].X {
			ix.E[i].X = x
			changed = true
		}
	}
	if ix.N != len(ix.E) {
		ix.N = len(ix.E)
		changed = true
	}
	return changed
}

// errUnchanged aborts an Update that has nothing to write.
var errUnchanged = errors.New("session: index unchanged")

// pruneSlack is how many unverified entries an index may gain beyond twice its verified size before
// a login verifies all of them.
const pruneSlack = 16

func (m *Manager) indexKey(userID string) string { return m.cfg.KeyPrefix + userIndexSuffix(userID) }

func (m *Manager) userLock(userID string) func() {
	h := fnv.New32a()
	_, _ = h.Write([]byte(userID))
	mu := &m.userLocks[h.Sum32()%uint32(len(m.userLocks))]
	mu.Lock()
	return mu.Unlock
}

// updateIndex applies fn to the user's index together with the writes in also (Manager.update: all
// at once on an Updater storage, else the writes then the index), under a per-user mutex.
// fn reports whether it changed anything; an unchanged index is not written.
func (m *Manager) updateIndex(userID string, fn func(ix *userIndex) bool, also ...Write) error {
	unlock := m.userLock(userID)
	defer unlock()
	err := m.update(m.indexKey(userID), func(old []byte) ([]byte, time.Duration, error) {
		ix := decodeIndex(old)
		switch {
		case fn(&ix):
			return ix.encode(), 0, nil
		case len(also) > 0:
			return old, 0, nil // the other writes still happen
		}
		return nil, 0, errUnchanged // nothing to write
	}, also...)
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

func (m *Manager) readIndex(userID string) (userIndex, error) {
	raw, err := m.store.Get(m.indexKey(userID))
	if err != nil {
		return userIndex{}, storageErr("reading the session index", err)
	}
	return decodeIndex(raw), nil
}

// indexLineLen is the length of a logged-in session's line in an index: its key, and the time it
// was added and its expiry in ten digits each (until the year 2286), with separators.
const indexLineLen = userKeyLen + 23

// indexAdd records entry as a session of userID (dropping replaced, the key it rotates from),
// together with the writes in also, and verifies the index (pruning dead entries, logging out the
// oldest sessions beyond Config.MaxSessionsPerUser) when it has grown. With an Appender it is one
// append, and the index is not read unless its length says it has grown past the limit or to a
// power of two (which amortises pruning without knowing the verified size); with an Updater one
// read-modify-write; otherwise the writes in order, then the index under the per-user mutex.
func (m *Manager) indexAdd(userID string, entry indexEntry, replaced string, also ...Write) error {
	limit := m.cfg.MaxSessionsPerUser
	if limit <= 0 {
		limit = int(^uint(0) >> 1)
	}
	var grown bool
	if m.appender != nil {
		n, err := m.appender.Append(m.indexKey(userID), entry.line(nil), also...)
		if err != nil {
			return storageErr("adding to the session index", err)
		}
		lines := n / indexLineLen
		grown = lines > limit || (lines >= pruneSlack && lines&(lines-1) == 0)
	} else {
		now := m.now().Unix()
		err := m.updateIndex(userID, func(cur *userIndex) bool {
			if replaced != "" {
				cur.E = slices.DeleteFunc(cur.E, func(e indexEntry) bool { return e.K == replaced })
			}
			cur.E = append(cur.E, entry)
			grown = cur.needsPrune(now) || len(cur.E) > limit
			return true
		}, also...)
		if err != nil {
			return storageErr("adding to the session index", err)
		}
	}
	if grown {
		// Best effort: a failed prune leaves dead entries (harmless, pruned later) or one session
		// too many (logged out at the next login).
		if live, err := m.verifyIndex(userID, entry.K); err == nil {
			m.trimSessions(userID, live)
		}
	}
	return nil
}

// trimSessions logs out the oldest (first logged in) of live, the user's sessions other than the
// one just logged in, beyond Config.MaxSessionsPerUser; of sessions logged in within the same
// second, those listed first (in the index: added first). Best effort, like the pruning.
func (m *Manager) trimSessions(userID string, live []liveSession) {
	extra := len(live) + 1 - m.cfg.MaxSessionsPerUser
	if m.cfg.MaxSessionsPerUser <= 0 || extra <= 0 {
		return
	}
	slices.SortStableFunc(live, func(a, b liveSession) int { return cmp.Compare(a.rec.C, b.rec.C) })
	keys := make([]string, extra)
	for i, l := range live[:extra] {
		keys[i] = l.key
	}
	// Best effort, once: the sessions were just listed, and one that rotates meanwhile is trimmed at
	// the user's next login.
	_ = m.deleteSessions(userID, keys)
}

// liveSession is an index entry whose row exists.
type liveSession struct {
	key string
	rec record
}

// verifyIndex reads every session of the user's index, drops the dead entries from the index, and
// returns the live sessions. skip is a key known to be live (not read again, not returned).
func (m *Manager) verifyIndex(userID, skip string) ([]liveSession, error) {
	ix, err := m.readIndex(userID)
	if err != nil {
		return nil, err
	}
	now := m.now().Unix()
	keys := make([]string, 0, len(ix.E))
	for _, e := range ix.E {
		if e.K != skip {
			keys = append(keys, m.cfg.KeyPrefix+e.K)
		}
	}
	vals, err := m.getMany(keys)
	if err != nil {
		return nil, storageErr("reading a session", err)
	}
	var live []liveSession
	dead := map[string]bool{}
	hints := map[string]int64{}
	for _, e := range ix.E {
		if e.K == skip {
			continue
		}
		raw := vals[0]
		vals = vals[1:]
		rec, ok := decodeRecord(raw, now)
		if !ok || rec.U != userID {
			// Dead: logged out, expired, or moved to another user.
			dead[e.K] = true
			continue
		}
		hints[e.K] = rec.X
		live = append(live, liveSession{key: e.K, rec: rec})
	}
	if !ix.refresh(dead, hints) {
		return live, nil // the snapshot needs no change: no write
	}
	// Best effort: should this write fail, the dead entries stay and are pruned another time.
	_ = m.updateIndex(userID, func(ix *userIndex) bool { return ix.refresh(dead, hints) })
	return live, nil
}

// liveSessions returns the live sessions of userID: by key prefix on a PrefixScanner, else from the
// index (pruning its dead entries on the way).
func (m *Manager) liveSessions(userID string) ([]liveSession, error) {
	if m.scanner != nil {
		return m.scanUser(userID)
	}
	return m.verifyIndex(userID, "")
}

// scanUser returns the live sessions of userID found by their key prefix on a PrefixScanner.
func (m *Manager) scanUser(userID string) ([]liveSession, error) {
	tag, err := m.userTag(userID)
	if err != nil {
		return nil, err
	}
	keys, vals, err := m.scanner.ScanPrefix(m.cfg.KeyPrefix + tag + string(tagSep))
	if err != nil {
		return nil, storageErr("listing the user's sessions", err)
	}
	now := m.now().Unix()
	live := make([]liveSession, 0, len(keys))
	for i, k := range keys {
		key, ok := strings.CutPrefix(k, m.cfg.KeyPrefix)
		if !ok || !validKey(key) {
			continue // not ours: a PrefixScanner that returned a key outside the prefix
		}
		// Two users whose tags collide (a chance of 2^-80 per pair) each see only their own.
		if rec, ok := decodeRecord(vals[i], now); ok && rec.U == userID {
			live = append(live, liveSession{key: key, rec: rec})
		}
	}
	return live, nil
}

// removeRounds bounds how often removeSessions looks again for sessions that appeared while it ran.
const removeRounds = 8

// removeSessions deletes the sessions of userID selected by drop and reports how many the first look
// selected. It looks again until a look selects nothing (at most removeRounds times): a session that
// rotated to a new key between a look and its deletion (CycleKey, UpdateAuthHash) is caught by the
// next look rather than surviving "log out everywhere".
func (m *Manager) removeSessions(userID string, drop func(key string) bool) (int, error) {
	first := -1
	for range removeRounds {
		n, err := m.removeOnce(userID, drop)
		if first < 0 {
			first = n
		}
		if err != nil || n == 0 {
			return first, err
		}
	}
	return first, nil
}

// removeOnce is one look of removeSessions. On the index path an entry is removed from the index only
// after its row was deleted, so a failure never leaves a live session that the index forgot.
func (m *Manager) removeOnce(userID string, drop func(key string) bool) (int, error) {
	keys, err := m.userKeys(userID)
	if err != nil {
		return 0, err
	}
	keys = slices.DeleteFunc(keys, func(k string) bool { return !drop(k) })
	if len(keys) == 0 {
		return 0, nil
	}
	return len(keys), m.deleteSessions(userID, keys)
}

// deleteSessions deletes the rows of the user's session keys, then (on the index path) their index
// entries: a failure never leaves a live session that the index forgot.
func (m *Manager) deleteSessions(userID string, keys []string) error {
	rows := make([]string, len(keys))
	dropped := make(map[string]bool, len(keys))
	for i, k := range keys {
		rows[i] = m.cfg.KeyPrefix + k
		dropped[k] = true
	}
	if err := m.deleteAll(rows); err != nil {
		return storageErr("deleting sessions", err)
	}
	if m.scanner == nil {
		// The rows are gone: those sessions are logged out. Should this index update fail, only dead
		// entries stay behind, which are pruned later; so its error is not the caller's concern.
		_ = m.updateIndex(userID, func(ix *userIndex) bool {
			n := len(ix.E)
			ix.E = slices.DeleteFunc(ix.E, func(e indexEntry) bool { return dropped[e.K] })
			ix.N = min(ix.N, len(ix.E))
			return len(ix.E) != n
		})
	}
	return nil
}

// userKeys returns the session keys of userID: the live ones found by key prefix on a PrefixScanner,
// else those its index lists (dead ones included).
func (m *Manager) userKeys(userID string) ([]string, error) {
	var keys []string
	if m.scanner != nil {
		live, err := m.scanUser(userID)
		for _, l := range live {
			keys = append(keys, l.key)
		}
		return keys, err
	}
	ix, err := m.readIndex(userID)
	for _, e := range ix.E {
		keys = append(keys, e.K)
	}
	return keys, err
}

func storageErr(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrStorage, what, err)
}
