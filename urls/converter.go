package urls

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"regexp/syntax"
	"slices"
	"sync"

	"github.com/google/uuid"
)

// Converter describes a path converter: what a parameter matches in a URL,
// how the matched text becomes a Go value, and how a Go value becomes text
// again when reversing. It is Django's converter class (regex, to_python,
// to_url) as a struct. Register one with RegisterConverter before compiling
// the tables that use it.
type Converter struct {
	// Regex is what the parameter matches, in Go's regexp (RE2) syntax,
	// without anchors: "[0-9]{4}". The percent-decoded request path is
	// matched against it, and so is every value Format produces.
	Regex string
	// Parse turns the matched text into the value handlers receive
	// (Django's to_python). An error means the pattern does not match and
	// routing goes on with the next pattern. Nil keeps the text as a string.
	Parse func(string) (any, error)
	// Format turns a reverse argument into text (Django's to_url). An error
	// means the argument does not fit this pattern and reversal tries the
	// next one. Nil formats like the str converter: strings, fmt.Stringer
	// values, integers, floats and booleans.
	Format func(any) (string, error)
}

// Sentinel errors of RegisterConverter, usable with errors.Is.
var (
	// ErrInvalidConverter: the converter's name, Regex, or functions are unusable.
	ErrInvalidConverter = errors.New("invalid converter")
	// ErrConverterExists: a converter of that name is already registered.
	ErrConverterExists = errors.New("converter already registered")
)

type convKind uint8

const (
	convCustom convKind = iota
	convStr
	convInt
	convSlug
	convPath
	convUUID
)

// converter is the compiled form of a Converter.
type converter struct {
	name   string
	kind   convKind
	regex  string
	class  *[256]bool     // bytes the builtin str/int/slug/path converters accept
	re     *regexp.Regexp // ^(?:Regex)$, custom converters only
	slash  bool           // the converter can match text containing '/'
	parse  func(string) (any, error)
	format func(any) (string, error)
}

var (
	classStr, classInt, classSlug, classPath [256]bool

	uuidRegex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

	registry = struct {
		sync.RWMutex
		m map[string]*converter
	}{m: map[string]*converter{}}
)

func init() {
	for i := 0; i < 256; i++ {
		b := byte(i)
		classStr[i] = b != '/'
		classPath[i] = b != '\n'
		classInt[i] = b >= '0' && b <= '9'
		classSlug[i] = classInt[i] || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '-' || b == '_'
	}
	registry.m["str"] = &converter{name: "str", kind: convStr, regex: "[^/]+", class: &classStr}
	registry.m["int"] = &converter{name: "int", kind: convInt, regex: "[0-9]+", class: &classInt}
	registry.m["slug"] = &converter{name: "slug", kind: convSlug, regex: "[-a-zA-Z0-9_]+", class: &classSlug}
	registry.m["path"] = &converter{name: "path", kind: convPath, regex: ".+", class: &classPath, slash: true}
	registry.m["uuid"] = &converter{name: "uuid", kind: convUUID, regex: uuidRegex}
}

// RegisterConverter makes a converter available to every table compiled
// afterwards under name, as in "<name:param>", like Django's
// register_converter. The name must be an identifier ([A-Za-z_][A-Za-z0-9_]*)
// not yet registered; the built-in str, int, slug, uuid and path cannot be
// replaced. Regex must compile. It is safe for concurrent use, but tables
// compiled earlier keep the converters they were compiled with.
func RegisterConverter(name string, c Converter) error {
	if !isIdent(name) {
		return fmt.Errorf("urls: RegisterConverter(%q): %w: the name must be an identifier like \"year\" ([A-Za-z_][A-Za-z0-9_]*)", name, ErrInvalidConverter)
	}
	if c.Regex == "" {
		return fmt.Errorf("urls: RegisterConverter(%q): %w: Regex is empty; set it to what the parameter matches, e.g. \"[0-9]{4}\"", name, ErrInvalidConverter)
	}
	re, err := regexp.Compile("^(?:" + c.Regex + ")$")
	if err != nil {
		return fmt.Errorf("urls: RegisterConverter(%q): %w: Regex %q does not compile (%v); use Go RE2 syntax", name, ErrInvalidConverter, c.Regex, err)
	}
	slash, err := regexCanMatchSlash(c.Regex)
	if err != nil {
		return fmt.Errorf("urls: RegisterConverter(%q): %w: %v", name, ErrInvalidConverter, err)
	}
	cv := &converter{name: name, kind: convCustom, regex: c.Regex, re: re, slash: slash, parse: c.Parse, format: c.Format}
	registry.Lock()
	defer registry.Unlock()
	if _, ok := registry.m[name]; ok {
		return fmt.Errorf("urls: RegisterConverter(%q): %w; pick another name", name, ErrConverterExists)
	}
	registry.m[name] = cv
	return nil
}

