package views

import (
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// FuzzCheckCSRF sends arbitrary CSRF inputs (cookie, form token, header
// token, Origin, Sec-Fetch-Site, Host, content type) to a CSRF-protected
// handler. Properties: the answer is 200 or 403 (404 for a Host that breaks
// routing), never a panic or a 5xx; a
// 200 for an unsafe method only with a well-formed secret cookie and a token
// that matches it, and never for a cross-site Sec-Fetch-Site.
func FuzzCheckCSRF(f *testing.F) {
	secret := "abcdefghijklmnopqrstuvwxyzABCDEF"
	good := maskSecret(secret)
	f.Add(uint8(1), secret, good, "", "", "", "example.com", "application/x-www-form-urlencoded")
	f.Add(uint8(1), secret, "", good, "https://example.com", "same-origin", "example.com", "")
	f.Add(uint8(1), good, secret, "", "", "", "example.com", "application/x-www-form-urlencoded")
	f.Add(uint8(2), secret, "", secret, "https://evil.example", "", "example.com", "")
	f.Add(uint8(1), secret, good, "", "", "cross-site", "example.com", "application/x-www-form-urlencoded")
	f.Add(uint8(4), "", "", "", "null", "", "", "multipart/form-data; boundary=x")
	f.Add(uint8(1), "é"+secret[2:], "\x00"+good[1:], "", "", "", "example.com", "application/x-www-form-urlencoded")
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(Setup(Config{CSRF: CSRFConfig{TrustedOrigins: []string{"https://trusted.example"}}}))
	app.All("/x", CSRFProtect(func(c *fiber.Ctx) error { return c.SendString("ok") }))
	h := app.Handler()
	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
	f.Fuzz(func(t *testing.T, m uint8, cookie, formTok, headerTok, origin, fetchSite, host, ctype string) {
		method := methods[int(m)%len(methods)]
		var ctx fasthttp.RequestCtx
		req := &ctx.Request
		req.Header.SetMethod(method)
		req.SetRequestURI("/x")
		req.Header.SetHost(host)
		req.Header.SetCookie(DefaultCSRFCookieName, cookie)
		req.Header.Set(DefaultCSRFHeaderName, headerTok)
		req.Header.Set(fiber.HeaderOrigin, origin)
		req.Header.Set("Sec-Fetch-Site", fetchSite)
		req.Header.SetContentType(ctype)
		req.SetBodyString(CSRFFieldName + "=" + formTok)
		h(&ctx)
		status := ctx.Response.StatusCode()
		if status >= 500 || (status != 200 && status != 403 && status != 404) { // 404: a Host fasthttp cannot route
			t.Fatalf("%s: status %d: %s", method, status, ctx.Response.Body())
		}
		if status != 200 || isSafeMethod(method) {
			return
		}
		switch fetchSite {
		case "", "same-origin", "none":
		default:
			if origin != "https://trusted.example" {
				t.Fatalf("accepted with Sec-Fetch-Site %q and Origin %q", fetchSite, origin)
			}
		}
		s := cookie
		if len(s) == csrfTokenLen && tokenFormat(s, csrfTokenLen) == "" {
			s = unmaskToken(s)
		}
		if tokenFormat(s, csrfSecretLen) != "" {
			t.Fatalf("accepted with a malformed cookie %q", cookie)
		}
		tok := postValue(app.AcquireCtx(&ctx), CSRFFieldName)
		if tok == "" {
			tok = headerTok
		}
		if tokenFormat(tok, csrfSecretLen, csrfTokenLen) != "" || !tokenMatches(tok, s) {
			t.Fatalf("accepted token %q for cookie %q", tok, cookie)
		}
	})
}
