package views

import (
	"reflect"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
)

// Context keys views add to every render (on top of templates' request_path
// and resolver_match).
const (
	keyUser            = "user"             // CurrentUser(c)
	keyUserID          = "user_id"          // the session's user id, "" when anonymous
	keyIsAuthenticated = "is_authenticated" // bool
	keyCSRFToken       = "csrf_token"       // CSRFToken(c)
	keyCSRFInput       = "csrf_input"       // the hidden input, template.HTML
	keySiteName        = "site_name"        // Config.SiteName
	keyBackGuard       = "back_guard"       // BackGuard(c), for a layout's <head>
	keyMessages        = "messages"         // messages.For(c), the request's messages
)

// Render renders the template name as the response with the given status,
// like templates.Respond, with the request context every page needs (Django's
// context processors): request_path, resolver_match, user, user_id,
// is_authenticated, csrf_token, csrf_input, site_name, back_guard, messages
// (package views/messages, read only when the template ranges over them),
// then the keys of the engine's processors, then data (data wins).
//
// A missing template or a failed render is logged and returned as the error
// (a *templates.TemplateDoesNotExist names the places searched); Fiber's
// error handler then answers 500.
func Render(c *fiber.Ctx, status int, name string, data map[string]any) error {
	return templates.Respond(c, status, name, data, RequestContext)
}

// RequestContext is the context processor of views: the user and CSRF keys
// of Render, for templates.Respond or templates.Config.Processors users. On
// the library's error pages (ErrorHandler's and the CSRF failure page) the
// token is the request's own secret, masked, or "" without one: an error
// answer never sets a new CSRF cookie, which would replace the visitor's
// when the request's cookies were not read (a request the parser refused),
// and break every form open in the browser.
func RequestContext(c *fiber.Ctx) (map[string]any, error) {
	user, id, err := currentUser(c)
	if err != nil {
		return nil, err
	}
	_, anonymous := user.(AnonymousUser)
	if anonymous {
		id = "" // LoadUser found no such user
	}
	s := settings(c)
	token := ""
	if c.Locals(errorPageKey{}) == nil {
		token = s.csrf.Token(c)
	} else {
		token = s.csrf.TokenIfSet(c)
	}
	return map[string]any{
		keyUser:            user,
		keyUserID:          id,
		keyIsAuthenticated: !anonymous,
		keyCSRFToken:       token,
		keyCSRFInput:       csrfInput(token),
		keySiteName:        s.SiteName,
		keyBackGuard:       backGuardFor(user),
		keyMessages:        messages.For(c),
	}, nil
}

// AnonymousUser is the "user" of a request no one is logged in to (Django's
// AnonymousUser).
type AnonymousUser struct {
	// Username is always empty; it is here so that {{ .user.Username }}
	// renders "" rather than failing.
	Username string
}

// IsAuthenticated is false.
func (AnonymousUser) IsAuthenticated() bool { return false }

// IsAnonymous is true.
func (AnonymousUser) IsAnonymous() bool { return true }

// String returns "AnonymousUser".
func (AnonymousUser) String() string { return "AnonymousUser" }

// SessionUser is the "user" of a logged-in request when Config.LoadUser is
// not set: all that is known is the id the session holds.
type SessionUser struct {
	ID string // the user id the session holds
}

// IsAuthenticated is true.
func (SessionUser) IsAuthenticated() bool { return true }

// IsAnonymous is false.
func (SessionUser) IsAnonymous() bool { return false }

// String returns the id.
func (u SessionUser) String() string { return u.ID }

// userCache remembers the loaded user for the session user id it was
// loaded for, so that a login or logout during the request is seen.
type userCache struct {
	id   string
	user any
}

type userKey struct{}

// errorPageKey marks, in c.Locals, a request answered with an error page.
type errorPageKey struct{}

// CurrentUser returns the request's user (Django's request.user): an
// AnonymousUser when no one is logged in (or Config.LoadUser returned nil),
// else the value of Config.LoadUser, or a SessionUser when LoadUser is not
// set. The value is loaded once per request and user id. The response then
// varies on Cookie and, for a logged-in user, is Cache-Control: private
// unless the view set Cache-Control (IsAuthenticated does the same).
func CurrentUser(c *fiber.Ctx) (any, error) {
	user, _, err := currentUser(c)
	return user, err
}

// currentUser is CurrentUser with the session's user id ("" when anonymous).
func currentUser(c *fiber.Ctx) (any, string, error) {
	id, ok := session.UserID(c)
	usedSession(c, ok)
	if !ok {
		return AnonymousUser{}, "", nil
	}
	if uc, ok := c.Locals(userKey{}).(*userCache); ok && uc.id == id {
		return uc.user, id, nil
	}
	var user any = SessionUser{ID: id}
	if load := settings(c).LoadUser; load != nil {
		u, err := load(c, id)
		if err != nil {
			return nil, "", err
		}
		user = u
		if isNil(u) {
			user = AnonymousUser{}
		}
	}
	c.Locals(userKey{}, &userCache{id: id, user: user})
	return user, id, nil
}

// isNil reports whether v is nil or a nil pointer, map, slice or func (a
// LoadUser returning (*User)(nil), nil means "no such user" too).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Interface, reflect.Chan:
		return rv.IsNil()
	}
	return false
}

// usedSession marks the response as depending on the session cookie
// (Vary: Cookie, as Django's SessionMiddleware does when a view read the
// session) and, when someone is logged in, as private to their browser
// (Cache-Control: private) unless the view set its own Cache-Control: a
// shared cache must not hand a page naming a user to anyone else.
func usedSession(c *fiber.Ctx, loggedIn bool) {
	c.Vary(fiber.HeaderCookie)
	if loggedIn && len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "private")
	}
}

// IsAuthenticated reports whether someone is logged in to the request:
// the session holds a user id and, with Config.LoadUser, that user still
// exists.
func IsAuthenticated(c *fiber.Ctx) (bool, error) {
	_, ok := session.UserID(c)
	usedSession(c, ok)
	if !ok {
		return false, nil
	}
	if settings(c).LoadUser == nil {
		return true, nil
	}
	user, err := CurrentUser(c)
	if err != nil {
		return false, err
	}
	_, anonymous := user.(AnonymousUser)
	return !anonymous, nil
}
