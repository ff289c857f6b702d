package safeurl

import "strings"

// splitResult holds the parts of Python's urllib.parse.SplitResult that
// Django's check reads.
type splitResult struct {
	scheme, netloc, path, query, fragment string
}

// pyURLSplit emulates CPython 3.13's urllib.parse.urlsplit(url) (default
// arguments) for a valid UTF-8 string. ok is false where Python raises
// ValueError. The steps, in Python's order:
//
//  1. Strip leading C0 control characters and spaces (U+0000–U+0020).
//  2. Remove every tab, CR and LF.
//  3. If the text before the first ":" is non-empty, starts with an ASCII
//     letter and holds only ASCII letters, digits, "+", "-" and ".", it is
//     the scheme (lowercased) and is cut off with the colon. Unlike Python
//     3.8 and older, "http:999" has the scheme "http".
//  4. If what remains starts with "//", the netloc runs from there to the
//     first "/", "?" or "#". A netloc holding only one of "[" and "]", or a
//     bracketed part that is not an IPv6 address or IPvFuture literal,
//     raises ValueError.
//  5. The fragment (after the first "#") and the query (after the first
//     "?") are split off the rest.
//  6. A non-ASCII netloc that NFKC normalisation would change into one
//     containing "/", "?", "#", "@" or ":" raises ValueError.
func pyURLSplit(url string) (splitResult, bool) {
	var r splitResult
	url = strings.TrimLeft(url, c0ControlOrSpace)
	url = removeTabNewline(url)
	if i := strings.IndexByte(url, ':'); i > 0 && isASCIIAlpha(url[0]) && allSchemeChars(url[:i]) {
		r.scheme, url = strings.ToLower(url[:i]), url[i+1:]
	}
	if strings.HasPrefix(url, "//") {
		end := len(url)
		if j := strings.IndexAny(url[2:], "/?#"); j >= 0 {
			end = 2 + j
		}
		r.netloc, url = url[2:end], url[end:]
		open, closed := strings.Contains(r.netloc, "["), strings.Contains(r.netloc, "]")
		if open != closed {
			return r, false // "Invalid IPv6 URL"
		}
		if open && !pyBracketedNetlocOK(r.netloc) {
			return r, false
		}
	}
	url, r.fragment, _ = strings.Cut(url, "#")
	r.path, r.query, _ = strings.Cut(url, "?")
	if !pyNetlocNFKCOK(r.netloc) {
		return r, false
	}
	return r, true
}

// c0ControlOrSpace is Python's _WHATWG_C0_CONTROL_OR_SPACE.
const c0ControlOrSpace = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f" +
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "

// removeTabNewline removes every tab, CR and LF from s, as both urlsplit
// and the URL Standard do.
func removeTabNewline(s string) string {
	if !strings.ContainsAny(s, "\t\r\n") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && c != '\r' && c != '\n' {
			b = append(b, c)
		}
	}
	return string(b)
}

// isASCIIAlpha reports whether c is an ASCII letter.
func isASCIIAlpha(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// isASCIIDigit reports whether c is an ASCII digit.
func isASCIIDigit(c byte) bool {
	return '0' <= c && c <= '9'
}

// isASCIIHex reports whether c is an ASCII hexadecimal digit.
func isASCIIHex(c byte) bool {
	return isASCIIDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isSchemeChar reports whether c is in Python's urllib.parse.scheme_chars
// (the same set as the WHATWG scheme state's).
func isSchemeChar(c byte) bool {
	return isASCIIAlpha(c) || isASCIIDigit(c) || c == '+' || c == '-' || c == '.'
}

// allSchemeChars reports whether every byte of s is a scheme character.
func allSchemeChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSchemeChar(s[i]) {
			return false
		}
	}
	return true
}

// pyBracketedNetlocOK ports CPython 3.13's _check_bracketed_netloc for a
// netloc containing both "[" and "]": the host part (after the last "@")
// must be "[addr]" optionally followed by ":port", or, without "[", the part
// before "]" is checked; either way the address must pass
// pyBracketedHostOK.
func pyBracketedNetlocOK(netloc string) bool {
	hostAndPort := netloc[strings.LastIndexByte(netloc, '@')+1:]
	before, bracketed, found := strings.Cut(hostAndPort, "[")
	var hostname string
	if found {
		if before != "" {
			return false // data before the bracket
		}
		var port string
		hostname, port, _ = strings.Cut(bracketed, "]")
		if port != "" && port[0] != ':' {
			return false // data between "]" and ":"
		}
	} else {
		hostname, _, _ = strings.Cut(hostAndPort, "]")
	}
	return pyBracketedHostOK(hostname)
}

// pyBracketedHostOK ports CPython's _check_bracketed_host: an IPvFuture
// literal matching `\Av[a-fA-F0-9]+\..+\Z`, or an address that
// ipaddress.ip_address accepts and that is not IPv4.
func pyBracketedHostOK(host string) bool {
	if strings.HasPrefix(host, "v") {
		i := 1
		for i < len(host) && isASCIIHex(host[i]) {
			i++
		}
		// at least one hex digit, then ".", then at least one character
		// (Python's "." never matches "\n"; urlsplit removed newlines).
		return i > 1 && i < len(host) && host[i] == '.' && i+1 < len(host)
	}
	if pyIPv4OK(host) {
		return false // "An IPv4 address cannot be in brackets"
	}
	return pyIPv6OK(host)
}

