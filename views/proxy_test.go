package views_test

import (
	"testing"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// TestForwardedHeadersUntrustedByDefault: without Config.Proxy, a client's
// X-Forwarded-Proto (and X-Forwarded-For, X-Forwarded-Host) change nothing:
// not the CSRF scheme check, not the https-only next, not the next of
// RedirectToLogin, not ClientIP. With the setting they count.
func TestForwardedHeadersUntrustedByDefault(t *testing.T) {
	forged := []string{"X-Forwarded-Proto", "https", "X-Forwarded-Ssl", "on", "X-Url-Scheme", "https",
		"X-Forwarded-For", "203.0.113.5", "X-Forwarded-Host", "evil.example"}
	probe := urls.Path("probe/", func(c *fiber.Ctx) error {
		return c.SendString(views.ClientIP(c) + " " + map[bool]string{true: "https", false: "http"}[views.IsSecure(c)])
	})
	private := urls.Path("private/", views.LoginRequired(func(c *fiber.Ctx) error { return c.SendString("private") }))
	trusting := security.ProxyConfig{SchemeHeader: "X-Forwarded-Proto", IPHeader: "X-Forwarded-For"}
	cases := []struct {
		name                string
		proxy               security.ProxyConfig
		probe, loginNext    string
		httpNext, originNow int // status of a logout with an http next; of one with Origin https://example.com
	}{
		{"default: nothing believed", security.ProxyConfig{}, "0.0.0.0 http", "/private/", 302, 403},
		{"trusted proxy", trusting, "203.0.113.5 https", "/private/", 302, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newAuthSite(t, views.Config{Proxy: tc.proxy, LoginURL: "/accounts/login/"}, append(logoutPatterns(), probe, private)...)
			cl, _ := s.client()
			if r := cl.do("GET", "/probe/", nil, forged...); r.body != tc.probe {
				t.Errorf("probe = %q, want %q", r.body, tc.probe)
			}
			if r := cl.do("GET", "/private/", nil, forged...); r.header.Get("Location") != "/accounts/login/?next="+tc.loginNext {
				t.Errorf("login redirect %q", r.header.Get("Location"))
			}
			cl, token := s.login("7")
			r := cl.do("POST", "/logout/", form("csrfmiddlewaretoken", token, "next", "http://example.com/x"),
				append(forged, "Referer", "https://example.com/")...)
			want := map[bool]string{true: "/home/", false: "http://example.com/x"}[tc.probe != "0.0.0.0 http"]
			if r.status != tc.httpNext || r.header.Get("Location") != want {
				t.Errorf("http next: %d %q, want %d %q", r.status, r.header.Get("Location"), tc.httpNext, want)
			}
			cl, token = s.login("8")
			r = cl.do("POST", "/logout/", form("csrfmiddlewaretoken", token), append(forged, "Origin", "https://example.com")...)
			if got := map[bool]int{true: 200, false: r.status}[r.status == 302]; got != tc.originNow {
				t.Errorf("Origin https://example.com: %d, want %d", r.status, tc.originNow)
			}
		})
	}
}
