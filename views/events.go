package views

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// Event is something that happened to an account (Django's
// user_logged_in, user_logged_out and user_login_failed signals, and
// more). Every event is logged (log/slog, INFO; failures and lockouts at
// WARN) and handed to Config.OnEvent. It never holds a password or a
// token.
type Event struct {
	// Kind is one of the Event* constants.
	Kind string
	// UserID is the user's id; "" for a failed login (the user may not
	// exist).
	UserID string
	// Username is the name a login tried, for failed logins and lockouts.
	Username string
	// ClientIP is the client's address (ClientIP).
	ClientIP string
}

// The kinds of Event.
const (
	EventLogin          = "login"           // a successful login
	EventLoginFailed    = "login_failed"    // wrong credentials
	EventLockout        = "lockout"         // a login refused by Config.LoginThrottle
	EventLogout         = "logout"          // this session logged out
	EventLogoutOthers   = "logout_others"   // the user's other sessions logged out
	EventLogoutSession  = "logout_session"  // one other session logged out (SessionsView)
	EventPasswordChange = "password_change" // the password changed (the other sessions are logged out)
	EventPasswordReset  = "password_reset"  // the password was reset from an email link
	EventSignup         = "signup"          // an account was created
)

// emit logs e and hands it to Config.OnEvent.
func emit(c *fiber.Ctx, kind, userID, username string) {
	s := settings(c)
	e := Event{Kind: kind, UserID: userID, Username: username, ClientIP: s.proxy.ClientIP(c)}
	level := slog.LevelInfo
	if kind == EventLoginFailed || kind == EventLockout {
		level = slog.LevelWarn
	}
	attrs := []any{"event", e.Kind, "ip", e.ClientIP}
	if e.UserID != "" {
		attrs = append(attrs, "user", e.UserID)
	}
	if e.Username != "" {
		attrs = append(attrs, "username", e.Username)
	}
	s.logger.Log(c.UserContext(), level, "auth event", attrs...)
	if s.OnEvent != nil {
		s.OnEvent(c, e)
	}
}
