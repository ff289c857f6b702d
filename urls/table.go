package urls

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fiberviews/fiberviews/internal/urlquote"
	"github.com/gofiber/fiber/v2"
)

// Pattern is one entry of a URL table: a route with its handler (Path) or a
// route prefix with a nested table (Include). It is plain data; nothing is
// checked until Compile.
type Pattern struct {
	kind      patternKind
	route     string
	handler   fiber.Handler
	children  []Pattern
	name      string
	nameSet   bool
	namespace string
	nsSet     bool
	viewName  string // ViewName: what WriteTable lists as the handler
	view      any    // View: the view value the handler serves
	public    bool   // Public
}

type patternKind uint8

const (
	kindPath patternKind = iota + 1
	kindInclude
)

// Option configures a Pattern: Name and ViewName for a Path, Namespace for
// an Include.
type Option func(*Pattern)

// Name names a Path so that it can be reversed, like path(..., name=...).
// Several patterns may share a name; reversal tries them last first, as
// Django's does (of two that fit the arguments, the later one wins).
func Name(name string) Option {
	return func(p *Pattern) { p.name, p.nameSet = name, true }
}

// Namespace gives an Include a namespace: its names are then reversed as
// "namespace:name", and nested namespaces as "outer:inner:name".
func Namespace(ns string) Option {
	return func(p *Pattern) { p.namespace, p.nsSet = ns, true }
}

// ViewName is the name WriteTable lists for this route's handler, and
// Match.ViewName of an unnamed pattern. Without it they list the handler's
// function ("main.home"; "views.LoginRequired" for a handler a decorator
// returns). views.Path sets it to the view's type ("*main.LogoutView").
func ViewName(name string) Option {
	return func(p *Pattern) { p.viewName = name }
}

// Public marks a route, or every route of an Include, as needing no login
// when the site requires login everywhere (views.Config.LoginRequired,
// Django's login_not_required). WriteTable lists such routes as public.
func Public() Option {
	return func(p *Pattern) { p.public = true }
}

// View records the view value the handler serves (views.Path sets it), so
// that a framework can check every view of the table at start-up with
// Resolver.Views; WriteTable lists it by its type unless ViewName is given.
func View(v any) Option {
	return func(p *Pattern) {
		p.view = v
		if p.viewName == "" {
			p.viewName = fmt.Sprintf("%T", v)
		}
	}
}

// Path is a table entry that routes requests matching route to h. The route
// uses Django's path() syntax: literal text, and parameters written
// <converter:name>, or <name> for the str converter. It must not begin with
// "/": the table is relative to where it is mounted or included.
func Path(route string, h fiber.Handler, opts ...Option) Pattern {
	return apply(Pattern{kind: kindPath, route: route, handler: h}, opts)
}

// Include nests a table under a route prefix, like Django's include(). The
// prefix may hold parameters, which every nested handler then receives.
func Include(prefix string, patterns []Pattern, opts ...Option) Pattern {
	return apply(Pattern{kind: kindInclude, route: prefix, children: patterns}, opts)
}

// apply returns v with the options (nil ones skipped) applied.
func apply[T any, O ~func(*T)](v T, opts []O) T {
	for _, o := range opts {
		if o != nil {
			o(&v)
		}
	}
	return v
}

// CompileOption configures Compile.
type CompileOption func(*Resolver)

// AppendSlash switches Django's APPEND_SLASH behaviour (on by default): a
// GET or HEAD request for a path without a trailing slash that matches no
// pattern, but would match with the slash appended, is redirected there
// (301, query string kept). Other methods are never redirected, so a POST
// body is never dropped: they get the 404.
func AppendSlash(on bool) CompileOption {
	return func(r *Resolver) { r.appendSlash = on }
}

