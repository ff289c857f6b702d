package templates_test

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
)

// writeFiles creates files (name → content) under a new temp dir.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func render(t testing.TB, e *templates.Engine, name string, data any, layout ...string) (string, error) {
	t.Helper()
	var b bytes.Buffer
	err := e.Render(&b, name, data, layout...)
	return b.String(), err
}

func mustRender(t testing.TB, e *templates.Engine, name string, data any, layout ...string) string {
	t.Helper()
	s, err := render(t, e, name, data, layout...)
	if err != nil {
		t.Fatalf("render %q: %v", name, err)
	}
	return s
}

func TestDefaults(t *testing.T) {
	e := templates.Default()
	for _, n := range []string{"fiberviews/base", "fiberviews/error", "registration/login", "registration/logged_out", "csrf_failure"} {
		if !e.Has(n) || !e.Has(n+".html") {
			t.Errorf("Default() lacks %s (has %v)", n, e.Names())
		}
	}
	input := template.HTML(`<input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">`)
	cases := []struct {
		name     string
		data     map[string]any
		contains []string
		lacks    []string
	}{
		{"registration/login.html", map[string]any{"csrf_input": input, "next": "/after/?a=1", "username": "ann", "site_name": "Shop"},
			[]string{"<!doctype html>", "<title>Shop</title>", "<h1>Log in</h1>", `<form method="post"`, `name="username"`, `value="ann"`,
				`type="password" name="password"`, string(input), `<input type="hidden" name="next" value="/after/?a=1">`},
			[]string{`id="login-error"`}},
		{"registration/login.html", map[string]any{"form_error": "Please enter a correct username and password."},
			[]string{`<p class="error" id="login-error" role="alert">Please enter a correct username and password.</p>`}, nil},
		{"registration/logged_out.html", map[string]any{"title": "Logged out", "site_name": "Shop", "login_url": "/accounts/login/"},
			[]string{"<title>Logged out | Shop</title>", "quality time with Shop today", `<a href="/accounts/login/">Log in again</a>`}, nil},
		{"registration/logged_out.html", nil, []string{"<h1>Logged out</h1>", "quality time with the web site today"}, []string{"Log in again"}},
		{"csrf_failure.html", map[string]any{"message": "Reload the page and try again.", "reason": "CSRF token missing.", "no_cookie": false, "debug": true},
			[]string{"could not be sent", "Reload the page and try again.", "CSRF verification failed. Request aborted.", "CSRF token missing.", "{{ .csrf_input }}"}, []string{"requires a CSRF cookie"}},
		{"csrf_failure.html", map[string]any{"reason": "CSRF cookie not set.", "no_cookie": true, "debug": true}, []string{"requires a CSRF cookie"}, nil},
		{"csrf_failure.html", map[string]any{"message": "Reload the page and try again.", "reason": "CSRF token missing.", "no_cookie": true},
			[]string{"Reload the page and try again."}, []string{"CSRF token missing.", "requires a CSRF cookie", "Developers", "csrf_input"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := mustRender(t, e, tc.name, tc.data)
			for _, s := range tc.contains {
				if !strings.Contains(out, s) {
					t.Errorf("lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(out, s) {
					t.Errorf("has %q:\n%s", s, out)
				}
			}
		})
	}
}

func TestUserDirFirst(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"registration/login.html": `custom login {{ .next }}`,
		"fiberviews/base.html":    `<site>{{ embed }}</site>`,
		"home.html":               `home {{ template "partials/nav" . }}`,
		"partials/nav.html":       `nav`,
		"notes.txt":               `not a template`,
	})
	e, err := templates.New(templates.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, want string
	}{
		{"registration/login.html", "custom login /x/"},                                  // the site's, no layout
		{"registration/logged_out.html", "<site><div class=\"card\">\n  <h1>Logged out"}, // default inside the site's base
		{"home", "home nav"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := mustRender(t, e, tc.name, map[string]any{"next": "/x/"})
			if !strings.HasPrefix(out, tc.want) {
				t.Fatalf("got %q, want prefix %q", out, tc.want)
			}
		})
	}
	if e.Has("notes") || e.Has("notes.txt") {
		t.Error("a .txt file became a template")
	}
}

