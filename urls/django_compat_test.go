package urls_test

// The behaviours Django's tests/urlpatterns/tests.py,
// tests/urlpatterns_reverse and the APPEND_SLASH tests of CommonMiddleware
// assert, ported to fiberviews: tables compiled with the public API, and
// requests through a real Fiber app where routing is what is tested.

import (
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
)

// djangoEcho answers with the match: "name route k=type(value) ...".
func djangoEcho(c *fiber.Ctx) error {
	m, ok := urls.Resolve(c)
	if !ok {
		return c.Status(599).SendString("no match")
	}
	return c.SendString(describeMatch(m))
}

func describeMatch(m *urls.Match) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", m.ViewName, m.Route)
	keys := make([]string, 0, len(m.Kwargs))
	for k := range m.Kwargs {
		keys = append(keys, k)
	}
	for _, k := range slices.Sorted(slices.Values(keys)) {
		fmt.Fprintf(&b, " %s=%T(%v)", k, m.Kwargs[k], m.Kwargs[k])
	}
	return b.String()
}

// registerDjangoConverters registers the custom converters of Django's
// test tables once per test binary (the registry is global).
var registerDjangoConverters = sync.OnceValue(func() error {
	tiny := urls.Converter{Regex: "[0-9]+", Format: func(v any) (string, error) {
		n, ok := v.(int)
		if !ok || n > 5 {
			return "", errors.New("not a tiny int") // Django's to_url raising ValueError
		}
		return strconv.Itoa(n), nil
	}}
	failing := urls.Converter{Regex: "[a-z]+",
		Parse:  func(string) (any, error) { return nil, errors.New("to_python raises ValueError") },
		Format: func(any) (string, error) { return "", errors.New("to_url raises ValueError") }}
	for name, c := range map[string]urls.Converter{
		"djtiny":  tiny,
		"djfail":  failing,
		"djupper": {Regex: "[A-Z]+"},
		"djlower": {Regex: "[a-z]+"},
	} {
		if err := urls.RegisterConverter(name, c); err != nil {
			return err
		}
	}
	return nil
})

