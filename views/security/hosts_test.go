package security_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/views/security"
)

func TestHostsCheck(t *testing.T) {
	h, err := security.NewHosts("example.com", ".shop.example", "[::1]", "LOCALHOST")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, target, host string
		ok                 bool
	}{
		{"listed host", "/", "example.com", true},
		{"listed host with a port", "/", "example.com:8000", true},
		{"case does not matter", "/", "EXAMPLE.com", true},
		{"trailing dot", "/", "example.com.", true},
		{"listed in upper case", "/", "localhost:8000", true},
		{"subdomain pattern: the domain", "/", "shop.example", true},
		{"subdomain pattern: a subdomain", "/", "a.b.shop.example", true},
		{"IPv6", "/", "[::1]:8000", true},
		{"another host", "/", "evil.example", false},
		{"a suffix that is not a subdomain", "/", "evilshop.example", false},
		{"a subdomain of an exact entry", "/", "www.example.com", false},
		{"another IP", "/", "127.0.0.1:8000", false},
		{"only a port", "/", ":8000", false},
		{"absolute-form target names another host", "http://evil.example/", "example.com", false},
		{"absolute-form target names a listed host", "http://example.com/", "evil.example", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := h.Check(newCtx(t, req{method: "GET", target: tc.target, host: tc.host}))
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, security.ErrDisallowedHost)) {
				t.Fatalf("Check(%s, Host %q) = %v, want ok = %v", tc.target, tc.host, err, tc.ok)
			}
		})
	}
	t.Run("the error names the host and the fix", func(t *testing.T) {
		err := h.Check(newCtx(t, req{method: "GET", host: "evil.example:8000"}))
		if want := `"evil.example:8000"; if it does, add "evil.example" to the allowed hosts`; err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want it to contain %q", err, want)
		}
	})
	// Check runs on every request: an allowed host costs no allocation.
	t.Run("an allowed host allocates nothing", func(t *testing.T) {
		c := newCtx(t, req{method: "GET", host: "a.shop.example:8000"})
		if n := testing.AllocsPerRun(100, func() { _ = h.Check(c) }); n != 0 {
			t.Errorf("%v allocations per Check", n)
		}
	})
	t.Run("any host", func(t *testing.T) {
		all, _ := security.NewHosts("*")
		if err := all.Check(newCtx(t, req{method: "GET", host: "whatever.example"})); err != nil {
			t.Fatal(err)
		}
	})
}

func TestNewHosts(t *testing.T) {
	for _, h := range []string{"https://example.com", "example.com:8000", "example.com/path", "", " ", "user@example.com", "a b"} {
		t.Run(h, func(t *testing.T) {
			if _, err := security.NewHosts(h); err == nil || !strings.Contains(err.Error(), "is not a host name") {
				t.Fatalf("NewHosts(%q) = %v, want a refusal", h, err)
			}
		})
	}
	t.Run("no hosts", func(t *testing.T) {
		if _, err := security.NewHosts(); err == nil || !strings.Contains(err.Error(), `or "*" for any`) {
			t.Fatalf("NewHosts() = %v", err)
		}
	})
}