func TestNames(t *testing.T) {
	e := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{"a/b.html": {Data: []byte("ab")}}}))
	for _, n := range []string{"a/b", "a/b.html", "/a/b.html"} {
		if got := mustRender(t, e, n, nil); got != "ab" {
			t.Errorf("%q: %q", n, got)
		}
	}
	got, err := e.Select("missing.html", "a/b.html", "registration/login.html")
	if err != nil || got != "a/b.html" {
		t.Errorf("Select = %q, %v", got, err)
	}
	want := []string{"500", "a/b", "csrf_failure", "fiberviews/base", "fiberviews/error", "registration/logged_out", "registration/login", "registration/password_change_done", "registration/password_change_form", "registration/password_reset_complete", "registration/password_reset_confirm", "registration/password_reset_done", "registration/password_reset_email", "registration/password_reset_form", "registration/sessions", "registration/signup"}
	if fmt.Sprint(e.Names()) != fmt.Sprint(want) {
		t.Errorf("Names() = %v, want %v", e.Names(), want)
	}
}

func TestExtension(t *testing.T) {
	e := templates.Must(templates.New(templates.Config{Extension: "tmpl", FS: fstest.MapFS{
		"p.tmpl": {Data: []byte("tmpl")},
		"q.html": {Data: []byte("html")},
	}}))
	if got := mustRender(t, e, "p.tmpl", nil); got != "tmpl" {
		t.Errorf("%q", got)
	}
	if e.Has("q") || e.Has("registration/login") {
		t.Error("files of another extension loaded")
	}
}

