package urls

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/fiberviews/fiberviews/internal/urlquote"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
)

// Errors of the request-side functions, usable with errors.Is.
var (
	// ErrNoResolver: the request was not routed through a mounted table.
	ErrNoResolver = errors.New("no urls table handled this request")
	// ErrUnknownParam: the matched route has no parameter of that name.
	ErrUnknownParam = errors.New("no such route parameter")
	// ErrParamType: the parameter's converter does not produce that type.
	ErrParamType = errors.New("route parameter of another type")
)

// Keys of the request's user values. Pointers: fasthttp compares keys as
// interfaces, and pointer-shaped ones compare fastest.
var (
	ctxKey   = new(byte)
	matchKey = new(byte)
)

// mount is one Mount of a resolver.
type mount struct {
	r       *Resolver
	prefix  string // "" or "/blog"
	view    *view
	entries []entry
	none    entry
}

// entry is what a request routed through a mount carries in its user
// values: the mount, and the pattern it matched (nil if none).
type entry struct {
	m *mount
	p *pattern
}

type cachedMatch struct {
	e *entry
	m *Match
}

// Mount registers the table's routes on router, a *fiber.App or a group
// from app.Group(prefix) whose prefix has no parameters (put parameters in
// the table instead: urls.Include("<str:lang>/", ...)). It panics if the
// prefix has parameters, like Fiber's own registration panics.
//
// Each pattern becomes a Fiber route (its own parameters where that is
// exact, a wildcard otherwise) whose handler checks the path exactly as
// Django would: literal text is case-sensitive, the trailing slash must be
// there or not as the route says, parameters must match their converter on
// the percent-decoded path and convert (an int must fit a Go int). A path
// that does not fit goes on to the next route with c.Next(), as Django tries
// the next pattern; the handler runs only for paths that fit. After the
// table, Mount adds a fallback for the mount's path prefix that handles
// percent-encoded paths Fiber's router cannot see as Django does, the
// APPEND_SLASH redirect, and otherwise passes the request on (to a 404).
// Register routes of your own before Mount: the fallback runs before routes
// registered after it.
//
// Requests routed through the table can reach the resolver (ResolverFrom,
// Reverse, Resolve, the typed accessors), and Reverse(c, ...) puts this
// mount's prefix in front of its URLs. A table may be mounted on several
// routers; mounting does not change the Resolver, whose own Reverse, Resolve
// and WriteTable stay relative to the table's root.
func (r *Resolver) Mount(router fiber.Router) {
	if r == nil || router == nil {
		panic("urls: Mount needs a compiled resolver and a *fiber.App or fiber group")
	}
	prefix := ""
	if g, ok := router.(*fiber.Group); ok {
		prefix = g.Prefix
	}
	prefix = strings.TrimRight(prefix, "/")
	if strings.ContainsAny(prefix, fiberSpecial) {
		panic(fmt.Sprintf("urls: Mount on group %q: a group prefix with parameters cannot be reversed; mount on a plain prefix and put the parameter in the table: urls.Include(\"<str:name>/\", patterns)", prefix))
	}
	m := &mount{r: r, prefix: prefix, view: r.newView(prefix), entries: make([]entry, len(r.patterns))}
	m.none.m = m
	for i, p := range r.patterns {
		e := &m.entries[i]
		e.m, e.p = m, p
		router.All(p.fiberRoute, e.serve)
	}
	router.Use(fiber.Handler(m.fallback))
}

