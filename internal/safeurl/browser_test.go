package safeurl

import "testing"

// TestBrowserHost checks the browser model. The expectations are what
// Node.js 20's URL (Ada, a WHATWG URL Standard implementation) returned for
// new URL(ref, base); where Chromium 156 differs, the comment says so.
// Hosts that need UTS #46 mapping are declined by the model (ok=false).
func TestBrowserHost(t *testing.T) {
	cases := []struct {
		base, ref string
		host      string
		ok        bool
		creds     bool // the resolved URL has a username or password
	}{
		{"https://good.com/some/path", "/x", "good.com", true, false},
		{"https://good.com/some/path", "x", "good.com", true, false},
		{"https://good.com/some/path", "", "good.com", true, false},
		{"https://good.com/some/path", "?q", "good.com", true, false},
		{"https://good.com/some/path", "#f", "good.com", true, false},
		{"https://good.com/some/path", "../../../x", "good.com", true, false},
		{"https://good.com/some/path", "//evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "///evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "/\\evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "\\\\evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "\\/\\/\\evil.com/x", "evil.com", true, false},
		{"https://good.com/some/path", "/\t//evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "\n\t //evil.com \n", "evil.com", true, false},
		{"https://good.com/some/path", "\x00\x1f //evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "http:evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "https:evil.com", "good.com", true, false},
		{"https://good.com/some/path", "HTTPS:evil.com", "good.com", true, false},
		{"https://good.com/some/path", "https:/evil.com", "good.com", true, false},
		{"https://good.com/some/path", "https:\\\\evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "https:/\\evil.com", "evil.com", true, false},
		{"http://good.com/some/path", "https:evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "http:/\\/\\evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "ht\ttp://evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "javascript:alert(1)", "", false, false}, // scheme javascript: not modelled
		{"https://good.com/some/path", "ftp://evil.com", "", false, false},      // scheme ftp: not modelled
		{"https://good.com/some/path", "file:///etc/passwd", "", false, false},  // scheme file: not modelled
		{"https://good.com/some/path", "ws://evil.com", "", false, false},       // scheme ws: not modelled
		{"https://good.com/some/path", "http://user:pass@evil.com/", "evil.com", true, true},
		{"https://good.com/some/path", "http://good.com@evil.com/", "evil.com", true, true},
		{"https://good.com/some/path", "http://evil.com\\@good.com/", "evil.com", true, false},
		{"https://good.com/some/path", "http://a@b@good.com/", "good.com", true, true},
		{"https://good.com/some/path", "http://@good.com/", "good.com", true, false},
		{"https://good.com/some/path", "http://@/", "", false, false},
		{"https://good.com/some/path", "http:///", "", false, false},
		{"https://good.com/some/path", "//", "", false, false},
		{"https://good.com/some/path", "http://good.com#@evil.com", "good.com", true, false},
		{"https://good.com/some/path", "http://good.com?@evil.com", "good.com", true, false},
		{"https://good.com/some/path", "http://GOOD.Com:80/", "good.com", true, false},
		{"https://good.com/some/path", "https://good.com:443/", "good.com", true, false},
		{"https://good.com/some/path", "http://good.com:443/", "good.com:443", true, false},
		{"https://good.com/some/path", "http://good.com:0080/", "good.com", true, false},
		{"https://good.com/some/path", "http://good.com:/", "good.com", true, false},
		{"https://good.com/some/path", "http://good.com:65535/", "good.com:65535", true, false},
		{"https://good.com/some/path", "http://good.com:65536/", "", false, false},
		{"https://good.com/some/path", "http://good.com:8a/", "", false, false},
		{"https://good.com/some/path", "http://good.com:80:80/", "", false, false},
		{"https://good.com/some/path", "http://%67ood.com/", "good.com", true, false},
		{"https://good.com/some/path", "http://good%2ecom/", "good.com", true, false},
		{"https://good.com/some/path", "http://good.com%2f.evil.com/", "", false, false},
		{"https://good.com/some/path", "http://good.com%00/", "", false, false},
		{"https://good.com/some/path", "http://%zz/", "", false, false},
		{"https://good.com/some/path", "http://ex ample.com/", "", false, false}, // Chromium: "ex%20ample.com"
		{"https://good.com/some/path", "http://a<b/", "", false, false},
		{"https://good.com/some/path", "http://a^b/", "", false, false},
		{"https://good.com/some/path", "http://a|b/", "", false, false},
		{"https://good.com/some/path", "http://a*b/", "a*b", true, false}, // Chromium: "a%2Ab"
		{"https://good.com/some/path", "http://a_b-c~d/", "a_b-c~d", true, false},
		{"https://good.com/some/path", "http://0x7f.1/", "127.0.0.1", true, false},
		{"https://good.com/some/path", "http://2130706433/", "127.0.0.1", true, false},
		{"https://good.com/some/path", "http://0177.0.0.1/", "127.0.0.1", true, false},
		{"https://good.com/some/path", "http://127.1/", "127.0.0.1", true, false},
		{"https://good.com/some/path", "http://127.0.0.1./", "127.0.0.1", true, false},
		{"https://good.com/some/path", "http://127.0.0.1../", "127.0.0.1..", true, false},
		{"https://good.com/some/path", "http://1.2.3.4.5/", "", false, false},
		{"https://good.com/some/path", "http://256.0.0.1/", "", false, false},
		{"https://good.com/some/path", "http://1.2.65536/", "", false, false},
		{"https://good.com/some/path", "http://4294967295/", "255.255.255.255", true, false},
		{"https://good.com/some/path", "http://4294967296/", "", false, false},
		{"https://good.com/some/path", "http://09/", "", false, false},
		{"https://good.com/some/path", "http://0x/", "0.0.0.0", true, false},
		{"https://good.com/some/path", "http://foo.0x/", "", false, false},
		{"https://good.com/some/path", "http://foo.09/", "", false, false},
		{"https://good.com/some/path", "http://1.foo/", "1.foo", true, false},
		{"https://good.com/some/path", "http://[::1]/", "[::1]", true, false},
		{"https://good.com/some/path", "http://[::1]:8000/", "[::1]:8000", true, false},
		{"https://good.com/some/path", "http://[0:0:0:0:0:0:0:1]/", "[::1]", true, false},
		{"https://good.com/some/path", "http://[::ffff:1.2.3.4]/", "[::ffff:102:304]", true, false},
		{"https://good.com/some/path", "http://[1:0:0:2:0:0:0:3]/", "[1:0:0:2::3]", true, false},
		{"https://good.com/some/path", "http://[1:0:0:2:0:0:3:4]/", "[1::2:0:0:3:4]", true, false},
		{"https://good.com/some/path", "http://[0:0:1:0:0:0:0:0]/", "[0:0:1::]", true, false},
		{"https://good.com/some/path", "http://[1:2:3:4:5:6:7:8]/", "[1:2:3:4:5:6:7:8]", true, false},
		{"https://good.com/some/path", "http://[1:2:3:4:5:6::7:8]/", "", false, false},
		{"https://good.com/some/path", "http://[::1%eth0]/", "", false, false},
		{"https://good.com/some/path", "http://[::1.2.3]/", "", false, false},
		{"https://good.com/some/path", "http://[::01.2.3.4]/", "", false, false}, // Chromium: "[::102:304]"
		{"https://good.com/some/path", "http://[1.2.3.4]/", "", false, false},
		{"https://good.com/some/path", "http://[::1]x/", "", false, false},
		{"https://good.com/some/path", "http://[::1/", "", false, false},
		{"https://good.com/some/path", "http://[v1.x]/", "", false, false},
		{"https://good.com/some/path", "http://[ABCD::]/", "[abcd::]", true, false},
		{"https://good.com/some/path", "http://xn--bcher-kva.example/", "xn--bcher-kva.example", true, false},
		{"https://good.com/some/path", "http://XN--BCHER-KVA.example/", "xn--bcher-kva.example", true, false},
		{"https://good.com/some/path", "http://xn--/", "", false, false},                      // Chromium: "xn--"
		{"https://good.com/some/path", "http://xn--abc/", "", false, false},                   // Chromium: "xn--abc" (decodes to C1 controls)
		{"https://good.com/some/path", "http://xn--a-ecp.com/", "xn--a-ecp.com", true, false}, // Node refuses (decodes to "a\u2488", disallowed by UTS #46), Chromium accepts; the model checks Punycode, not the full UTS #46 tables
		{"https://good.com/some/path", "http://b\u00fccher.example/", "", false, false},       // browsers: xn--bcher-kva.example (UTS #46, not modelled)
		{"https://good.com/some/path", "http://\u212aelvin.com/", "", false, false},           // browsers: kelvin.com (UTS #46, not modelled)
		{"https://good.com/some/path", "http://good\u3002com/", "", false, false},             // browsers: good.com (UTS #46, not modelled)
		{"https://good.com:8443/x", "/y", "good.com:8443", true, false},
		{"https://good.com:8443/x", "//other.com/y", "other.com", true, false},
		{"https://user:pw@good.com/x", "/y", "good.com", true, true},
		{"http://good.com", "//evil.com", "evil.com", true, false},
		{"https://good.com/some/path", "\u00a0//evil.com", "good.com", true, false}, // NBSP is not stripped: a relative path
		{"not a url", "/x", "", false, false},
		{"javascript:alert(1)", "/x", "", false, false},
		{"https://good.com/some/path", "http://good.com\u00ff/", "", false, false}, // browsers: good.xn--com-voa (UTS #46, not modelled)
		{"https://good.com/some/path", "http://good.com%c3%bc/", "", false, false}, // browsers: good.xn--com-joa (UTS #46, not modelled)
		{"https://good.com/some/path", "http://good.com%ff/", "", false, false},
	}
	for _, tc := range cases {
		t.Run(caseName(0, tc.ref), func(t *testing.T) {
			host, ok := BrowserHost(tc.base, tc.ref)
			if host != tc.host || ok != tc.ok {
				t.Fatalf("BrowserHost(%q, %q) = %q, %v; want %q, %v", tc.base, tc.ref, host, ok, tc.host, tc.ok)
			}
			if !ok {
				return
			}
			b, _ := parseBrowserURL(tc.base, nil)
			u, _ := parseBrowserURL(tc.ref, &b)
			if u.creds != tc.creds {
				t.Errorf("credentials of %q = %v, want %v", tc.ref, u.creds, tc.creds)
			}
		})
	}
}

// TestPunycodeDecode checks the decoder against RFC 3492 section 7.1
// samples and malformed input.
func TestPunycodeDecode(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"bcher-kva", "bücher", true},
		{"egbpdaj6bu4bxfgehfvwxn", "\u0644\u064a\u0647\u0645\u0627\u0628\u062a\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064a\u061f", true}, // (A) Arabic
		{"ihqwcrb4cv8a8dqg056pqjye", "\u4ed6\u4eec\u4e3a\u4ec0\u4e48\u4e0d\u8bf4\u4e2d\u6587", true},                                               // (B) Chinese
		{"Proprostnemluvesky-uyb24dma41a", "Pro\u010dprost\u011bnemluv\u00ed\u010desky", true},                                                     // (D) Czech
		{"3B-ww4c5e180e575a65lsy2b", "3\u5e74B\u7d44\u91d1\u516b\u5148\u751f", true},                                                               // (L)
		{"-> $1.00 <--", "-> $1.00 <-", true}, // (S) all basic
		{"", "", true},
		{"a-", "a", true},
		{"9999999999a", "", false}, // overflow
		{"ab!", "", false},         // not a base-36 digit
		{"a-b-z", "", false},       // input ends inside a variable-length integer
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := punycodeDecode(tc.in)
			if ok != tc.ok || ok && string(got) != tc.want {
				t.Errorf("punycodeDecode(%q) = %q, %v; want %q, %v", tc.in, string(got), ok, tc.want, tc.ok)
			}
		})
	}
}

