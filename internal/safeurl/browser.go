package safeurl

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BrowserHost reports where a browser goes when a page at base receives a
// redirect to ref: it resolves ref against base the way the WHATWG URL
// Standard's basic URL parser does (the parser browsers run on a Location
// header) and returns the resulting host, followed by ":port" when the port
// is not the scheme's default. User-info is not part of host.
//
// ok is false when the browser would fail to parse base or ref, when the
// result is not an http or https URL (javascript:, data:, ftp:, file: and
// other schemes are not modelled), when a host is not ASCII after
// percent-decoding (browsers map such hosts through UTS #46, which is not
// modelled), or when base or ref is not valid UTF-8. Callers deciding on
// safety must treat !ok as unsafe.
//
// The model follows the Standard's steps that decide the host:
//
//   - leading and trailing C0 control characters and spaces are stripped,
//     and tabs, CRs and LFs are removed wherever they are;
//   - a scheme is an ASCII letter followed by letters, digits, "+", "-" or
//     "." up to the first ":"; a ref without one is relative to base;
//   - "\" counts as "/" wherever "/" separates (http and https are
//     "special" schemes), so "/\evil.com" and "\\evil.com" are
//     scheme-relative;
//   - any number of slashes and backslashes may start an authority
//     ("///evil.com", "http:/\/\evil.com"); with a scheme different from
//     base's none are needed at all ("http:evil.com");
//   - a ref with base's scheme and no "//" ("https:path") is relative;
//   - the authority ends at the first "/", "\", "?" or "#"; user-info runs
//     up to its last "@"; the port is after the first ":" outside "[...]"
//     and must be decimal, at most 65535; the default port is dropped;
//   - the host is percent-decoded, ASCII-lowercased, refused if it holds a
//     forbidden domain code point (space, "%", "<", "[", "^", "|", control
//     characters and so on), read as IPv4 when its last label is a number
//     ("0x7f.1" is "127.0.0.1"), or as IPv6 inside "[...]"; "xn--" labels
//     must be valid Punycode.
//
// base must be an absolute http or https URL, e.g.
// "https://example.com/accounts/login/".
func BrowserHost(base, ref string) (host string, ok bool) {
	b, ok := parseBrowserURL(base, nil)
	if !ok {
		return "", false
	}
	u, ok := parseBrowserURL(ref, &b)
	if !ok {
		return "", false
	}
	return u.hostPort(), true
}

// browserURL is what the model keeps of a parsed http or https URL: enough
// to say where a browser connects.
type browserURL struct {
	scheme string // "http" or "https"
	creds  bool   // the URL has a non-empty username or password
	host   string // serialised host; "" only for the "no allowed host" base
	port   int    // -1 when absent or the scheme's default
}

// hostPort returns host, with ":port" when the port is not the default.
func (u browserURL) hostPort() string {
	if u.port < 0 {
		return u.host
	}
	return u.host + ":" + strconv.Itoa(u.port)
}

// effectivePort returns u's port, or the default port of u's scheme.
func (u browserURL) effectivePort() int {
	if u.port >= 0 {
		return u.port
	}
	return defaultPort(u.scheme)
}

// defaultPort returns the default port of http or https.
func defaultPort(scheme string) int {
	if scheme == "https" {
		return 443
	}
	return 80
}

// parseBrowserURL runs the basic URL parser on input with an optional base
// (nil, or an http or https URL) and stops as soon as the host is known: the
// path, query and fragment states of a special URL cannot fail and do not
// change the host.
func parseBrowserURL(input string, base *browserURL) (browserURL, bool) {
	if !utf8.ValidString(input) {
		return browserURL{}, false
	}
	s := removeTabNewline(strings.Trim(input, c0ControlOrSpace))
	// scheme start state and scheme state
	if len(s) > 0 && isASCIIAlpha(s[0]) {
		j := 1
		for j < len(s) && isSchemeChar(s[j]) {
			j++
		}
		if j < len(s) && s[j] == ':' {
			scheme, rest := strings.ToLower(s[:j]), s[j+1:]
			if scheme != "http" && scheme != "https" {
				return browserURL{}, false // not modelled
			}
			if base != nil && base.scheme == scheme {
				// special relative or authority state
				if strings.HasPrefix(rest, "//") {
					return parseAuthority(scheme, rest[2:])
				}
				return parseRelative(rest, base)
			}
			// special authority slashes state, then the special
			// authority ignore slashes state
			return parseAuthority(scheme, rest)
		}
	}
	// no scheme state
	if base == nil {
		return browserURL{}, false
	}
	return parseRelative(s, base)
}