// Errors a table can have, usable with errors.Is on the error Compile
// returns; each comes wrapped in a *TableError that names the route.
var (
	// ErrMalformedRoute: route syntax (unmatched '<' or '>', bad parameter
	// name, whitespace in <…>, a leading '/', a '.' or '..' segment, not UTF-8).
	ErrMalformedRoute = errors.New("malformed route")
	// ErrUnknownConverter: <conv:name> names a converter that is not registered.
	ErrUnknownConverter = errors.New("unknown converter")
	// ErrRepeatedParam: two parameters of one pattern have the same name.
	ErrRepeatedParam = errors.New("repeated parameter name")
	// ErrInvalidName: an empty name, one with ':' or spaces, or Name or ViewName on an Include.
	ErrInvalidName = errors.New("invalid route name")
	// ErrInvalidNamespace: an empty namespace, one with ':' or spaces, or Namespace on a Path.
	ErrInvalidNamespace = errors.New("invalid namespace")
	// ErrDuplicateNamespace: two includes with the same (full) namespace.
	ErrDuplicateNamespace = errors.New("namespace used twice")
	// ErrNoHandler: a Path with a nil handler.
	ErrNoHandler = errors.New("pattern without handler")
	// ErrEmptyInclude: an Include of an empty table.
	ErrEmptyInclude = errors.New("include without patterns")
)

// TableError is a mistake in a table found by Compile. Compile reports
// every mistake it finds, joined with errors.Join; use errors.As to get at
// them.
type TableError struct {
	Route  string // the full route, include prefixes first, as written
	Name   string // the pattern's name or the include's namespace, if any
	Err    error  // the kind of mistake: ErrMalformedRoute, ErrUnknownConverter, ...
	Detail string // what exactly is wrong
	Fix    string // how to fix it
}

// Error implements error.
func (e *TableError) Error() string {
	s := "urls: route " + strconv.Quote(e.Route)
	if e.Name != "" {
		s += " (" + strconv.Quote(e.Name) + ")"
	}
	s += ": " + e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Fix != "" {
		s += "; " + e.Fix
	}
	return s
}

// Unwrap returns the kind of mistake, for errors.Is.
func (e *TableError) Unwrap() error { return e.Err }

// Resolver is a compiled table: it reverses names into URLs, resolves paths
// into patterns, and mounts the table on Fiber apps or groups. It does not
// change after Compile (mounting only attaches it to a router), so its
// answers do not depend on where or whether it is mounted, and it is safe
// for concurrent use.
type Resolver struct {
	patterns    []*pattern
	names       map[string][]*pattern
	namespaces  map[string]bool
	appendSlash bool
	root        *view // URLs from the table's root, "/"
}

// view is what reversal needs for one URL prefix.
type view struct {
	prefix string   // "" or "/blog"
	static []string // per pattern index: the full URL of a pattern without parameters
}

type part struct {
	lit     string // literal text (decoded) when param is nil
	litSafe bool   // lit is made of bytes urlquote leaves as they are
	param   *param
}

type splitRule uint8

const (
	ruleRest       splitRule = iota + 1 // last part of a route: the rest of the path
	ruleRun                             // the longest run of the converter's bytes
	ruleUntilSlash                      // up to the next '/'
	ruleUUID                            // exactly 36 bytes
)

type param struct {
	name string
	conv *converter
	rule splitRule
}

// level is one route string of the table: an include prefix or a path.
type level struct {
	route    string
	parts    []part
	params   []*param
	endpoint bool
	re       *regexp.Regexp // set when the fast rules cannot split this route
	groups   []int          // re's group index of each parameter
}

// pattern is one Path with its include prefixes, flattened.
type pattern struct {
	idx         int
	name        string
	namespaces  []string
	namespace   string
	viewName    string
	view        any
	public      bool
	route       string
	levels      []*level
	params      []*param
	handler     fiber.Handler
	handlerName string
	verify      bool     // reversal re-matches its result (routes the fast rules cannot split unambiguously)
	convCheck   bool     // some parameter's text must also pass its converter's conversion (int, custom Parse)
	lits        []string // quoted literal text around the parameters: len(params)+1 chunks
	lead        bool     // the URL starts with a parameter (may need Django's leading-slash escape)
	fiberRoute  string
}

