package safeurl

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxURLLength is the longest URL, in Unicode code points after stripping
// surrounding white space, that [HasAllowedHostAndScheme] accepts. It is
// Django's MAX_URL_LENGTH: longer URLs are refused without being parsed.
const MaxURLLength = 2048

// HasAllowedHostAndScheme reports whether url is safe to redirect to: it is
// a relative URL, or an absolute http or https URL (https only when
// requireHTTPS) whose host is one of allowedHosts, and no known trick makes a
// browser go elsewhere. The empty string, and a string of only white space,
// are never safe.
//
// allowedHosts holds "host" or "host:port" entries, compared
// case-insensitively; the request's own host (as in the Host header) should
// come first. A URL's port must match an entry's port exactly for the Django
// rules ("good.com" does not admit "//good.com:8000/"). An empty allowedHosts
// admits only relative URLs.
//
// The function is a faithful port of Django 5's
// url_has_allowed_host_and_scheme plus a browser model (see the package
// documentation for every rule). A true result means only that a browser
// following a Location header holding url stays on an allowed host; it does
// not mean url is well-formed or percent-encoded.
func HasAllowedHostAndScheme(url string, allowedHosts []string, requireHTTPS bool) bool {
	if !djangoHasAllowedHostAndScheme(url, allowedHosts, requireHTTPS) {
		return false
	}
	// Beyond Django: raw control characters are never part of a safe
	// redirect target (browsers drop tabs and newlines; CR/LF split headers).
	for i := 0; i < len(url); i++ {
		if url[i] < 0x20 || url[i] == 0x7f {
			return false
		}
	}
	return browserAllows(url, allowedHosts, requireHTTPS)
}

