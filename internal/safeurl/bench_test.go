package safeurl

import (
	neturl "net/url"
	"strings"
	"testing"
)

// benchURLs is a mix of what a login or logout view sees in "next": mostly
// relative paths, some absolute URLs on the site, a few attacks.
var benchURLs = []string{
	"/accounts/profile/",
	"/dashboard/?tab=settings&page=2",
	"https://good.com/orders/42/",
	"//good.com/x",
	"//evil.com/",
	`/\evil.com`,
	"/\t//evil.com",
	"javascript:alert(1)",
}

// benchHosts is a typical allowed set: the request's host plus one more.
var benchHosts = []string{"good.com", "static.good.com"}

// naiveNetURL is the baseline: the check many Go handlers write by hand
// with net/url (scheme and host of the parsed URL). It is not safe (it
// accepts `/\evil.com` and "/\t//evil.com" is refused only because
// net/url rejects control characters); it shows what the full check costs.
func naiveNetURL(s string, hosts []string) bool {
	u, err := neturl.Parse(s)
	if err != nil {
		return false
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	if u.Host == "" {
		return u.Scheme == ""
	}
	for _, h := range hosts {
		if strings.EqualFold(u.Host, h) {
			return true
		}
	}
	return false
}

// BenchmarkNaiveNetURL is the baseline for BenchmarkHasAllowedHostAndScheme.
func BenchmarkNaiveNetURL(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		naiveNetURL(benchURLs[i%len(benchURLs)], benchHosts)
	}
}

// BenchmarkDjangoPort measures the faithful Django port alone.
func BenchmarkDjangoPort(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		djangoHasAllowedHostAndScheme(benchURLs[i%len(benchURLs)], benchHosts, false)
	}
}

// BenchmarkHasAllowedHostAndScheme measures the full check (Django port
// plus browser model).
func BenchmarkHasAllowedHostAndScheme(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		HasAllowedHostAndScheme(benchURLs[i%len(benchURLs)], benchHosts, false)
	}
}

// BenchmarkBrowserHost measures the browser model alone.
func BenchmarkBrowserHost(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		BrowserHost("https://good.com/some/path", benchURLs[i%len(benchURLs)])
	}
}