// MustCompile is like Compile but panics on error; for package-level tables.
func MustCompile(patterns []Pattern, opts ...CompileOption) *Resolver {
	r, err := Compile(patterns, opts...)
	if err != nil {
		panic(err)
	}
	return r
}

// Compile checks a table and builds its resolver. Every mistake in the table
// is reported, each as a *TableError naming the route and the fix. The
// converters registered at the time of the call are used.
func Compile(patterns []Pattern, opts ...CompileOption) (*Resolver, error) {
	r := new(Resolver)
	*r = apply(Resolver{names: map[string][]*pattern{}, namespaces: map[string]bool{}, appendSlash: true}, opts)
	c := &compiler{r: r, convs: converters(), levels: map[string]*level{}}
	c.walk(patterns, nil, nil, "")
	if len(c.errs) == 1 {
		return nil, c.errs[0]
	}
	if len(c.errs) > 1 {
		return nil, errors.Join(c.errs...)
	}
	r.root = r.newView("")
	return r, nil
}

type compiler struct {
	r      *Resolver
	convs  map[string]*converter
	errs   []error
	levels map[string]*level
}

func (c *compiler) fail(route, name string, kind error, detail, fix string) {
	c.errs = append(c.errs, &TableError{Route: route, Name: name, Err: kind, Detail: detail, Fix: fix})
}

func (c *compiler) walk(pats []Pattern, levels []*level, ns []string, prefix string) {
	for i := range pats {
		p := &pats[i]
		full := prefix + p.route
		label := p.name
		if p.kind == kindInclude {
			label = p.namespace
		}
		if p.kind == 0 {
			c.fail(prefix, "", ErrMalformedRoute, fmt.Sprintf("entry %d is a zero Pattern", i), "build entries with urls.Path or urls.Include")
			continue
		}
		lv, ok := c.parse(p.route, full, label, p.kind == kindPath)
		if !ok {
			continue
		}
		chain := append(levels[:len(levels):len(levels)], lv)
		if p.kind == kindInclude {
			if p.nameSet {
				c.fail(full, p.name, ErrInvalidName, "urls.Name is given to an Include", "name the Path entries inside it, and give the Include a urls.Namespace instead")
			}
			if p.viewName != "" {
				c.fail(full, p.viewName, ErrInvalidName, "urls.ViewName is given to an Include", "give it to the Path entries inside it")
			}
			childNS := ns
			if p.nsSet {
				if err := checkName(p.namespace); err != nil {
					c.fail(full, p.namespace, ErrInvalidNamespace, "namespace "+err.Error(), "use a non-empty namespace without ':' or spaces, like \"accounts\"")
				} else {
					childNS = append(ns[:len(ns):len(ns)], p.namespace)
					joined := strings.Join(childNS, ":")
					if c.r.namespaces[joined] {
						c.fail(full, joined, ErrDuplicateNamespace, fmt.Sprintf("namespace %q is already used by an earlier include", joined), "give each include its own namespace; reversal could not tell them apart")
					}
					c.r.namespaces[joined] = true
				}
			}
			if len(p.children) == 0 {
				c.fail(full, p.namespace, ErrEmptyInclude, "the included table has no patterns", "add patterns to it or remove the include")
				continue
			}
			children := p.children
			if p.public {
				children = slices.Clone(children)
				for i := range children {
					children[i].public = true
				}
			}
			c.walk(children, chain, childNS, full)
			continue
		}
		if p.nsSet {
			c.fail(full, p.name, ErrInvalidNamespace, "urls.Namespace is given to a Path", "put the Path in an urls.Include with that namespace, or use urls.Name")
		}
		if p.handler == nil {
			c.fail(full, p.name, ErrNoHandler, "the handler is nil", "pass the fiber.Handler that serves this route")
			continue
		}
		if p.nameSet {
			if err := checkName(p.name); err != nil {
				c.fail(full, p.name, ErrInvalidName, "name "+err.Error(), "use a non-empty name without ':' or spaces, like \"year-archive\"; ':' separates namespaces")
				continue
			}
		}
		c.addPattern(p, chain, ns, full)
	}
}