// djangoHasAllowedHostAndScheme is the faithful port of Django's
// url_has_allowed_host_and_scheme(url, allowed_hosts, require_https), with
// two adaptations to Go: invalid UTF-8 (which a Python str cannot hold) is
// refused, and hosts are compared ASCII case-insensitively.
func djangoHasAllowedHostAndScheme(url string, allowedHosts []string, requireHTTPS bool) bool {
	if !utf8.ValidString(url) {
		return false
	}
	url = pyStrip(url)
	if url == "" {
		return false
	}
	// Chrome treats "\" as "/" in paths, but a backslash may also be part
	// of user-info, so both readings must pass.
	return djangoHelper(url, allowedHosts, requireHTTPS) &&
		djangoHelper(strings.ReplaceAll(url, `\`, "/"), allowedHosts, requireHTTPS)
}

// djangoHelper ports Django's _url_has_allowed_host_and_scheme. url is
// valid UTF-8, already stripped and not empty.
func djangoHelper(url string, allowedHosts []string, requireHTTPS bool) bool {
	// Browsers read three or more leading slashes as scheme-relative,
	// urlsplit reads them as a path. Overlong URLs are refused before
	// parsing (Django's guard against slow Unicode normalisation).
	if strings.HasPrefix(url, "///") || utf8.RuneCountInString(url) > MaxURLLength {
		return false
	}
	parts, ok := pyURLSplit(url)
	if !ok {
		return false // urlsplit raised ValueError
	}
	// A scheme without a netloc ("http:///evil.com", "http:evil.com"):
	// urlsplit sees a path, browsers see a host.
	if parts.netloc == "" && parts.scheme != "" {
		return false
	}
	// A leading control character: some browsers ignore it and may then
	// read the URL as scheme-relative.
	first, _ := utf8.DecodeRuneInString(url)
	if pyCategoryC(first) {
		return false
	}
	scheme := parts.scheme
	if scheme == "" && parts.netloc != "" {
		scheme = "http" // "//host/path" is treated as http
	}
	if parts.netloc != "" && !containsASCIIFold(allowedHosts, parts.netloc) {
		return false
	}
	switch scheme {
	case "", "https":
		return true
	case "http":
		return !requireHTTPS
	}
	return false
}

// containsASCIIFold reports whether list holds s, ignoring ASCII case only
// (strings.EqualFold would also fold e.g. U+212A KELVIN SIGN to "k").
func containsASCIIFold(list []string, s string) bool {
	for _, h := range list {
		if asciiEqualFold(h, s) {
			return true
		}
	}
	return false
}

// asciiEqualFold reports whether a and b are equal after ASCII lowercasing.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if asciiLower(a[i]) != asciiLower(b[i]) {
			return false
		}
	}
	return true
}

// asciiLower lowercases an ASCII letter and returns any other byte as is.
func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// pyIsSpace reports whether Python's str.isspace() is true for r: the
// characters str.strip() removes when called without arguments.
func pyIsSpace(r rune) bool {
	switch {
	case r == ' ', '\t' <= r && r <= '\r', 0x1c <= r && r <= 0x1f:
		return true
	case r < 0x85:
		return false
	}
	switch r {
	case 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return 0x2000 <= r && r <= 0x200a
}

// pyStrip is Python's str.strip() with no arguments.
func pyStrip(s string) string {
	return strings.TrimFunc(s, pyIsSpace)
}

// pyCategoryC reports whether unicodedata.category(r) starts with "C":
// control (Cc), format (Cf), surrogate (Cs), private use (Co) or unassigned
// (Cn). A code point is unassigned when it is in none of the other general
// categories. Go's tables are Unicode 15.0; Django's answer depends on its
// Python (3.11: 14.0, 3.12: 15.0, 3.13: 15.1), so the two can differ for
// code points assigned in between (e.g. U+31FFF, CJK Extension H).
func pyCategoryC(r rune) bool {
	return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z)
}

// browserAllows reports whether a browser, redirected to url from a page at
// "https://<first usable allowed host>/some/path", lands on an allowed host
// over an allowed scheme without credentials. Both url and its
// str.strip()ped form are checked, since a caller may redirect to either.
func browserAllows(url string, allowedHosts []string, requireHTTPS bool) bool {
	hosts := make([]browserURL, 0, len(allowedHosts))
	for _, h := range allowedHosts {
		if a, ok := parseAllowedHost(h); ok {
			hosts = append(hosts, a)
		}
	}
	// With no usable allowed host, relative URLs resolve against a base
	// whose empty host stands for "the current site" and matches nothing
	// a URL can name.
	base := browserURL{scheme: "https", port: -1}
	if len(hosts) > 0 {
		base.host = hosts[0].host
		if p := hosts[0].port; p >= 0 && p != defaultPort("https") {
			base.port = p
		}
	}
	lands := func(s string) bool {
		u, ok := parseBrowserURL(s, &base)
		if !ok || u.creds || requireHTTPS && u.scheme != "https" {
			return false
		}
		if u.host == "" {
			return true // stayed on the base
		}
		for _, h := range hosts {
			// An entry without a port admits the scheme's default port.
			want := h.port
			if want < 0 {
				want = defaultPort(u.scheme)
			}
			if u.host == h.host && u.effectivePort() == want {
				return true
			}
		}
		return false
	}
	if !lands(url) {
		return false
	}
	if stripped := pyStrip(url); stripped != url && !lands(stripped) {
		return false
	}
	return true
}

// parseAllowedHost reads an allowed-hosts entry, "host" or "host:port", the
// way a browser reads the authority of "https://<entry>/". Entries holding
// anything but an authority without user-info are unusable (false): they
// would mean something else once written into a URL.
func parseAllowedHost(h string) (browserURL, bool) {
	if h == "" {
		return browserURL{}, false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; c <= 0x20 || c == 0x7f || strings.IndexByte(`/\?#@`, c) >= 0 {
			return browserURL{}, false
		}
	}
	hostStr, portStr, _ := splitHostPort(h)
	if hostStr == "" {
		return browserURL{}, false
	}
	host, ok := parseHost(hostStr)
	if !ok {
		return browserURL{}, false
	}
	port, ok := parsePort(portStr)
	if !ok {
		return browserURL{}, false
	}
	return browserURL{host: host, port: port}, true
}
