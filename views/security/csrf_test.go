package security_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/views/security"
)

// newCSRF returns a CSRF for cfg and a secret cookie with a token for it.
func newCSRF(t *testing.T, cfg security.CSRFConfig, proxy ...*security.Proxy) (p *security.CSRF, secret, token string) {
	t.Helper()
	p, err := security.NewCSRF(cfg, append(proxy, nil)[0])
	if err != nil {
		t.Fatal(err)
	}
	c := newCtx(t, req{method: "GET"})
	token = p.Token(c)
	ck := setCookie(c)
	if len(token) != 64 || ck == nil || len(ck.Value()) != 32 {
		t.Fatalf("token %q, cookie %v", token, ck)
	}
	return p, string(ck.Value()), token
}

func TestCheckAccepts(t *testing.T) {
	p, secret, tok := newCSRF(t, security.CSRFConfig{})
	other := p.Token(newCtx(t, req{method: "GET", cookie: secret}))
	if other == tok {
		t.Fatal("two tokens for one secret are equal: they must be masked afresh")
	}
	mpBody, mpType := multipartField("csrfmiddlewaretoken", tok)
	cases := []struct {
		name string
		req  req
	}{
		{"form field", req{method: "POST", body: "csrfmiddlewaretoken=" + tok}},
		{"form field, another mask of the same secret", req{method: "POST", body: "csrfmiddlewaretoken=" + other}},
		{"header", req{method: "POST", headers: []string{"X-CSRFToken", tok}}},
		{"header, name case-insensitive", req{method: "POST", headers: []string{"x-csrftoken", tok}}},
		{"multipart form field", req{method: "POST", body: mpBody, headers: []string{"Content-Type", mpType}}},
		{"unmasked secret in the header", req{method: "POST", headers: []string{"X-CSRFToken", secret}}},
		{"empty form field falls back to the header", req{method: "POST", body: "csrfmiddlewaretoken=", headers: []string{"X-CSRFToken", tok}}},
		{"PUT with header", req{method: "PUT", headers: []string{"X-CSRFToken", tok}}},
		{"PATCH with header", req{method: "PATCH", headers: []string{"X-CSRFToken", tok}}},
		{"DELETE with header", req{method: "DELETE", headers: []string{"X-CSRFToken", tok}}},
		{"same-origin fetch", req{method: "POST", headers: []string{"X-CSRFToken", tok, "Sec-Fetch-Site", "same-origin"}}},
		{"user typed the URL", req{method: "POST", headers: []string{"X-CSRFToken", tok, "Sec-Fetch-Site", "none"}}},
		{"Origin equal to Host", req{method: "POST", headers: []string{"X-CSRFToken", tok, "Origin", "http://example.com"}}},
		{"cookie holding a masked token (Django before 4.1)", req{method: "POST", cookie: other, headers: []string{"X-CSRFToken", tok}}},
		{"GET needs no cookie nor token", req{method: "GET"}},
		{"HEAD, OPTIONS and TRACE neither", req{method: "TRACE"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.req.cookie == "" && tc.req.method != "GET" && tc.req.method != "TRACE" {
				tc.req.cookie = secret
			}
			if err := p.Check(newCtx(t, tc.req)); err != nil {
				t.Fatalf("Check = %v, want nil", err)
			}
		})
	}
}