// checkName says why s is not a valid name or namespace, nil if it is one.
func checkName(s string) error {
	if s == "" {
		return errors.New("is empty")
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%q is not valid UTF-8", s)
	}
	for _, r := range s {
		if r == ':' {
			return fmt.Errorf("%q contains ':'", s)
		}
		if r <= ' ' || r == 0x7f || r == 0x85 || r == 0xa0 || r == 0x2028 || r == 0x2029 {
			return fmt.Errorf("%q contains a space or control character", s)
		}
	}
	return nil
}

func (c *compiler) addPattern(p *Pattern, chain []*level, ns []string, full string) {
	pt := &pattern{
		idx:         len(c.r.patterns),
		name:        p.name,
		namespaces:  ns,
		namespace:   strings.Join(ns, ":"),
		route:       full,
		levels:      chain,
		handler:     p.handler,
		handlerName: p.viewName,
		view:        p.view,
		public:      p.public,
	}
	if pt.handlerName == "" {
		pt.handlerName = funcName(p.handler)
	}
	seen := map[string]bool{}
	for _, lv := range chain {
		for _, prm := range lv.params {
			if seen[prm.name] {
				c.fail(full, p.name, ErrRepeatedParam, fmt.Sprintf("parameter %q appears in an include prefix and again in the route", prm.name), "rename one of them; each parameter needs its own name to be reversed by keyword")
				return
			}
			seen[prm.name] = true
			pt.params = append(pt.params, prm)
			if prm.conv.kind == convInt || prm.conv.kind == convCustom && prm.conv.parse != nil {
				pt.convCheck = true
			}
		}
	}
	// Flattened parts, adjacent literals merged.
	var flat []part
	for _, lv := range chain {
		for _, x := range lv.parts {
			if x.param == nil && len(flat) > 0 && flat[len(flat)-1].param == nil {
				flat[len(flat)-1].lit += x.lit
				continue
			}
			flat = append(flat, x)
		}
	}
	// Reversal: quoted literals around parameters. shape is the route with
	// "<>" for each parameter, which no literal can hold.
	var shape strings.Builder
	lit := ""
	for i, x := range flat {
		if x.param == nil {
			shape.WriteString(x.lit)
			lit = urlquote.Quote(x.lit)
			continue
		}
		shape.WriteString("<>")
		pt.lead = pt.lead || i == 0
		pt.lits, lit = append(pt.lits, lit), ""
	}
	pt.lits = append(pt.lits, lit)
	if seg := dotSegment(shape.String()); seg != "" {
		c.fail(full, p.name, ErrMalformedRoute, fmt.Sprintf("the path segment %q would be removed by browsers and proxies", seg), "rename that segment")
		return
	}
	pt.verify = needsVerify(chain)
	pt.fiberRoute = fiberRoute(flat, len(pt.params))
	if p.name != "" {
		pt.viewName = p.name
		if pt.namespace != "" {
			pt.viewName = pt.namespace + ":" + p.name
		}
		// Last first: Django's reverse() tries the last pattern of a name first.
		c.r.names[pt.viewName] = append([]*pattern{pt}, c.r.names[pt.viewName]...)
	} else {
		pt.viewName = pt.handlerName
	}
	c.r.patterns = append(c.r.patterns, pt)
}

// parse parses one route string of the table into a level. Levels are
// cached by route and kind, so sibling patterns under an include share them.
func (c *compiler) parse(route, full, label string, endpoint bool) (*level, bool) {
	key := strconv.FormatBool(endpoint) + route
	if lv, ok := c.levels[key]; ok {
		return lv, true
	}
	parts, bad := parseRoute(route, c.convs)
	if bad != nil {
		c.fail(full, label, bad.kind, bad.detail, bad.fix)
		return nil, false
	}
	lv := &level{route: route, parts: parts, endpoint: endpoint}
	for _, x := range parts {
		if x.param != nil {
			lv.params = append(lv.params, x.param)
		}
	}
	if err := lv.plan(); err != nil {
		c.fail(full, label, ErrMalformedRoute, err.Error(), "check the converters' regular expressions")
		return nil, false
	}
	c.levels[key] = lv
	return lv, true
}

