package safeurl

import (
	"strings"
	"testing"
)

// hostCase is one row of the HasAllowedHostAndScheme tables.
type hostCase struct {
	name         string
	url          string
	hosts        []string
	requireHTTPS bool
	// django is what Django 5.2's url_has_allowed_host_and_scheme returns
	// on CPython 3.13 (checked against CPython while writing the table),
	// except that hosts compare ASCII case-insensitively here.
	django bool
	// want is what HasAllowedHostAndScheme must return.
	want bool
}

// runHostCases checks both the faithful port and the full check, and that
// the full check never accepts what the port refuses.
func runHostCases(t *testing.T, cases []hostCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want && !tc.django {
				t.Fatalf("bad table row: want=true needs django=true")
			}
			if got := djangoHasAllowedHostAndScheme(tc.url, tc.hosts, tc.requireHTTPS); got != tc.django {
				t.Errorf("django port(%q, %q, https=%v) = %v, want %v", tc.url, tc.hosts, tc.requireHTTPS, got, tc.django)
			}
			if got := HasAllowedHostAndScheme(tc.url, tc.hosts, tc.requireHTTPS); got != tc.want {
				t.Errorf("HasAllowedHostAndScheme(%q, %q, https=%v) = %v, want %v", tc.url, tc.hosts, tc.requireHTTPS, got, tc.want)
			}
		})
	}
}

// TestDjangoBadURLs ports URLHasAllowedHostAndSchemeTests.test_bad_urls.
func TestDjangoBadURLs(t *testing.T) {
	hosts := []string{"testserver", "testserver2"}
	bad := []string{
		"http://example.com",
		"http:///example.com",
		"https://example.com",
		"ftp://example.com",
		`\\example.com`,
		`\\\example.com`,
		`/\\/example.com`,
		`\\\example.com`,
		`\\example.com`,
		`\\//example.com`,
		`/\/example.com`,
		`\/example.com`,
		`/\example.com`,
		"http:///example.com",
		`http:/\//example.com`,
		`http:\/example.com`,
		`http:/\example.com`,
		`javascript:alert("XSS")`,
		"\njavascript:alert(x)",
		"java\nscript:alert(x)",
		"\x08//example.com",
		`http://otherserver\@example.com`,
		`http:\\testserver\@example.com`,
		`http://testserver\me:pass@example.com`,
		`http://testserver\@example.com`,
		`http:\\testserver\confirm\me@example.com`,
		"http:999999999",
		"ftp:9999999999",
		"\n",
		"http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
		"http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
	}
	var cases []hostCase
	for i, u := range bad {
		cases = append(cases, hostCase{name: caseName(i, u), url: u, hosts: hosts})
	}
	runHostCases(t, cases)
}

// TestDjangoGoodURLs ports URLHasAllowedHostAndSchemeTests.test_good_urls.
func TestDjangoGoodURLs(t *testing.T) {
	hosts := []string{"otherserver", "testserver"}
	good := []string{
		"/view/?param=http://example.com",
		"/view/?param=https://example.com",
		"/view?param=ftp://example.com",
		"view/?param=//example.com",
		"https://testserver/",
		"HTTPS://testserver/",
		"//testserver/",
		"http://testserver/confirm?email=me@example.com",
		"/url%20with%20spaces/",
		"path/http:2222222222",
	}
	var cases []hostCase
	for i, u := range good {
		cases = append(cases, hostCase{name: caseName(i, u), url: u, hosts: hosts, django: true, want: true})
	}
	runHostCases(t, cases)
}

