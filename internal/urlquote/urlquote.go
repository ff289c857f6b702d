// Package urlquote percent-escapes text for URL paths the way Django's
// quote(s, safe="!$&'()*+,;=/~:@") does, and keeps a path from reading as a
// scheme-relative URL. Package urls uses it to write reversed URLs; package
// views to fill RedirectView's placeholders.
package urlquote

// byteSet is a set of bytes that a quoting leaves as they are.
type byteSet [256]bool

func newByteSet(bytes string) (t byteSet) {
	for i := 0; i < len(bytes); i++ {
		t[bytes[i]] = true
	}
	return t
}

// unsafe counts the bytes of s not in t.
func (t *byteSet) unsafe(s string) (n int) {
	for i := 0; i < len(s); i++ {
		if !t[s[i]] {
			n++
		}
	}
	return n
}

// appendQuoted appends s to b, with every byte not in t percent-encoded
// (upper-case hex).
func (t *byteSet) appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; t[c] {
			b = append(b, c)
		} else {
			b = append(b, '%', upperhex[c>>4], upperhex[c&15])
		}
	}
	return b
}

// quote returns s with every byte not in t percent-encoded; s itself, without
// allocating, when there is none.
func (t *byteSet) quote(s string) string {
	n := t.unsafe(s)
	if n == 0 {
		return s
	}
	return string(t.appendQuoted(make([]byte, 0, len(s)+2*n), s))
}

// safe holds the bytes Django's quote() leaves as they are with
// safe="!$&'()*+,;=/~:@": letters, digits, "_.-~" and those.
var safe = newByteSet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~!$&'()*+,;=:@/")

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
func AppendQuoted(b []byte, s string) []byte { return safe.appendQuoted(b, s) }

// Quote percent-escapes every byte of s but letters, digits and
// "_.-~!$&'()*+,;=:@/" (upper-case hex): spaces, "?", "#", "%", "\", control
// characters and non-ASCII bytes cannot change the meaning of the URL it goes
// into.
func Quote(s string) string { return safe.quote(s) }

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
