package urls

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fiberviews/fiberviews/internal/urlquote"
	"github.com/google/uuid"
)

// Kwargs passes reverse arguments by parameter name:
//
//	r.Reverse("archive", urls.Kwargs{"year": 2024, "month": 5})
//
// It must be the only argument. A plain map[string]any works the same.
type Kwargs map[string]any

// NoReverseMatch is the error of a failed reversal, like Django's
// NoReverseMatch: no pattern of that name accepts these arguments. Get it
// with errors.As.
type NoReverseMatch struct {
	Name   string   // the name asked for, namespaces included
	Args   []any    // positional arguments, if any
	Kwargs Kwargs   // keyword arguments, if any
	Tried  []string // routes of the patterns of that name, in the order tried
	Why    []string // why each tried pattern did not fit, parallel to Tried
	Reason string   // set when no pattern could be tried (unknown name or namespace, bad call)
	err    error    // cause, such as ErrNoResolver
}

// Unwrap returns the cause of the failure when it has one (ErrNoResolver for
// a request that was not routed through a mounted table), for errors.Is.
func (e *NoReverseMatch) Unwrap() error { return e.err }

// Error implements error, in the spirit of Django's message: which name,
// which arguments, which patterns were tried and why they did not fit.
func (e *NoReverseMatch) Error() string {
	var args []string
	with := " with no arguments"
	switch {
	case len(e.Kwargs) > 0:
		for _, k := range slices.Sorted(maps.Keys(e.Kwargs)) {
			args = append(args, strconv.Quote(k)+": "+showArg(e.Kwargs[k]))
		}
		with = " with keyword arguments {" + strings.Join(args, ", ") + "}"
	case len(e.Args) > 0:
		for _, a := range e.Args {
			args = append(args, showArg(a))
		}
		with = " with arguments (" + strings.Join(args, ", ") + ")"
	}
	msg := "urls: reverse for " + strconv.Quote(e.Name) + with + " not found"
	if e.Reason != "" {
		return msg + ": " + e.Reason
	}
	tried := make([]string, len(e.Tried))
	for i, t := range e.Tried {
		tried[i] = strconv.Quote(t)
		if i < len(e.Why) && e.Why[i] != "" {
			tried[i] += " (" + e.Why[i] + ")"
		}
	}
	return fmt.Sprintf("%s. %d pattern(s) tried: %s", msg, len(e.Tried), strings.Join(tried, ", "))
}

func showArg(a any) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("%T", a)
		}
	}()
	switch v := a.(type) {
	case string:
		return strconv.Quote(v)
	case fmt.Stringer:
		return strconv.Quote(v.String())
	case nil:
		return "nil"
	}
	return fmt.Sprintf("%v", a)
}

// HasName reports whether name (namespaces included, "accounts:logout") is
// the name of at least one pattern of the table. Packages that accept "a URL
// or a route name" use it to tell them apart, like Django's resolve_url.
func (r *Resolver) HasName(name string) bool {
	if r == nil {
		return false
	}
	_, ok := r.names[name]
	return ok
}

// Reverse returns the URL of the pattern called name with args filled in:
// positional arguments in the order of the route's parameters, or a single
// Kwargs. Namespaced names are written "namespace:name". When several
// patterns share the name, they are tried last first, as Django's are: the
// last in the table whose parameters accept the arguments wins. Values are formatted by the parameter's converter, must match its
// pattern and are percent-escaped. The URL is from the table's root ("/"),
// wherever r is mounted, as Django's reverse() is outside a request: use
// Reverse(c, ...) for the URL under the prefix of the mount serving c, or
// put the prefix in the table (urls.Include("blog/", patterns)) when every
// URL should carry it.
//
// Reverse never panics and never returns "" without an error; on failure
// the error is a *NoReverseMatch.
func (r *Resolver) Reverse(name string, args ...any) (string, error) {
	if r == nil {
		a, kw := splitArgs(args)
		return "", &NoReverseMatch{Name: name, Args: a, Kwargs: kw, Reason: "the resolver is nil; build one with urls.Compile"}
	}
	return r.reverse(r.root, name, args)
}

// MustReverse is like Reverse but panics on error; for start-up code.
func (r *Resolver) MustReverse(name string, args ...any) string {
	s, err := r.Reverse(name, args...)
	if err != nil {
		panic(err)
	}
	return s
}

// misfit says why an argument does not fit a parameter.
type misfit uint8

const (
	fitOK misfit = iota
	fitType
	fitPattern
	fitOverflow
	fitUTF8
	fitFormat
	fitParse
	fitMissing
	fitDots
	fitAmbiguous
)

