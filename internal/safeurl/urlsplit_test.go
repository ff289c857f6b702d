package safeurl

import "testing"

// TestPyURLSplit checks the urlsplit emulation. Every expectation was
// produced by CPython's urllib.parse.urlsplit (3.11 with 3.13's
// _check_bracketed_netloc), so the table documents Python's behaviour.
func TestPyURLSplit(t *testing.T) {
	cases := []struct {
		in                                    string
		scheme, netloc, path, query, fragment string
		ok                                    bool
	}{
		{"http://example.com/p?q#f", "http", "example.com", "/p", "q", "f", true},
		{"HTTP://Example.COM", "http", "Example.COM", "", "", "", true},
		{"  \x00\x1fhttp://x/", "http", "x", "/", "", "", true},
		{"ht\ttp://x/", "http", "x", "/", "", "", true},
		{"h\nttp://x\r/y", "http", "x", "/y", "", "", true},
		{"http:999999999", "http", "", "999999999", "", "", true},
		{"ftp:9999999999", "ftp", "", "9999999999", "", "", true},
		{"path/http:2222222222", "", "", "path/http:2222222222", "", "", true},
		{"1http://x", "", "", "1http://x", "", "", true},
		{"+http://x", "", "", "+http://x", "", "", true},
		{"a+b-c.d://x", "a+b-c.d", "x", "", "", "", true},
		{"é://x", "", "", "é://x", "", "", true},
		{"ht!tp://x", "", "", "ht!tp://x", "", "", true},
		{"http:", "http", "", "", "", "", true},
		{":", "", "", ":", "", "", true},
		{"://x", "", "", "://x", "", "", true},
		{"//netloc", "", "netloc", "", "", "", true},
		{"///path", "", "", "/path", "", "", true},
		{"//a?b/c", "", "a", "", "b/c", "", true},
		{"//a#b/c", "", "a", "", "", "b/c", true},
		{"//a/b?c#d", "", "a", "/b", "c", "d", true},
		{"/p?q?r#f#g", "", "", "/p", "q?r", "f#g", true},
		{"#f?q", "", "", "", "", "f?q", true},
		{"?q#f", "", "", "", "q", "f", true},
		{"http:///example.com", "http", "", "/example.com", "", "", true},
		{"http:/\\example.com", "http", "", "/\\example.com", "", "", true},
		{"http://[::1]:80/", "http", "[::1]:80", "/", "", "", true},
		{"http://[::1%eth0]/", "http", "[::1%eth0]", "/", "", "", true},
		{"http://[v1.x]/", "http", "[v1.x]", "/", "", "", true},
		{"http://[v1.]/", "", "", "", "", "", false},
		{"http://[vz.x]/", "", "", "", "", "", false},
		{"http://[V1.x]/", "", "", "", "", "", false},
		{"http://[1.2.3.4]/", "", "", "", "", "", false},
		{"http://[::1/", "", "", "", "", "", false},
		{"http://::1]/", "", "", "", "", "", false},
		{"http://a[::1]/", "", "", "", "", "", false},
		{"http://[::1]a/", "", "", "", "", "", false},
		{"http://[::1]:a/", "http", "[::1]:a", "/", "", "", true},
		{"http://u@[::1]/", "http", "u@[::1]", "/", "", "", true},
		{"http://[u@[::1]/", "http", "[u@[::1]", "/", "", "", true},
		{"http://[::1]@x/", "", "", "", "", "", false},
		{"http://x]@[::1]/", "http", "x]@[::1]", "/", "", "", true},
		{"http://evil.com＃@good.com", "", "", "", "", "", false},
		{"http://good.com℀/", "", "", "", "", "", false},
		{"http://bücher.example/", "http", "bücher.example", "/", "", "", true},
		{"http://ｇood.com/", "http", "ｇood.com", "/", "", "", true},
		{"//\u00a0", "", "\u00a0", "", "", "", true},
		{"javascript:alert(1)", "javascript", "", "alert(1)", "", "", true},
		{"JavaScript:x", "javascript", "", "x", "", "", true},
		{"mailto:a@b", "mailto", "", "a@b", "", "", true},
		{"data:,x", "data", "", ",x", "", "", true},
		{"\u3000//x", "", "", "\u3000//x", "", "", true},
	}
	for _, tc := range cases {
		t.Run(caseName(0, tc.in), func(t *testing.T) {
			got, ok := pyURLSplit(tc.in)
			want := splitResult{tc.scheme, tc.netloc, tc.path, tc.query, tc.fragment}
			if ok != tc.ok || ok && got != want {
				t.Errorf("pyURLSplit(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, want, tc.ok)
			}
		})
	}
}

// TestPyIPAddress checks the ipaddress emulation against CPython's
// ipaddress.IPv4Address and IPv6Address (expectations produced by CPython).
func TestPyIPAddress(t *testing.T) {
	cases := []struct {
		in     string
		v4, v6 bool
	}{
		{"::1", false, true},
		{"::", false, true},
		{":::", false, false},
		{"1::", false, true},
		{"::1::", false, false},
		{"1:2:3:4:5:6:7:8", false, true},
		{"1:2:3:4:5:6:7:8:9", false, false},
		{"1:2:3:4:5:6:7", false, false},
		{"1:2:3:4:5:6:7::", false, true},
		{"::1:2:3:4:5:6:7", false, true},
		{"1:2:3:4:5:6::7:8", false, false},
		{":1:2:3:4:5:6:7", false, false},
		{"1:2:3:4:5:6:7:", false, false},
		{"12345::", false, false},
		{"g::", false, false},
		{"::ffff:1.2.3.4", false, true},
		{"::1.2.3.4", false, true},
		{"::1.2.3", false, false},
		{"::01.2.3.4", false, false},
		{"::256.1.1.1", false, false},
		{"1:2:3:4:5:6:1.2.3.4", false, true},
		{"1:2:3:4:5:6:7:1.2.3.4", false, false},
		{"fe80::1%eth0", false, true},
		{"fe80::1%", false, false},
		{"fe80::1%a%b", false, false},
		{"%eth0", false, false},
		{"1.2.3.4", true, false},
		{"01.2.3.4", false, false},
		{"1.2.3.4.5", false, false},
		{"1.2.3", false, false},
		{"", false, false},
		{"0.0.0.0", true, false},
		{"255.255.255.255", true, false},
		{"256.0.0.0", false, false},
		{"1.2.3.04", false, false},
		{"::FFFF:abcd", false, true},
		{"1::2::3", false, false},
		{"0:0:0:0:0:0:0:0", false, true},
		{"::1.2.3.4%x", false, true},
		{"a:b", false, false},
	}
	for _, tc := range cases {
		t.Run(caseName(0, tc.in), func(t *testing.T) {
			if got := pyIPv4OK(tc.in); got != tc.v4 {
				t.Errorf("pyIPv4OK(%q) = %v, want %v", tc.in, got, tc.v4)
			}
			if got := pyIPv6OK(tc.in); got != tc.v6 {
				t.Errorf("pyIPv6OK(%q) = %v, want %v", tc.in, got, tc.v6)
			}
		})
	}
}

// TestNFKCDelimiters checks that each code point whose NFKC form holds
// one of "/?#@:" makes urlsplit refuse a netloc, and that look-alikes
// without that property do not.
func TestNFKCDelimiters(t *testing.T) {
	refused := []rune{0x2047, 0x2048, 0x2049, 0x2100, 0x2101, 0x2105, 0x2106, 0x2a74,
		0xfe13, 0xfe16, 0xfe55, 0xfe56, 0xfe5f, 0xfe6b, 0xff03, 0xff0f, 0xff1a, 0xff1f, 0xff20}
	kept := []rune{0x2044 /* ⁄ */, 0x2215 /* ∕ */, 0xfe68 /* ﹨ */, 0xff3c /* ＼ */, 0xff0e /* ． */, 0x3002 /* 。 */, 0xff47 /* ｇ */, 0x00bd /* ½ */}
	for _, r := range refused {
		t.Run(string(r), func(t *testing.T) {
			if _, ok := pyURLSplit("//good.com" + string(r) + "evil/"); ok {
				t.Errorf("netloc with U+%04X accepted", r)
			}
		})
	}
	for _, r := range kept {
		t.Run(string(r), func(t *testing.T) {
			if _, ok := pyURLSplit("//good.com" + string(r) + "evil/"); !ok {
				t.Errorf("netloc with U+%04X refused", r)
			}
		})
	}
}