// parseRelative runs the relative state (and the relative slash state) on
// s: "//" or any mix of two slashes and backslashes starts an authority;
// anything else keeps base's scheme, credentials, host and port.
func parseRelative(s string, base *browserURL) (browserURL, bool) {
	if len(s) >= 2 && isSlash(s[0]) && isSlash(s[1]) {
		return parseAuthority(base.scheme, s[2:])
	}
	return *base, true
}

// isSlash reports whether c separates like "/" in a special URL.
func isSlash(c byte) bool {
	return c == '/' || c == '\\'
}

// parseAuthority runs the special authority ignore slashes, authority, host
// and port states on s.
func parseAuthority(scheme, s string) (browserURL, bool) {
	s = strings.TrimLeft(s, `/\`)
	auth := s
	if end := strings.IndexAny(s, `/\?#`); end >= 0 {
		auth = s[:end]
	}
	u := browserURL{scheme: scheme, port: -1}
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		// Everything before the last "@" is user-info, and earlier "@"s
		// become "%40" in it. The first ":" splits username and password.
		userinfo := auth[:at]
		u.creds = userinfo != "" && userinfo != ":"
		auth = auth[at+1:]
		if auth == "" {
			return browserURL{}, false // "@" without a host
		}
	}
	hostStr, portStr, _ := splitHostPort(auth)
	if hostStr == "" {
		return browserURL{}, false // special URLs need a host
	}
	host, ok := parseHost(hostStr)
	if !ok {
		return browserURL{}, false
	}
	u.host = host
	port, ok := parsePort(portStr)
	if !ok {
		return browserURL{}, false
	}
	if port != defaultPort(scheme) {
		u.port = port
	}
	return u, true
}

// splitHostPort splits an authority's host and port at the first ":" that
// is not inside "[...]", as the host state does.
func splitHostPort(s string) (host, port string, hasPort bool) {
	inBrackets := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			inBrackets = true
		case ']':
			inBrackets = false
		case ':':
			if !inBrackets {
				return s[:i], s[i+1:], true
			}
		}
	}
	return s, "", false
}

// parsePort runs the port state: only ASCII digits, at most 65535; an empty
// port is absent (-1).
func parsePort(s string) (int, bool) {
	if s == "" {
		return -1, true
	}
	p := 0
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return 0, false
		}
		if p = p*10 + int(s[i]-'0'); p > 65535 {
			return 0, false
		}
	}
	return p, true
}

