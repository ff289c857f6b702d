package security

import (
	"errors"
	"testing"

	"github.com/fiberviews/fiberviews/internal/formvalue"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

func TestMasking(t *testing.T) {
	for range 200 {
		secret := randomString(secretLen)
		a, b := mask(secret), mask(secret)
		if a == b || len(a) != tokenLen || checkFormat(a, tokenLen) != nil {
			t.Fatalf("tokens %q %q for %q", a, b, secret)
		}
		if unmask(a) != secret || unmask(b) != secret {
			t.Fatalf("unmask(%q) = %q, want %q", a, unmask(a), secret)
		}
		if !matches(a, secret) || !matches(secret, secret) || matches(a, randomString(secretLen)) {
			t.Fatal("matches")
		}
	}
	// Every character of the alphabet shows up: the draw is not biased out of some.
	seen := map[rune]bool{}
	for _, r := range randomString(5000) {
		seen[r] = true
	}
	if len(seen) != len(chars) {
		t.Fatalf("%d distinct characters, want %d", len(seen), len(chars))
	}
}

// FuzzCheckCSRF sends arbitrary CSRF inputs (cookie, form token, header
// token, Origin, Sec-Fetch-Site, Host, content type) to a handler refusing
// what Check refuses. Properties: no panic; an unsafe request passes only
// with a well-formed secret cookie and a token that matches it, and never
// with a cross-site Sec-Fetch-Site from an untrusted origin; a refusal wraps
// one of the ErrCSRF* errors.
func FuzzCheckCSRF(f *testing.F) {
	secret := "abcdefghijklmnopqrstuvwxyzABCDEF"
	good := mask(secret)
	f.Add(uint8(1), secret, good, "", "", "", "example.com", "application/x-www-form-urlencoded")
	f.Add(uint8(1), secret, "", good, "https://example.com", "same-origin", "example.com", "")
	f.Add(uint8(1), good, secret, "", "", "", "example.com", "application/x-www-form-urlencoded")
	f.Add(uint8(2), secret, "", secret, "https://evil.example", "", "example.com", "")
	f.Add(uint8(1), secret, good, "", "", "cross-site", "example.com", "application/x-www-form-urlencoded")
	f.Add(uint8(4), "", "", "", "null", "", "", "multipart/form-data; boundary=x")
	f.Add(uint8(1), "é"+secret[2:], "\x00"+good[1:], "", "", "", "example.com", "application/x-www-form-urlencoded")
	p, err := NewCSRF(CSRFConfig{TrustedOrigins: []string{"https://trusted.example"}}, nil)
	if err != nil {
		f.Fatal(err)
	}
	app := fiber.New()
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
		c := app.AcquireCtx(&ctx)
		defer app.ReleaseCtx(c)
		err := p.Check(c)
		if err != nil {
			for _, e := range []error{ErrCSRFCrossOrigin, ErrCSRFOriginMismatch, ErrCSRFCookieMissing,
				ErrCSRFCookieMalformed, ErrCSRFTokenMissing, ErrCSRFTokenMalformed, ErrCSRFTokenIncorrect} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("%s: %v wraps none of the ErrCSRF* errors", method, err)
		}
		if method == "GET" || method == "HEAD" || method == "OPTIONS" {
			return
		}
		switch fetchSite {
		case "", "same-origin", "none":
		default:
			if origin != "https://trusted.example" {
				t.Fatalf("accepted with Sec-Fetch-Site %q and Origin %q", fetchSite, origin)
			}
		}
		s := c.Cookies(DefaultCSRFCookieName)
		if len(s) == tokenLen && checkFormat(s, tokenLen) == nil {
			s = unmask(s)
		}
		if checkFormat(s, secretLen) != nil {
			t.Fatalf("accepted with a malformed cookie %q", cookie)
		}
		tok := formvalue.Post(c, CSRFFieldName)
		if tok == "" || method != "POST" {
			tok = c.Get(DefaultCSRFHeaderName)
		}
		if checkFormat(tok, secretLen, tokenLen) != nil || !matches(tok, s) {
			t.Fatalf("accepted token %q for cookie %q", tok, cookie)
		}
	})
}