// TestDjangoOtherCases ports the remaining URLHasAllowedHostAndSchemeTests
// methods: basic auth, no allowed hosts, a single allowed host, the
// require_https cases and the length limit.
func TestDjangoOtherCases(t *testing.T) {
	example := []string{"example.com"}
	longPath := "example.com/" + strings.Repeat("é", MaxURLLength-len("example.com")-1)
	runHostCases(t, []hostCase{
		// test_basic_auth: Django accepts credentials when the whole
		// "user:pass@host" netloc is listed; we never accept user-info.
		{name: "basic_auth", url: "http://user:pass@testserver/", hosts: []string{"user:pass@testserver"}, django: true, want: false},
		// test_no_allowed_hosts
		{name: "no_allowed_hosts/path", url: "/confirm/me@example.com", django: true, want: true},
		{name: "no_allowed_hosts/basic_auth", url: `http://testserver\@example.com`},
		// test_allowed_hosts_str
		{name: "allowed_hosts_str/good", url: "http://good.com/good", hosts: []string{"good.com"}, django: true, want: true},
		{name: "allowed_hosts_str/bad", url: "http://good.co/evil", hosts: []string{"good.com"}},
		// test_secure_param_https_urls
		{name: "secure/https", url: "https://example.com/p", hosts: example, requireHTTPS: true, django: true, want: true},
		{name: "secure/HTTPS", url: "HTTPS://example.com/p", hosts: example, requireHTTPS: true, django: true, want: true},
		{name: "secure/path", url: "/view/?param=http://example.com", hosts: example, requireHTTPS: true, django: true, want: true},
		// test_secure_param_non_https_urls
		{name: "secure/http", url: "http://example.com/p", hosts: example, requireHTTPS: true},
		{name: "secure/ftp", url: "ftp://example.com/p", hosts: example, requireHTTPS: true},
		{name: "secure/scheme-relative", url: "//example.com/p", hosts: example, requireHTTPS: true},
		// test_max_url_length: the limit counts code points, not bytes.
		{name: "max_url_length/boundary", url: longPath, hosts: example, django: true, want: true},
		{name: "max_url_length/over", url: longPath + "ú", hosts: example},
	})
}

// TestIssueCases covers the tricks issue 5 lists, with one allowed host.
func TestIssueCases(t *testing.T) {
	good := []string{"good.com"}
	runHostCases(t, []hostCase{
		{name: "scheme-relative", url: "//evil.com", hosts: good},
		{name: "three slashes", url: "///evil.com", hosts: good},
		{name: "four slashes", url: "////evil.com", hosts: good},
		{name: "two backslashes", url: `\\evil.com`, hosts: good},
		{name: "slash backslash", url: `/\evil.com`, hosts: good},
		{name: "backslash slash", url: `\/evil.com`, hosts: good},
		{name: "http slash backslash", url: `http:/\evil.com`, hosts: good},
		{name: "http two backslashes", url: `http:\\evil.com`, hosts: good},
		{name: "http no slashes", url: "http:evil.com", hosts: good},
		{name: "https no slashes", url: "https:evil.com", hosts: good},
		{name: "http one slash", url: "http:/evil.com", hosts: good},
		{name: "space before javascript", url: " javascript:alert(1)", hosts: good},
		{name: "tab before javascript", url: "\tjavascript:alert(1)", hosts: good},
		{name: "tab inside javascript", url: "java\tscript:alert(1)", hosts: good},
		{name: "mixed case javascript", url: "JaVaScRiPt:alert(1)", hosts: good},
		{name: "javascript with allowed authority", url: "javascript://good.com/%0aalert(1)", hosts: good},
		{name: "data", url: "data:text/html,<script>alert(1)</script>", hosts: good},
		{name: "vbscript", url: "vbscript:msgbox(1)", hosts: good},
		{name: "leading NUL", url: "\x00//evil.com", hosts: good},
		{name: "leading unit separator", url: "\x1f//evil.com", hosts: good},
		{name: "leading zero width space", url: "\u200b//evil.com", hosts: good},
		{name: "leading ideographic space", url: "\u3000//evil.com", hosts: good},
		{name: "leading no-break space", url: "\u00a0//evil.com", hosts: good},
		{name: "user-info", url: "http://user@evil.com", hosts: good},
		{name: "allowed host as user-info", url: "http://good.com@evil.com", hosts: good},
		{name: "user-info on allowed host", url: "http://evil.com@good.com", hosts: good},
		{name: "credentials on allowed host", url: "http://user:pass@good.com/", hosts: good},
		{name: "fullwidth number sign NFKC", url: "http://evil.com\uff03@good.com", hosts: good},
		{name: "account of NFKC", url: "http://good.com\u2100evil.com", hosts: good},
		{name: "fullwidth solidus NFKC", url: "//good.com\uff0fevil.com", hosts: good},
		{name: "cyrillic look-alike", url: "//g\u043e\u043ed.com/", hosts: good},
		{name: "fullwidth letters", url: "//\uff47\uff4f\uff4f\uff44.com/", hosts: good},
		{name: "ideographic full stop", url: "//good\u3002com/", hosts: good},
		{name: "kelvin sign", url: "//\u212aelvin.com/", hosts: []string{"kelvin.com"}},
	})
}