// rawPath is the request path as the client sent it, valid during the request.
func rawPath(c *fiber.Ctx) string {
	b := c.Context().URI().PathOriginal()
	if len(b) == 0 {
		return "/"
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// rel returns the table-relative path (after prefix and '/').
func (m *mount) rel(raw string) (string, bool) {
	n := len(m.prefix)
	if n == 0 {
		if raw == "" || raw[0] != '/' {
			return "", false
		}
		return raw[1:], true
	}
	if len(raw) <= n || raw[n] != '/' || !strings.EqualFold(raw[:n], m.prefix) {
		return "", false
	}
	return raw[n+1:], true
}

// serve is the Fiber handler of one pattern.
func (e *entry) serve(c *fiber.Ctx) error {
	fc := c.Context()
	b := fc.URI().PathOriginal()
	rest, ok := e.m.rel(unsafe.String(unsafe.SliceData(b), len(b)))
	if !ok {
		return c.Next()
	}
	p := e.p
	if len(p.params) == 0 {
		// The canonical (escaped) spelling of the route matches; any other
		// spelling either does not, or has bytes that the fallback decodes.
		if rest != p.lits[0] {
			return c.Next()
		}
	} else {
		var stack [8]span
		if p.match(rest, true, spans(&stack, len(p.params))) != mYes {
			return c.Next()
		}
	}
	fc.SetUserValue(ctxKey, e)
	return p.handler(c)
}

// fallback runs after the table's routes for every request under the
// mount's prefix that they did not take.
func (m *mount) fallback(c *fiber.Ctx) error {
	fc := c.Context()
	if e, ok := fc.UserValue(ctxKey).(*entry); ok && e.p != nil {
		return c.Next() // a pattern matched and its handler passed the request on
	}
	raw := rawPath(c)
	rest, ok := m.rel(raw)
	if !ok {
		// "/blog" for a table mounted at "/blog": its root is "/blog/".
		if len(raw) == len(m.prefix) && m.prefix != "" && strings.EqualFold(raw, m.prefix) {
			fc.SetUserValue(ctxKey, &m.none)
			if m.slashable(c, "") {
				return m.redirectSlash(c, raw)
			}
		}
		return c.Next() // "/bloga": Fiber's Use matched a mere string prefix
	}
	fc.SetUserValue(ctxKey, &m.none)
	path := rest
	if !urlquote.AllSafe(rest) || treeMiss(raw) {
		// Fiber routed on the raw path; Django matches the decoded one.
		path = decodePath(rest)
		var stack [8]span
		if p, _ := m.r.resolve(path, stack[:0]); p != nil {
			e := &m.entries[p.idx]
			fc.SetUserValue(ctxKey, e)
			return p.handler(c)
		}
	}
	if path != "" && path[len(path)-1] != '/' && m.slashable(c, path+"/") {
		return m.redirectSlash(c, raw)
	}
	return c.Next()
}

// treeMiss reports whether Fiber may have looked for raw's routes in the
// wrong place: without StrictRouting it trims trailing slashes before
// routing, and a path cut below three bytes ("/g//" becomes "/g") is only
// compared with routes shorter than that, never with "/g/*".
func treeMiss(raw string) bool {
	return len(raw) >= 3 && len(strings.TrimRight(raw, "/")) < 3
}

// slashable reports whether APPEND_SLASH redirects this request to path.
func (m *mount) slashable(c *fiber.Ctx, path string) bool {
	if !m.r.appendSlash {
		return false
	}
	if meth := c.Method(); meth != fiber.MethodGet && meth != fiber.MethodHead {
		return false
	}
	var stack [8]span
	p, _ := m.r.resolve(path, stack[:0])
	return p != nil
}

func (m *mount) redirectSlash(c *fiber.Ctx, raw string) error {
	loc := urlquote.EscapeLeadingSlashes(raw + "/")
	if q := c.Context().URI().QueryString(); len(q) > 0 {
		loc += "?" + string(q)
	}
	c.Set(fiber.HeaderLocation, loc)
	c.Status(fiber.StatusMovedPermanently)
	return nil
}

func entryOf(c *fiber.Ctx) *entry {
	if c == nil {
		return nil
	}
	e, _ := c.Context().UserValue(ctxKey).(*entry)
	return e
}

// ResolverFrom returns the resolver whose table the request was routed
// through: the request matched one of its patterns, or reached the fallback
// of its mount (so an ErrorHandler rendering a 404 under the mount has it).
func ResolverFrom(c *fiber.Ctx) (*Resolver, bool) {
	e := entryOf(c)
	if e == nil {
		return nil, false
	}
	return e.m.r, true
}

// Reverse reverses name with the resolver the request was routed through,
// under that mount's prefix. See Resolver.Reverse. If the request did not go
// through a mounted table the error is a *NoReverseMatch that wraps
// ErrNoResolver.
func Reverse(c *fiber.Ctx, name string, args ...any) (string, error) {
	e := entryOf(c)
	if e == nil {
		a, kw := splitArgs(args)
		return "", &NoReverseMatch{Name: name, Args: a, Kwargs: kw, err: ErrNoResolver,
			Reason: "this request was not routed through a mounted urls table; mount it with r.Mount(app), or call r.Reverse"}
	}
	return e.m.r.reverse(e.m.view, name, args)
}

// Match describes the pattern a request matched, like Django's
// request.resolver_match. Resolve returns the same *Match for the whole
// request: treat it as read-only.
type Match struct {
	Name       string         // the pattern's name, "" if it has none
	Namespace  string         // the namespaces joined by ':', "" if none
	ViewName   string         // "namespace:name"; for an unnamed pattern its urls.ViewName, else the handler's function name
	Route      string         // the full route, include prefixes first: "articles/<int:year>/"
	Namespaces []string       // the namespaces, outermost first
	Kwargs     map[string]any // the parameters, converted: int, uuid.UUID, string, or a custom converter's value
	Public     bool           // the pattern is marked Public
}

// Resolve returns which pattern of a mounted table the request matched,
// with its converted parameters. It is false when the request matched no
// pattern (or was not routed through a table).
func Resolve(c *fiber.Ctx) (*Match, bool) {
	e := entryOf(c)
	if e == nil || e.p == nil {
		return nil, false
	}
	fc := c.Context()
	if cm, ok := fc.UserValue(matchKey).(*cachedMatch); ok && cm.e == e {
		return cm.m, true
	}
	path, vals, ok := e.values(rawPath(c), make([]span, len(e.p.params)))
	if !ok {
		return nil, false
	}
	m, ok := e.p.newMatch(path, vals)
	if !ok {
		return nil, false
	}
	fc.SetUserValue(matchKey, &cachedMatch{e: e, m: m})
	return m, true
}

// IsPublic reports whether path (as Resolve takes it) matches a pattern,
// and whether that pattern is marked Public, without building a Match.
func (r *Resolver) IsPublic(path string) (public, matched bool) {
	if r == nil || path == "" || path[0] != '/' {
		return false, false
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	var stack [8]span
	p, _ := r.resolve(decodePath(path[1:]), stack[:0])
	if p == nil {
		return false, false
	}
	return p.public, true
}

// Resolve matches a URL path as Resolver.Reverse returns it (percent-
// encoded, from the table's root "/", without any mount prefix; a query
// string is ignored) against the table, like Django's resolve(). It is false
// if no pattern matches.
func (r *Resolver) Resolve(path string) (*Match, bool) {
	if r == nil {
		return nil, false
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if path == "" || path[0] != '/' {
		return nil, false
	}
	d := decodePath(path[1:])
	var stack [8]span
	p, vals := r.resolve(d, stack[:0])
	if p == nil {
		return nil, false
	}
	return p.newMatch(d, vals)
}

// values re-matches the request path for e's pattern.
func (e *entry) values(raw string, vals []span) (string, []span, bool) {
	rest, ok := e.m.rel(raw)
	if !ok {
		return "", nil, false
	}
	switch e.p.match(rest, true, vals) {
	case mYes:
		return rest, vals, true
	case mUnsure:
		d := decodePath(rest)
		if e.p.match(d, false, vals) == mYes {
			return d, vals, true
		}
	}
	return "", nil, false
}

func (p *pattern) newMatch(path string, vals []span) (*Match, bool) {
	m := &Match{
		Name:       p.name,
		Namespace:  p.namespace,
		ViewName:   p.viewName,
		Route:      p.route,
		Public:     p.public,
		Namespaces: append([]string(nil), p.namespaces...),
		Kwargs:     make(map[string]any, len(p.params)),
	}
	for i, prm := range p.params {
		v, err := prm.conv.convert(strings.Clone(path[vals[i].start:vals[i].end]))
		if err != nil {
			return nil, false
		}
		m.Kwargs[prm.name] = v
	}
	return m, true
}

// lookupParam finds a parameter of the request's pattern and its text, which is
// valid during the request only.
func lookupParam(c *fiber.Ctx, name string) (string, *param, *pattern, error) {
	e := entryOf(c)
	if e == nil || e.p == nil {
		return "", nil, nil, fmt.Errorf("urls: parameter %q: %w", name, ErrNoResolver)
	}
	idx := -1
	for i, prm := range e.p.params {
		if prm.name == name {
			idx = i
			break
		}
	}
	if idx < 0 {
		return "", nil, e.p, fmt.Errorf("urls: route %q has no parameter %q: %w", e.p.route, name, ErrUnknownParam)
	}
	var stack [8]span
	path, vals, ok := e.values(rawPath(c), spans(&stack, len(e.p.params)))
	if !ok {
		return "", nil, e.p, fmt.Errorf("urls: parameter %q: the request path no longer matches route %q: %w", name, e.p.route, ErrNoResolver)
	}
	return path[vals[idx].start:vals[idx].end], e.p.params[idx], e.p, nil
}

// String returns the text of the request's route parameter name, percent-
// decoded, whatever its converter ("007" for an <int:n> matched as 007).
func String(c *fiber.Ctx, name string) (string, error) {
	s, _, _, err := lookupParam(c, name)
	if err != nil {
		return "", err
	}
	return strings.Clone(s), nil
}

// Value returns the request's route parameter name converted by its
// converter: an int, a uuid.UUID, a string, or a custom converter's value.
func Value(c *fiber.Ctx, name string) (any, error) {
	s, prm, p, err := lookupParam(c, name)
	if err != nil {
		return nil, err
	}
	v, err := prm.conv.convert(strings.Clone(s))
	if err != nil {
		return nil, fmt.Errorf("urls: parameter %q of route %q: %v", name, p.route, err)
	}
	return v, nil
}

// Int returns the request's <int:name> parameter (or a custom converter's
// parameter whose Parse returns an int).
func Int(c *fiber.Ctx, name string) (int, error) {
	return typed(c, name, convInt, parseDigits, "an int")
}

// UUID returns the request's <uuid:name> parameter (or a custom converter's
// parameter whose Parse returns a uuid.UUID).
func UUID(c *fiber.Ctx, name string) (uuid.UUID, error) {
	return typed(c, name, convUUID, func(s string) (uuid.UUID, bool) {
		u, err := uuid.Parse(s)
		return u, err == nil
	}, "a uuid")
}

// typed returns the request's parameter name as a T: the text parsed by
// parse for the built-in converter kind, or a custom converter's value.
func typed[T any](c *fiber.Ctx, name string, kind convKind, parse func(string) (T, bool), want string) (T, error) {
	var zero T
	s, prm, p, err := lookupParam(c, name)
	if err != nil {
		return zero, err
	}
	switch prm.conv.kind {
	case kind:
		if v, ok := parse(s); ok {
			return v, nil
		}
	case convCustom:
		if v, err := prm.conv.convert(strings.Clone(s)); err == nil {
			if t, ok := v.(T); ok {
				return t, nil
			}
		}
	}
	conv := want[strings.IndexByte(want, ' ')+1:] // "an int": "int"
	return zero, fmt.Errorf("urls: parameter %q of route %q is a %s, not %s (declare it <%s:%s>): %w", name, p.route, prm.conv.name, want, conv, name, ErrParamType)
}
