package urls

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func noop(c *fiber.Ctx) error { return nil }

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name  string
		table []Pattern
		kind  error
		route string // TableError.Route
		fix   string // part of the message that says how to fix it
	}{
		{"unclosed <", []Pattern{Path("a/<int:x/", noop)}, ErrMalformedRoute, "a/<int:x/", "close the parameter"},
		{"stray >", []Pattern{Path("a>/", noop)}, ErrMalformedRoute, "a>/", "remove it"},
		{"nested <", []Pattern{Path("<a<b>>/", noop)}, ErrMalformedRoute, "<a<b>>/", "close the parameter"},
		{"empty <>", []Pattern{Path("a/<>/", noop)}, ErrMalformedRoute, "a/<>/", "write <name>"},
		{"whitespace", []Pattern{Path("<int: year>/", noop)}, ErrMalformedRoute, "<int: year>/", "remove the spaces"},
		{"no converter", []Pattern{Path("<:year>/", noop)}, ErrMalformedRoute, "<:year>/", "<str:year>"},
		{"bad identifier", []Pattern{Path("<int:2x>/", noop)}, ErrMalformedRoute, "<int:2x>/", "letters, digits"},
		{"name with colon", []Pattern{Path("<int:a:b>/", noop)}, ErrMalformedRoute, "<int:a:b>/", "letters, digits"},
		{"leading slash", []Pattern{Path("/a/", noop)}, ErrMalformedRoute, "/a/", "remove the leading slash"},
		{"leading slash in include", []Pattern{Include("/a/", []Pattern{Path("", noop)})}, ErrMalformedRoute, "/a/", "remove the leading slash"},
		{"invalid utf-8", []Pattern{Path("a\xff/", noop)}, ErrMalformedRoute, "a\xff/", "UTF-8"},
		{"dot segment", []Pattern{Path("a/../b/", noop)}, ErrMalformedRoute, "a/../b/", "rename that segment"},
		{"dot segment across include", []Pattern{Include("a/.", []Pattern{Path(".x/", noop), Path("./b", noop)})}, ErrMalformedRoute, "a/../b", "rename that segment"},
		{"zero pattern", []Pattern{{}}, ErrMalformedRoute, "", "urls.Path"},
		{"unknown converter", []Pattern{Path("<year:y>/", noop)}, ErrUnknownConverter, "<year:y>/", "urls.RegisterConverter"},
		{"converter case", []Pattern{Path("<Int:y>/", noop)}, ErrUnknownConverter, "<Int:y>/", "str, int, slug, uuid or path"},
		{"repeated param", []Pattern{Path("<int:a>/<slug:a>/", noop)}, ErrRepeatedParam, "<int:a>/<slug:a>/", "its own name"},
		{"repeated across include", []Pattern{Include("<int:a>/", []Pattern{Path("<int:a>/", noop)})}, ErrRepeatedParam, "<int:a>/<int:a>/", "rename one"},
		{"empty name", []Pattern{Path("a/", noop, Name(""))}, ErrInvalidName, "a/", "non-empty name"},
		{"name with colon", []Pattern{Path("a/", noop, Name("a:b"))}, ErrInvalidName, "a/", "':' separates namespaces"},
		{"name with space", []Pattern{Path("a/", noop, Name("a b"))}, ErrInvalidName, "a/", "without ':' or spaces"},
		{"name on include", []Pattern{Include("a/", []Pattern{Path("", noop)}, Name("x"))}, ErrInvalidName, "a/", "urls.Namespace instead"},
		{"view name on include", []Pattern{Include("a/", []Pattern{Path("", noop)}, ViewName("x"))}, ErrInvalidName, "a/", "give it to the Path entries inside it"},
		{"empty namespace", []Pattern{Include("a/", []Pattern{Path("", noop)}, Namespace(""))}, ErrInvalidNamespace, "a/", "non-empty namespace"},
		{"namespace with colon", []Pattern{Include("a/", []Pattern{Path("", noop)}, Namespace("x:y"))}, ErrInvalidNamespace, "a/", "without ':'"},
		{"namespace on path", []Pattern{Path("a/", noop, Namespace("x"))}, ErrInvalidNamespace, "a/", "urls.Include"},
		{"namespace twice", []Pattern{
			Include("a/", []Pattern{Path("", noop)}, Namespace("x")),
			Include("b/", []Pattern{Path("", noop)}, Namespace("x")),
		}, ErrDuplicateNamespace, "b/", "its own namespace"},
		{"nested namespace twice", []Pattern{
			Include("a/", []Pattern{
				Include("b/", []Pattern{Path("", noop)}, Namespace("y")),
				Include("c/", []Pattern{Path("", noop)}, Namespace("y")),
			}, Namespace("x")),
		}, ErrDuplicateNamespace, "a/c/", "x:y"},
		{"nil handler", []Pattern{Path("a/", nil)}, ErrNoHandler, "a/", "pass the fiber.Handler"},
		{"empty include", []Pattern{Include("a/", nil)}, ErrEmptyInclude, "a/", "add patterns"},
		{"error inside include names the full route", []Pattern{Include("blog/", []Pattern{Path("<nope:x>/", noop)})}, ErrUnknownConverter, "blog/<nope:x>/", "RegisterConverter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Compile(tc.table)
			if r != nil || err == nil {
				t.Fatalf("Compile = %v, %v; want an error", r, err)
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("errors.Is(%v, %v) = false", err, tc.kind)
			}
			var te *TableError
			if !errors.As(err, &te) {
				t.Fatalf("errors.As(%v, *TableError) = false", err)
			}
			if te.Route != tc.route {
				t.Errorf("Route = %q, want %q", te.Route, tc.route)
			}
			msg := err.Error()
			if !strings.Contains(msg, strconv.Quote(tc.route)) || !strings.Contains(msg, tc.fix) {
				t.Errorf("message %q should quote the route %q and say %q", msg, tc.route, tc.fix)
			}
		})
	}
}

