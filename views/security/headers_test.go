package security_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/views/security"
)

func TestHeaders(t *testing.T) {
	defaults := map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin", "Strict-Transport-Security": ""}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range defaults {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	proxy := newProxy(t, security.ProxyConfig{SchemeHeader: "X-Forwarded-Proto"})
	https := []string{"X-Forwarded-Proto", "https"}
	year := 365 * 24 * time.Hour
	cases := []struct {
		name    string
		proxy   *security.Proxy
		cfg     security.HeadersConfig
		headers []string
		want    map[string]string // "" means absent
	}{
		{"Django's defaults", nil, security.HeadersConfig{}, nil, defaults},
		{"no HSTS on https unless set", proxy, security.HeadersConfig{}, https, defaults},
		{"each header off", nil, security.HeadersConfig{FrameOptions: "off", ContentTypeOptions: "off", ReferrerPolicy: "OFF", CrossOriginOpenerPolicy: "off"}, nil,
			map[string]string{"X-Frame-Options": "", "X-Content-Type-Options": "", "Referrer-Policy": "", "Cross-Origin-Opener-Policy": ""}},
		{"other values", nil, security.HeadersConfig{FrameOptions: "sameorigin", ReferrerPolicy: "no-referrer, strict-origin-when-cross-origin", CrossOriginOpenerPolicy: "same-origin-allow-popups"}, nil,
			with("X-Frame-Options", "SAMEORIGIN", "Referrer-Policy", "no-referrer, strict-origin-when-cross-origin", "Cross-Origin-Opener-Policy", "same-origin-allow-popups")},
		{"HSTS on https", proxy, security.HeadersConfig{HSTSMaxAge: year, HSTSIncludeSubdomains: true, HSTSPreload: true}, https,
			with("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload")},
		{"HSTS not on http", proxy, security.HeadersConfig{HSTSMaxAge: year}, nil, defaults},
		{"HSTS not on a forged header without a proxy setting", nil, security.HeadersConfig{HSTSMaxAge: year}, https, defaults},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := security.NewHeaders(tc.cfg, tc.proxy)
			if err != nil {
				t.Fatal(err)
			}
			c := newCtx(t, req{method: "GET", headers: tc.headers})
			h.Set(c)
			for k, want := range tc.want {
				if got := string(c.Response().Header.Peek(k)); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
	t.Run("a value the response has wins", func(t *testing.T) {
		h, _ := security.NewHeaders(security.HeadersConfig{}, nil)
		c := newCtx(t, req{method: "GET"})
		c.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set(c)
		if got := c.GetRespHeader("X-Frame-Options"); got != "SAMEORIGIN" {
			t.Errorf("X-Frame-Options = %q", got)
		}
	})
}

func TestNewHeadersRefuses(t *testing.T) {
	for _, tc := range []struct {
		cfg  security.HeadersConfig
		want string
	}{
		{security.HeadersConfig{FrameOptions: "ALLOW-FROM https://x"}, "FrameOptions"},
		{security.HeadersConfig{ReferrerPolicy: "same-origin, nope"}, "ReferrerPolicy"},
		{security.HeadersConfig{CrossOriginOpenerPolicy: "yes"}, "CrossOriginOpenerPolicy"},
		{security.HeadersConfig{ContentTypeOptions: "sniff"}, "ContentTypeOptions"},
		{security.HeadersConfig{HSTSMaxAge: -time.Second}, "HSTSMaxAge"},
	} {
		if _, err := security.NewHeaders(tc.cfg, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewHeaders(%+v) = %v, want an error naming %s", tc.cfg, err, tc.want)
		}
	}
}
