package urls

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
)

type stringerFunc func() string

func (f stringerFunc) String() string { return f() }

type nilStringer struct{ s string }

func (n *nilStringer) String() string { return n.s }

func reverseTable() []Pattern {
	return []Pattern{
		Path("", noop, Name("home")),
		Path("articles/<int:year>/", noop, Name("year")),
		Path("articles/<int:year>/<int:month>/<slug:slug>/", noop, Name("detail")),
		Path("users/<str:u>/", noop, Name("user")),
		Path("objects/<uuid:id>/", noop, Name("object")),
		Path("files/<path:p>", noop, Name("file")),
		Path("pages/<slug:a>-<slug:b>/", noop, Name("pair")),
		Path("docs/<int:n>.html", noop, Name("doc")),
		Path("shared/", noop, Name("shared")),
		Path("shared/<int:n>/", noop, Name("shared")),
		Path("shared/<slug:s>/", noop, Name("shared")),
		Path("café/<str:x>/", noop, Name("cafe")),
		Include("accounts/", []Pattern{
			Path("logout/", noop, Name("logout")),
			Include("<slug:org>/", []Pattern{Path("<int:id>/", noop, Name("member"))}, Namespace("org")),
		}, Namespace("accounts")),
		Path("y/<year4:year>/", noop, Name("custom")),
		Path("e/<even:n>/", noop, Name("even")),
		Path("b/<boom:x>/", noop, Name("boom")),
		Include("v<int:a>", []Pattern{Path("<int:b>/", noop, Name("adjacent"))}),
		Path("unnamed/", noop),
		Path("<path:p>", noop, Name("anything")),
	}
}