// parseHost runs the host parser for a special URL on a non-empty input and
// returns the serialised host.
func parseHost(s string) (string, bool) {
	if s[0] == '[' {
		if len(s) < 2 || s[len(s)-1] != ']' {
			return "", false
		}
		a, ok := parseIPv6(s[1 : len(s)-1])
		if !ok {
			return "", false
		}
		return "[" + serializeIPv6(a) + "]", true
	}
	domain := percentDecode(s)
	// Domain to ASCII: for an ASCII domain without "xn--" labels this is
	// ASCII lowercasing. Non-ASCII domains need UTS #46 mapping, which is
	// not modelled; invalid UTF-8 decodes to U+FFFD, which UTS #46 refuses.
	upper := false
	for i := 0; i < len(domain); i++ {
		c := domain[i]
		if c >= 0x80 || forbiddenDomainCodePoint(c) {
			return "", false
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if upper {
		domain = strings.ToLower(domain)
	}
	if !punycodeLabelsOK(domain) {
		return "", false
	}
	if endsInANumber(domain) {
		v, ok := parseIPv4(domain)
		if !ok {
			return "", false
		}
		return serializeIPv4(v), true
	}
	return domain, true
}

// forbiddenDomainCodePoint reports whether ASCII c is a forbidden domain
// code point: a C0 control, space, "#", "%", "/", ":", "<", ">", "?", "@",
// "[", "\", "]", "^", "|" or DEL.
func forbiddenDomainCodePoint(c byte) bool {
	if c <= 0x20 || c == 0x7f {
		return true
	}
	return strings.IndexByte(`#%/:<>?@[\]^|`, c) >= 0
}

// percentDecode decodes "%XX" sequences; a "%" not followed by two hex
// digits stays as it is.
func percentDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isASCIIHex(s[i+1]) && isASCIIHex(s[i+2]) {
			out = append(out, hexVal(s[i+1])<<4|hexVal(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}

// hexVal returns the value of an ASCII hex digit.
func hexVal(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// punycodeLabelsOK checks the labels of a lowercase ASCII domain that start
// with "xn--": each must decode as Punycode (RFC 3492) to a label that has a
// non-ASCII code point, does not start with a combining mark, and holds no
// ".", uppercase letter, white space or category C code point (UTS #46 maps
// or disallows those, so a browser refuses the label).
// Browsers apply further UTS #46 validity rules; a label they refuse makes
// the whole URL fail, so not modelling those rules never makes BrowserHost
// name a host the browser would not use.
func punycodeLabelsOK(domain string) bool {
	if !strings.Contains(domain, "xn--") {
		return true
	}
	for label := range strings.SplitSeq(domain, ".") {
		if !strings.HasPrefix(label, "xn--") {
			continue
		}
		decoded, ok := punycodeDecode(label[4:])
		if !ok {
			return false
		}
		nonASCII := false
		for i, r := range decoded {
			switch {
			case r == '.', unicode.IsUpper(r), unicode.IsSpace(r), pyCategoryC(r):
				return false // UTS #46 maps or disallows these
			case i == 0 && unicode.Is(unicode.M, r):
				return false // a label must not start with a combining mark
			case r >= 0x80:
				nonASCII = true
			}
		}
		if !nonASCII {
			return false
		}
	}
	return true
}

// punycodeDecode decodes the part of an A-label after "xn--" (RFC 3492,
// section 6.2).
func punycodeDecode(s string) ([]rune, bool) {
	const (
		base        = 36
		tmin        = 1
		tmax        = 26
		skew        = 38
		damp        = 700
		initialBias = 72
		initialN    = 128
		maxInt      = 1<<31 - 1
	)
	var out []rune
	in := 0
	if b := strings.LastIndexByte(s, '-'); b > 0 {
		for i := 0; i < b; i++ {
			out = append(out, rune(s[i]))
		}
		in = b + 1
	}
	n, i, bias := initialN, 0, initialBias
	for in < len(s) {
		oldi, w := i, 1
		for k := base; ; k += base {
			if in >= len(s) {
				return nil, false
			}
			c := s[in]
			in++
			var digit int
			switch {
			case isASCIIDigit(c):
				digit = int(c-'0') + 26
			case 'a' <= c && c <= 'z':
				digit = int(c - 'a')
			case 'A' <= c && c <= 'Z':
				digit = int(c - 'A')
			default:
				return nil, false
			}
			if digit > (maxInt-i)/w {
				return nil, false
			}
			i += digit * w
			t := k - bias
			if t < tmin {
				t = tmin
			} else if t > tmax {
				t = tmax
			}
			if digit < t {
				break
			}
			if w > maxInt/(base-t) {
				return nil, false
			}
			w *= base - t
		}
		// adapt the bias (section 6.1)
		numPoints := len(out) + 1
		delta := i - oldi
		if oldi == 0 {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / numPoints
		k := 0
		for delta > (base-tmin)*tmax/2 {
			delta /= base - tmin
			k += base
		}
		bias = k + (base-tmin+1)*delta/(delta+skew)

		if i/numPoints > maxInt-n {
			return nil, false
		}
		n += i / numPoints
		i %= numPoints
		if n > utf8.MaxRune || 0xd800 <= n && n <= 0xdfff {
			return nil, false
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return out, true
}

// endsInANumber is the URL Standard's "ends in a number checker": the last
// label (ignoring one trailing empty label) is all digits or "0x" + hex.
func endsInANumber(s string) bool {
	parts := strings.Split(s, ".")
	if parts[len(parts)-1] == "" {
		if len(parts) == 1 {
			return false
		}
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, ok := parseIPv4Number(last)
	return ok
}

// parseIPv4Number is the URL Standard's IPv4 number parser: "0x"/"0X"
// prefix for hex, a leading "0" for octal, decimal otherwise. Values above
// 2^32 are clamped (they fail the range checks either way).
func parseIPv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	radix := uint64(10)
	switch {
	case len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		s, radix = s[2:], 16
	case len(s) >= 2 && s[0] == '0':
		s, radix = s[1:], 8
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case isASCIIDigit(c):
			d = uint64(c - '0')
		case radix == 16 && isASCIIHex(c):
			d = uint64(hexVal(c))
		default:
			return 0, false
		}
		if d >= radix {
			return 0, false
		}
		if v = v*radix + d; v > 1<<32 {
			v = 1<<32 + 1
		}
	}
	return v, true
}

// parseIPv4 is the URL Standard's IPv4 parser.
func parseIPv4(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return 0, false
	}
	var nums [4]uint64
	for i, p := range parts {
		n, ok := parseIPv4Number(p)
		if !ok {
			return 0, false
		}
		nums[i] = n
	}
	last := len(parts) - 1
	for _, n := range nums[:last] {
		if n > 255 {
			return 0, false
		}
	}
	if nums[last] >= 1<<(8*(5-len(parts))) {
		return 0, false
	}
	v := nums[last]
	for i, n := range nums[:last] {
		v += n << (8 * (3 - i))
	}
	return uint32(v), true
}

// serializeIPv4 writes an IPv4 address in dotted decimal.
func serializeIPv4(v uint32) string {
	b := make([]byte, 0, 15)
	for shift := 24; shift >= 0; shift -= 8 {
		b = strconv.AppendUint(b, uint64(v>>shift&0xff), 10)
		if shift > 0 {
			b = append(b, '.')
		}
	}
	return string(b)
}

// parseIPv6 is the URL Standard's IPv6 parser (the text between "[" and
// "]"): no zone identifiers, an optional dotted IPv4 tail with no leading
// zeros.
func parseIPv6(s string) ([8]uint16, bool) {
	var a [8]uint16
	piece, compress, i := 0, -1, 0
	if strings.HasPrefix(s, ":") {
		if !strings.HasPrefix(s, "::") {
			return a, false
		}
		i, piece, compress = 2, 1, 1
	}
	for i < len(s) {
		if piece == 8 {
			return a, false
		}
		if s[i] == ':' {
			if compress >= 0 {
				return a, false
			}
			i++
			piece++
			compress = piece
			continue
		}
		value, length := 0, 0
		for length < 4 && i < len(s) && isASCIIHex(s[i]) {
			value = value<<4 | int(hexVal(s[i]))
			i++
			length++
		}
		if i < len(s) && s[i] == '.' {
			if length == 0 || piece > 6 {
				return a, false
			}
			i -= length
			seen := 0
			for i < len(s) {
				if seen > 0 {
					if s[i] != '.' || seen >= 4 {
						return a, false
					}
					i++
				}
				if i >= len(s) || !isASCIIDigit(s[i]) {
					return a, false
				}
				v := -1
				for i < len(s) && isASCIIDigit(s[i]) {
					d := int(s[i] - '0')
					switch {
					case v < 0:
						v = d
					case v == 0:
						return a, false // leading zero
					default:
						v = v*10 + d
					}
					if v > 255 {
						return a, false
					}
					i++
				}
				a[piece] = a[piece]<<8 | uint16(v)
				seen++
				if seen == 2 || seen == 4 {
					piece++
				}
			}
			if seen != 4 {
				return a, false
			}
			break
		}
		if i < len(s) {
			if s[i] != ':' {
				return a, false
			}
			if i++; i >= len(s) {
				return a, false
			}
		}
		a[piece] = uint16(value)
		piece++
	}
	if compress >= 0 {
		swaps := piece - compress
		piece = 7
		for piece != 0 && swaps > 0 {
			a[piece], a[compress+swaps-1] = a[compress+swaps-1], a[piece]
			piece--
			swaps--
		}
	} else if piece != 8 {
		return a, false
	}
	return a, true
}

// serializeIPv6 is the URL Standard's IPv6 serializer: lowercase hex, the
// first longest run of two or more zero pieces written as "::".
func serializeIPv6(a [8]uint16) string {
	start, best := -1, 1
	for i := 0; i < 8; {
		if a[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && a[j] == 0 {
			j++
		}
		if j-i > best {
			start, best = i, j-i
		}
		i = j
	}
	var b []byte
	for i := 0; i < 8; i++ {
		if i == start {
			if i == 0 {
				b = append(b, ':')
			}
			b = append(b, ':')
			i += best - 1
			continue
		}
		b = strconv.AppendUint(b, uint64(a[i]), 16)
		if i != 7 {
			b = append(b, ':')
		}
	}
	return string(b)
}
