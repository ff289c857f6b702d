package safeurl

import (
	neturl "net/url"
	"strconv"
	"strings"
	"testing"
)

// fuzzHosts are the allowed hosts of the fuzz target, already in the form a
// browser serialises them, so the oracles can compare hosts as strings.
var fuzzHosts = []string{"good.com", "good.example:8443", "[::1]:8000", "127.0.0.1", "xn--bcher-kva.example"}

// FuzzHasAllowedHostAndScheme checks the property of issue 5: whatever
// HasAllowedHostAndScheme accepts, a browser resolves to an allowed host.
// Two independent oracles judge each accepted URL, resolved from a page on
// every allowed host in turn:
//
//   - the browser model (parseBrowserURL, the code behind BrowserHost), with
//     http and https bases;
//   - Go's net/url ResolveReference, on the raw URL and on the URL after the
//     browser's preprocessing (trim C0 controls and spaces, drop tab/CR/LF,
//     "\" as "/"); it abstains when net/url cannot parse the input.
//
// Both must agree that the result is http or https (https when required),
// has no credentials and names an allowed host. The Django port must also
// accept everything the full check accepts.
func FuzzHasAllowedHostAndScheme(f *testing.F) {
	for _, s := range []string{"/next", "//good.com/x", `/\evil.com`, "/\t//evil.com", "https://good.example:8443/"} {
		f.Add(s, uint8(0), false)
	}
	f.Fuzz(func(t *testing.T, url string, rotate uint8, requireHTTPS bool) {
		// Rotate the list so each host gets to be the base.
		k := int(rotate) % len(fuzzHosts)
		hosts := append(append([]string{}, fuzzHosts[k:]...), fuzzHosts[:k]...)

		got := HasAllowedHostAndScheme(url, hosts, requireHTTPS)
		if got != HasAllowedHostAndScheme(url, hosts, requireHTTPS) {
			t.Fatalf("not deterministic for %q", url)
		}
		if !got {
			return
		}
		if !djangoHasAllowedHostAndScheme(url, hosts, requireHTTPS) {
			t.Fatalf("accepted %q which the Django port refuses", url)
		}
		for _, h := range hosts {
			for _, scheme := range []string{"https", "http"} {
				base := scheme + "://" + h + "/some/path"
				modelOracle(t, base, url, requireHTTPS && scheme == "https")
				goOracle(t, base, url, requireHTTPS && scheme == "https")
				goOracle(t, base, browserPreprocess(url), requireHTTPS && scheme == "https")
			}
		}
	})
}

// modelOracle fails t unless the browser model resolves ref against base to
// an allowed http(s) URL without credentials.
func modelOracle(t *testing.T, base, ref string, requireHTTPS bool) {
	t.Helper()
	b, ok := parseBrowserURL(base, nil)
	if !ok {
		t.Fatalf("model: base %q does not parse", base)
	}
	u, ok := parseBrowserURL(ref, &b)
	switch {
	case !ok:
		t.Fatalf("model: accepted %q, but a browser fails to resolve it against %q", ref, base)
	case u.creds:
		t.Fatalf("model: accepted %q, which carries credentials", ref)
	case requireHTTPS && u.scheme != "https":
		t.Fatalf("model: accepted %q, which a browser on %q loads over %s", ref, base, u.scheme)
	}
	if !oracleAllowed(u.scheme, u.host, u.effectivePort()) {
		t.Fatalf("model: accepted %q, which a browser on %q resolves to %s://%s", ref, base, u.scheme, u.hostPort())
	}
}

// goOracle fails t unless net/url resolves ref against base to an allowed
// http(s) URL without credentials; it says nothing if net/url cannot parse
// ref.
func goOracle(t *testing.T, base, ref string, requireHTTPS bool) {
	t.Helper()
	b, err := neturl.Parse(base)
	if err != nil {
		t.Fatalf("net/url: base %q: %v", base, err)
	}
	r, err := neturl.Parse(ref)
	if err != nil {
		return // abstain
	}
	u := b.ResolveReference(r)
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		t.Fatalf("net/url: accepted %q, resolved against %q to scheme %q", ref, base, u.Scheme)
	case requireHTTPS && u.Scheme != "https":
		t.Fatalf("net/url: accepted %q, resolved against %q to %s", ref, base, u)
	case u.User != nil && u.User.String() != "":
		t.Fatalf("net/url: accepted %q, which carries credentials %q", ref, u.User)
	}
	host, port := u.Host, defaultPortOf(u.Scheme)
	if p := u.Port(); p != "" {
		host = strings.TrimSuffix(host, ":"+p)
		if port, err = strconv.Atoi(p); err != nil {
			t.Fatalf("net/url: port %q of %s: %v", p, u, err)
		}
	} else {
		host = strings.TrimSuffix(host, ":") // "good.com:" has no port
	}
	if !oracleAllowed(u.Scheme, host, port) {
		t.Fatalf("net/url: accepted %q, resolved against %q to %s", ref, base, u)
	}
}

// oracleAllowed reports whether host (as written in an authority, IPv6 in
// brackets) and port match an entry of fuzzHosts; an entry without a port
// stands for the scheme's default port. Entries are split by net/url.
func oracleAllowed(scheme, host string, port int) bool {
	for _, e := range fuzzHosts {
		eu, err := neturl.Parse("x://" + e)
		if err != nil {
			panic(err)
		}
		eh, ep := eu.Host, defaultPortOf(scheme)
		if p := eu.Port(); p != "" {
			eh = strings.TrimSuffix(eh, ":"+p)
			ep, _ = strconv.Atoi(p)
		}
		if strings.EqualFold(host, eh) && port == ep {
			return true
		}
	}
	return false
}

// defaultPortOf returns the default port of http (80) or https (443).
func defaultPortOf(scheme string) int {
	if scheme == "http" {
		return 80
	}
	return 443
}

// browserPreprocess applies the WHATWG parser's input clean-up, and its
// treatment of "\" as "/" in http(s) URLs, so that net/url sees what the
// browser sees.
func browserPreprocess(s string) string {
	s = strings.Trim(s, c0ControlOrSpace)
	for _, c := range []string{"\t", "\n", "\r"} {
		s = strings.ReplaceAll(s, c, "")
	}
	return strings.ReplaceAll(s, `\`, "/")
}
