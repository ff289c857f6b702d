// Package messages is Django's django.contrib.messages for Fiber: one-time
// messages ("You have been logged out.") that a handler adds before a
// redirect and the next page shows, once.
//
//	func logout(c *fiber.Ctx) error {
//		if err := session.Logout(c); err != nil {
//			return err
//		}
//		messages.Success(c, "You have been logged out.")
//		return c.Redirect("/home/", fiber.StatusFound)
//	}
//
// views.Render puts them in every template's context as "messages" (a List),
// which a layout shows with
//
//	{{ range .messages }}<p class="message {{ .Tags }}">{{ . }}</p>{{ end }}
//
// The text is escaped like any template value. Ranging marks the messages
// shown; a page that does not range over them (a JSON answer, a template
// without the block) leaves them for the next. Get does the same for a
// handler. views.LoginView and views.LogoutView add their SuccessMessage.
//
// # Levels
//
// Django's levels and tags: LevelDebug ("debug"), LevelInfo ("info"),
// LevelSuccess ("success"), LevelWarning ("warning"), LevelError ("error"),
// added with Debug, Info, Success, Warning and Error, or Add with any level
// and extra tags. Levels below Config.Level (LevelInfo by default, as
// Django's MESSAGE_LEVEL) are dropped.
//
// # Storage
//
// Messages live in a cookie named "messages" (Django's CookieStorage):
// JSON signed with HMAC-SHA256, HttpOnly, SameSite=Lax, for the browser's
// session. A request that adds or shows none reads nothing but its own
// Cookie header and sets no cookie; there is no server-side storage at all.
// A cookie that was changed, signed with another secret, malformed or longer
// than twice MaxCookieSize is ignored as if there were none (and replaced or
// expired when the request adds or shows messages): never an error page.
// When the messages do not fit in MaxCookieSize bytes the oldest are dropped,
// as Django's cookie storage does without a fallback.
//
// The secret is Config.Secret given to Setup: at least 32 random bytes from
// the site's configuration. Without Setup, or without a Secret, a random one
// is made when the program starts; messages then do not survive a restart
// (a message waiting in a browser during a restart is dropped, nothing
// fails), and a site served by several processes must set a shared Secret.
package messages