func TestReverse(t *testing.T) {
	registerTestConverters(t)
	r := mustCompile(t, reverseTable())
	u := uuid.MustParse(lowerUUID)
	tests := []struct {
		name string
		args []any
		want string // the URL, or "" for an error
		err  string // part of the error message
	}{
		{"home", nil, "/", ""},
		{"home", []any{Kwargs(nil)}, "/", ""},
		{"home", []any{Kwargs{}}, "/", ""},
		{"year", []any{2024}, "/articles/2024/", ""},
		{"year", []any{int64(2024)}, "/articles/2024/", ""},
		{"year", []any{uint8(7)}, "/articles/7/", ""},
		{"year", []any{"2024"}, "/articles/2024/", ""},
		{"year", []any{"007"}, "/articles/007/", ""},
		{"year", []any{stringerFunc(func() string { return "12" })}, "/articles/12/", ""},
		{"year", []any{Kwargs{"year": 2024}}, "/articles/2024/", ""},
		{"year", []any{map[string]any{"year": 1}}, "/articles/1/", ""},
		{"year", []any{-1}, "", `year: -1 does not match int [0-9]+`},
		{"year", []any{"abc"}, "", `year: "abc" does not match int [0-9]+`},
		{"year", []any{""}, "", `year: "" does not match int`},
		{"year", []any{5.0}, "", "year: the int converter cannot format a float64"},
		{"year", []any{true}, "", "cannot format a bool"},
		{"year", []any{nil}, "", "cannot format a <nil>"},
		{"year", []any{"99999999999999999999"}, "", "does not fit in a Go int"},
		{"year", []any{uint64(1) << 63}, "", "does not fit in a Go int"},
		{"year", []any{(*nilStringer)(nil)}, "", "cannot format"},
		{"year", nil, "", `with no arguments not found. 1 pattern(s) tried: "articles/<int:year>/" (takes 1 argument(s) (year), got 0)`},
		{"year", []any{1, 2}, "", "takes 1 argument(s) (year), got 2"},
		{"year", []any{Kwargs{"year": 1, "x": 2}}, "", "takes year; unexpected x"},
		{"year", []any{Kwargs{"y": 1}}, "", "takes year; missing year; unexpected y"},
		{"year", []any{Kwargs{}}, "", "missing year"},
		{"year", []any{Kwargs{"year": 1}, 2}, "", "do not mix positional and keyword arguments"},
		{"detail", []any{2024, 5, "hello-world"}, "/articles/2024/5/hello-world/", ""},
		{"detail", []any{Kwargs{"slug": "s", "month": 1, "year": 2}}, "/articles/2/1/s/", ""},
		{"detail", []any{2024, 5, "hello world"}, "", `slug: "hello world" does not match slug [-a-zA-Z0-9_]+`},
		{"user", []any{"a b"}, "/users/a%20b/", ""},
		{"user", []any{"100%"}, "/users/100%25/", ""},
		{"user", []any{"?#"}, "/users/%3F%23/", ""},
		{"user", []any{"café"}, "/users/caf%C3%A9/", ""},
		{"user", []any{"x.y@z:1,2;3=!$&'()*+~"}, "/users/x.y@z:1,2;3=!$&'()*+~/", ""},
		{"user", []any{`"<>\^{|}` + "`"}, "/users/%22%3C%3E%5C%5E%7B%7C%7D%60/", ""},
		{"user", []any{"..."}, "/users/.../", ""},
		{"user", []any{42}, "/users/42/", ""},
		{"user", []any{-42}, "/users/-42/", ""},
		{"user", []any{true}, "/users/true/", ""},
		{"user", []any{1.5}, "/users/1.5/", ""},
		{"user", []any{u}, "/users/" + lowerUUID + "/", ""},
		{"user", []any{"a/b"}, "", `u: "a/b" does not match str [^/]+`},
		{"user", []any{"\xff"}, "", `u: "\xff" is not valid UTF-8`},
		{"user", []any{"."}, "", "a '.' or '..' path segment, which browsers remove"},
		{"user", []any{".."}, "", "a '.' or '..' path segment, which browsers remove"},
		{"user", []any{[]int{1}}, "", "the str converter cannot format a []int"},
		{"user", []any{struct{}{}}, "", "cannot format a struct {}"},
		{"object", []any{u}, "/objects/" + lowerUUID + "/", ""},
		{"object", []any{lowerUUID}, "/objects/" + lowerUUID + "/", ""},
		{"object", []any{upperUUID}, "", "does not match uuid"},
		{"object", []any{&u}, "/objects/" + lowerUUID + "/", ""},
		{"object", []any{1}, "", "the uuid converter cannot format a int"},
		{"file", []any{"a/b c.txt"}, "/files/a/b%20c.txt", ""},
		{"file", []any{"a//b"}, "/files/a//b", ""},
		{"file", []any{"a\nb"}, "", `does not match path .+`},
		{"file", []any{"a/../b"}, "", "a '.' or '..' path segment, which browsers remove"},
		{"file", []any{"a/./b"}, "", "a '.' or '..' path segment, which browsers remove"},
		{"file", []any{"a/.b/"}, "/files/a/.b/", ""},
		{"file", []any{""}, "", "does not match path"},
		{"anything", []any{"/evil.example/x"}, "/%2Fevil.example/x", ""},
		{"anything", []any{"ok"}, "/ok", ""},
		{"pair", []any{"a-b", "c"}, "/pages/a-b-c/", ""},
		{"pair", []any{"a", "b-c"}, "", "would not resolve back to these values: the route cannot tell"},
		{"doc", []any{12}, "/docs/12.html", ""},
		{"shared", nil, "/shared/", ""},
		{"shared", []any{5}, "/shared/5/", ""},
		{"shared", []any{"x-y"}, "/shared/x-y/", ""},
		{"shared", []any{"a b"}, "", `3 pattern(s) tried: "shared/<slug:s>/" (s: "a b" does not match slug [-a-zA-Z0-9_]+), "shared/<int:n>/" (n: "a b" does not match int [0-9]+), "shared/" (takes 0 argument(s) (), got 1)`},
		{"cafe", []any{"x"}, "/caf%C3%A9/x/", ""},
		{"accounts:logout", nil, "/accounts/logout/", ""},
		{"accounts:org:member", []any{"acme", 7}, "/accounts/acme/7/", ""},
		{"accounts:org:member", []any{Kwargs{"org": "acme", "id": 7}}, "/accounts/acme/7/", ""},
		{"logout", nil, "", `"logout" is not a registered route name`},
		{"Home", nil, "", "names are case-sensitive"},
		{"", nil, "", `"" is not a registered route name`},
		{"accounts:nope", nil, "", `"nope" is not a route name inside namespace "accounts"`},
		{"nope:logout", nil, "", `"nope" is not a registered namespace`},
		{"accounts:nope:member", nil, "", `"nope" is not a registered namespace inside "accounts"`},
		{"member", []any{"acme", 7}, "", "not a registered route name"},
		{"custom", []any{2024}, "/y/2024/", ""},
		{"custom", []any{24}, "", `year: 24 does not match year4 [0-9]{4}`},
		{"custom", []any{"2024"}, "", "converter year4 cannot format \"2024\": not an int"},
		{"even", []any{4}, "/e/4/", ""},
		{"even", []any{3}, "", "which its Parse rejects: odd"},
		{"boom", []any{"xx"}, "", "Format panicked: format boom"},
		{"adjacent", []any{1, 2}, "", "would not resolve back"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Reverse(tc.name, tc.args...)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Fatalf("Reverse(%q, %#v) = %q, %v; want %q", tc.name, tc.args, got, err, tc.want)
				}
				// What reverses must resolve back.
				m, ok := r.Resolve(got)
				if !ok || m.ViewName != tc.name {
					t.Fatalf("Resolve(%q) = %+v, %v", got, m, ok)
				}
				return
			}
			if got != "" || err == nil {
				t.Fatalf("Reverse(%q, %#v) = %q, %v; want an error", tc.name, tc.args, got, err)
			}
			var nrm *NoReverseMatch
			if !errors.As(err, &nrm) || nrm.Name != tc.name {
				t.Fatalf("error %T %v is not a *NoReverseMatch for %q", err, err, tc.name)
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %q does not say %q", err, tc.err)
			}
			if nrm.Reason == "" && len(nrm.Tried) == 0 {
				t.Fatalf("error %q tried nothing and gives no reason", err)
			}
		})
	}
}

