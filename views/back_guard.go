package views

import (
	"html/template"

	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// BackGuardScript is the JavaScript of BackGuard. When the browser shows the
// page again from its back/forward cache (pageshow with persisted) or from
// its HTTP cache on a history navigation (a back_forward navigation that
// transferred nothing), it hides the page and loads its address again in
// place (location.replace: a GET, so a page that answered a form is not
// posted again), and the server answers for whoever is logged in now.
const BackGuardScript = `addEventListener("pageshow",function(e){var n=performance.getEntriesByType("navigation")[0];` +
	`if(e.persisted||n&&n.type==="back_forward"&&n.transferSize===0){document.documentElement.style.display="none";location.replace(location.href)}})`

// BackGuardCSP is the Content-Security-Policy source that allows
// BackGuardScript as an inline script, for a site that sends a policy:
// script-src 'self' plus this value.
const BackGuardCSP = "'sha256-zMKHpY6+J1Lto5fKUmSfyMWqMGR22dABJp5AbEZxV2o='"

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
	if _, anonymous := user.(AnonymousUser); anonymous {
		return ""
	}
	if n := cspNonce(c); n != "" {
		return template.HTML(`<script nonce="` + n + `">` + BackGuardScript + "</script>")
	}
	return backGuardHTML
}

// cspNonce is the response's nonce when the site's policy uses one, else "".
func cspNonce(c *fiber.Ctx) string {
	if security.HasNonce(c) {
		return security.Nonce(c)
	}
	return ""
}