// pyIPv4OK reports whether ipaddress.IPv4Address accepts s: exactly four
// dot-separated decimal octets of one to three ASCII digits, no leading
// zeros, each at most 255.
func pyIPv4OK(s string) bool {
	n := 0
	for part := range strings.SplitSeq(s, ".") {
		n++
		if n > 4 || !pyOctetOK(part) {
			return false
		}
	}
	return n == 4
}

// pyOctetOK ports ipaddress._BaseV4._parse_octet's validation.
func pyOctetOK(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
		v = v*10 + int(s[i]-'0')
	}
	if len(s) > 1 && s[0] == '0' {
		return false // leading zeros are refused (bpo-36384)
	}
	return v <= 255
}

// pyIPv6OK reports whether ipaddress.IPv6Address accepts s, following
// _split_scope_id and _BaseV6._ip_int_from_string: an optional non-empty
// "%scope" (without a second "%"), 3 to 9 colon-separated parts (an IPv4
// suffix counting as two), at most one "::", and hextets of one to four
// ASCII hex digits.
func pyIPv6OK(s string) bool {
	if strings.Contains(s, "/") {
		return false
	}
	if addr, scope, found := strings.Cut(s, "%"); found {
		if scope == "" || strings.Contains(scope, "%") {
			return false
		}
		s = addr
	}
	if s == "" {
		return false
	}
	parts := strings.Split(s, ":")
	if len(parts) < 3 {
		return false
	}
	if last := parts[len(parts)-1]; strings.Contains(last, ".") {
		if !pyIPv4OK(last) {
			return false
		}
		// The IPv4 suffix becomes two valid hextets.
		parts = append(parts[:len(parts)-1], "0", "0")
	}
	const hextets = 8
	if len(parts) > hextets+1 {
		return false
	}
	skip := -1
	for i := 1; i < len(parts)-1; i++ {
		if parts[i] == "" {
			if skip >= 0 {
				return false // more than one "::"
			}
			skip = i
		}
	}
	hi, lo := len(parts), 0
	if skip >= 0 {
		hi, lo = skip, len(parts)-skip-1
		if parts[0] == "" {
			if hi--; hi != 0 {
				return false // leading ":" only as part of "::"
			}
		}
		if parts[len(parts)-1] == "" {
			if lo--; lo != 0 {
				return false // trailing ":" only as part of "::"
			}
		}
		if hextets-(hi+lo) < 1 {
			return false
		}
	} else if len(parts) != hextets {
		return false
	}
	for _, p := range parts[:hi] {
		if !pyHextetOK(p) {
			return false
		}
	}
	for _, p := range parts[len(parts)-lo:] {
		if !pyHextetOK(p) {
			return false
		}
	}
	return true
}

// pyHextetOK ports ipaddress._BaseV6._parse_hextet's validation: one to
// four ASCII hex digits.
func pyHextetOK(s string) bool {
	if s == "" || len(s) > 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isASCIIHex(s[i]) {
			return false
		}
	}
	return true
}

// pyNetlocNFKCOK ports urllib.parse._checknetloc: a non-ASCII netloc is
// refused if NFKC normalisation (which IDNA applies) would introduce one of
// "/", "?", "#", "@" or ":" — "evil.com\uFF03@good.com" would otherwise read
// differently before and after normalisation. NFKC composition never
// produces these ASCII characters and no canonical composite has one of them
// as its base, so checking code points one at a time against
// nfkcIntroducesDelimiter is exact.
func pyNetlocNFKCOK(netloc string) bool {
	for _, r := range netloc {
		if r >= 0x80 && nfkcIntroducesDelimiter(r) {
			return false
		}
	}
	return true
}

// nfkcIntroducesDelimiter reports whether the NFKC normalisation of r
// contains "/", "?", "#", "@" or ":". The list was generated with Python
// 3.11's unicodedata (Unicode 14.0):
//
//	[hex(c) for c in range(0x80, 0x110000) if chr(c) not in "@:#?" and
//	 any(d in unicodedata.normalize("NFKC", chr(c)) for d in "/?#@:")]
//
// TestNFKCDelimiters checks each entry and some look-alikes that are not.
func nfkcIntroducesDelimiter(r rune) bool {
	switch r {
	case 0x2047, // ⁇ → "??"
		0x2048, // ⁈ → "?!"
		0x2049, // ⁉ → "!?"
		0x2100, // ℀ → "a/c"
		0x2101, // ℁ → "a/s"
		0x2105, // ℅ → "c/o"
		0x2106, // ℆ → "c/u"
		0x2a74, // ⩴ → "::="
		0xfe13, // ︓ → ":"
		0xfe16, // ︖ → "?"
		0xfe55, // ﹕ → ":"
		0xfe56, // ﹖ → "?"
		0xfe5f, // ﹟ → "#"
		0xfe6b, // ﹫ → "@"
		0xff03, // ＃ → "#"
		0xff0f, // ／ → "/"
		0xff1a, // ： → ":"
		0xff1f, // ？ → "?"
		0xff20: // ＠ → "@"
		return true
	}
	return false
}