func TestNoReverseMatchFields(t *testing.T) {
	r := mustCompile(t, reverseTable())
	_, err := r.Reverse("shared", "a b")
	var e *NoReverseMatch
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	if e.Name != "shared" || len(e.Args) != 1 || e.Args[0] != "a b" || e.Kwargs != nil ||
		strings.Join(e.Tried, " ") != "shared/<slug:s>/ shared/<int:n>/ shared/" || len(e.Why) != 3 {
		t.Fatalf("%+v", e)
	}
	_, err = r.Reverse("year", Kwargs{"year": "x"})
	if !errors.As(err, &e) || e.Args != nil || e.Kwargs["year"] != "x" ||
		!strings.Contains(err.Error(), `with keyword arguments {"year": "x"}`) {
		t.Fatalf("%+v", e)
	}
}

func TestReverseNeverPanics(t *testing.T) {
	registerTestConverters(t)
	var nilR *Resolver
	if s, err := nilR.Reverse("x"); s != "" || err == nil {
		t.Fatal("nil resolver")
	}
	if nilR.HasName("x") {
		t.Fatal("nil resolver has names")
	}
	r := mustCompile(t, reverseTable())
	weird := []any{nil, (*nilStringer)(nil), stringerFunc(nil), map[int]int{}, func() {}, make(chan int), Kwargs(nil), [2]int{}}
	for name := range r.names {
		for _, a := range weird {
			for _, args := range [][]any{{a}, {a, a}, {Kwargs{"year": a, "u": a, "p": a}}} {
				s, err := r.Reverse(name, args...)
				if (s == "") == (err == nil) {
					t.Fatalf("Reverse(%q, %#v) = %q, %v", name, args, s, err)
				}
				if err != nil {
					_ = err.Error()
				}
			}
		}
	}
}

func TestMustReverse(t *testing.T) {
	r := mustCompile(t, reverseTable())
	if got := r.MustReverse("year", 1); got != "/articles/1/" {
		t.Fatal(got)
	}
	defer func() {
		v := recover()
		if _, ok := v.(*NoReverseMatch); !ok {
			t.Fatalf("panicked with %#v", v)
		}
	}()
	r.MustReverse("year")
}

func TestHasName(t *testing.T) {
	r := mustCompile(t, reverseTable())
	for name, want := range map[string]bool{
		"home": true, "accounts:logout": true, "accounts:org:member": true, "shared": true,
		"logout": false, "member": false, "/home/": false, "accounts": false, "": false, "https://x": false,
	} {
		if got := r.HasName(name); got != want {
			t.Errorf("HasName(%q) = %v", name, got)
		}
	}
}