// TestBeyondDjango covers where HasAllowedHostAndScheme deliberately
// refuses what Django accepts, and ordinary accepted forms.
func TestBeyondDjango(t *testing.T) {
	good := []string{"good.com"}
	runHostCases(t, []hostCase{
		// urlsplit removes the tab after Django looked for "///";
		// browsers remove it too and see "///evil.com".
		{name: "tab hides third slash", url: "/\t//evil.com", hosts: good, django: true},
		{name: "tab after two slashes", url: "//\t/evil.com", hosts: good, django: true},
		{name: "newline hides third slash", url: "/\n//evil.com", hosts: good, django: true},
		{name: "backslashes and newline", url: "\\\\\n\\evil.com", hosts: good, django: true},
		{name: "header injection", url: "/path\r\nSet-Cookie: a=b", hosts: good, django: true},
		{name: "DEL", url: "/path\x7f", hosts: good, django: true},
		{name: "leading CRLF", url: "\r\n/path", hosts: good, django: true},
		{name: "empty authority", url: "//", hosts: good, django: true},
		{name: "empty user-info", url: "http://@good.com/", hosts: []string{"@good.com"}, django: true},
		{name: "IDN host listed in Unicode", url: "//bücher.example/", hosts: []string{"bücher.example"}, django: true},
		{name: "IPv6 with zone", url: "//[::1%eth0]/", hosts: []string{"[::1%eth0]"}, django: true},
		{name: "IPvFuture", url: "//[v1.x]/", hosts: []string{"[v1.x]"}, django: true},
		{name: "NBSP after scheme-relative", url: "//good.com\u00a0/", hosts: []string{"good.com\u00a0"}, django: true},

		{name: "surrounding spaces", url: "  /path  ", hosts: good, django: true, want: true},
		{name: "relative path", url: "../../etc", hosts: good, django: true, want: true},
		{name: "query only", url: "?next=/x", django: true, want: true},
		{name: "fragment only", url: "#frag", django: true, want: true},
		{name: "root", url: "/", django: true, want: true},
		{name: "non-ASCII path", url: "é/x", hosts: good, django: true, want: true},
		{name: "encoded tab in path", url: "/%09/evil.com", hosts: good, django: true, want: true},
		{name: "encoded slash in path", url: "/%2F/evil.com", hosts: good, django: true, want: true},
		{name: "encoded backslash in path", url: "/%5C/evil.com", hosts: good, django: true, want: true},
		{name: "at sign in fragment", url: "https://good.com#@evil.com/", hosts: good, django: true, want: true},
		{name: "at sign in query", url: "https://good.com?@evil.com/", hosts: good, django: true, want: true},
		{name: "punycode host", url: "//xn--bcher-kva.example/", hosts: []string{"xn--bcher-kva.example"}, django: true, want: true},
		{name: "IPv6 host and port", url: "//[::1]:8000/", hosts: []string{"[::1]:8000"}, django: true, want: true},
		{name: "IPv4 host", url: "//127.0.0.1/", hosts: []string{"127.0.0.1"}, django: true, want: true},
	})
}

