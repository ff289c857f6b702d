package security

import (
	"cmp"
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ProxyConfig says which headers of a reverse proxy a site believes: the
// scheme (Django's SECURE_PROXY_SSL_HEADER) and the client's address. The
// zero value believes none: a request is https only over TLS and the client
// is the connection's peer, whatever X-Forwarded-* headers it sends.
//
// Fiber's own c.Protocol() and c.IP() believe X-Forwarded-Proto from any
// client unless fiber.Config.EnableTrustedProxyCheck is set; this package
// and views never call them, so the site's setting holds whatever the
// fiber.Config.
type ProxyConfig struct {
	// SchemeHeader names the header the proxy sets to the client's scheme,
	// e.g. "X-Forwarded-Proto"; a request whose header (its first
	// comma-separated value) equals SchemeValue is https. The proxy must
	// strip the header from what clients send.
	SchemeHeader string
	// SchemeValue is the value meaning https. Default "https".
	SchemeValue string
	// IPHeader names the header carrying the client's address:
	// "X-Forwarded-For" (a list the proxies append to; the address is its
	// last entry that is not one of Proxies) or one holding a single
	// address such as "X-Real-IP".
	IPHeader string
	// Proxies are the proxies' addresses ("10.0.0.1", "10.0.0.0/8"): the
	// headers are believed only on connections from them. Empty: from any
	// peer, for a site no one can reach but through its proxy.
	Proxies []string
}

// Proxy is the proxy setting of a site, built by NewProxy. A nil *Proxy
// believes no header.
type Proxy struct {
	cfg  ProxyConfig
	nets []netip.Prefix
}

// NewProxy returns the setting cfg describes; it refuses a malformed proxy
// address, and SchemeValue or Proxies without the header they belong to.
func NewProxy(cfg ProxyConfig) (*Proxy, error) {
	if cfg.SchemeHeader == "" && cfg.SchemeValue != "" {
		return nil, fmt.Errorf("ProxyConfig.SchemeValue %q without SchemeHeader: name the header the proxy sets, such as X-Forwarded-Proto", cfg.SchemeValue)
	}
	if cfg.SchemeHeader == "" && cfg.IPHeader == "" && len(cfg.Proxies) > 0 {
		return nil, fmt.Errorf("ProxyConfig.Proxies without SchemeHeader nor IPHeader: name the headers to believe from them")
	}
	p := &Proxy{cfg: cfg}
	p.cfg.SchemeValue = cmp.Or(cfg.SchemeValue, "https")
	for _, s := range cfg.Proxies {
		n, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("ProxyConfig.Proxies: %q is neither an IP address nor a CIDR range such as 10.0.0.0/8", s)
			}
			n = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		p.nets = append(p.nets, n.Masked())
	}
	return p, nil
}

// trusts reports whether a is one of the proxies (any address when none
// are listed).
func (p *Proxy) trusts(a netip.Addr) bool {
	if len(p.nets) == 0 {
		return true
	}
	a = a.Unmap()
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

func peer(c *fiber.Ctx) netip.Addr {
	a, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	return a.Unmap()
}

// IsSecure reports whether the request came over https: over TLS, or
// through a trusted proxy whose SchemeHeader says so (Django's
// request.is_secure()).
func (p *Proxy) IsSecure(c *fiber.Ctx) bool {
	if c.Context().IsTLS() {
		return true
	}
	if p == nil || p.cfg.SchemeHeader == "" || !p.trusts(peer(c)) {
		return false
	}
	v, _, _ := strings.Cut(c.Get(p.cfg.SchemeHeader), ",")
	return strings.EqualFold(strings.TrimSpace(v), p.cfg.SchemeValue)
}

// Scheme is "https" when IsSecure, else "http".
func (p *Proxy) Scheme(c *fiber.Ctx) string {
	if p.IsSecure(c) {
		return "https"
	}
	return "http"
}

// ClientIP returns the client's address: the connection's peer, or, on a
// connection from a trusted proxy, the one IPHeader names (the last entry
// of a list that is not a trusted proxy). A malformed header is not
// believed: the peer is returned.
func (p *Proxy) ClientIP(c *fiber.Ctx) string {
	a := peer(c)
	if p == nil || p.cfg.IPHeader == "" || !p.trusts(a) {
		return a.String()
	}
	list := strings.Split(c.Get(p.cfg.IPHeader), ",")
	for i := len(list) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(list[i]))
		if err != nil {
			return a.String()
		}
		if a = h.Unmap(); i == 0 || len(p.nets) == 0 || !p.trusts(a) {
			break
		}
	}
	return a.String()
}