// TestMountLeavesTableAlone: whatever is mounted where, and in which order,
// the Resolver's own Reverse, Resolve and WriteTable answer as right after
// Compile; only Reverse(c, ...) carries the prefix of the mount serving c.
func TestMountLeavesTableAlone(t *testing.T) {
	answers := func(r *Resolver) string {
		var b strings.Builder
		r.WriteTable(&b)
		m, ok := r.Resolve("/a/1/")
		_, blog := r.Resolve("/blog/a/1/")
		fmt.Fprintf(&b, "%s %s %v %v %v", r.MustReverse("a", 1), r.MustReverse("home"), ok && m.Name == "a", blog, r.HasName("a"))
		return b.String()
	}
	for _, order := range [][]string{{""}, {"/blog"}, {"/blog", ""}, {"", "/blog"}, {"/other", "/blog"}} {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			var fromReq []string
			h := func(c *fiber.Ctx) error {
				u, err := Reverse(c, "a", 1)
				fromReq = append(fromReq, u)
				return err
			}
			r := mustCompile(t, []Pattern{Path("", h, Name("home")), Path("a/<int:n>/", h, Name("a"))})
			before := answers(r)
			if !strings.Contains(before, "/a/<int:n>/") || !strings.HasSuffix(before, "/a/1/ / true false true") {
				t.Fatalf("before Mount: %q", before)
			}
			app := fiber.New()
			for _, prefix := range order {
				if prefix == "" {
					r.Mount(app)
				} else {
					r.Mount(app.Group(prefix))
				}
				if got := answers(r); got != before {
					t.Fatalf("after Mount(%q): %q, before: %q", prefix, got, before)
				}
			}
			for _, prefix := range order {
				do(t, app, "GET", prefix+"/a/5/")
			}
			if want := strings.Join(order, "/a/1/ ") + "/a/1/"; strings.Join(fromReq, " ") != want {
				t.Fatalf("Reverse(c) = %q, want %q (each mount's own prefix)", fromReq, want)
			}
		})
	}
}

func TestReversePrefix(t *testing.T) {
	table := func(h fiber.Handler) []Pattern {
		return []Pattern{
			Path("", h, Name("home")),
			Path("a/<int:n>/", h, Name("a")),
			Include("acc/", []Pattern{Path("out/", h, Name("logout"))}, Namespace("acc")),
			Path("<path:p>", h, Name("p")),
		}
	}
	var fromReq string
	h := func(c *fiber.Ctx) error {
		var errs []string
		add := func(s string, err error) {
			if err != nil {
				s = err.Error()
			}
			errs = append(errs, s)
		}
		add(Reverse(c, "home"))
		add(Reverse(c, "a", 3))
		add(Reverse(c, "acc:logout"))
		add(Reverse(c, "p", "/x"))
		fromReq = strings.Join(errs, " ")
		return nil
	}
	r := mustCompile(t, table(h))
	if got := r.MustReverse("a", 1); got != "/a/1/" {
		t.Fatalf("before Mount: %q", got)
	}
	app := fiber.New()
	r.Mount(app.Group("/blog/"))
	r.Mount(app.Group("/other"))
	r.Mount(app)
	for _, tc := range []struct{ path, want string }{
		{"/blog/a/1/", "/blog/ /blog/a/3/ /blog/acc/out/ /blog//x"},
		{"/other/", "/other/ /other/a/3/ /other/acc/out/ /other//x"},
		{"/zzz", "/ /a/3/ /acc/out/ /%2Fx"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			fromReq = ""
			if got := do(t, app, "GET", tc.path); got.status != 200 || fromReq != tc.want {
				t.Fatalf("%d: %q, want %q", got.status, fromReq, tc.want)
			}
		})
	}
	if got := r.MustReverse("a", 1); got != "/a/1/" {
		t.Fatalf("after Mount: %q, want the table's own URL /a/1/", got)
	}
	t.Run("outside a table", func(t *testing.T) {
		var err error
		app := fiber.New()
		app.Get("/x", func(c *fiber.Ctx) error { _, err = Reverse(c, "home"); return nil })
		do(t, app, "GET", "/x")
		var nrm *NoReverseMatch
		if !errors.Is(err, ErrNoResolver) || !errors.As(err, &nrm) {
			t.Fatalf("got %v", err)
		}
	})
}
