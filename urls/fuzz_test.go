package urls

import (
	"errors"
	"fmt"
	"github.com/fiberviews/fiberviews/internal/urlquote"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
)

// djangoParam is Django's _PATH_PARAMETER_COMPONENT_RE.
var djangoParam = regexp.MustCompile(`<(?:([^>:]+):)?([^>]+)>`)

type refLevel struct {
	re    *regexp.Regexp
	names []string
	convs []*converter
}

// djangoLevel is an independent port of Django's _route_to_regex: the
// oracle the fuzz tests compare the parser and the matcher with.
func djangoLevel(route string, endpoint bool, convs map[string]*converter) (*refLevel, error) {
	var b strings.Builder
	b.WriteString("^")
	ref := &refLevel{}
	last := 0
	seen := map[string]bool{}
	for _, m := range djangoParam.FindAllStringSubmatchIndex(route, -1) {
		if strings.ContainsAny(route[m[0]:m[1]], whitespace) {
			return nil, errors.New("whitespace in angle brackets")
		}
		b.WriteString(regexp.QuoteMeta(route[last:m[0]]))
		conv := "str"
		if m[2] >= 0 {
			conv = route[m[2]:m[3]]
		}
		name := route[m[4]:m[5]]
		if !isIdent(name) {
			return nil, fmt.Errorf("%q is not an identifier", name)
		}
		cv, ok := convs[conv]
		if !ok {
			return nil, fmt.Errorf("invalid converter %q", conv)
		}
		if seen[name] {
			return nil, fmt.Errorf("redefinition of group name %q", name)
		}
		seen[name] = true
		fmt.Fprintf(&b, "(?P<%s>%s)", name, cv.regex)
		ref.names = append(ref.names, name)
		ref.convs = append(ref.convs, cv)
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(route[last:]))
	if endpoint {
		b.WriteString("$")
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, err
	}
	ref.re = re
	return ref, nil
}

// djangoMatch resolves the decoded path s through the levels as Django's
// URLResolver does: each include prefix matched on its own, then the route.
func djangoMatch(levels []*refLevel, s string) (map[string]string, bool) {
	vals := map[string]string{}
	pos := 0
	for _, lv := range levels {
		m := lv.re.FindStringSubmatchIndex(s[pos:])
		if m == nil {
			return nil, false
		}
		for i, name := range lv.names {
			g := lv.re.SubexpIndex(name)
			text := s[pos+m[2*g] : pos+m[2*g+1]]
			switch lv.convs[i].kind {
			case convInt:
				if _, err := strconv.Atoi(text); err != nil {
					return nil, false
				}
			case convUUID:
				if _, err := uuid.Parse(text); err != nil {
					return nil, false
				}
			case convCustom:
				if lv.convs[i].parse != nil {
					if _, err := lv.convs[i].safeParse(text); err != nil {
						return nil, false
					}
				}
			}
			vals[name] = text
		}
		pos += m[1]
	}
	return vals, true
}

func table1(prefix, route string, h fiber.Handler, opts ...Option) []Pattern {
	if prefix == "" {
		return []Pattern{Path(route, h, opts...)}
	}
	return []Pattern{Include(prefix, []Pattern{Path(route, h, opts...)})}
}