func TestCheckRejects(t *testing.T) {
	p, secret, tok := newCSRF(t, security.CSRFConfig{})
	wrong := strings.Repeat("a", 32) // well formed, not the secret
	form := func(tok string) string { return "csrfmiddlewaretoken=" + tok }
	cases := []struct {
		name   string
		req    req // cookie "" means the secret, "-" none
		want   error
		reason string
	}{
		{"no token", req{method: "POST"}, security.ErrCSRFTokenMissing, "CSRF token missing."},
		{"no cookie", req{method: "POST", cookie: "-", headers: []string{"X-CSRFToken", tok}},
			security.ErrCSRFCookieMissing, "CSRF cookie not set."},
		{"wrong token in form", req{method: "POST", body: form(wrong)}, security.ErrCSRFTokenIncorrect, "CSRF token from POST incorrect."},
		{"wrong token in header", req{method: "POST", headers: []string{"X-CSRFToken", wrong}},
			security.ErrCSRFTokenIncorrect, `CSRF token from the "X-CSRFToken" HTTP header incorrect.`},
		{"token of bad length", req{method: "POST", body: form(tok[:40])},
			security.ErrCSRFTokenMalformed, "CSRF token from POST has incorrect length."},
		{"token with bad characters", req{method: "POST", body: form(tok[:63] + "!")},
			security.ErrCSRFTokenMalformed, "CSRF token from POST has invalid characters."},
		{"token in a body whose type only starts like a form",
			req{method: "POST", body: form(tok), headers: []string{"Content-Type", "application/x-www-form-urlencodedXYZ"}},
			security.ErrCSRFTokenMissing, "CSRF token missing."},
		{"token in the query string only", req{method: "POST", target: "/?" + form(tok)}, security.ErrCSRFTokenMissing, "CSRF token missing."},
		{"malformed cookie", req{method: "POST", cookie: "short", headers: []string{"X-CSRFToken", tok}},
			security.ErrCSRFCookieMalformed, "CSRF cookie has incorrect length."},
		{"cookie with bad characters", req{method: "POST", cookie: strings.Repeat("-", 32), headers: []string{"X-CSRFToken", tok}},
			security.ErrCSRFCookieMalformed, "CSRF cookie has invalid characters."},
		{"cross-site request with a valid token",
			req{method: "POST", headers: []string{"X-CSRFToken", tok, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}},
			security.ErrCSRFCrossOrigin, "Cross-origin request detected from Sec-Fetch-Site header."},
		{"same-site (another subdomain) with a valid token",
			req{method: "POST", headers: []string{"X-CSRFToken", tok, "Sec-Fetch-Site", "same-site"}},
			security.ErrCSRFCrossOrigin, "Cross-origin request detected from Sec-Fetch-Site header."},
		{"old browser, foreign Origin", req{method: "POST", headers: []string{"X-CSRFToken", tok, "Origin", "https://evil.example"}},
			security.ErrCSRFOriginMismatch, "Origin checking failed - https://evil.example does not match any trusted origins."},
		{"Origin null", req{method: "POST", headers: []string{"X-CSRFToken", tok, "Origin", "null"}},
			security.ErrCSRFOriginMismatch, "Origin checking failed - null does not match any trusted origins."},
		{"DELETE without token", req{method: "DELETE"}, security.ErrCSRFTokenMissing, "CSRF token missing."},
		{"PUT with the token in a form body (only POST forms are read)", req{method: "PUT", body: form(tok)},
			security.ErrCSRFTokenMissing, "CSRF token missing."},
		{"PATCH with a wrong header", req{method: "PATCH", headers: []string{"X-CSRFToken", wrong}},
			security.ErrCSRFTokenIncorrect, `CSRF token from the "X-CSRFToken" HTTP header incorrect.`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			switch tc.req.cookie {
			case "":
				tc.req.cookie = secret
			case "-":
				tc.req.cookie = ""
			}
			err := p.Check(newCtx(t, tc.req))
			if !errors.Is(err, tc.want) || err.Error() != tc.reason {
				t.Fatalf("Check = %v, want %q wrapping %v", err, tc.reason, tc.want)
			}
		})
	}
}