// TestParseAllowedHost checks how allowed-host entries are read for the
// browser check.
func TestParseAllowedHost(t *testing.T) {
	cases := []struct {
		in   string
		host string
		port int
		ok   bool
	}{
		{"good.com", "good.com", -1, true},
		{"GOOD.com:8000", "good.com", 8000, true},
		{"good.com:", "good.com", -1, true},
		{"good.com:443", "good.com", 443, true},
		{"[::1]:8000", "[::1]", 8000, true},
		{"[0:0::1]", "[::1]", -1, true},
		{"0x7f.1", "127.0.0.1", -1, true},
		{"%67ood.com", "good.com", -1, true},
		{"", "", 0, false},
		{":8000", "", 0, false},
		{"good.com:99999", "", 0, false},
		{"good.com:x", "", 0, false},
		{"good.com/path", "", 0, false},
		{"user@good.com", "", 0, false},
		{`good.com\x`, "", 0, false},
		{"good.com?", "", 0, false},
		{"good .com", "", 0, false},
		{"b\u00fccher.example", "", 0, false}, // UTS #46 not modelled
		{"[::1", "", 0, false},
		{"256.0.0.1", "", 0, false},
	}
	for _, tc := range cases {
		t.Run(caseName(0, tc.in), func(t *testing.T) {
			got, ok := parseAllowedHost(tc.in)
			if ok != tc.ok || ok && (got.host != tc.host || got.port != tc.port) {
				t.Errorf("parseAllowedHost(%q) = %q:%d, %v; want %q:%d, %v", tc.in, got.host, got.port, ok, tc.host, tc.port, tc.ok)
			}
		})
	}
}