const whitespace = " \t\n\r\v\f"

// routeErr is a mistake found by parseRoute.
type routeErr struct {
	kind        error
	detail, fix string
}

// parseRoute splits a route into literal text and parameters. On error it
// returns the kind of mistake, what is wrong and how to fix it.
func parseRoute(route string, convs map[string]*converter) (parts []part, bad *routeErr) {
	if !utf8.ValidString(route) {
		return nil, &routeErr{ErrMalformedRoute, "the route is not valid UTF-8", "write the route as UTF-8 text"}
	}
	if strings.HasPrefix(route, "/") {
		return nil, &routeErr{ErrMalformedRoute, "the route begins with '/'", "remove the leading slash: routes are relative to where the table is mounted or included (\"articles/\", not \"/articles/\")"}
	}
	seen := map[string]bool{}
	start := 0
	addLit := func(s string) {
		if s != "" {
			parts = append(parts, part{lit: s, litSafe: urlquote.AllSafe(s)})
		}
	}
	for i := 0; i < len(route); i++ {
		switch route[i] {
		case '>':
			return nil, &routeErr{ErrMalformedRoute, fmt.Sprintf("unmatched '>' at byte %d", i), "remove it; parameters are written <converter:name>, and '<' and '>' cannot be literal text"}
		case '<':
			j := strings.IndexByte(route[i+1:], '>')
			if j < 0 {
				return nil, &routeErr{ErrMalformedRoute, fmt.Sprintf("unmatched '<' at byte %d", i), "close the parameter with '>': <converter:name>"}
			}
			inner := route[i+1 : i+1+j]
			if k := strings.IndexByte(inner, '<'); k >= 0 {
				return nil, &routeErr{ErrMalformedRoute, fmt.Sprintf("unmatched '<' at byte %d", i), "close the parameter with '>' before opening another: <converter:name>"}
			}
			if inner == "" {
				return nil, &routeErr{ErrMalformedRoute, "empty parameter <>", "write <name> or <converter:name>"}
			}
			if strings.ContainsAny(inner, whitespace) {
				return nil, &routeErr{ErrMalformedRoute, fmt.Sprintf("parameter <%s> contains whitespace", inner), "remove the spaces inside the angle brackets: <int:year>"}
			}
			convName, name := "str", inner
			if k := strings.IndexByte(inner, ':'); k >= 0 {
				convName, name = inner[:k], inner[k+1:]
				if convName == "" {
					return nil, &routeErr{ErrMalformedRoute, fmt.Sprintf("parameter <%s> has no converter before ':'", inner), "write <str:" + name + "> or <" + name + ">"}
				}
			}
			if !isIdent(name) {
				return nil, &routeErr{ErrMalformedRoute, fmt.Sprintf("parameter name %q is not a valid identifier", name), "use letters, digits and '_' not starting with a digit, like <int:year>"}
			}
			cv, ok := convs[convName]
			if !ok {
				return nil, &routeErr{ErrUnknownConverter, fmt.Sprintf("<%s> uses converter %q, which is not registered", inner, convName), "use str, int, slug, uuid or path, or register it first with urls.RegisterConverter"}
			}
			if seen[name] {
				return nil, &routeErr{ErrRepeatedParam, fmt.Sprintf("parameter %q appears twice", name), "give each parameter of a route its own name"}
			}
			seen[name] = true
			addLit(route[start:i])
			parts = append(parts, part{param: &param{name: name, conv: cv}})
			i += j + 1
			start = i + 1
		}
	}
	addLit(route[start:])
	return parts, nil
}

