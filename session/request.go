package session

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// Login logs userID in on the request's session (Django's login): the session moves to a new key
// (no session fixation; the old key's row is deleted), its values are carried over — unless it
// belonged to another user, or to this user with a stale auth hash, in which case they are dropped —
// and the session is findable by Sessions, LogoutOthers and LogoutAll (its key starts with the user's
// tag; on storages without PrefixScanner it is also added to the user's index). The
// session is written before Login returns; the cookie is set when the request ends. On error the
// session is as it was, or anonymous (never half logged in). Errors wrap ErrEmptyUserID, ErrInvalidUserID,
// ErrNoMiddleware, ErrStorage or ErrAuthHash. An empty or invalid user id (not valid UTF-8, or longer
// than MaxUserIDLen bytes) is rejected before anything is read or changed: the session stays as it was.
func Login(c *fiber.Ctx, userID string) error {
	if err := checkUserID(userID); err != nil {
		return err
	}
	s, err := Get(c)
	if err != nil {
		return err
	}
	hash, err := s.m.authHash(userID)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := s.uid == "" || (s.uid == userID && s.hash == hash)
	return s.rotateLocked(userID, hash, keep, false)
}

// Logout logs the request out (Django's logout): the OnLogout hooks run first with the user id, while
// the session is intact; then the session's row is deleted, the cookie expired (same Path, Domain,
// Secure and SameSite as when set, Max-Age=0 and an Expires in the past), and the request is anonymous
// with an empty session. Replaying the old cookie later gets an anonymous session. Safe for an
// anonymous visitor (their session values, if any, are deleted; without a cookie nothing is done).
// On a storage error the session is unchanged (still logged in) and the error wraps ErrStorage.
func Logout(c *fiber.Ctx) error {
	s, err := Get(c)
	if err != nil {
		return err
	}
	if uid, ok := s.UserID(); ok {
		for _, h := range s.m.logoutHooks() {
			h(c, uid)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// On the index path the user's index keeps the dead entry until it is pruned (listing, logging
	// out, a later login): no extra write on the logout path.
	return s.destroyLocked()
}

// UserID returns the id of the request's logged-in user, or "" and false when the request is
// anonymous, has no session middleware, or its session could not be loaded.
func UserID(c *fiber.Ctx) (string, bool) {
	s, err := Get(c)
	if err != nil {
		return "", false
	}
	return s.UserID()
}

// Alive reports whether the request's session is logged in, and as whom,
// reading it without saving it: its expiry and "last seen" stay as they
// were (Config.TouchInterval does not apply), so a page that asks every few
// seconds whether its session still lives never keeps it alive. A session
// that ended (logged out, expired, its auth hash changed) answers false.
func Alive(c *fiber.Ctx) (string, bool) {
	c.Locals(noTouchKey, true)
	return UserID(c)
}

// authHash returns Config.AuthHash(userID), or "" without one.
func (m *Manager) authHash(userID string) (string, error) {
	if m.cfg.AuthHash == nil {
		return "", nil
	}
	h, err := m.cfg.AuthHash(userID)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrAuthHash, err)
	}
	return h, nil
}

// currentUser returns the request's session and its user, or ErrNotLoggedIn.
func currentUser(c *fiber.Ctx) (*Session, string, string, error) {
	s, err := Get(c)
	if err != nil {
		return nil, "", "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.uid == "" {
		return nil, "", "", ErrNotLoggedIn
	}
	return s, s.uid, s.key, nil
}

// Sessions returns the logged-in user's live sessions, most recently seen first, with Current set on
// the request's own. Errors wrap ErrNotLoggedIn, ErrNoMiddleware or ErrStorage.
func Sessions(c *fiber.Ctx) ([]Info, error) {
	s, uid, key, err := currentUser(c)
	if err != nil {
		return nil, err
	}
	infos, err := s.m.UserSessions(uid)
	if err != nil {
		return nil, err
	}
	cur := publicID(key)
	for i := range infos {
		infos[i].Current = infos[i].ID == cur
	}
	return infos, nil
}

// LogoutOthers logs out every other session of the logged-in user (e.g. after a password change),
// keeping the request's own. Logout hooks do not run. Errors wrap ErrNotLoggedIn, ErrNoMiddleware or
// ErrStorage; sessions that could not be deleted stay findable, so calling it again finishes the job.
func LogoutOthers(c *fiber.Ctx) error {
	s, uid, key, err := currentUser(c)
	if err != nil {
		return err
	}
	if err := s.m.checkUser(uid); err != nil {
		return err
	}
	_, err = s.m.removeSessions(uid, func(k string) bool { return k != key })
	return err
}

// LogoutSession logs out one of the logged-in user's sessions by its Info.ID ("log out that
// device"). Given the request's own session it behaves like Logout without hooks. Errors wrap
// ErrNotLoggedIn, ErrUnknownSession, ErrNoMiddleware or ErrStorage.
func LogoutSession(c *fiber.Ctx, id string) error {
	s, uid, key, err := currentUser(c)
	if err != nil {
		return err
	}
	if id == publicID(key) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.destroyLocked()
	}
	return s.m.LogoutUserSession(uid, id)
}

// UpdateAuthHash stores the logged-in user's current Config.AuthHash in the request's session and
// moves it to a new key (Django's update_session_auth_hash): call it after the user changed their
// password, so this session stays logged in while the others become anonymous. Without AuthHash it
// only cycles the key. Errors wrap ErrNotLoggedIn, ErrAuthHash, ErrStorage or ErrSessionDeleted (the
// session was logged out meanwhile by another request; the request is then anonymous).
func UpdateAuthHash(c *fiber.Ctx) error {
	s, uid, _, err := currentUser(c)
	if err != nil {
		return err
	}
	hash, err := s.m.authHash(uid)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.uid != uid {
		return ErrNotLoggedIn
	}
	return s.rotateLocked(uid, hash, true, true)
}