// djangoTable is Django's urlpatterns/path_urls.py, converter_urls.py,
// path_same_name_urls.py and path_dynamic_urls.py in one table.
func djangoTable(t *testing.T, opts ...urls.CompileOption) *urls.Resolver {
	t.Helper()
	if err := registerDjangoConverters(); err != nil {
		t.Fatal(err)
	}
	h := djangoEcho
	r, err := urls.Compile([]urls.Pattern{
		urls.Path("articles/2003/", h, urls.Name("articles-2003")),
		urls.Path("articles/<int:year>/", h, urls.Name("articles-year")),
		urls.Path("articles/<int:year>/<int:month>/", h, urls.Name("articles-year-month")),
		urls.Path("articles/<int:year>/<int:month>/<int:day>/", h, urls.Name("articles-year-month-day")),
		urls.Path("users/", h, urls.Name("users")),
		urls.Path("users/<id>/", h, urls.Name("user-with-id")),
		urls.Include("included_urls/", []urls.Pattern{
			urls.Path("extra/<extra>/", h, urls.Name("inner-extra")),
		}),
		urls.Include("ns/", []urls.Pattern{
			urls.Path("extra/<extra>/", h, urls.Name("inner-extra")),
			urls.Include("<int:id>/", []urls.Pattern{urls.Path("leaf/", h, urls.Name("leaf"))}, urls.Namespace("inner")),
		}, urls.Namespace("outer")),
		// converter_urls.py
		urls.Path("int/<int:int>/", h, urls.Name("int")),
		urls.Path("str/<str:str>/", h, urls.Name("str")),
		urls.Path("path/<path:path>/", h, urls.Name("path")),
		urls.Path("slug/<slug:slug>/", h, urls.Name("slug")),
		urls.Path("uuid/<uuid:uuid>/", h, urls.Name("uuid")),
		// path_same_name_urls.py
		urls.Path("number_of_args/0/", h, urls.Name("number_of_args")),
		urls.Path("number_of_args/1/<value>/", h, urls.Name("number_of_args")),
		urls.Path("kwargs_names/a/<a>/", h, urls.Name("kwargs_names")),
		urls.Path("kwargs_names/b/<b>/", h, urls.Name("kwargs_names")),
		urls.Path("converter/path/<path:value>/", h, urls.Name("converter")),
		urls.Path("converter/str/<str:value>/", h, urls.Name("converter")),
		urls.Path("converter/slug/<slug:value>/", h, urls.Name("converter")),
		urls.Path("converter/int/<int:value>/", h, urls.Name("converter")),
		urls.Path("converter/uuid/<uuid:value>/", h, urls.Name("converter")),
		urls.Path("regex/uppercase/<djupper:v>/", h, urls.Name("regex")),
		urls.Path("regex/lowercase/<djlower:v>/", h, urls.Name("regex")),
		urls.Path("converter_to_url/int/<value>/", h, urls.Name("converter_to_url")),
		urls.Path("converter_to_url/tiny_int/<djtiny:value>/", h, urls.Name("converter_to_url")),
		// path_dynamic_urls.py
		urls.Path("dynamic/<djfail:value>/", h, urls.Name("dynamic")),
		// APPEND_SLASH (middleware/urls.py)
		urls.Path("noslash", h, urls.Name("noslash")),
		urls.Path("slash/", h, urls.Name("slash")),
		urls.Path("needsquoting#/", h, urls.Name("needsquoting")),
		urls.Path("<path:p>/security/", h, urls.Name("security")),
		urls.Path("<lang>/<path:url>/", h, urls.Name("lang-and-path")),
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// djangoApp mounts the table on a Fiber app, under prefix if not "".
func djangoApp(t *testing.T, r *urls.Resolver, prefix string) *fiber.App {
	t.Helper()
	app := fiber.New()
	if prefix == "" {
		r.Mount(app)
	} else {
		r.Mount(app.Group(prefix))
	}
	return app
}

// send sends method target (the request line as written) to app.
func send(t *testing.T, app *fiber.App, method, target string) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(method, "/", nil)
	req.RequestURI = target
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func TestDjangoResolve(t *testing.T) {
	r := djangoTable(t, urls.AppendSlash(false)) // resolve() alone, as Django's tests call it
	app := djangoApp(t, r, "")
	const lower = "39da9369-838e-4750-91a5-f7805cd82839"
	cases := []struct {
		name, path string
		want       string // describeMatch, "" for no match
	}{
		// SimplifiedURLTests
		{"without parameters", "/articles/2003/", "articles-2003 articles/2003/"},
		{"typed parameters", "/articles/2015/", "articles-year articles/<int:year>/ year=int(2015)"},
		{"multiple parameters", "/articles/2015/04/12/", "articles-year-month-day articles/<int:year>/<int:month>/<int:day>/ day=int(12) month=int(4) year=int(2015)"},
		{"two variables at the start", "/en/foo/", "lang-and-path <lang>/<path:url>/ lang=string(en) url=string(foo)"},
		{"inclusion", "/included_urls/extra/something/", "inner-extra included_urls/extra/<extra>/ extra=string(something)"},
		{"namespaced inclusion", "/ns/7/leaf/", "outer:inner:leaf ns/<int:id>/leaf/ id=int(7)"},
		// test_path_trailing_newlines
		{"trailing newline", "/articles/2003/%0A", ""},
		{"trailing newline after a path", "/en/foo/%0A", ""},
		{"trailing newline in an include", "/included_urls/extra/%0A", ""},
		{"trailing newline after a str", "/users/1/%0A", ""},
		// ConverterTests.test_matching_urls
		{"int 0", "/int/0/", "int int/<int:int>/ int=int(0)"},
		{"int 01", "/int/01/", "int int/<int:int>/ int=int(1)"},
		{"int 1234567890", "/int/1234567890/", "int int/<int:int>/ int=int(1234567890)"},
		{"str", "/str/abcxyz/", "str str/<str:str>/ str=string(abcxyz)"},
		{"path", "/path/allows.ANY*characters/", "path path/<path:path>/ path=string(allows.ANY*characters)"},
		{"slug", "/slug/abcxyz-ABCXYZ_01234567890/", "slug slug/<slug:slug>/ slug=string(abcxyz-ABCXYZ_01234567890)"},
		{"uuid", "/uuid/" + lower + "/", "uuid uuid/<uuid:uuid>/ uuid=uuid.UUID(" + lower + ")"},
		// ConversionExceptionTests.test_resolve_value_error_means_no_match:
		// the next pattern is tried (here lang-and-path).
		{"to_python failing means no match", "/dynamic/abc/", "lang-and-path <lang>/<path:url>/ lang=string(dynamic) url=string(abc)"},
	}
	// ConverterTests.test_nonmatching_urls (each under a prefix that only
	// its pattern, and the catch-all lang-and-path for two segments, could take)
	for _, bad := range []struct{ conv, value string }{
		{"int", "-1"}, {"int", "letters"}, {"slug", "stars*notallowed"},
		{"uuid", "9da9369-838e-4750-91a5-f7805cd82839"}, {"uuid", "39da9369-838-4750-91a5-f7805cd82839"},
		{"uuid", "39da9369-838e-475-91a5-f7805cd82839"}, {"uuid", "39da9369-838e-4750-91a-f7805cd82839"},
		{"uuid", "39da9369-838e-4750-91a5-f7805cd8283"}, {"uuid", strings.ToUpper(lower)},
	} {
		cases = append(cases, struct{ name, path, want string }{
			"not " + bad.conv + " " + bad.value, "/" + bad.conv + "/" + bad.value + "/",
			"lang-and-path <lang>/<path:url>/ lang=string(" + bad.conv + ") url=string(" + bad.value + ")"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, ok := r.Resolve(c.path)
			got := ""
			if ok {
				got = describeMatch(m)
			}
			if got != c.want {
				t.Errorf("Resolve(%q) = %q, want %q", c.path, got, c.want)
			}
			status, _, body := send(t, app, "GET", c.path)
			if c.want == "" && status != 404 || c.want != "" && (status != 200 || body != c.want) {
				t.Errorf("GET %s: %d %q, want %q", c.path, status, body, c.want)
			}
		})
	}
	// The empty values of test_nonmatching_urls: "/str//", "/path//" ...
	for _, p := range []string{"/str//", "/str///", "/path//", "/slug//", "/uuid//", "/int//"} {
		t.Run("empty "+p, func(t *testing.T) {
			if m, ok := r.Resolve(p); ok && (m.Name == "str" || m.Name == "path" || m.Name == "slug" || m.Name == "uuid" || m.Name == "int") {
				t.Errorf("Resolve(%q) matched %s", p, describeMatch(m))
			}
		})
	}
}

func TestDjangoReverse(t *testing.T) {
	r := djangoTable(t)
	u := uuid.MustParse("39da9369-838e-4750-91a5-f7805cd82839")
	cases := []struct {
		name string
		args []any
		want string
	}{
		// SimplifiedURLTests
		{"articles-2003", nil, "/articles/2003/"},
		{"articles-year-month-day", []any{urls.Kwargs{"year": 2015, "month": 4, "day": 12}}, "/articles/2015/4/12/"},
		{"inner-extra", []any{urls.Kwargs{"extra": "something"}}, "/included_urls/extra/something/"},
		{"outer:inner-extra", []any{urls.Kwargs{"extra": "something"}}, "/ns/extra/something/"},
		{"outer:inner:leaf", []any{7}, "/ns/7/leaf/"},
		// ConverterTests: reverse() takes strings and native values.
		{"int", []any{urls.Kwargs{"int": "01"}}, "/int/01/"},
		{"int", []any{urls.Kwargs{"int": 1}}, "/int/1/"},
		{"uuid", []any{urls.Kwargs{"uuid": u.String()}}, "/uuid/" + u.String() + "/"},
		{"uuid", []any{urls.Kwargs{"uuid": u}}, "/uuid/" + u.String() + "/"},
		{"path", []any{urls.Kwargs{"path": "allows.ANY*characters"}}, "/path/allows.ANY*characters/"},
		// SameNameTests: of the patterns sharing a name, the last that fits wins.
		{"number_of_args", nil, "/number_of_args/0/"},
		{"number_of_args", []any{1}, "/number_of_args/1/1/"},
		{"kwargs_names", []any{urls.Kwargs{"a": 1}}, "/kwargs_names/a/1/"},
		{"kwargs_names", []any{urls.Kwargs{"b": 1}}, "/kwargs_names/b/1/"},
		{"converter", []any{"a/b"}, "/converter/path/a/b/"},
		{"converter", []any{"a b"}, "/converter/str/a%20b/"},
		{"converter", []any{"a-b"}, "/converter/slug/a-b/"},
		{"converter", []any{"2"}, "/converter/int/2/"},
		{"converter", []any{u.String()}, "/converter/uuid/" + u.String() + "/"},
		{"regex", []any{"ABC"}, "/regex/uppercase/ABC/"},
		{"regex", []any{"abc"}, "/regex/lowercase/abc/"},
		{"converter_to_url", []any{6}, "/converter_to_url/int/6/"},
		{"converter_to_url", []any{1}, "/converter_to_url/tiny_int/1/"},
		// urlpatterns_reverse: values are quoted, "/" kept only by path, and
		// a URL never starts with "//".
		{"str", []any{`~@+\$*|`}, "/str/~@+%5C$*%7C/"},
		{"str", []any{"a&b=c?d#e"}, "/str/a&b=c%3Fd%23e/"},
		{"str", []any{"中文"}, "/str/%E4%B8%AD%E6%96%87/"},
		{"security", []any{"/evil.com"}, "/%2Fevil.com/security/"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s%v", c.name, c.args), func(t *testing.T) {
			got, err := r.Reverse(c.name, c.args...)
			if err != nil || got != c.want {
				t.Fatalf("Reverse = %q, %v; want %q", got, err, c.want)
			}
			// The URL resolves back to a pattern of that name.
			if m, ok := r.Resolve(got); !ok || m.ViewName != c.name {
				t.Errorf("Resolve(%q) = %v, %v; want %s", got, m, ok, c.name)
			}
		})
	}
	failures := []struct {
		what, name string
		args       []any
	}{
		// test_reverse_value_error_means_no_match
		{"to_url failing", "dynamic", []any{urls.Kwargs{"value": struct{}{}}}},
		{"an unknown name", "nonexistent", nil},
		{"an unknown namespace", "nowhere:inner-extra", nil},
		{"a name outside its namespace", "leaf", []any{7}},
		{"a str value with a slash", "str", []any{urls.Kwargs{"str": "a/b"}}},
		{"a negative int", "int", []any{-1}},
		{"too few arguments", "articles-year-month-day", []any{2015}},
		{"a wrong keyword", "articles-year", []any{urls.Kwargs{"month": 1}}},
		// Django: "Don't mix *args and **kwargs in call to reverse()!"
		{"positional and keyword arguments mixed", "articles-year-month", []any{2015, urls.Kwargs{"month": 4}}},
	}
	for _, f := range failures {
		t.Run("NoReverseMatch for "+f.what, func(t *testing.T) {
			got, err := r.Reverse(f.name, f.args...)
			var nrm *urls.NoReverseMatch
			if !errors.As(err, &nrm) || got != "" || !strings.Contains(err.Error(), f.name) {
				t.Errorf("Reverse = %q, %v; want a *NoReverseMatch naming %q", got, err, f.name)
			}
		})
	}
	t.Run("reverse inside a request is under the mount's prefix (SCRIPT_NAME)", func(t *testing.T) {
		app := fiber.New()
		var got string
		var err error
		tbl := urls.MustCompile([]urls.Pattern{
			urls.Path("here/", func(c *fiber.Ctx) error {
				got, err = urls.Reverse(c, "outer:inner:leaf", 3)
				return nil
			}),
			urls.Include("ns/", []urls.Pattern{
				urls.Include("<int:id>/", []urls.Pattern{urls.Path("leaf/", djangoEcho, urls.Name("leaf"))}, urls.Namespace("inner")),
			}, urls.Namespace("outer")),
		})
		tbl.Mount(app.Group("/prefix"))
		if status, _, _ := send(t, app, "GET", "/prefix/here/"); status != 200 || err != nil || got != "/prefix/ns/3/leaf/" {
			t.Errorf("%d: %q, %v; want /prefix/ns/3/leaf/", status, got, err)
		}
		if outside, _ := tbl.Reverse("outer:inner:leaf", 3); outside != "/ns/3/leaf/" {
			t.Errorf("Resolver.Reverse = %q, want /ns/3/leaf/", outside)
		}
	})
}

func TestDjangoRouteErrors(t *testing.T) {
	if err := registerDjangoConverters(); err != nil {
		t.Fatal(err)
	}
	h := djangoEcho
	cases := []struct {
		name, route string
		want        error
	}{
		// test_invalid_converter
		{"an unknown converter", "foo/<nonexistent:var>/", urls.ErrUnknownConverter},
		// ParameterRestrictionTests
		{"an integer parameter name", "hello/<int:1>/", urls.ErrMalformedRoute},
		{"a parameter name with a dot", "b/<int:book.id>/", urls.ErrMalformedRoute},
		// Difference from Django: test_allows_non_ascii_but_valid_identifiers
		// accepts <str:Δ>; parameter names here are ASCII identifiers.
		{"a non-ASCII parameter name", "hello/<str:Δ>/", urls.ErrMalformedRoute},
	}
	// test_whitespace_in_route
	for _, ws := range []string{" ", "\t", "\n", "\r", "\v", "\f"} {
		cases = append(cases, struct {
			name, route string
			want        error
		}{fmt.Sprintf("whitespace %q in angle brackets", ws), "space/<int:num>/extra/<str:" + ws + "test>", urls.ErrMalformedRoute})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := urls.Compile([]urls.Pattern{urls.Path(c.route, h)})
			var te *urls.TableError
			if !errors.Is(err, c.want) || !errors.As(err, &te) || !strings.Contains(err.Error(), strconv.Quote(c.route)) {
				t.Errorf("Compile(%q) = %v, want a *TableError wrapping %v that names the route", c.route, err, c.want)
			}
		})
	}
	t.Run("whitespace outside angle brackets is valid", func(t *testing.T) {
		r, err := urls.Compile([]urls.Pattern{urls.Path("space \t/<int:num>/", h, urls.Name("space"))})
		if err != nil {
			t.Fatal(err)
		}
		if m, ok := r.Resolve("/space%20%09/1/"); !ok || m.Kwargs["num"] != 1 {
			t.Errorf("Resolve = %v, %v", m, ok)
		}
	})
	converters := []struct {
		name string
		conv urls.Converter
		want error
	}{
		{"int", urls.Converter{Regex: "[0-9]+"}, urls.ErrConverterExists},    // test_warning_override_default_converter
		{"djtiny", urls.Converter{Regex: "[0-9]+"}, urls.ErrConverterExists}, // test_warning_override_converter
		{"djnoregex", urls.Converter{}, urls.ErrInvalidConverter},            // test_converter_missing_regex
		{"djbadregex", urls.Converter{Regex: "[0-"}, urls.ErrInvalidConverter},
	}
	for _, c := range converters {
		t.Run("RegisterConverter "+c.name, func(t *testing.T) {
			if err := urls.RegisterConverter(c.name, c.conv); !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestDjangoAppendSlash(t *testing.T) {
	r := djangoTable(t)
	cases := []struct {
		name, method, target string
		status               int
		location             string
	}{
		{"have slash", "GET", "/slash/", 200, ""},
		{"slashless resource", "GET", "/noslash", 200, ""},
		{"slashless unknown", "GET", "/unknown", 404, ""},
		{"redirect", "GET", "/slash", 301, "/slash/"},
		{"HEAD", "HEAD", "/slash", 301, "/slash/"},
		{"query string", "GET", "/slash?test=1", 301, "/slash/?test=1"},
		{"query string with a slash", "GET", "/slash?test=slash/", 301, "/slash/?test=slash/"},
		{"quoted", "GET", "/needsquoting%23", 301, "/needsquoting%23/"},
		// test_append_slash_leading_slashes
		{"leading slashes", "GET", "/%2F%2Fevil.com/security", 301, "/%2F%2Fevil.com/security/"},
		// Difference from Django: Django redirects a POST too (and raises in
		// DEBUG, as the body would be lost); AppendSlash redirects GET and
		// HEAD only, and the others get the 404 (see urls.AppendSlash).
		{"POST", "POST", "/slash", 404, ""},
	}
	for _, mount := range []string{"", "/site"} {
		app := djangoApp(t, r, mount)
		for _, c := range cases {
			t.Run(mount+c.name, func(t *testing.T) {
				want := c.location
				if want != "" {
					want = mount + want
				}
				status, loc, _ := send(t, app, c.method, mount+c.target)
				if status != c.status || loc != want {
					t.Errorf("%d Location %q, want %d %q", status, loc, c.status, want)
				}
			})
		}
	}
	t.Run("disabled", func(t *testing.T) {
		off := djangoApp(t, mustTable(t, urls.AppendSlash(false)), "")
		if status, loc, _ := send(t, off, "GET", "/slash"); status != 404 || loc != "" {
			t.Errorf("%d %q, want 404", status, loc)
		}
	})
}

func mustTable(t *testing.T, opts ...urls.CompileOption) *urls.Resolver {
	t.Helper()
	r, err := urls.Compile([]urls.Pattern{urls.Path("slash/", djangoEcho, urls.Name("slash"))}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