// converters returns a snapshot of the registry for one compilation.
func converters() map[string]*converter {
	registry.RLock()
	defer registry.RUnlock()
	return maps.Clone(registry.m)
}

// regexCanMatchSlash reports whether some text matched by re contains '/'.
// It is conservative: true when unsure.
func regexCanMatchSlash(re string) (bool, error) {
	t, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return false, err
	}
	var walk func(*syntax.Regexp) bool
	walk = func(n *syntax.Regexp) bool {
		switch n.Op {
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			return true
		case syntax.OpLiteral:
			if slices.Contains(n.Rune, '/') {
				return true
			}
		case syntax.OpCharClass:
			for i := 0; i+1 < len(n.Rune); i += 2 {
				if n.Rune[i] <= '/' && '/' <= n.Rune[i+1] {
					return true
				}
			}
		}
		for _, s := range n.Sub {
			if walk(s) {
				return true
			}
		}
		return false
	}
	return walk(t.Simplify()), nil
}

// isIdent reports whether s is an ASCII identifier.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || i > 0 && b >= '0' && b <= '9' {
			continue
		}
		return false
	}
	return true
}

// isUUIDText reports whether s is a lower-case canonical UUID, the uuid
// converter's pattern.
func isUUIDText(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		b := s[i]
		switch i {
		case 8, 13, 18, 23:
			if b != '-' {
				return false
			}
		default:
			if !(b >= '0' && b <= '9' || b >= 'a' && b <= 'f') {
				return false
			}
		}
	}
	return true
}

// parseDigits parses a string of ASCII digits into a Go int; ok is false on
// overflow (Django would match, but no Go int holds the value, so the
// pattern does not match: like a to_python that raises ValueError).
func parseDigits(s string) (int, bool) {
	const maxInt = int(^uint(0) >> 1)
	n := 0
	for i := 0; i < len(s); i++ {
		d := int(s[i] - '0')
		if n > (maxInt-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// convert turns matched (decoded) text into the handler's value.
func (cv *converter) convert(s string) (any, error) {
	switch cv.kind {
	case convInt:
		n, ok := parseDigits(s)
		if !ok {
			return nil, fmt.Errorf("%q overflows a Go int", s)
		}
		return n, nil
	case convUUID:
		return uuid.Parse(s)
	case convCustom:
		if cv.parse != nil {
			return cv.safeParse(s)
		}
	}
	return s, nil
}

// accepts reports whether matched text s passes the converter's conversion
// step (the regex or class has already been checked).
func (cv *converter) accepts(s string) bool {
	switch cv.kind {
	case convInt:
		_, ok := parseDigits(s)
		return ok
	case convCustom:
		if cv.parse != nil {
			_, err := cv.safeParse(s)
			return err == nil
		}
	}
	return true
}

func (cv *converter) safeParse(s string) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("converter %q Parse panicked: %v", cv.name, r)
		}
	}()
	return cv.parse(s)
}

func (cv *converter) safeFormat(a any) (s string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("converter %q Format panicked: %v", cv.name, r)
		}
	}()
	return cv.format(a)
}