// TestHostsAndPorts covers case-insensitivity and port matching.
func TestHostsAndPorts(t *testing.T) {
	good := []string{"good.com"}
	runHostCases(t, []hostCase{
		{name: "uppercase URL host", url: "//GOOD.com/x", hosts: good, django: true, want: true},
		{name: "uppercase allowed host", url: "HTTPS://Good.Com/x", hosts: []string{"GOOD.COM"}, django: true, want: true},
		{name: "port not listed", url: "//good.com:8000/", hosts: good},
		{name: "port listed", url: "//good.com:8000/", hosts: []string{"good.com:8000"}, django: true, want: true},
		{name: "port listed, URL without", url: "//good.com/", hosts: []string{"good.com:8000"}},
		{name: "explicit default port", url: "https://good.com:443/", hosts: good},
		{name: "explicit default port listed", url: "https://good.com:443/", hosts: []string{"good.com:443"}, django: true, want: true},
		{name: "https port on http listed", url: "http://good.com:443/", hosts: []string{"good.com:443"}, django: true, want: true},
		{name: "IPv6 without listed port", url: "//[::1]/", hosts: []string{"[::1]:8000"}},
		{name: "IPv4 in brackets", url: "//[1.2.3.4]/", hosts: []string{"[1.2.3.4]"}},
		{name: "data before bracket", url: "//a[::1]/", hosts: []string{"a[::1]"}},
		{name: "IPv4 as integer", url: "//2130706433/", hosts: []string{"127.0.0.1"}},
		{name: "IPv4 hex", url: "//0x7f.1/", hosts: []string{"127.0.0.1"}},
		{name: "percent-encoded host", url: "//%67ood.com/", hosts: good},
		{name: "trailing dot", url: "//good.com./", hosts: good},
		{name: "second allowed host", url: "https://cdn.good.com/x", hosts: []string{"good.com", "cdn.good.com"}, django: true, want: true},
		{name: "no hosts, absolute", url: "https://good.com/", hosts: nil},
		{name: "http allowed", url: "http://good.com", hosts: good, django: true, want: true},
		{name: "http refused under https", url: "http://good.com", hosts: good, requireHTTPS: true},
		{name: "https under https", url: "https://good.com", hosts: good, requireHTTPS: true, django: true, want: true},
		{name: "relative under https", url: "/x", hosts: good, requireHTTPS: true, django: true, want: true},
		{name: "ftp", url: "ftp://good.com", hosts: good},
		{name: "scheme-relative", url: "//good.com", hosts: good, django: true, want: true},
		{name: "scheme without slashes", url: "http:good.com", hosts: good},
		{name: "backslash user-info", url: `https://good.com\@evil.com/`, hosts: good},
		{name: "backslash ends host", url: `https://good.com\.evil.com/`, hosts: good},
		{name: "host after fragment", url: "https://evil.com#@good.com/", hosts: good},
		{name: "unusable allowed entry", url: "/x", hosts: []string{"good.com/path", "good.com"}, django: true, want: true},
	})
}

// TestEmptyAndInvalid covers empty, blank and malformed input.
func TestEmptyAndInvalid(t *testing.T) {
	good := []string{"good.com"}
	runHostCases(t, []hostCase{
		{name: "empty", url: "", hosts: good},
		{name: "spaces", url: "   ", hosts: good},
		{name: "ideographic space", url: "\u3000", hosts: good},
		{name: "newlines", url: "\r\n\t", hosts: good},
		{name: "backspace", url: "\x08", hosts: good},
		{name: "private use first", url: "\ue000/x", hosts: good},
		{name: "unassigned first", url: "\u0378/x", hosts: good},
		{name: "invalid UTF-8", url: "/x\xff", hosts: good},
		{name: "invalid UTF-8 host", url: "//good.com\xff/", hosts: []string{"good.com\xff"}},
		{name: "nil hosts", url: "/x", hosts: nil, django: true, want: true},
	})
}

// caseName makes a short, readable subtest name for a URL.
func caseName(i int, u string) string {
	const max = 40
	if len(u) > max {
		u = u[:max]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, u) + "#" + string(rune('a'+i%26))
}
