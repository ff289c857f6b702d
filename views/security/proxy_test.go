package security_test

import (
	"errors"
	"testing"

	"github.com/fiberviews/fiberviews/views/security"
)

func newProxy(t *testing.T, cfg security.ProxyConfig) *security.Proxy {
	t.Helper()
	p, err := security.NewProxy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProxyScheme(t *testing.T) {
	fwd := security.ProxyConfig{SchemeHeader: "X-Forwarded-Proto"}
	cases := []struct {
		name string
		cfg  *security.ProxyConfig // nil: a nil *Proxy
		req  req
		want string
	}{
		{"no setting: the header changes nothing", nil, req{headers: []string{"X-Forwarded-Proto", "https"}}, "http"},
		{"zero setting: neither", &security.ProxyConfig{}, req{headers: []string{"X-Forwarded-Proto", "https", "X-Forwarded-Ssl", "on"}}, "http"},
		{"another header than the one named", &fwd, req{headers: []string{"X-Url-Scheme", "https"}}, "http"},
		{"the header named", &fwd, req{headers: []string{"X-Forwarded-Proto", "https"}}, "https"},
		{"its first value counts", &fwd, req{headers: []string{"X-Forwarded-Proto", "HTTPS, http"}}, "https"},
		{"http", &fwd, req{headers: []string{"X-Forwarded-Proto", "http"}}, "http"},
		{"custom value", &security.ProxyConfig{SchemeHeader: "X-Forwarded-Ssl", SchemeValue: "on"}, req{headers: []string{"X-Forwarded-Ssl", "on"}}, "https"},
		{"from a listed proxy", &security.ProxyConfig{SchemeHeader: "X-Forwarded-Proto", Proxies: []string{"10.0.0.0/8"}},
			req{remote: "10.1.2.3:5000", headers: []string{"X-Forwarded-Proto", "https"}}, "https"},
		{"from a client that is no listed proxy", &security.ProxyConfig{SchemeHeader: "X-Forwarded-Proto", Proxies: []string{"10.0.0.1"}},
			req{remote: "192.0.2.7:5000", headers: []string{"X-Forwarded-Proto", "https"}}, "http"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p *security.Proxy
			if tc.cfg != nil {
				p = newProxy(t, *tc.cfg)
			}
			tc.req.method = "GET"
			c := newCtx(t, tc.req)
			if got := p.Scheme(c); got != tc.want || p.IsSecure(c) != (tc.want == "https") {
				t.Fatalf("Scheme = %q (IsSecure %v), want %q", got, p.IsSecure(c), tc.want)
			}
		})
	}
}

