// Package urlquote percent-escapes text for URL paths the way Django's
// quote(s, safe="!$&'()*+,;=/~:@") does, and keeps a path from reading as a
// scheme-relative URL. Package urls uses it to write reversed URLs; package
// views to fill RedirectView's placeholders.
package urlquote

// safe holds the bytes Django's quote() leaves as they are with
// safe="!$&'()*+,;=/~:@": letters, digits, "_.-~" and those.
var safe = func() (t [256]bool) {
	for _, b := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~!$&'()*+,;=:@/") {
		t[b] = true
	}
	return t
}()

const upperhex = "0123456789ABCDEF"

// IsSafe reports whether Quote leaves b as it is.
func IsSafe(b byte) bool { return safe[b] }

// AllSafe reports whether Quote would return s unchanged.
func AllSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if !safe[s[i]] {
			return false
		}
	}
	return true
}

// AppendQuoted appends Quote(s) to b.
func AppendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if safe[c] {
			b = append(b, c)
		} else {
			b = append(b, '%', upperhex[c>>4], upperhex[c&15])
		}
	}
	return b
}

// Quote percent-escapes every byte of s but letters, digits and
// "_.-~!$&'()*+,;=:@/" (upper-case hex): spaces, "?", "#", "%", "\", control
// characters and non-ASCII bytes cannot change the meaning of the URL it goes
// into.
func Quote(s string) string {
	if AllSafe(s) {
		return s
	}
	return string(AppendQuoted(make([]byte, 0, 3*len(s)), s))
}

// EscapeLeadingSlashes keeps a path from reading as a scheme-relative URL:
// Django's escape_leading_slashes turns "//host" into "/%2Fhost". Browsers
// also read a backslash as a slash ("/\host" goes to //host), so a leading
// "/\" becomes "/%5C".
func EscapeLeadingSlashes(s string) string {
	if len(s) >= 2 && s[0] == '/' {
		switch s[1] {
		case '/':
			return "/%2F" + s[2:]
		case '\\':
			return "/%5C" + s[2:]
		}
	}
	return s
}
