package security

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// ErrDisallowedHost is wrapped by the error of Hosts.Check (Django's
// DisallowedHost).
var ErrDisallowedHost = errors.New("security: the request's host is not one the site answers to")

// Hosts is Django's ALLOWED_HOSTS check: the host names a site answers to,
// so that nothing a request says about its own host (the base of a safe
// next, a link in an email) can point elsewhere. Build it with NewHosts; it
// is safe for concurrent use.
type Hosts struct {
	patterns []string // lower case, validated
	any      bool     // "*" is one of them
}

// NewHosts returns the check for patterns: "example.com" matches that host,
// ".example.com" it and its subdomains, "[::1]" an IPv6 address, "*" any
// host; case does not matter. It refuses an empty list and a pattern with a
// scheme, port, path or user-info.
func NewHosts(patterns ...string) (*Hosts, error) {
	if len(patterns) == 0 {
		return nil, errors.New(`no host names: list those the site answers to, or "*" for any`)
	}
	h := &Hosts{}
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		ipv6 := strings.HasPrefix(p, "[") && strings.HasSuffix(p, "]")
		if p == "" || (!ipv6 && strings.ContainsAny(p, "/:@ ")) {
			return nil, fmt.Errorf(`%q is not a host name: write "example.com", ".example.com" (with subdomains), "[::1]" or "*", without scheme, port or path`, p)
		}
		h.patterns = append(h.patterns, p)
		h.any = h.any || p == "*"
	}
	return h, nil
}

// Check returns nil when the request's host is allowed, else an error
// wrapping ErrDisallowedHost that names it. The host is that of an
// absolute-form request target, else the Host header (never
// X-Forwarded-Host); its port is ignored.
func (h *Hosts) Check(c *fiber.Ctx) error {
	if h.any {
		return nil
	}
	// Matched without copying the header (it runs on every request); the
	// error copies what it quotes.
	host := utils.UnsafeString(c.Request().Host())
	name := strings.ToLower(host)
	if strings.HasPrefix(name, "[") { // [::1]:8000
		if end := strings.IndexByte(name, ']'); end >= 0 {
			name = name[:end+1]
		}
	} else if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return fmt.Errorf("%w: the request names no host (empty Host header)", ErrDisallowedHost)
	}
	for _, p := range h.patterns {
		if name == p || (p[0] == '.' && (name == p[1:] || strings.HasSuffix(name, p))) {
			return nil
		}
	}
	return fmt.Errorf("%w: %q; if it does, add %q to the allowed hosts", ErrDisallowedHost, host, name)
}