const maxInt = uint64(^uint(0) >> 1)

func (r *Resolver) reverse(v *view, name string, args []any) (string, error) {
	ps := r.names[name]
	if len(ps) == 0 {
		return "", r.notFound(name, args)
	}
	kw, isKw := kwargsOf(args)
	if isKw {
		if len(args) > 1 {
			return "", &NoReverseMatch{Name: name, Args: slices.Clone(args), Reason: "a Kwargs must be the only argument; do not mix positional and keyword arguments"}
		}
		args = nil // a nil or empty Kwargs is no arguments
	}
	n := len(args)
	if kw != nil {
		n = len(kw)
	}
	var scratch [128]byte // the URL is built here, then copied once into the result
	for _, p := range ps {
		if len(p.params) != n {
			continue
		}
		if n == 0 {
			return v.static[p.idx], nil
		}
		if buf, m := p.write(scratch[:0], v.prefix, args, kw); m == fitOK {
			return string(buf), nil
		}
	}
	return "", r.mismatch(v, name, args, kw, ps)
}

// write appends p's URL with the arguments to buf, or says why they do not
// fit. Each argument is formatted by its converter, checked against its
// pattern and percent-escaped on the way.
func (p *pattern) write(buf []byte, prefix string, args []any, kw map[string]any) ([]byte, misfit) {
	buf = append(buf, prefix...)
	buf = append(buf, '/')
	base := len(buf)
	var spanStack [4]span
	var spans []span
	if p.verify {
		spans = spanStack[:0]
	}
	dots := false
	for i, prm := range p.params {
		buf = append(buf, p.lits[i]...)
		var a any
		if kw != nil {
			var ok bool
			if a, ok = kw[prm.name]; !ok {
				return buf, fitMissing
			}
		} else {
			a = args[i]
		}
		start := len(buf)
		if v, ok := a.(int); ok && v >= 0 && prm.conv.kind == convInt {
			buf = strconv.AppendInt(buf, int64(v), 10) // the most common argument, inline
		} else {
			var m misfit
			if buf, m = prm.conv.appendArg(buf, a, &dots); m != fitOK {
				return buf, m
			}
		}
		if p.verify {
			spans = append(spans, span{start - base, len(buf) - base})
		}
	}
	buf = append(buf, p.lits[len(p.params)]...)
	if dots && dotSegment(buf[base:]) != "" {
		return buf, fitDots
	}
	if p.verify && !p.comesBack(string(buf[base:]), spans) {
		return buf, fitAmbiguous
	}
	if p.lead && prefix == "" && len(buf) > 1 && buf[1] == '/' {
		// Django's escape_leading_slashes: no scheme-relative "//host" URL.
		n := len(buf)
		buf = append(buf, 0, 0)
		copy(buf[4:], buf[2:n])
		buf[1], buf[2], buf[3] = '%', '2', 'F'
	}
	return buf, fitOK
}

// comesBack reports whether the table-relative URL u matches p again with
// each parameter's text where it was written (spans, in u).
func (p *pattern) comesBack(u string, spans []span) bool {
	d := decodePath(u)
	vals := make([]span, len(p.params))
	if p.match(d, false, vals) != mYes {
		return false
	}
	for i, sp := range spans {
		if d[vals[i].start:vals[i].end] != decodePath(u[sp.start:sp.end]) {
			return false
		}
	}
	return true
}