func TestLayouts(t *testing.T) {
	files := fstest.MapFS{
		"page.html":       {Data: []byte(`page:{{ .v }}`)},
		"other.html":      {Data: []byte(`other:{{ .v }}`)},
		"layouts/a.html":  {Data: []byte(`<a>{{ embed }}</a>`)},
		"layouts/b.html":  {Data: []byte(`<b v="{{ .v }}">{{ embed }}</b>`)},
		"layouts/if.html": {Data: []byte(`{{ if .v }}[{{- embed -}}]{{ else }}none{{ end }}{{ range .list }}({{ embed }}){{ end }}{{ with .v }}<i>{{ embed }}</i>{{ end }}`)},
		"layouts/no.html": {Data: []byte(`no embed`)},
	}
	plain := templates.Must(templates.New(templates.Config{FS: files}))
	withLayout := templates.Must(templates.New(templates.Config{FS: files, Layout: "layouts/a.html"}))
	data := map[string]any{"v": "1", "list": []int{1, 2}}
	cases := []struct {
		name   string
		e      *templates.Engine
		page   string
		layout []string
		want   string
	}{
		{"no layout", plain, "page", nil, "page:1"},
		{"explicit layout", plain, "page", []string{"layouts/a"}, "<a>page:1</a>"},
		{"explicit layout with extension", plain, "page", []string{"layouts/a.html"}, "<a>page:1</a>"},
		{"Config.Layout by default", withLayout, "page", nil, "<a>page:1</a>"},
		{"Config.Layout, explicit other layout", withLayout, "page", []string{"layouts/b"}, `<b v="1">page:1</b>`},
		{"Config.Layout, explicit none", withLayout, "page", []string{""}, "page:1"},
		{"chain: a inside b", plain, "page", []string{"layouts/a", "layouts/b"}, `<b v="1"><a>page:1</a></b>`},
		{"chain stops at an empty name", plain, "page", []string{"layouts/a", "", "layouts/b"}, `<a>page:1</a>`},
		{"embed in if, range, with, trim markers", plain, "page", []string{"layouts/if"}, `[page:1](page:1)(page:1)<i>page:1</i>`},
		{"layout without embed", plain, "page", []string{"layouts/no"}, `no embed`},
		{"other page, same layout: its own set", plain, "other", []string{"layouts/a"}, "<a>other:1</a>"},
		{"embedded default in DefaultLayout", plain, "registration/logged_out", nil, "<!doctype html>"},
		{"embedded default in Config.Layout", withLayout, "registration/logged_out", nil, "<a><div class=\"card\">"},
		{"embedded default alone", plain, "registration/logged_out", []string{""}, "<div class=\"card\">"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for range 2 { // the second render comes from the cache
				if got := mustRender(t, tc.e, tc.page, data, tc.layout...); !strings.HasPrefix(got, tc.want) {
					t.Fatalf("got %q, want prefix %q", got, tc.want)
				}
			}
		})
	}
	t.Run("missing layout", func(t *testing.T) {
		_, err := render(t, plain, "page", nil, "layouts/nope")
		var tdne *templates.TemplateDoesNotExist
		if !errors.As(err, &tdne) || tdne.Name != "layouts/nope" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a layout rendered as a page fails clearly", func(t *testing.T) {
		if _, err := render(t, plain, "layouts/a", nil); err == nil || !strings.Contains(err.Error(), "{{ embed }} outside a layout") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("an escaping error fails every render", func(t *testing.T) {
		e := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{
			"p.html": {Data: []byte(`<a {{ if .v }}href="{{ end }}">`)},
		}}))
		for range 2 {
			if _, err := render(t, e, "p", map[string]any{"v": true}); err == nil || !strings.Contains(err.Error(), "html/template") {
				t.Fatalf("err = %v", err)
			}
		}
	})
	t.Run("each render runs the page's functions once", func(t *testing.T) {
		var calls atomic.Int32
		e := templates.Must(templates.New(templates.Config{
			FS:    fstest.MapFS{"p.html": {Data: []byte(`{{ count }}`)}, "l.html": {Data: []byte(`{{ count }}[{{ embed }}]`)}},
			Funcs: map[string]any{"count": func() int32 { return calls.Add(1) }},
		}))
		for i, layout := range [][]string{{""}, {"l"}, {""}, {"l"}} {
			want := []string{"1", "2[3]", "4", "5[6]"}[i]
			if got := mustRender(t, e, "p", nil, layout...); got != want {
				t.Fatalf("render %d: %q, want %q", i, got, want)
			}
		}
	})
	t.Run("escaping follows the layout's context", func(t *testing.T) {
		e := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{
			"p.html": {Data: []byte(`<p>{{ .v }}</p>`)},
			"l.html": {Data: []byte(`<main>{{ embed }}</main><script>var v = {{ .v }};</script>`)},
		}}))
		got := mustRender(t, e, "p", map[string]any{"v": `<x>"`}, "l")
		if got != `<main><p>&lt;x&gt;&#34;</p></main><script>var v = "\u003cx\u003e\"";</script>` {
			t.Fatalf("%s", got)
		}
	})
}

func TestTemplateDoesNotExist(t *testing.T) {
	dir := writeFiles(t, map[string]string{"x.html": "x"})
	abs, _ := filepath.Abs(dir)
	cases := []struct {
		name  string
		cfg   templates.Config
		tried []string
	}{
		{"defaults only", templates.Config{}, []string{"embedded defaults:nope/missing.html"}},
		{"Dir", templates.Config{Dir: dir}, []string{filepath.Join(abs, "nope", "missing.html"), "embedded defaults:nope/missing.html"}},
		{"FS", templates.Config{FS: fstest.MapFS{}}, []string{"Config.FS:nope/missing.html", "embedded defaults:nope/missing.html"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := templates.Must(templates.New(tc.cfg))
			_, err := render(t, e, "nope/missing.html", nil)
			var tdne *templates.TemplateDoesNotExist
			if !errors.As(err, &tdne) || !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("err = %v", err)
			}
			if tdne.Name != "nope/missing.html" || fmt.Sprint(tdne.Tried) != fmt.Sprint(tc.tried) {
				t.Errorf("Name %q Tried %q, want %q", tdne.Name, tdne.Tried, tc.tried)
			}
			for _, s := range append([]string{`"nope/missing.html" does not exist`}, tc.tried...) {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q lacks %q", err, s)
				}
			}
			_, err = e.Select("a.html", "b.html")
			if !errors.As(err, &tdne) || tdne.Name != "a.html, b.html" || len(tdne.Tried) != 2*len(tc.tried) {
				t.Errorf("Select: %v", err)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	file := filepath.Join(writeFiles(t, map[string]string{"f": "x"}), "f")
	bad := writeFiles(t, map[string]string{"broken.html": "{{ if }}"})
	cases := []struct {
		name string
		cfg  templates.Config
		want string
	}{
		{"Dir and FS", templates.Config{Dir: ".", FS: fstest.MapFS{}}, "both Config.Dir and Config.FS are set"},
		{"missing Dir", templates.Config{Dir: "/no/such/dir"}, `Config.Dir "/no/such/dir"`},
		{"Dir is a file", templates.Config{Dir: file}, "is not a directory"},
		{"syntax error", templates.Config{Dir: bad}, "broken"},
		{"unknown function", templates.Config{FS: fstest.MapFS{"f.html": {Data: []byte("{{ nosuchfunc }}")}}}, `function "nosuchfunc" not defined`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := templates.New(tc.cfg)
			if err == nil || e != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, %v; want an error with %q", e, err, tc.want)
			}
		})
	}
	t.Run("Must panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		templates.Must(templates.New(cases[0].cfg))
	})
}