func TestCheckTrustedOrigins(t *testing.T) {
	p, secret, tok := newCSRF(t, security.CSRFConfig{TrustedOrigins: []string{"https://partner.example", "https://*.corp.example"}})
	cases := []struct {
		name    string
		headers []string
		want    error
	}{
		{"trusted origin, cross-site", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://partner.example"}, nil},
		{"trusted origin, old browser", []string{"Origin", "https://partner.example"}, nil},
		{"trusted origin, case-insensitive", []string{"Origin", "HTTPS://Partner.Example"}, nil},
		{"wildcard subdomain", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://app.corp.example"}, nil},
		{"wildcard, deeper subdomain", []string{"Origin", "https://a.b.corp.example"}, nil},
		{"wildcard does not cover the bare domain", []string{"Origin", "https://corp.example"}, security.ErrCSRFOriginMismatch},
		{"wrong scheme", []string{"Origin", "http://partner.example"}, security.ErrCSRFOriginMismatch},
		{"other port", []string{"Origin", "https://partner.example:8443"}, security.ErrCSRFOriginMismatch},
		{"lookalike suffix", []string{"Origin", "https://evilcorp.example"}, security.ErrCSRFOriginMismatch},
		{"untrusted", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, security.ErrCSRFCrossOrigin},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Check(newCtx(t, req{method: "POST", cookie: secret, headers: append([]string{"X-CSRFToken", tok}, tc.headers...)}))
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Check = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestTokenCookie(t *testing.T) {
	cases := []struct {
		name     string
		cfg      security.CSRFConfig
		contains []string
		lacks    []string
	}{
		{"defaults", security.CSRFConfig{}, []string{"csrftoken=", "path=/", "HttpOnly", "SameSite=Lax", "max-age=31449600"}, []string{"secure"}},
		{"configured", security.CSRFConfig{CookieName: "xsrf", CookiePath: "/app", CookieDomain: "example.com", CookieSecure: true,
			CookieSameSite: "Strict", CookieAge: time.Hour, CookieReadableByScripts: true},
			[]string{"xsrf=", "path=/app", "domain=example.com", "secure", "SameSite=Strict", "max-age=3600"}, []string{"HttpOnly"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := security.NewCSRF(tc.cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := newCtx(t, req{method: "GET"})
			p.Token(c)
			sc := string(c.Response().Header.Peek("Set-Cookie"))
			for _, s := range tc.contains {
				if !strings.Contains(sc, s) {
					t.Errorf("Set-Cookie %q lacks %q", sc, s)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(sc, s) {
					t.Errorf("Set-Cookie %q has %q", sc, s)
				}
			}
			// With a valid cookie, a token sets no cookie again.
			name, value, _ := strings.Cut(strings.Split(sc, ";")[0], "=")
			again := newCtx(t, req{method: "GET", headers: []string{"Cookie", name + "=" + value}})
			p.Token(again)
			if sc := again.Response().Header.Peek("Set-Cookie"); sc != nil {
				t.Errorf("second token set a cookie again: %q", sc)
			}
		})
	}
}

func TestRotate(t *testing.T) {
	p, secret, old := newCSRF(t, security.CSRFConfig{})
	c := newCtx(t, req{method: "POST", cookie: secret})
	before := p.Token(c)
	p.Rotate(c)
	after := p.Token(c)
	ck := setCookie(c)
	if ck == nil || string(ck.Value()) == secret {
		t.Fatalf("Rotate did not set a new cookie: %v", ck)
	}
	cases := []struct {
		name, token string
		want        error
	}{
		{"token from before the rotation", old, security.ErrCSRFTokenIncorrect},
		{"token rendered before the rotation in the same request", before, security.ErrCSRFTokenIncorrect},
		{"token rendered after the rotation", after, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Check(newCtx(t, req{method: "POST", cookie: string(ck.Value()), headers: []string{"X-CSRFToken", tc.token}}))
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Check = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestNewCSRF(t *testing.T) {
	cases := []struct {
		name string
		cfg  security.CSRFConfig
		err  string
	}{
		{"zero", security.CSRFConfig{}, ""},
		{"trusted origins", security.CSRFConfig{TrustedOrigins: []string{"https://a.example", "https://*.b.example:8443"}}, ""},
		{"origin without scheme", security.CSRFConfig{TrustedOrigins: []string{"a.example"}}, `invalid origin "a.example": the scheme is required (https://a.example)`},
		{"origin with a path", security.CSRFConfig{TrustedOrigins: []string{"https://a.example/x"}}, "path, query and fragment are not allowed"},
		{"origin without host", security.CSRFConfig{TrustedOrigins: []string{"https://"}}, "the host is required"},
		{"unparsable origin", security.CSRFConfig{TrustedOrigins: []string{"https://a b"}}, "invalid origin"},
		{"bad SameSite", security.CSRFConfig{CookieSameSite: "loose"}, `CookieSameSite "loose": want Lax, Strict or None`},
		{"SameSite None without Secure", security.CSRFConfig{CookieSameSite: "None"}, "needs CookieSecure"},
		{"SameSite None with Secure", security.CSRFConfig{CookieSameSite: "none", CookieSecure: true}, ""},
		{"negative cookie age", security.CSRFConfig{CookieAge: -1}, "CookieAge is negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := security.NewCSRF(tc.cfg, nil)
			if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("NewCSRF = %v, want %q", err, tc.err)
			}
			if err == nil && (p.Config().CookieName != "csrftoken" || p.Config().HeaderName != "X-CSRFToken" || p.Config().CookiePath != "/") {
				t.Errorf("defaults not filled in: %+v", p.Config())
			}
		})
	}
}