// TestIPv6 checks the IPv6 parser and serialiser against Node.js 20's
// URL (expectations from new URL("http://[" + in + "]/").host).
func TestIPv6(t *testing.T) {
	cases := []struct {
		in, want string // want "" means the parser fails
	}{
		{"::", "::"},
		{"::1", "::1"},
		{":1", ""},
		{"1:", ""},
		{"1::", "1::"},
		{"1::2::3", ""},
		{":::", ""},
		{"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
		{"1:2:3:4:5:6:7:8:9", ""},
		{"1:2:3:4:5:6:7", ""},
		{"::1:2:3:4:5:6:7:8", ""},
		{"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
		{"1:2:3:4:5:6::7:8", ""},
		{"12345::", ""},
		{"g::", ""},
		{"::ffff:1.2.3.4", "::ffff:102:304"},
		{"::1.2.3.4", "::102:304"},
		{"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
		{"1:2:3:4:5:6:7:1.2.3.4", ""},
		{"::1.2.3", ""},
		{"::1.2.3.4.5", ""},
		{"::01.2.3.4", ""},
		{"::1.2.3.256", ""},
		{"::1.2..3", ""},
		{"::.1.2.3", ""},
		{"::1.2.3.4:1", ""},
		{"1:2:3:4:5:6:7:1.2.3", ""},
		{"0:0:0:0:0:0:0:0", "::"},
		{"1:0:0:0:0:0:0:0", "1::"},
		{"0:0:0:1:0:0:0:0", "0:0:0:1::"},
		{"0:1:0:0:1:0:0:1", "0:1::1:0:0:1"},
		{"1:0:0:1:1:0:0:1", "1::1:1:0:0:1"},
		{"ABCD:EF01::", "abcd:ef01::"},
		{"0001:0002::", "1:2::"},
		{"1::2:", ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			a, ok := parseIPv6(tc.in)
			got := ""
			if ok {
				got = serializeIPv6(a)
			}
			if got != tc.want {
				t.Errorf("parseIPv6(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
			}
		})
	}
}
