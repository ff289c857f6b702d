package views

import (
	"html/template"

	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// BackGuardScript is the JavaScript of BackGuard on a logged-in page.
//
// When the browser shows the page again from its back/forward cache
// (pageshow with persisted) or from its HTTP cache on a history navigation
// (a back_forward navigation that transferred nothing), it hides the page
// and loads its address again in place (location.replace: a GET, so a page
// that answered a form is not posted again), and the server answers for
// whoever is logged in now.
//
// It does the same as soon as the session ends elsewhere: at once when
// another tab of this browser renders a page for no one (logoutScript posts
// "out" on the BroadcastChannel "fiberviews-session"), and within
// sessionPollEvery while the page is visible, or when it becomes visible
// again, when SessionStatusPath says the session has ended (a logout on
// another device, "log out everywhere", a password change or reset). The
// check is a GET answered by Setup without rendering or saving anything.
const BackGuardScript = `addEventListener("pageshow",function(e){var n=performance.getEntriesByType("navigation")[0];` +
	`if(e.persisted||n&&n.type==="back_forward"&&n.transferSize===0){document.documentElement.style.display="none";location.replace(location.href)}});` +
	`(function(){function o(){document.documentElement.style.display="none";location.replace(location.href)}` +
	`var b=self.BroadcastChannel&&new BroadcastChannel("fiberviews-session");if(b)b.onmessage=function(e){if(e.data==="out")o()};` +
	`function c(){if(document.visibilityState==="visible")fetch("` + SessionStatusPath + `",{credentials:"same-origin",cache:"no-store"})` +
	`.then(function(r){if(r.status===401)o()},function(){})}setInterval(c,5000);document.addEventListener("visibilitychange",c)})()`

// logoutScript is what a page rendered for no one runs: it tells this
// browser's other tabs that the session has ended.
const logoutScript = `self.BroadcastChannel&&new BroadcastChannel("fiberviews-session").postMessage("out")`

// SessionStatusPath is the address Setup answers for BackGuardScript's
// check: 204 while the request's session is logged in, 401 once it is not;
// it reads the session without refreshing it, renders nothing, and answers
// no one about another's session.
const SessionStatusPath = "/.fiberviews/session"

// BackGuardCSP is the Content-Security-Policy source that allows
// BackGuardScript and the logged-out pages' script as inline scripts, for a
// site that sends a policy without nonces: script-src 'self' plus this
// value (Config.CSP's nonce covers them otherwise).
const BackGuardCSP = "'sha256-PCOssDIJ1U2jEQfQ6w2EdLT0RznkWTjhXXREnv6v3JM=' 'sha256-kAVi84a6AmgGqVkzjNr3lUO0L1cc0mTWe56LBvhPVQY='"

// backGuardHTML is BackGuardScript in its script element.
const backGuardHTML = template.HTML("<script>" + BackGuardScript + "</script>")

// BackGuard returns the script element that keeps the Back button from
// showing a page rendered for a logged-in user after a logout, or "" when no
// one is logged in to c. Browsers keep pages in a back/forward cache and
// show them again on Back without asking the server, even pages sent with
// Cache-Control: no-store; the script reloads such a page from the server.
// For a logged-in user, Back to such a page then costs one request, as it
// did before browsers kept no-store pages. Render puts it in the context as
// back_guard; a layout writes {{ .back_guard }} in its <head>, as the
// default layout does. When the user cannot be loaded it returns the script
// too.
func BackGuard(c *fiber.Ctx) template.HTML {
	user, err := CurrentUser(c)
	if err != nil {
		return backGuardFor(c, SessionUser{})
	}
	return backGuardFor(c, user)
}

// backGuardFor is BackGuard for a loaded user; under a Content-Security-Policy
// with a nonce, the script carries it.
func backGuardFor(c *fiber.Ctx, user any) template.HTML {
	script := BackGuardScript
	if _, anonymous := user.(AnonymousUser); anonymous {
		if c.Locals(errorPageKey{}) != nil {
			return "" // an error page says nothing of the session
		}
		script = logoutScript
	}
	if n := cspNonce(c); n != "" {
		return template.HTML(`<script nonce="` + n + `">` + script + "</script>")
	}
	if script == BackGuardScript {
		return backGuardHTML
	}
	return template.HTML("<script>" + script + "</script>")
}

// cspNonce is the response's nonce when the site's policy uses one, else "".
func cspNonce(c *fiber.Ctx) string {
	if security.HasNonce(c) {
		return security.Nonce(c)
	}
	return ""
}
