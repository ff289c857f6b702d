package security

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// HeadersConfig configures the response headers of Django's
// SecurityMiddleware and XFrameOptionsMiddleware; the zero value is
// Django's defaults: X-Frame-Options: DENY, X-Content-Type-Options:
// nosniff, Referrer-Policy: same-origin, Cross-Origin-Opener-Policy:
// same-origin, and no HSTS. Off turns a header off.
type HeadersConfig struct {
	// FrameOptions is X-Frame-Options (Django's X_FRAME_OPTIONS): "DENY"
	// (default) or "SAMEORIGIN".
	FrameOptions string
	// ContentTypeOptions is X-Content-Type-Options (Django's
	// SECURE_CONTENT_TYPE_NOSNIFF): "nosniff" (default).
	ContentTypeOptions string
	// ReferrerPolicy is Referrer-Policy (Django's SECURE_REFERRER_POLICY):
	// "same-origin" (default), or a comma-separated list of policies.
	ReferrerPolicy string
	// CrossOriginOpenerPolicy is Cross-Origin-Opener-Policy (Django's
	// SECURE_CROSS_ORIGIN_OPENER_POLICY): "same-origin" (default),
	// "same-origin-allow-popups" or "unsafe-none".
	CrossOriginOpenerPolicy string
	// HSTSMaxAge, when positive, sends Strict-Transport-Security on https
	// responses (Django's SECURE_HSTS_SECONDS); browsers then refuse plain
	// http to the host for that long: start small. Default 0: none.
	HSTSMaxAge time.Duration
	// HSTSIncludeSubdomains and HSTSPreload add includeSubDomains and
	// preload (Django's SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD).
	HSTSIncludeSubdomains, HSTSPreload bool
}

// Off is the HeadersConfig value that sends no such header (Django's None).
const Off = "off"

// Headers sets the security headers of a HeadersConfig on responses. Build
// it with NewHeaders; it is safe for concurrent use.
type Headers struct {
	proxy *Proxy
	set   [][2][]byte // canonical name, value; in a fixed order
	hsts  []byte
}

// NewHeaders returns the headers cfg describes; it refuses a value that is
// not one the header takes.
func NewHeaders(cfg HeadersConfig, proxy *Proxy) (*Headers, error) {
	h := &Headers{proxy: proxy}
	for _, x := range []struct {
		name, field, val, def string
		allowed               []string
	}{
		{fiber.HeaderXFrameOptions, "FrameOptions", strings.ToUpper(cfg.FrameOptions), "DENY", []string{"DENY", "SAMEORIGIN"}},
		{fiber.HeaderXContentTypeOptions, "ContentTypeOptions", cfg.ContentTypeOptions, "nosniff", []string{"nosniff"}},
		{fiber.HeaderReferrerPolicy, "ReferrerPolicy", cfg.ReferrerPolicy, "same-origin", []string{"no-referrer",
			"no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "same-origin", "strict-origin",
			"strict-origin-when-cross-origin", "unsafe-url"}},
		{"Cross-Origin-Opener-Policy", "CrossOriginOpenerPolicy", cfg.CrossOriginOpenerPolicy, "same-origin",
			[]string{"same-origin", "same-origin-allow-popups", "unsafe-none"}},
	} {
		switch {
		case strings.EqualFold(x.val, Off):
			continue
		case x.val == "":
			x.val = x.def
		}
		for _, v := range strings.Split(x.val, ",") {
			if !slices.Contains(x.allowed, strings.TrimSpace(v)) {
				return nil, fmt.Errorf("HeadersConfig.%s %q: want one of %s, or %q for none", x.field, v, strings.Join(x.allowed, ", "), Off)
			}
		}
		h.set = append(h.set, [2][]byte{[]byte(x.name), []byte(x.val)})
	}
	switch {
	case cfg.HSTSMaxAge < 0:
		return nil, fmt.Errorf("HeadersConfig.HSTSMaxAge is negative: give a duration, or 0 for no HSTS")
	case cfg.HSTSMaxAge > 0:
		hsts := "max-age=" + strconv.FormatInt(int64(cfg.HSTSMaxAge/time.Second), 10)
		if cfg.HSTSIncludeSubdomains {
			hsts += "; includeSubDomains"
		}
		if cfg.HSTSPreload {
			hsts += "; preload"
		}
		h.hsts = []byte(hsts)
	}
	return h, nil
}

// Set puts the headers on c's response, each unless the response already
// has it (as Django's middleware, so a view's own value wins), and
// Strict-Transport-Security on https requests when configured. A nil
// *Headers sets nothing.
func (h *Headers) Set(c *fiber.Ctx) {
	if h == nil {
		return
	}
	rh := &c.Response().Header
	for _, kv := range h.set {
		if len(rh.PeekBytes(kv[0])) == 0 {
			rh.SetCanonical(kv[0], kv[1])
		}
	}
	if h.hsts != nil && len(rh.Peek(fiber.HeaderStrictTransportSecurity)) == 0 && h.proxy.IsSecure(c) {
		rh.SetCanonical([]byte(fiber.HeaderStrictTransportSecurity), h.hsts)
	}
}