// plan picks how each parameter of the level is split off the path, or
// compiles a regular expression when the fast rules cannot do it exactly as
// Django's regex would.
func (lv *level) plan() error {
	needRE := false
	for k := range lv.parts {
		prm := lv.parts[k].param
		if prm == nil {
			continue
		}
		cv := prm.conv
		var next *part
		if k+1 < len(lv.parts) {
			next = &lv.parts[k+1]
		}
		switch {
		case cv.kind == convUUID:
			prm.rule = ruleUUID
		case next == nil && lv.endpoint:
			prm.rule = ruleRest
		case next == nil:
			if cv.class == nil {
				needRE = true
			}
			prm.rule = ruleRun
		case next.param != nil:
			needRE = true
		case cv.class != nil && !cv.class[next.lit[0]]:
			prm.rule = ruleRun
		case !cv.slash && next.lit[0] == '/':
			prm.rule = ruleUntilSlash
		default:
			needRE = true
		}
	}
	if !needRE {
		return nil
	}
	var b strings.Builder
	b.WriteString("^")
	for k, x := range lv.parts {
		if x.param == nil {
			b.WriteString(regexp.QuoteMeta(x.lit))
			continue
		}
		fmt.Fprintf(&b, "(?P<p%d>%s)", k, x.param.conv.regex)
	}
	if lv.endpoint {
		b.WriteString("$")
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return err
	}
	lv.re = re
	for k, x := range lv.parts {
		if x.param != nil {
			lv.groups = append(lv.groups, re.SubexpIndex("p"+strconv.Itoa(k)))
		}
	}
	return nil
}

// needsVerify reports whether text that fits each converter could still be
// split differently when the URL is matched again, so that reversal must
// check its result (the fast rules are exact for everything else).
func needsVerify(chain []*level) bool {
	for li, lv := range chain {
		if lv.re != nil {
			return true
		}
		if len(lv.parts) == 0 || lv.endpoint {
			continue
		}
		last := lv.parts[len(lv.parts)-1].param
		if last == nil || last.rule != ruleRun {
			continue
		}
		// A run at the end of an include prefix stops only at a byte its
		// converter rejects: what follows must start with such a byte.
		var next *part
		for _, l2 := range chain[li+1:] {
			if len(l2.parts) > 0 {
				next = &l2.parts[0]
				break
			}
		}
		if next == nil {
			continue
		}
		if next.param != nil || last.conv.class[next.lit[0]] {
			return true
		}
	}
	return false
}

// fiberSpecial are bytes with a meaning in Fiber route syntax.
const fiberSpecial = ":*+?\\"

// fiberRoute returns the Fiber route registered for a flattened pattern. It
// always matches at least every path the pattern matches (the handler
// wrapper does the exact check). Simple routes get one Fiber parameter per
// segment parameter; others a literal prefix and a wildcard.
func fiberRoute(flat []part, nparams int) string {
	exact := nparams <= 30
	for i, x := range flat {
		if x.param == nil {
			if strings.ContainsAny(urlquote.Quote(x.lit), fiberSpecial) {
				exact = false
			}
			continue
		}
		switch x.param.conv.kind {
		case convStr, convInt, convSlug, convUUID:
		default:
			exact = false
		}
		if i > 0 && !strings.HasSuffix(flat[i-1].lit, "/") {
			exact = false
		}
		if i+1 < len(flat) && !strings.HasPrefix(flat[i+1].lit, "/") {
			exact = false
		}
	}
	var b strings.Builder
	b.WriteByte('/')
	if exact {
		for _, x := range flat {
			if x.param != nil {
				b.WriteByte(':')
				b.WriteString(x.param.name)
			} else {
				b.WriteString(urlquote.Quote(x.lit))
			}
		}
		return b.String()
	}
	for _, x := range flat {
		if x.param != nil {
			b.WriteByte('*')
			return b.String()
		}
		q := urlquote.Quote(x.lit)
		if i := strings.IndexAny(q, fiberSpecial); i >= 0 {
			b.WriteString(q[:i])
			b.WriteByte('*')
			return b.String()
		}
		b.WriteString(q)
	}
	return b.String()
}

func (r *Resolver) newView(prefix string) *view {
	v := &view{prefix: prefix, static: make([]string, len(r.patterns))}
	for _, p := range r.patterns {
		if len(p.params) == 0 {
			v.static[p.idx] = urlquote.EscapeLeadingSlashes(prefix + "/" + p.lits[0])
		}
	}
	return v
}