func TestURLFunc(t *testing.T) {
	table := urls.MustCompile([]urls.Pattern{
		urls.Path("", func(c *fiber.Ctx) error { return nil }, urls.Name("home")),
		urls.Path("posts/<int:year>/<slug:slug>/", func(c *fiber.Ctx) error { return nil }, urls.Name("post")),
		urls.Include("accounts/", []urls.Pattern{
			urls.Path("logout/", func(c *fiber.Ctx) error { return nil }, urls.Name("logout")),
		}, urls.Namespace("accounts")),
	})
	files := fstest.MapFS{
		"home.html":     {Data: []byte(`<a href="{{ url "home" }}">`)},
		"logout.html":   {Data: []byte(`<form action="{{ url "accounts:logout" }}">`)},
		"post.html":     {Data: []byte(`<a href="{{ url "post" 2024 .slug }}">`)},
		"kw.html":       {Data: []byte(`<a href="{{ url "post" (kwargs "year" 2023 "slug" "go") }}">`)},
		"badargs.html":  {Data: []byte(`<a href="{{ url "post" "x" }}">`)},
		"oddkw.html":    {Data: []byte(`{{ url "post" (kwargs "year") }}`)},
		"nonstrkw.html": {Data: []byte(`{{ url "post" (kwargs 1 2) }}`)},
	}
	e := templates.Must(templates.New(templates.Config{FS: files, Resolver: table}))
	cases := []struct {
		page, want, err string
	}{
		{page: "home", want: `<a href="/">`},
		{page: "logout", want: `<form action="/accounts/logout/">`},
		{page: "post", want: `<a href="/posts/2024/hello/">`},
		{page: "kw", want: `<a href="/posts/2023/go/">`},
		{page: "badargs", err: `url "post"`},
		{page: "oddkw", err: "kwargs: odd number of arguments"},
		{page: "nonstrkw", err: "want a string name"},
	}
	for _, tc := range cases {
		t.Run(tc.page, func(t *testing.T) {
			got, err := render(t, e, tc.page, map[string]any{"slug": "hello"})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %q, %v; want an error with %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	t.Run("unknown names fail at load, all at once, with a suggestion", func(t *testing.T) {
		bad := fstest.MapFS{
			"a.html": {Data: []byte("<p>\n<a href=\"{{ url \"logout\" }}\">")},
			"b.html": {Data: []byte(`{{ if .x }}{{ with url "accounts:logut" }}{{ . }}{{ end }}{{ end }}{{ url "home" }}`)},
		}
		_, err := templates.New(templates.Config{FS: bad, Resolver: table})
		if !errors.Is(err, templates.ErrUnknownURLName) {
			t.Fatalf("err = %v, want ErrUnknownURLName", err)
		}
		for _, want := range []string{
			`a:2: {{ url "logout" }}: no route has that name (did you mean "accounts:logout"?)`,
			`b:1: {{ url "accounts:logut" }}: no route has that name (did you mean "accounts:logout"?)`,
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v\nlacks %q", err, want)
			}
		}
		if strings.Contains(err.Error(), `"home"`) {
			t.Errorf("err = %v names a route that exists", err)
		}
	})
	t.Run("no resolver", func(t *testing.T) {
		e := templates.Must(templates.New(templates.Config{FS: files}))
		_, err := render(t, e, "home", nil)
		if err == nil || !strings.Contains(err.Error(), `url "home": no url table: set templates.Config.Resolver`) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestURLConstants checks that a url call with constant arguments, resolved
// when the templates load, renders exactly as the same call with the
// arguments taken from the data, in every escaping context.
func TestURLConstants(t *testing.T) {
	noop := func(c *fiber.Ctx) error { return nil }
	table := urls.MustCompile([]urls.Pattern{
		urls.Path("", noop, urls.Name("home")),
		urls.Path("u/<str:name>/<int:n>/", noop, urls.Name("user")),
	})
	contexts := map[string]string{
		"text":          `<p>%s</p>`,
		"quoted attr":   `<a href="%s">`,
		"unquoted attr": `<a href=%s>`,
		"query":         `<a href="/login/?next=%s">`,
		"script":        `<script>var u = %s;</script>`,
		"script string": `<script>var u = '%s';</script>`,
		"style":         `<p style="background: url(%s)">`,
		"pipeline":      `<p>%s</p>`,
		"condition":     `{{ if eq %s .home_url .user_url }}equal{{ end }}`,
	}
	calls := map[string][2]string{ // constant call, the same call on data
		"home":   {`url "home"`, `url .home`},
		"args":   {`url "user" "Zoë & <b>" 7`, `url "user" .name .n`},
		"kwargs": {`url "user" (kwargs "name" "Zoë & <b>" "n" 7)`, `url "user" (kwargs "name" .name "n" .n)`},
	}
	files := fstest.MapFS{}
	for ctx, format := range contexts {
		for call, pair := range calls {
			for i, c := range pair {
				action := "{{ " + c + " }}"
				switch ctx {
				case "pipeline":
					action = "{{ " + c + " | printf \"<%s>\" }}"
				case "condition":
					action = "(" + c + ")"
				}
				files[fmt.Sprintf("%s/%s/%d.html", ctx, call, i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(format, action))}
			}
		}
	}
	e := templates.Must(templates.New(templates.Config{FS: files, Resolver: table}))
	data := map[string]any{"home": "home", "name": "Zoë & <b>", "n": 7,
		"home_url": table.MustReverse("home"), "user_url": table.MustReverse("user", "Zoë & <b>", 7)}
	for ctx := range contexts {
		for call := range calls {
			t.Run(ctx+"/"+call, func(t *testing.T) {
				folded := mustRender(t, e, ctx+"/"+call+"/0", data)
				runtime := mustRender(t, e, ctx+"/"+call+"/1", data)
				if folded != runtime || ctx == "condition" && folded != "equal" {
					t.Fatalf("constant arguments: %q, from the data: %q", folded, runtime)
				}
			})
		}
	}
	// Folded means the call no longer runs: a page with {{ url "home" }}
	// renders with exactly the allocations of the same page with "/" written
	// in, and fewer than the same call on data.
	t.Run("constant calls are not run at render", func(t *testing.T) {
		e := templates.Must(templates.New(templates.Config{Resolver: table, FS: fstest.MapFS{
			"const.html":   {Data: []byte(`<a href="{{ url "home" }}">home</a> <a href="{{ url "user" "bob" 7 }}">bob</a>`)},
			"literal.html": {Data: []byte(`<a href="/">home</a> <a href="/u/bob/7/">bob</a>`)},
			"data.html":    {Data: []byte(`<a href="{{ url .home }}">home</a> <a href="{{ url "user" .name .n }}">bob</a>`)},
		}}))
		data := map[string]any{"home": "home", "name": "bob", "n": 7}
		if a, b := mustRender(t, e, "const", data), mustRender(t, e, "literal", data); a != b {
			t.Fatalf("folded %q, literal %q", a, b)
		}
		allocs := func(name string) float64 {
			return testing.AllocsPerRun(50, func() { _ = e.Render(io.Discard, name, data) })
		}
		if c, l, d := allocs("const"), allocs("literal"), allocs("data"); c != l || c >= d {
			t.Errorf("allocations per render: constant calls %v, literal %v, calls on data %v: the constant calls still run", c, l, d)
		}
	})
}

func TestFuncs(t *testing.T) {
	table := urls.MustCompile([]urls.Pattern{
		urls.Path("x/", func(c *fiber.Ctx) error { return nil }, urls.Name("x")),
		urls.Path("<str:a>/", func(c *fiber.Ctx) error { return nil }, urls.Name("kw")),
	})
	cases := []struct {
		name  string
		funcs map[string]any
		want  string
	}{
		{"url replaced", map[string]any{"url": func(name string, _ ...any) string { return "custom:" + name }}, "HI custom:x custom:kw"},
		{"kwargs replaced", map[string]any{"kwargs": func(...any) urls.Kwargs { return urls.Kwargs{"a": "custom"} }}, "HI /x/ /custom/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.funcs["shout"] = strings.ToUpper
			e := templates.Must(templates.New(templates.Config{
				FS:       fstest.MapFS{"f.html": {Data: []byte(`{{ shout "hi" }} {{ url "x" }} {{ url "kw" (kwargs "a" "b") }}`)}},
				Resolver: table,
				Funcs:    tc.funcs,
			}))
			if got := mustRender(t, e, "f", nil); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
}

func TestReload(t *testing.T) {
	for _, reload := range []bool{false, true} {
		t.Run(fmt.Sprint("reload=", reload), func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"p.html": "v1", "l.html": "[{{ embed }}]"})
			e := templates.Must(templates.New(templates.Config{Dir: dir, Reload: reload}))
			if got := mustRender(t, e, "p", nil, "l"); got != "[v1]" {
				t.Fatalf("%q", got)
			}
			if err := os.WriteFile(filepath.Join(dir, "p.html"), []byte("v2"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := e.Load(); err != nil {
				t.Fatal(err)
			}
			want := "[v1]"
			if reload {
				want = "[v2]"
			}
			if got := mustRender(t, e, "p", nil, "l"); got != want {
				t.Fatalf("after the edit: %q, want %q", got, want)
			}
		})
	}
}

// TestParallelRenders renders pages with and without layouts from many
// goroutines: under -race this checks that renders share nothing mutable.
func TestParallelRenders(t *testing.T) {
	files := fstest.MapFS{"l.html": {Data: []byte(`<l>{{ embed }}</l>`)}}
	for i := range 8 {
		files[fmt.Sprintf("p%d.html", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(`p%d:{{ .n }}`, i))}
	}
	e := templates.Must(templates.New(templates.Config{FS: files, Layout: "l"}))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				p := (g + i) % 8
				layout := []string{}
				want := fmt.Sprintf("<l>p%d:%d</l>", p, i)
				if i%3 == 0 {
					layout, want = []string{""}, fmt.Sprintf("p%d:%d", p, i)
				}
				var b bytes.Buffer
				if err := e.Render(&b, fmt.Sprintf("p%d", p), map[string]any{"n": i}, layout...); err != nil || b.String() != want {
					errs <- fmt.Errorf("p%d: %q, %v; want %q", p, b.String(), err, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestSource: the site's file wins over the embedded default; a missing one
// is a *TemplateDoesNotExist naming where it was looked for.
func TestSource(t *testing.T) {
	e, err := templates.New(templates.Config{FS: fstest.MapFS{"registration/password_reset_subject.txt": {Data: []byte("mine")}}})
	if err != nil {
		t.Fatal(err)
	}
	if src, err := e.Source("registration/password_reset_subject.txt"); err != nil || src != "mine" {
		t.Errorf("site's file: %q, %v", src, err)
	}
	if src, err := e.Source("registration/password_reset_email"); err != nil || !strings.Contains(src, "{{ .link }}") {
		t.Errorf("default: %q, %v", src, err)
	}
	var nf *templates.TemplateDoesNotExist
	if _, err := e.Source("nope.txt"); !errors.As(err, &nf) || len(nf.Tried) != 2 {
		t.Errorf("missing: %v", err)
	}
}
