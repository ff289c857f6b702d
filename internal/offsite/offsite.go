// Package offsite is the test oracle for open redirects that the example's
// hostile-input suite and the views fuzz targets share: a deliberately
// simple, conservative reading of where a browser goes for a Location,
// HX-Redirect or JSON redirect target, independent of internal/safeurl (the
// code under test).
package offsite

import (
	"regexp"
	"strings"
)

var schemeRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// StaysOn reports whether a browser following the redirect target to stays
// on one of hosts ("host" or "host:port", compared case-insensitively): an
// empty target, a reference without a scheme that does not start with two
// slashes or backslashes in any mix (a path, "?x", "#x"), or an http(s) URL
// whose authority is one of hosts. Control characters and spaces (which
// browsers strip or mangle), backslashes before the query (which they read as
// slashes) and any other scheme never pass.
func StaysOn(to string, hosts ...string) bool {
	if to == "" {
		return true
	}
	for i := 0; i < len(to); i++ {
		if to[i] <= ' ' || to[i] == 0x7f {
			return false
		}
	}
	head, _, _ := strings.Cut(to, "?")
	head, _, _ = strings.Cut(head, "#")
	if strings.Contains(head, `\`) {
		return false
	}
	if i := strings.IndexAny(to, ":/?#"); i > 0 && to[i] == ':' && schemeRe.MatchString(to[:i]) {
		scheme, rest := strings.ToLower(to[:i]), to[i+1:]
		if scheme != "http" && scheme != "https" || !strings.HasPrefix(rest, "//") {
			return false // javascript:, data:, or "http:evil" forms browsers resolve in odd ways
		}
		authority := rest[2:]
		if j := strings.IndexAny(authority, "/?#"); j >= 0 {
			authority = authority[:j]
		}
		for _, h := range hosts {
			if h != "" && strings.EqualFold(authority, h) {
				return true
			}
		}
		return false
	}
	return !strings.HasPrefix(to, "//")
}