func TestProxyClientIP(t *testing.T) {
	xff := security.ProxyConfig{IPHeader: "X-Forwarded-For"}
	listed := security.ProxyConfig{IPHeader: "X-Forwarded-For", Proxies: []string{"10.0.0.0/8", "192.0.2.1"}}
	cases := []struct {
		name string
		cfg  *security.ProxyConfig
		req  req
		want string
	}{
		{"no setting: the peer", nil, req{remote: "198.51.100.9:1", headers: []string{"X-Forwarded-For", "203.0.113.5"}}, "198.51.100.9"},
		{"the last entry the proxy appended", &xff, req{remote: "10.0.0.2:1", headers: []string{"X-Forwarded-For", "6.6.6.6, 203.0.113.5"}}, "203.0.113.5"},
		{"listed proxies skipped from the right", &listed,
			req{remote: "10.0.0.2:1", headers: []string{"X-Forwarded-For", "6.6.6.6, 203.0.113.5, 192.0.2.1, 10.9.9.9"}}, "203.0.113.5"},
		{"a peer that is no proxy", &listed, req{remote: "198.51.100.9:1", headers: []string{"X-Forwarded-For", "203.0.113.5"}}, "198.51.100.9"},
		{"malformed header: the peer", &xff, req{remote: "10.0.0.2:1", headers: []string{"X-Forwarded-For", "not-an-ip"}}, "10.0.0.2"},
		{"no header: the peer", &xff, req{remote: "10.0.0.2:1"}, "10.0.0.2"},
		{"single-address header", &security.ProxyConfig{IPHeader: "X-Real-IP"}, req{remote: "10.0.0.2:1", headers: []string{"X-Real-IP", "2001:db8::1"}}, "2001:db8::1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p *security.Proxy
			if tc.cfg != nil {
				p = newProxy(t, *tc.cfg)
			}
			tc.req.method = "GET"
			if got := p.ClientIP(newCtx(t, tc.req)); got != tc.want {
				t.Fatalf("ClientIP = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNewProxyRefuses(t *testing.T) {
	for _, cfg := range []security.ProxyConfig{
		{SchemeValue: "on"},
		{Proxies: []string{"10.0.0.1"}},
		{SchemeHeader: "X-Forwarded-Proto", Proxies: []string{"10.0.0.300"}},
		{IPHeader: "X-Real-IP", Proxies: []string{"proxy.internal"}},
	} {
		if _, err := security.NewProxy(cfg); err == nil {
			t.Errorf("NewProxy(%+v) = nil error", cfg)
		}
	}
}

// TestCheckSchemeAndReferer: on https, Origin is compared as
// scheme://host[:port], and without Origin and Sec-Fetch-Site the Referer
// is checked as Django does.
func TestCheckSchemeAndReferer(t *testing.T) {
	proxy := newProxy(t, security.ProxyConfig{SchemeHeader: "X-Forwarded-Proto"})
	p, secret, tok := newCSRF(t, security.CSRFConfig{TrustedOrigins: []string{"https://partner.example", "https://*.corp.example"}}, proxy)
	https := []string{"X-Forwarded-Proto", "https"}
	h := func(kv ...string) []string { return append(append([]string{"X-CSRFToken", tok}, https...), kv...) }
	cases := []struct {
		name    string
		headers []string
		want    error
		reason  string
	}{
		{"https, Origin http://same-host", h("Origin", "http://example.com"), security.ErrCSRFOriginMismatch,
			"Origin checking failed - http://example.com does not match any trusted origins."},
		{"https, Origin https://same-host", h("Origin", "https://example.com"), nil, ""},
		{"https, Origin with the default port", h("Origin", "https://example.com:443"), nil, ""},
		{"https, Origin on another port", h("Origin", "https://example.com:8443"), security.ErrCSRFOriginMismatch,
			"Origin checking failed - https://example.com:8443 does not match any trusted origins."},
		{"https, no Origin, no Referer", h(), security.ErrCSRFBadReferer, "Referer checking failed - no Referer."},
		{"https, cross-site Referer", h("Referer", "https://evil.example/x"), security.ErrCSRFBadReferer,
			"Referer checking failed - https://evil.example/x does not match any trusted origins."},
		{"https, http Referer of this host", h("Referer", "http://example.com/form"), security.ErrCSRFBadReferer,
			"Referer checking failed - Referer is insecure while host is secure."},
		{"https, malformed Referer", h("Referer", "not a url"), security.ErrCSRFBadReferer, "Referer checking failed - Referer is malformed."},
		{"https, same-host Referer", h("Referer", "https://example.com/form"), nil, ""},
		{"https, trusted origin's Referer", h("Referer", "https://partner.example/p"), nil, ""},
		{"https, trusted wildcard Referer", h("Referer", "https://app.corp.example/p"), nil, ""},
		{"https, Sec-Fetch-Site same-origin needs no Referer", h("Sec-Fetch-Site", "same-origin"), nil, ""},
		{"http (no proxy header), no Referer", []string{"X-CSRFToken", tok}, nil, ""},
		{"http, Origin http://same-host", []string{"X-CSRFToken", tok, "Origin", "http://example.com"}, nil, ""},
		{"http, Origin https://same-host", []string{"X-CSRFToken", tok, "Origin", "https://example.com"}, security.ErrCSRFOriginMismatch,
			"Origin checking failed - https://example.com does not match any trusted origins."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Check(newCtx(t, req{method: "POST", cookie: secret, headers: tc.headers}))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) || err.Error() != tc.reason {
				t.Fatalf("Check = %v, want %q wrapping %v", err, tc.reason, tc.want)
			}
		})
	}
	t.Run("a client's X-Forwarded-Proto is not believed without the setting", func(t *testing.T) {
		plain, secret, tok := newCSRF(t, security.CSRFConfig{})
		c := newCtx(t, req{method: "POST", cookie: secret, headers: []string{"X-CSRFToken", tok, "X-Forwarded-Proto", "https", "Origin", "https://example.com"}})
		if err := plain.Check(c); !errors.Is(err, security.ErrCSRFOriginMismatch) {
			t.Fatalf("Check = %v, want ErrCSRFOriginMismatch (the request is http)", err)
		}
	})
	t.Run("a Referer under CookieDomain", func(t *testing.T) {
		p, secret, tok := newCSRF(t, security.CSRFConfig{CookieDomain: ".example.com"}, proxy)
		c := newCtx(t, req{method: "POST", host: "www.example.com", cookie: secret, headers: h("X-CSRFToken", tok, "Referer", "https://shop.example.com/")})
		if err := p.Check(c); err != nil {
			t.Fatalf("Check = %v, want nil", err)
		}
	})
}