// appendArg appends a formatted for the converter to buf, percent-escaped,
// checking that it fits the converter's pattern and that the URL resolves
// back to the same value. dots is set if the text holds a '.'.
func (cv *converter) appendArg(buf []byte, a any, dots *bool) ([]byte, misfit) {
	switch cv.kind {
	case convInt:
		switch v := a.(type) {
		case int: // the common case first
			if v < 0 {
				return buf, fitPattern
			}
			return strconv.AppendInt(buf, int64(v), 10), fitOK
		case string:
			return appendDigits(buf, v)
		case uuid.UUID, bool, float32, float64:
			return buf, fitType
		}
		if n, neg, ok := integer(a); ok {
			if neg {
				return buf, fitPattern
			}
			if n > maxInt {
				return buf, fitOverflow
			}
			return strconv.AppendUint(buf, n, 10), fitOK
		}
		if s, ok := stringer(a); ok {
			return appendDigits(buf, s)
		}
		return buf, fitType
	case convUUID:
		switch v := a.(type) {
		case uuid.UUID:
			return appendUUID(buf, v), fitOK
		case string:
			return appendUUIDText(buf, v)
		}
		if s, ok := stringer(a); ok {
			return appendUUIDText(buf, s)
		}
		return buf, fitType
	case convCustom:
		var s string
		if cv.format != nil {
			var err error
			if s, err = cv.safeFormat(a); err != nil {
				return buf, fitFormat
			}
		} else {
			var m misfit
			if s, m = plainText(a); m != fitOK {
				return buf, m
			}
		}
		if !utf8.ValidString(s) {
			return buf, fitUTF8
		}
		if !cv.re.MatchString(s) {
			return buf, fitPattern
		}
		if cv.parse != nil {
			if _, err := cv.safeParse(s); err != nil {
				return buf, fitParse
			}
		}
		if strings.IndexByte(s, '.') >= 0 {
			*dots = true
		}
		return urlquote.AppendQuoted(buf, s), fitOK
	}
	// str, slug, path
	if n, neg, ok := integer(a); ok {
		if neg {
			buf = append(buf, '-')
		}
		return strconv.AppendUint(buf, n, 10), fitOK
	}
	s, m := plainText(a)
	if m != fitOK {
		return buf, m
	}
	if s == "" {
		return buf, fitPattern
	}
	high := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !cv.class[c] {
			return buf, fitPattern
		}
		if urlquote.IsSafe(c) {
			buf = append(buf, c)
			if c == '.' {
				*dots = true
			}
			continue
		}
		high = high || c >= 0x80
		buf = append(buf, '%', upperhex[c>>4], upperhex[c&15])
	}
	if high && !utf8.ValidString(s) {
		return buf, fitUTF8
	}
	return buf, fitOK
}

func appendDigits(buf []byte, s string) ([]byte, misfit) {
	if s == "" {
		return buf, fitPattern
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return buf, fitPattern
		}
	}
	if _, ok := parseDigits(s); !ok {
		return buf, fitOverflow
	}
	return append(buf, s...), fitOK
}

func appendUUIDText(buf []byte, s string) ([]byte, misfit) {
	if !isUUIDText(s) {
		return buf, fitPattern
	}
	return append(buf, s...), fitOK
}

// integer returns the magnitude and sign of a Go integer.
func integer(a any) (n uint64, neg, ok bool) {
	switch v := a.(type) {
	case int:
		return abs(int64(v))
	case int64:
		return abs(v)
	case int32:
		return abs(int64(v))
	case int16:
		return abs(int64(v))
	case int8:
		return abs(int64(v))
	case uint:
		return uint64(v), false, true
	case uint64:
		return v, false, true
	case uint32:
		return uint64(v), false, true
	case uint16:
		return uint64(v), false, true
	case uint8:
		return uint64(v), false, true
	}
	return 0, false, false
}

func abs(v int64) (uint64, bool, bool) {
	if v < 0 {
		return uint64(-(v + 1)) + 1, true, true
	}
	return uint64(v), false, true
}

// plainText formats a like Django's str(): strings, fmt.Stringer values,
// integers, floats and booleans.
func plainText(a any) (string, misfit) {
	switch v := a.(type) {
	case string:
		return v, fitOK
	case bool:
		return strconv.FormatBool(v), fitOK
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), fitOK
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32), fitOK
	}
	if n, neg, ok := integer(a); ok {
		s := strconv.FormatUint(n, 10)
		if neg {
			s = "-" + s
		}
		return s, fitOK
	}
	if s, ok := stringer(a); ok {
		return s, fitOK
	}
	return "", fitType
}

// stringer calls a's String method, if any; a method that panics (a nil
// pointer, say) makes the argument unusable rather than crash the caller.
func stringer(a any) (s string, ok bool) {
	st, isStringer := a.(fmt.Stringer)
	if !isStringer {
		return "", false
	}
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	return st.String(), true
}

// dotSegment returns "." or ".." if a segment of the path b is just that,
// which browsers and proxies would remove, else "".
func dotSegment[S ~string | ~[]byte](b S) string {
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '/' {
			i++
		}
		if seg := b[:i]; len(seg) == 1 && seg[0] == '.' || len(seg) == 2 && seg[0] == '.' && seg[1] == '.' {
			return string(seg)
		}
		b = b[min(i+1, len(b)):]
	}
	return ""
}

const lowerhex = "0123456789abcdef"

func appendUUID(b []byte, u uuid.UUID) []byte {
	for i, x := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, lowerhex[x>>4], lowerhex[x&15])
	}
	return b
}

