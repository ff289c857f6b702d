package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTrustedProxies: with -trusted-proxies, a request the proxy marks
// https (X-Forwarded-Proto) gets the https-only checks: its Origin must be
// https, and an https next is followed; without the flag the same header
// from a client changes nothing.
func TestTrustedProxies(t *testing.T) {
	cases := []struct {
		name, proxies, origin, next string
		status                      int
		location                    string
	}{
		{"trusted proxy, https origin: logged in, https next followed", "127.0.0.1", "https://HOST", "https://HOST/accounts/profile/", 302, "https://HOST/accounts/profile/"},
		{"trusted proxy: an http next is refused on https", "127.0.0.1", "https://HOST", "http://HOST/accounts/profile/", 302, "/home/"},
		{"trusted proxy, http origin: refused (scheme)", "127.0.0.1", "http://HOST", "/home/", 403, ""},
		{"trusted range", "127.0.0.0/8", "https://HOST", "https://HOST/accounts/profile/", 302, "https://HOST/accounts/profile/"},
		{"no trusted proxy: the header changes nothing, https origin refused", "", "https://HOST", "/home/", 403, ""},
		{"no trusted proxy: http next followed on http", "", "http://HOST", "http://HOST/accounts/profile/", 302, "http://HOST/accounts/profile/"},
		{"another proxy trusted", "10.0.0.1", "https://HOST", "/home/", 403, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, base := startSiteWith(t, func(o *siteOptions) { o.proxy = proxyConfig(tc.proxies) })
			host := strings.TrimPrefix(base, "http://")
			origin := strings.ReplaceAll(tc.origin, "HOST", host)
			cl := newSiteClient(t, base, "proxy-test")
			tok := cl.token("/accounts/login/")
			next := strings.ReplaceAll(tc.next, "HOST", host)
			r := cl.do(http.MethodPost, "/accounts/login/?next="+url.QueryEscape(next), url.Values{
				"username": {"demo"}, "password": {"demo"}, "csrfmiddlewaretoken": {tok},
			}, http.Header{"Origin": {origin}, "X-Forwarded-Proto": {"https"}})
			want := strings.ReplaceAll(tc.location, "HOST", host)
			if r.status != tc.status || r.header.Get("Location") != want {
				t.Errorf("%d Location %q, want %d %q", r.status, r.header.Get("Location"), tc.status, want)
			}
		})
	}
	t.Run("a bad list is a usage error", func(t *testing.T) {
		if _, err := parseFlags([]string{"-trusted-proxies", "not an address"}, new(strings.Builder)); err == nil {
			t.Error("-trusted-proxies accepted a bad address")
		}
	})
}
