package security

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// CSPConfig is a Content-Security-Policy (Django 6.0's SECURE_CSP and
// SECURE_CSP_REPORT_ONLY). The zero value sends none.
type CSPConfig struct {
	// Policy is the header's value. The source 'nonce' stands for a fresh
	// nonce of each response ('nonce-…'), which templates write as
	// {{ .csp_nonce }} in the nonce attribute of their script and style
	// elements. StrictCSP is a good start.
	Policy string
	// ReportOnly sends the policy as Content-Security-Policy-Report-Only:
	// browsers report what it would block, and block nothing.
	ReportOnly bool
}

// StrictCSP allows the site's own resources and, inline, only the scripts
// and styles that carry the response's nonce: an injected <script> does not
// run. Plugins, <base> and framing by other pages are refused.
const StrictCSP = "default-src 'self'; script-src 'self' 'nonce'; style-src 'self' 'nonce'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// CSP sets a CSPConfig's header on responses, with a fresh nonce for each.
// Build it with NewCSP; it is safe for concurrent use. A nil *CSP sets
// nothing.
type CSP struct {
	name  string   // the header
	parts []string // the policy split around each 'nonce'
}

// NewCSP checks cfg and returns its CSP, nil for an empty policy.
func NewCSP(cfg CSPConfig) (*CSP, error) {
	if strings.TrimSpace(cfg.Policy) == "" {
		return nil, nil
	}
	if strings.ContainsAny(cfg.Policy, "\r\n\x00") {
		return nil, errors.New("CSPConfig.Policy has a line break or NUL: write the directives on one line, separated by ';'")
	}
	if strings.Contains(cfg.Policy, "'unsafe-inline'") && strings.Contains(cfg.Policy, "'nonce'") {
		return nil, errors.New("CSPConfig.Policy has both 'unsafe-inline' and 'nonce': browsers ignore 'unsafe-inline' beside a nonce; drop one")
	}
	p := &CSP{name: fiber.HeaderContentSecurityPolicy, parts: strings.Split(cfg.Policy, "'nonce'")}
	if cfg.ReportOnly {
		p.name = fiber.HeaderContentSecurityPolicyReportOnly
	}
	return p, nil
}

type nonceKey struct{}

// Nonce returns the response's nonce, made on first use: 128 random bits
// in URL-safe base64. It is the same for every call on one request.
func Nonce(c *fiber.Ctx) string {
	if n, ok := c.Locals(nonceKey{}).(string); ok {
		return n
	}
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	n := base64.RawURLEncoding.EncodeToString(b[:])
	c.Locals(nonceKey{}, n)
	return n
}

// HasNonce reports whether the request's response has a nonce (a CSP that
// uses one was set).
func HasNonce(c *fiber.Ctx) bool {
	_, ok := c.Locals(nonceKey{}).(string)
	return ok
}

// Set sets the policy on c's response, with the request's nonce.
func (p *CSP) Set(c *fiber.Ctx) {
	if p == nil {
		return
	}
	if len(p.parts) == 1 {
		c.Set(p.name, p.parts[0])
		return
	}
	c.Set(p.name, strings.Join(p.parts, "'nonce-"+Nonce(c)+"'"))
}

// CSPOverride is a decorator that gives one view its own policy (Django's
// csp_override and csp_report_only_override): cfg replaces the site's
// policy of the same kind; an empty Policy sends none of that kind. It
// panics on a policy NewCSP refuses, when the view is registered.
func CSPOverride(cfg CSPConfig) func(fiber.Handler) fiber.Handler {
	p, err := NewCSP(cfg)
	if err != nil {
		panic(fmt.Errorf("security: CSPOverride: %w", err))
	}
	name := fiber.HeaderContentSecurityPolicy
	if cfg.ReportOnly {
		name = fiber.HeaderContentSecurityPolicyReportOnly
	}
	return func(h fiber.Handler) fiber.Handler {
		return func(c *fiber.Ctx) error {
			c.Response().Header.Del(name)
			p.Set(c)
			return h(c)
		}
	}
}