func TestCompileReportsEveryMistake(t *testing.T) {
	_, err := Compile([]Pattern{Path("<x:y>/", noop), Path("ok/", noop), Path("a/", nil), Path("b/", noop, Name(""))})
	for _, kind := range []error{ErrUnknownConverter, ErrNoHandler, ErrInvalidName} {
		if !errors.Is(err, kind) {
			t.Errorf("missing %v in %v", kind, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("MustCompile did not panic")
		}
	}()
	MustCompile([]Pattern{Path("<x:y>/", noop)})
}

func TestCompileAccepts(t *testing.T) {
	tests := []struct {
		name  string
		table []Pattern
	}{
		{"empty table", nil},
		{"shared names", []Pattern{Path("a/", noop, Name("n")), Path("b/<int:x>/", noop, Name("n"))}},
		{"same namespace name at different depths", []Pattern{
			Include("a/", []Pattern{Path("", noop)}, Namespace("x")),
			Include("b/", []Pattern{Include("c/", []Pattern{Path("", noop)}, Namespace("x"))}, Namespace("y")),
		}},
		{"same route twice", []Pattern{Path("a/", noop), Path("a/", noop)}},
		{"literal specials", []Pattern{Path("a:b/*+?(x)$,;=@~!'&", noop)}},
		{"names with dots and slashes", []Pattern{Path("a/", noop, Name("app.view/x"))}},
		{"three dots are not a dot segment", []Pattern{Path(".../", noop)}},
		{"non-ascii", []Pattern{Path("café/<str:ünï>/", noop)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "non-ascii" {
				// Python identifiers may be non-ASCII; ours are ASCII.
				if _, err := Compile(tc.table); !errors.Is(err, ErrMalformedRoute) {
					t.Fatalf("got %v", err)
				}
				return
			}
			if _, err := Compile(tc.table); err != nil {
				t.Fatal(err)
			}
		})
	}
}

var registerOnce sync.Once

// registerTestConverters registers the custom converters the tests use.
func registerTestConverters(t testing.TB) {
	registerOnce.Do(func() {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		// Django's documentation example: a four-digit year.
		must(RegisterConverter("year4", Converter{
			Regex: "[0-9]{4}",
			Parse: func(s string) (any, error) { return strconv.Atoi(s) },
			Format: func(v any) (string, error) {
				n, ok := v.(int)
				if !ok {
					return "", errors.New("not an int")
				}
				return strconv.Itoa(n), nil
			},
		}))
		// Matches slashes, no Parse or Format: text in, text out.
		must(RegisterConverter("anyslash", Converter{Regex: "[a-z/]+"}))
		// Parse rejects some text its Regex accepts.
		must(RegisterConverter("even", Converter{
			Regex: "[0-9]+",
			Parse: func(s string) (any, error) {
				n, err := strconv.Atoi(s)
				if err != nil || n%2 != 0 {
					return nil, errors.New("odd")
				}
				return n, nil
			},
		}))
		// Panics in Format and Parse must not crash a reversal.
		must(RegisterConverter("boom", Converter{
			Regex:  "x+",
			Parse:  func(s string) (any, error) { panic("parse boom") },
			Format: func(v any) (string, error) { panic("format boom") },
		}))
	})
}

func TestRegisterConverter(t *testing.T) {
	registerTestConverters(t)
	tests := []struct {
		name string
		conv string
		c    Converter
		kind error
	}{
		{"builtin", "int", Converter{Regex: "[0-9]+"}, ErrConverterExists},
		{"twice", "year4", Converter{Regex: "[0-9]+"}, ErrConverterExists},
		{"empty name", "", Converter{Regex: "x"}, ErrInvalidConverter},
		{"bad name", "a-b", Converter{Regex: "x"}, ErrInvalidConverter},
		{"no regex", "noregex", Converter{}, ErrInvalidConverter},
		{"bad regex", "badregex", Converter{Regex: "("}, ErrInvalidConverter},
		{"perl-only regex", "lookahead", Converter{Regex: "(?=a)"}, ErrInvalidConverter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := RegisterConverter(tc.conv, tc.c)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
		})
	}
}

