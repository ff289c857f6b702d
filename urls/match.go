package urls

import (
	"strings"
	"unicode/utf8"

	"github.com/fiberviews/fiberviews/internal/urlquote"
)

// result of matching a path against a pattern.
type result uint8

const (
	mNo     result = iota // definitely no match
	mYes                  // match
	mUnsure               // raw mode met a byte that percent-decoding may change: decide on the decoded path
)

// span locates one parameter's text in the matched path.
type span struct{ start, end int }

// spans returns n spans: stack's first n when they fit.
func spans(stack *[8]span, n int) []span {
	if n > len(stack) {
		return make([]span, n)
	}
	return stack[:n]
}

// match matches the whole table-relative path s (no leading '/') against p,
// filling vals (len(p.params)) with the parameters' spans. In raw mode s is
// the path as the client sent it: the answer is mUnsure as soon as a byte is
// met that decoding could change, so that a yes or no in raw mode is the
// answer Django gives on the decoded path.
func (p *pattern) match(s string, raw bool, vals []span) result {
	if len(p.levels) == 1 {
		if _, res := p.levels[0].match(s, 0, raw, vals); res != mYes {
			return res
		}
	} else {
		pos, vi := 0, 0
		for _, lv := range p.levels {
			end, res := lv.match(s, pos, raw, vals[vi:vi+len(lv.params)])
			if res != mYes {
				return res
			}
			pos, vi = end, vi+len(lv.params)
		}
	}
	if !p.convCheck {
		return mYes
	}
	for i, prm := range p.params {
		if !prm.conv.accepts(s[vals[i].start:vals[i].end]) {
			return mNo
		}
	}
	return mYes
}

// match matches lv at s[pos:]; an endpoint level must consume the rest.
func (lv *level) match(s string, pos int, raw bool, vals []span) (int, result) {
	if lv.re != nil {
		return lv.matchRegexp(s, pos, raw, vals)
	}
	i, vi := pos, 0
	for _, x := range lv.parts {
		if x.param == nil {
			lit := x.lit
			if len(s)-i >= len(lit) && s[i:i+len(lit)] == lit {
				if raw && !x.litSafe {
					return 0, mUnsure // the raw path holds bytes such as '%' that decoding changes
				}
				i += len(lit)
				continue
			}
			if raw {
				// Unsure if an unsafe byte comes before or at the mismatch.
				for k := 0; k < len(lit) && i+k < len(s); k++ {
					if !urlquote.IsSafe(s[i+k]) {
						return 0, mUnsure
					}
					if s[i+k] != lit[k] {
						break
					}
				}
			}
			return 0, mNo
		}
		prm := x.param
		cv := prm.conv
		start := i
		switch prm.rule {
		case ruleUUID:
			if len(s)-i < 36 {
				if raw && !urlquote.AllSafe(s[i:]) {
					return 0, mUnsure
				}
				return 0, mNo
			}
			if raw && !urlquote.AllSafe(s[i:i+36]) {
				return 0, mUnsure
			}
			if !isUUIDText(s[i : i+36]) {
				return 0, mNo
			}
			i += 36
		case ruleRun:
			class := cv.class
			for i < len(s) {
				b := s[i]
				if raw && !urlquote.IsSafe(b) {
					return 0, mUnsure
				}
				if !class[b] {
					break
				}
				i++
			}
			if i == start {
				return 0, mNo
			}
		case ruleRest, ruleUntilSlash:
			end := len(s)
			if prm.rule == ruleUntilSlash {
				if k := strings.IndexByte(s[i:], '/'); k >= 0 {
					end = i + k
				}
			}
			if cv.class != nil {
				for k := i; k < end; k++ {
					b := s[k]
					if raw && !urlquote.IsSafe(b) {
						return 0, mUnsure
					}
					if !cv.class[b] {
						return 0, mNo
					}
				}
				if end == i {
					return 0, mNo
				}
			} else {
				if raw && !urlquote.AllSafe(s[i:end]) {
					return 0, mUnsure
				}
				if !cv.re.MatchString(s[i:end]) {
					return 0, mNo
				}
			}
			i = end
		}
		vals[vi] = span{start, i}
		vi++
	}
	if lv.endpoint && i != len(s) {
		return 0, mNo
	}
	return i, mYes
}

func (lv *level) matchRegexp(s string, pos int, raw bool, vals []span) (int, result) {
	rest := s[pos:]
	if raw && !urlquote.AllSafe(rest) {
		return 0, mUnsure
	}
	m := lv.re.FindStringSubmatchIndex(rest)
	if m == nil {
		return 0, mNo
	}
	for k, g := range lv.groups {
		vals[k] = span{pos + m[2*g], pos + m[2*g+1]}
	}
	return pos + m[1], mYes
}

// decodePath percent-decodes a request path the way Django receives it: every
// %XX with two hex digits becomes that byte ('+' stays '+'), then bytes that
// are not valid UTF-8 are percent-encoded again (repercent_broken_unicode).
func decodePath(s string) string {
	if strings.IndexByte(s, '%') < 0 && utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) {
			h, l := unhex(s[i+1]), unhex(s[i+2])
			if h >= 0 && l >= 0 {
				b = append(b, byte(h<<4|l))
				i += 2
				continue
			}
		}
		b = append(b, c)
	}
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out = append(out, '%', upperhex[b[0]>>4], upperhex[b[0]&15])
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return string(out)
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

const upperhex = "0123456789ABCDEF"

// resolve finds the first pattern matching the decoded table-relative path.
// It returns the pattern and its parameters' spans in s: vals resliced, or a
// new slice when vals has too little capacity for the pattern. Use the
// returned slice, never vals.
func (r *Resolver) resolve(s string, vals []span) (*pattern, []span) {
	for _, p := range r.patterns {
		if cap(vals) < len(p.params) {
			vals = make([]span, len(p.params))
		}
		vals = vals[:len(p.params)]
		if p.match(s, false, vals) == mYes {
			return p, vals
		}
	}
	return nil, nil
}