// notFound explains an unknown name.
func (r *Resolver) notFound(name string, args []any) error {
	e := &NoReverseMatch{Name: name}
	e.Args, e.Kwargs = splitArgs(args)
	i := strings.LastIndexByte(name, ':')
	if i < 0 {
		e.Reason = fmt.Sprintf("%q is not a registered route name (names are case-sensitive; give the pattern urls.Name(%q))", name, name)
		return e
	}
	ns, local := name[:i], name[i+1:]
	if !r.namespaces[ns] {
		parts := strings.Split(ns, ":")
		for k := range parts {
			cur := strings.Join(parts[:k+1], ":")
			if r.namespaces[cur] {
				continue
			}
			if k == 0 {
				e.Reason = fmt.Sprintf("%q is not a registered namespace (give an include urls.Namespace(%q))", parts[0], parts[0])
			} else {
				e.Reason = fmt.Sprintf("%q is not a registered namespace inside %q", parts[k], strings.Join(parts[:k], ":"))
			}
			return e
		}
	}
	e.Reason = fmt.Sprintf("%q is not a route name inside namespace %q", local, ns)
	return e
}

// kwargsOf returns args[0] as keyword arguments if it is a Kwargs or a
// map[string]any.
func kwargsOf(args []any) (map[string]any, bool) {
	if len(args) > 0 {
		switch k := args[0].(type) {
		case Kwargs:
			return k, true
		case map[string]any:
			return k, true
		}
	}
	return nil, false
}

func splitArgs(args []any) ([]any, Kwargs) {
	if kw, ok := kwargsOf(args); ok && len(args) == 1 {
		return nil, kw
	}
	return slices.Clone(args), nil
}

// mismatch explains why no pattern of the name accepted the arguments.
func (r *Resolver) mismatch(v *view, name string, args []any, kw map[string]any, ps []*pattern) error {
	e := &NoReverseMatch{Name: name, Args: slices.Clone(args), Kwargs: kw}
	for _, p := range ps {
		e.Tried = append(e.Tried, p.route)
		e.Why = append(e.Why, p.explain(v, args, kw))
	}
	return e
}

// explain says why p does not accept the arguments.
func (p *pattern) explain(v *view, args []any, kw map[string]any) string {
	want := make([]string, len(p.params))
	for i, prm := range p.params {
		want[i] = prm.name
	}
	if kw == nil && len(args) != len(p.params) {
		return fmt.Sprintf("takes %d argument(s) (%s), got %d", len(p.params), strings.Join(want, ", "), len(args))
	}
	if kw != nil {
		var missing, extra, problems []string
		for _, w := range want {
			if _, ok := kw[w]; !ok {
				missing = append(missing, w)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(kw)) {
			if !slices.Contains(want, k) {
				extra = append(extra, k)
			}
		}
		if len(missing) > 0 {
			problems = append(problems, "missing "+strings.Join(missing, ", "))
		}
		if len(extra) > 0 {
			problems = append(problems, "unexpected "+strings.Join(extra, ", "))
		}
		if len(problems) > 0 {
			return fmt.Sprintf("takes %s; %s", strings.Join(want, ", "), strings.Join(problems, "; "))
		}
	}
	dots := false
	for i, prm := range p.params {
		var a any
		if kw != nil {
			a = kw[prm.name]
		} else {
			a = args[i]
		}
		cv := prm.conv
		_, m := cv.appendArg(nil, a, &dots)
		switch m {
		case fitOK:
			continue
		case fitType:
			return fmt.Sprintf("%s: the %s converter cannot format a %T", prm.name, cv.name, a)
		case fitPattern:
			return fmt.Sprintf("%s: %s does not match %s %s", prm.name, showArg(a), cv.name, cv.regex)
		case fitOverflow:
			return fmt.Sprintf("%s: %s does not fit in a Go int", prm.name, showArg(a))
		case fitUTF8:
			return fmt.Sprintf("%s: %s is not valid UTF-8", prm.name, showArg(a))
		case fitFormat:
			_, err := cv.safeFormat(a)
			return fmt.Sprintf("%s: converter %s cannot format %s: %v", prm.name, cv.name, showArg(a), err)
		case fitParse:
			s, _ := plainText(a)
			if cv.format != nil {
				s, _ = cv.safeFormat(a)
			}
			_, err := cv.safeParse(s)
			return fmt.Sprintf("%s: converter %s formats %s as %q, which its Parse rejects: %v", prm.name, cv.name, showArg(a), s, err)
		}
	}
	switch _, m := p.write(nil, v.prefix, args, kw); m {
	case fitDots:
		return "a value would make a '.' or '..' path segment, which browsers remove"
	case fitAmbiguous:
		return "the URL would not resolve back to these values: the route cannot tell where one parameter ends and the next begins"
	}
	return ""
}