func TestCustomConverters(t *testing.T) {
	registerTestConverters(t)
	r := mustCompile(t, []Pattern{
		Path("y/<year4:year>/", echo, Name("year")),
		Path("s/<anyslash:p>/end/", echo, Name("slash")),
		Path("e/<even:n>/", echo, Name("even")),
		Path("e/<int:n>/", echo, Name("odd")),
		Path("b/<boom:x>/", echo, Name("boom")),
	})
	app := fiber.New()
	r.Mount(app)
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/y/2024/", 200, "year year=int(2024)"},
		{"/y/24/", 404, ""},
		{"/y/20245/", 404, ""},
		{"/s/a/b/end/", 200, "slash p=string(a/b)"},
		{"/s/a/end/b/end/", 200, "slash p=string(a/end/b)"},
		{"/e/4/", 200, "even n=int(4)"},
		{"/e/5/", 200, "odd n=int(5)"}, // Parse error: the next pattern is tried
		{"/b/xx/", 404, ""},            // Parse panics: no match, no crash
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := do(t, app, "GET", tc.path)
			if got.status != tc.status || (tc.status == 200 && got.body != tc.body) {
				t.Fatalf("got %d %q, want %d %q", got.status, got.body, tc.status, tc.body)
			}
		})
	}
}

func TestFiberRouteShapes(t *testing.T) {
	// Simple routes give Fiber one parameter per segment, so c.Params works
	// and Fiber's tree narrows the candidates; the rest use a wildcard.
	registerTestConverters(t)
	r := mustCompile(t, []Pattern{
		Path("articles/<int:year>/<slug:s>/", noop),
		Path("a/<slug:x>-<slug:y>/", noop),
		Path("files/<path:p>", noop),
		Path("y/<year4:y>/", noop),
		Path("a:b/<int:x>/", noop),
		Path("caf\u00e9/<int:x>/", noop),
		Path("about/", noop),
	})
	want := []string{"/articles/:year/:s/", "/a/*", "/files/*", "/y/*", "/a*", "/caf%C3%A9/:x/", "/about/"}
	for i, p := range r.patterns {
		if p.fiberRoute != want[i] {
			t.Errorf("%s: Fiber route %q, want %q", p.route, p.fiberRoute, want[i])
		}
	}
}