func FuzzRoute(f *testing.F) {
	registerTestConverters(f)
	for _, s := range [][3]string{
		{"", "articles/<int:year>/", "articles/2024/"},
		{"", "articles/<int:year>/", "articles/99999999999999999999/"},
		{"", "<slug:a>-<slug:b>/", "x-y-z/"},
		{"", "<str:a>.<str:b>", "a.b.c"},
		{"", "<int:a><int:b>", "12345"},
		{"", "files/<path:p>/edit/", "files/a/edit/b/edit/"},
		{"", "<uuid:u>x", lowerUUID + "x"},
		{"", "users/<name>/", "users/a%2Fb/"},
		{"", "users/<name>/", "users/caf%C3%A9/"},
		{"", "users/<name>/", "users/%FF%FE/"},
		{"", "café/", "caf%C3%A9/"},
		{"", "a b/<int:n>", "a%20b/5"},
		{"", "100%/", "100%25/"},
		{"", "<path:p>", "a%0Ab"},
		{"", "y/<year4:y>/", "y/2024/"},
		{"", "s/<anyslash:p>/end/", "s/a/end/b/end/"},
		{"", "e/<even:n>/", "e/3/"},
		{"shop/<slug:shop>/", "items/<int:id>/", "shop/acme/items/3/"},
		{"<int:a>", "5/", "15/"},
		{"<str:a>-", "<str:b>/", "x-y-/"},
		{"<slug:a>", "", "abc"},
		{"<path:p>", "", "a/b"},
		{"x/<int:a>", "<int:b>/", "x/12/"},
		{"", "<int:x", "1"},
		{"", "a>b", "a>b"},
		{"", "<int: x>", "1"},
		{"", "<x:y:z>", "1"},
		{"", "/a", "/a"},
		{"", "a/../b", "a/../b"},
		{"", "a:b/<int:x>/", "a:b/1/"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	convs := converters()
	f.Fuzz(func(t *testing.T, prefix, route, path string) {
		r, err := Compile(table1(prefix, route, noop))
		if err != nil {
			var te *TableError
			if !errors.As(err, &te) || te.Err == nil || te.Fix == "" {
				t.Fatalf("Compile error %v is not a *TableError with a fix", err)
			}
			return
		}
		p := r.patterns[0]
		// What compiles must be what Django compiles, parameter for parameter.
		var levels []*refLevel
		var names []string
		for i, lv := range p.levels {
			ref, err := djangoLevel(lv.route, i == len(p.levels)-1, convs)
			if err != nil {
				t.Fatalf("we accept %q, Django rejects it: %v", lv.route, err)
			}
			levels = append(levels, ref)
			names = append(names, ref.names...)
		}
		if len(names) != len(p.params) {
			t.Fatalf("params %v, Django's %v", p.params, names)
		}
		for i, prm := range p.params {
			if prm.name != names[i] {
				t.Fatalf("param %d is %q, Django's %q", i, prm.name, names[i])
			}
		}
		// The fast matcher must answer as Django's regexes do.
		decoded := decodePath(path)
		want, wantOK := djangoMatch(levels, decoded)
		vals := make([]span, len(p.params))
		got := p.match(decoded, false, vals)
		if (got == mYes) != wantOK {
			t.Fatalf("route %q+%q on %q: match %v, Django %v %v", prefix, route, decoded, got, wantOK, want)
		}
		if wantOK {
			for i, prm := range p.params {
				if g := decoded[vals[i].start:vals[i].end]; g != want[prm.name] {
					t.Fatalf("route %q+%q on %q: %s=%q, Django %q", prefix, route, decoded, prm.name, g, want[prm.name])
				}
			}
		}
		// Raw mode may defer to the decoded path, but never disagree.
		rawGot := p.match(path, true, vals)
		if rawGot != mUnsure && (rawGot == mYes) != wantOK {
			t.Fatalf("route %q+%q on raw %q: raw match %v, Django %v", prefix, route, path, rawGot, wantOK)
		}
		if rawGot == mUnsure && urlquote.AllSafe(path) {
			t.Fatalf("route %q+%q on raw %q: unsure on a path made of safe bytes", prefix, route, path)
		}
		// The Fiber route must let through every safe path the pattern matches.
		if wantOK && urlquote.AllSafe(path) {
			for _, cfg := range []fiber.Config{{}, {StrictRouting: true}, {CaseSensitive: true}} {
				// As the router's configDependentPaths does (RoutePatternMatch does not).
				reqPath := "/" + path
				if !cfg.StrictRouting && len(reqPath) > 1 {
					reqPath = strings.TrimRight(reqPath, "/")
					if reqPath == "" {
						reqPath = "/"
					}
				}
				if !fiber.RoutePatternMatch(reqPath, p.fiberRoute, cfg) {
					t.Fatalf("route %q+%q: Fiber route %q does not match %q (config %+v)", prefix, route, p.fiberRoute, "/"+path, cfg)
				}
			}
		}
	})
}

// argFor picks a reverse argument for a parameter from the fuzz inputs, and
// the value a handler must then receive.
func argFor(cv *converter, i int, strs []string, n int64, typed bool) (arg, want any) {
	s := strs[i%len(strs)]
	switch cv.kind {
	case convInt:
		if typed {
			if n < 0 {
				n = -n
			}
			if n < 0 {
				n = 0
			}
			return int(n), int(n)
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			return s, nil
		}
		return s, v
	case convUUID:
		u := uuid.NewSHA1(uuid.NameSpaceURL, []byte(s))
		if typed {
			return u, u
		}
		v, err := uuid.Parse(s)
		if err != nil {
			return s, nil
		}
		return s, v
	case convCustom:
		if cv.name == "year4" {
			return int(n % 10000), int(n % 10000)
		}
		if cv.name == "even" {
			v, _ := strconv.Atoi(s)
			return s, v
		}
		return s, s
	}
	if typed {
		return n, strconv.FormatInt(n, 10)
	}
	return s, s
}

func FuzzRoundTrip(f *testing.F) {
	registerTestConverters(f)
	for _, s := range []struct {
		prefix, route, a, b, c string
		n                      int64
		cfg                    uint8
	}{
		{"", "articles/<int:year>/<slug:s>/", "x", "hello-world", "", 2024, 1},
		{"", "users/<str:u>/", "a b/c", "", "", 0, 0},
		{"", "users/<str:u>/", "100% ?#&=+", "", "", 0, 2},
		{"", "users/<str:u>/", "café ☕", "", "", 0, 4},
		{"", "<path:p>", "/evil.example/x", "", "", 0, 8},
		{"", "files/<path:p>", "a//b c/ü", "", "", 0, 16},
		{"", "<slug:a>-<slug:b>/", "a", "b-c", "", 0, 0},
		{"", "<str:a>.<str:b>", "a.b", "c", "", 0, 0},
		{"", "<int:a><int:b>", "1", "2", "", 0, 0},
		{"", "o/<uuid:u>/", lowerUUID, "", "", 0, 0},
		{"", "o/<uuid:u>/", "x", "", "", 0, 1},
		{"shop/<slug:shop>/", "items/<int:id>/", "acme", "7", "", 7, 0},
		{"<int:a>", "<int:b>/", "1", "2", "", 0, 0},
		{"<str:a>-", "<str:b>/", "x-y", "z", "", 0, 0},
		{"", "y/<year4:y>/<anyslash:p>/", "a/b", "", "", 2024, 1},
		{"", "e/<even:n>/", "4", "", "", 0, 0},
		{"", "<str:s>", ".", "", "", 0, 0},
		{"", "<str:s>/", "..", "", "", 0, 0},
		{"", "p/<path:p>", "a/../b", "", "", 0, 0},
		{"", "CaSe/<str:s>/", "MiXeD", "", "", 0, 2 | 4},
		{"", "x/<str:s>/", "\x00\x01\x7f", "", "", 0, 0},
	} {
		f.Add(s.prefix, s.route, s.a, s.b, s.c, s.n, s.cfg)
	}
	f.Fuzz(func(t *testing.T, prefix, route, a, b, c string, n int64, cfg uint8) {
		var got *Match
		var ran int
		h := func(ctx *fiber.Ctx) error {
			ran++
			got, _ = Resolve(ctx)
			return nil
		}
		r, err := Compile(table1(prefix, route, h, Name("x")))
		if err != nil {
			return
		}
		p := r.patterns[0]
		typed := cfg&1 != 0
		args := make([]any, len(p.params))
		kw := Kwargs{}
		want := map[string]any{}
		for i, prm := range p.params {
			args[i], want[prm.name] = argFor(prm.conv, i, []string{a, b, c}, n, typed)
			kw[prm.name] = args[i]
		}
		u, err := r.Reverse("x", args...)
		u2, err2 := r.Reverse("x", kw)
		if u != u2 || (err == nil) != (err2 == nil) {
			t.Fatalf("positional %q %v, keyword %q %v", u, err, u2, err2)
		}
		if err != nil {
			if u != "" {
				t.Fatalf("%q with an error", u)
			}
			var nrm *NoReverseMatch
			if !errors.As(err, &nrm) {
				t.Fatalf("error %T", err)
			}
			return
		}
		if u == "" || u[0] != '/' || strings.HasPrefix(u, "//") {
			t.Fatalf("Reverse = %q", u)
		}
		for i := 0; i < len(u); i++ {
			if !urlquote.IsSafe(u[i]) && u[i] != '%' {
				t.Fatalf("Reverse = %q: byte %q is not escaped", u, u[i])
			}
		}
		app := fiber.New(fiber.Config{StrictRouting: cfg&2 != 0, CaseSensitive: cfg&4 != 0, UnescapePath: cfg&8 != 0, ReadBufferSize: 1 << 20})
		target := u
		if cfg&16 != 0 {
			r.Mount(app.Group("/g"))
			target = "/g" + u
		} else {
			r.Mount(app)
		}
		if after := r.MustReverse("x", args...); after != u {
			t.Fatalf("Reverse after Mount: %q, before: %q", after, u)
		}
		resp := do(t, app, "GET", target)
		if resp.status != 200 || ran != 1 || got == nil {
			t.Fatalf("route %q+%q args %#v: GET %q = %d (handler ran %d times)", prefix, route, args, target, resp.status, ran)
		}
		if got.Route != prefix+route {
			t.Fatalf("GET %q matched %q", target, got.Route)
		}
		for k, w := range want {
			if w == nil {
				continue // a string for an int or uuid: any value it parses to
			}
			if got.Kwargs[k] != w {
				t.Fatalf("route %q+%q args %#v: GET %q gives %s=%#v, want %#v", prefix, route, args, target, k, got.Kwargs[k], w)
			}
		}
	})
}
