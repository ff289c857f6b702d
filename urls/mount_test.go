package urls

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
)

const (
	lowerUUID = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	upperUUID = "6BA7B810-9DAD-11D1-80B4-00C04FD430C8"
)

// routingTable exercises every converter and the rules of Django's matching.
func routingTable(h fiber.Handler) []Pattern {
	return []Pattern{
		Path("", h, Name("home")),
		Path("articles/2003/", h, Name("special-2003")),
		Path("articles/<int:year>/", h, Name("year-archive")),
		Path("articles/<int:year>/<int:month>/", h, Name("month-archive")),
		Path("articles/<int:year>/<int:month>/<slug:slug>/", h, Name("article-detail")),
		Path("users/<str:username>/", h, Name("user")),
		Path("users/<name>/edit/", h, Name("user-edit")),
		Path("objects/<uuid:id>/", h, Name("object")),
		Path("files/<path:p>", h, Name("file")),
		Path("pages/<slug:a>-<slug:b>/", h, Name("pair")),
		Path("docs/<int:n>.html", h, Name("doc")),
		Path("about", h, Name("about")),
		Path("café/", h, Name("cafe")),
		Include("shop/<slug:shop>/", []Pattern{
			Path("", h, Name("index")),
			Path("items/<int:id>/", h, Name("item")),
			Include("admin/", []Pattern{Path("", h, Name("dash"))}, Namespace("admin")),
		}, Namespace("shop")),
	}
}

var routingCases = []struct {
	name, method, path string
	status             int
	body               string
}{
	{"root", "GET", "/", 200, "home"},
	{"first pattern wins", "GET", "/articles/2003/", 200, "special-2003"},
	{"int", "GET", "/articles/2024/", 200, "year-archive year=int(2024)"},
	{"int leading zeros", "GET", "/articles/2024/05/", 200, "month-archive month=int(5) year=int(2024)"},
	{"int rejects letters", "GET", "/articles/abc/", 404, ""},
	{"int rejects minus", "GET", "/articles/-1/", 404, ""},
	{"int rejects plus", "GET", "/articles/+1/", 404, ""},
	{"int overflowing a Go int", "GET", "/articles/99999999999999999999/", 404, ""},
	{"slug", "GET", "/articles/2024/05/hello_World-2/", 200, "article-detail month=int(5) slug=string(hello_World-2) year=int(2024)"},
	{"slug rejects dot", "GET", "/articles/2024/05/a.b/", 404, ""},
	{"slug rejects encoded space", "GET", "/articles/2024/05/a%20b/", 404, ""},
	{"str decoded", "GET", "/users/a%20b/", 200, "user username=string(a b)"},
	{"str keeps plus", "GET", "/users/a+b/", 200, "user username=string(a+b)"},
	{"str any byte but slash", "GET", "/users/x.y@z:1,2;3/", 200, "user username=string(x.y@z:1,2;3)"},
	{"str rejects encoded slash", "GET", "/users/a%2Fb/", 404, ""},
	{"str utf-8", "GET", "/users/caf%C3%A9/", 200, "user username=string(café)"},
	{"str broken utf-8 is re-escaped", "GET", "/users/%FF/", 200, "user username=string(%FF)"},
	{"str percent", "GET", "/users/100%25/", 200, "user username=string(100%)"},
	{"bare param is str", "GET", "/users/bob/edit/", 200, "user-edit name=string(bob)"},
	{"uuid", "GET", "/objects/" + lowerUUID + "/", 200, "object id=uuid.UUID(" + lowerUUID + ")"},
	{"uuid rejects upper case", "GET", "/objects/" + upperUUID + "/", 404, ""},
	{"uuid rejects braces", "GET", "/objects/{" + lowerUUID + "}/", 404, ""},
	{"path", "GET", "/files/a/b/c.txt", 200, "file p=string(a/b/c.txt)"},
	{"path decoded", "GET", "/files/a%2Fb%20c", 200, "file p=string(a/b c)"},
	{"path needs a character", "GET", "/files/", 404, ""},
	{"path rejects newline", "GET", "/files/a%0Ab", 404, ""},
	{"greedy like Django", "GET", "/pages/x-y-z/", 200, "pair a=string(x-y) b=string(z)"},
	{"int before literal", "GET", "/docs/12.html", 200, "doc n=int(12)"},
	{"int before literal rejects", "GET", "/docs/12x.html", 404, ""},
	{"no slash route", "GET", "/about", 200, "about"},
	{"no slash route rejects slash", "GET", "/about/", 404, ""},
	{"case-sensitive", "GET", "/ARTICLES/2024/", 404, ""},
	{"query ignored", "GET", "/articles/2024/?x=1", 200, "year-archive year=int(2024)"},
	{"encoded literal decoded", "GET", "/arti%63les/2024/", 200, "year-archive year=int(2024)"},
	{"non-ascii literal", "GET", "/caf%C3%A9/", 200, "cafe"},
	{"include", "GET", "/shop/acme/", 200, "shop:index shop=string(acme)"},
	{"include params", "GET", "/shop/acme/items/3/", 200, "shop:item id=int(3) shop=string(acme)"},
	{"nested namespace", "GET", "/shop/acme/admin/", 200, "shop:admin:dash shop=string(acme)"},
	{"include rejects", "GET", "/shop/a.b/", 404, ""},
	{"any method reaches the handler", "DELETE", "/articles/2024/", 200, "year-archive year=int(2024)"},
	{"extra segment", "GET", "/articles/2024/05/x/y/", 404, ""},
	{"double slash", "GET", "/articles//2024/", 404, ""},
}

// fiberConfigs are the app settings the table must behave the same under.
var fiberConfigs = []struct {
	name string
	cfg  fiber.Config
}{
	{"default", fiber.Config{}},
	{"strict", fiber.Config{StrictRouting: true}},
	{"case-sensitive", fiber.Config{CaseSensitive: true}},
	{"unescape", fiber.Config{UnescapePath: true}},
	{"all", fiber.Config{StrictRouting: true, CaseSensitive: true, UnescapePath: true}},
}

func TestRouting(t *testing.T) {
	for _, fc := range fiberConfigs {
		for _, prefix := range []string{"", "/g", "/a/b"} {
			t.Run(fc.name+prefix, func(t *testing.T) {
				var calls atomic.Int32
				h := func(c *fiber.Ctx) error { calls.Add(1); return echo(c) }
				r := mustCompile(t, routingTable(h), AppendSlash(false))
				app := fiber.New(fc.cfg)
				if prefix == "" {
					r.Mount(app)
				} else {
					r.Mount(app.Group(prefix))
				}
				for _, tc := range routingCases {
					t.Run(tc.name, func(t *testing.T) {
						calls.Store(0)
						target := prefix + tc.path
						if prefix != "" && tc.path == "/" {
							target = prefix + "/"
						}
						got := do(t, app, tc.method, target)
						if got.status != tc.status {
							t.Fatalf("%s %s: status %d (%q), want %d", tc.method, target, got.status, got.body, tc.status)
						}
						if tc.status == 200 && got.body != tc.body {
							t.Fatalf("%s %s: %q, want %q", tc.method, target, got.body, tc.body)
						}
						if tc.status == 404 && calls.Load() != 0 {
							t.Fatalf("%s %s: a handler ran for a path that does not fit", tc.method, target)
						}
					})
				}
			})
		}
	}
}

func TestAppendSlash(t *testing.T) {
	var calls atomic.Int32
	h := func(c *fiber.Ctx) error { calls.Add(1); return c.SendString("ok") }
	pats := []Pattern{
		Path("", h, Name("home")),
		Path("articles/<int:year>/", h),
		Path("about", h),
		Path("x/<str:s>", h),
		Path("x/foo/", h),
	}
	cases := []struct {
		name, method, path string
		status             int
		location           string
	}{
		{"GET redirected", "GET", "/articles/2024", 301, "/articles/2024/"},
		{"query kept", "GET", "/articles/2024?a=1&b=%20", 301, "/articles/2024/?a=1&b=%20"},
		{"HEAD redirected", "HEAD", "/articles/2024", 301, "/articles/2024/"},
		{"POST not redirected", "POST", "/articles/2024", 404, ""},
		{"PUT not redirected", "PUT", "/articles/2024", 404, ""},
		{"no match with slash either", "GET", "/articles/abc", 404, ""},
		{"already a slash", "GET", "/about/", 404, ""},
		{"matches without slash: no redirect", "GET", "/x/foo", 200, ""},
		{"encoded path redirected as sent", "GET", "/articl%65s/2024", 301, "/articl%65s/2024/"},
	}
	for _, on := range []bool{true, false} {
		for _, fc := range fiberConfigs {
			t.Run(fc.name+map[bool]string{true: "/on", false: "/off"}[on], func(t *testing.T) {
				r := mustCompile(t, pats, AppendSlash(on))
				app := fiber.New(fc.cfg)
				r.Mount(app)
				for _, tc := range cases {
					t.Run(tc.name, func(t *testing.T) {
						calls.Store(0)
						got := do(t, app, tc.method, tc.path)
						status, loc := tc.status, tc.location
						if !on && status == 301 {
							status, loc = 404, ""
						}
						if got.status != status || got.header.Get("Location") != loc {
							t.Fatalf("%s %s: %d Location %q, want %d %q", tc.method, tc.path, got.status, got.header.Get("Location"), status, loc)
						}
						if status != 200 && calls.Load() != 0 {
							t.Fatal("the handler ran")
						}
					})
				}
			})
		}
	}
}

func TestAppendSlashNeverSchemeRelative(t *testing.T) {
	r := mustCompile(t, []Pattern{Path("<path:p>/", echo, Name("p"))})
	app := fiber.New()
	r.Mount(app)
	got := do(t, app, "GET", "//evil.example")
	if got.status != 301 || got.header.Get("Location") != "/%2Fevil.example/" {
		t.Fatalf("got %d %q", got.status, got.header.Get("Location"))
	}
	if got := do(t, app, "GET", "/%2Fevil.example/"); got.body != "p p=string(/evil.example)" {
		t.Fatalf("following the redirect: %d %q", got.status, got.body)
	}
}

// A backslash reads as a slash in browsers: "/\evil.example/" would go to
// //evil.example.
func TestAppendSlashNeverBackslashHost(t *testing.T) {
	r := mustCompile(t, []Pattern{Path("<path:p>/", echo, Name("p"))})
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	r.Mount(app)
	for _, tc := range []struct{ path, loc string }{
		{`/\evil.example`, `/%5Cevil.example/`},
		{`/\\evil.example`, `/%5C\evil.example/`},
		{`/\/evil.example`, `/%5C/evil.example/`},
		{`/\evil.example?next=1`, `/%5Cevil.example/?next=1`},
		{`/a\b`, `/a\b/`}, // not leading: a same-origin path
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := do(t, app, "GET", tc.path)
			if got.status != 301 || got.header.Get("Location") != tc.loc {
				t.Fatalf("got %d %q, want 301 %q", got.status, got.header.Get("Location"), tc.loc)
			}
		})
	}
	if got := do(t, app, "GET", "/%5Cevil.example/"); got.body != `p p=string(\evil.example)` {
		t.Fatalf("following the redirect: %d %q", got.status, got.body)
	}
	t.Run("over TCP", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Skip(err)
		}
		done := make(chan error, 1)
		go func() { done <- app.Listener(ln) }()
		defer func() {
			if err := app.Shutdown(); err != nil {
				t.Error(err)
			}
			<-done
		}()
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(conn, "GET /\\evil.example HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 301 || resp.Header.Get("Location") != "/%5Cevil.example/" {
			t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestAppendSlashGroupRoot(t *testing.T) {
	h := func(c *fiber.Ctx) error { return c.SendString("ok") }
	r := mustCompile(t, []Pattern{Path("", h), Path("a/", h)})
	app := fiber.New()
	r.Mount(app.Group("/blog"))
	for _, tc := range []struct{ path, loc string }{
		{"/blog", "/blog/"},
		{"/blog?x=1", "/blog/?x=1"},
		{"/blog/a", "/blog/a/"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := do(t, app, "GET", tc.path)
			if got.status != 301 || got.header.Get("Location") != tc.loc {
				t.Fatalf("got %d %q, want 301 %q", got.status, got.header.Get("Location"), tc.loc)
			}
		})
	}
	t.Run("sibling prefix is not the mount", func(t *testing.T) {
		if got := do(t, app, "GET", "/bloga"); got.status != 404 {
			t.Fatalf("got %d", got.status)
		}
	})
}

func TestFallThrough(t *testing.T) {
	t.Run("handler calling Next reaches the next pattern", func(t *testing.T) {
		r := mustCompile(t, []Pattern{
			Path("<str:s>/", func(c *fiber.Ctx) error {
				if c.Query("skip") != "" {
					return c.Next()
				}
				return c.SendString("first")
			}),
			Path("<slug:s>/", echo, Name("second")),
		})
		app := fiber.New()
		r.Mount(app)
		if got := do(t, app, "GET", "/abc/"); got.body != "first" {
			t.Fatalf("got %q", got.body)
		}
		if got := do(t, app, "GET", "/abc/?skip=1"); got.body != "second s=string(abc)" {
			t.Fatalf("got %q", got.body)
		}
	})
	t.Run("routes registered before and after Mount", func(t *testing.T) {
		r := mustCompile(t, []Pattern{Path("x/<int:n>/", echo, Name("x")), Path("y/", echo, Name("y"))})
		app := fiber.New()
		app.Get("/x/1/", func(c *fiber.Ctx) error { return c.SendString("before") })
		r.Mount(app)
		app.Get("/later", func(c *fiber.Ctx) error { return c.SendString("later") })
		app.Get("/x/abc/", func(c *fiber.Ctx) error { return c.SendString("after") })
		for path, want := range map[string]string{"/x/1/": "before", "/x/2/": "x n=int(2)", "/later": "later", "/x/abc/": "after"} {
			if got := do(t, app, "GET", path); got.body != want {
				t.Errorf("%s: %q, want %q", path, got.body, want)
			}
		}
	})
	t.Run("group middleware runs first", func(t *testing.T) {
		r := mustCompile(t, []Pattern{Path("p/", echo, Name("p"))})
		app := fiber.New()
		g := app.Group("/g", func(c *fiber.Ctx) error { c.Set("X-Mw", "1"); return c.Next() })
		r.Mount(g)
		got := do(t, app, "GET", "/g/p/")
		if got.body != "p" || got.header.Get("X-Mw") != "1" {
			t.Fatalf("got %q %q", got.body, got.header.Get("X-Mw"))
		}
	})
}

func TestMountPanics(t *testing.T) {
	r := mustCompile(t, []Pattern{Path("", echo)})
	for _, prefix := range []string{"/:lang", "/files/*", "/x+"} {
		t.Run(prefix, func(t *testing.T) {
			defer func() {
				if v := recover(); v == nil || !strings.Contains(v.(string), "urls.Include") {
					t.Fatalf("recover() = %v", v)
				}
			}()
			r.Mount(fiber.New().Group(prefix))
		})
	}
}

func TestResolve(t *testing.T) {
	var got *Match
	h := func(c *fiber.Ctx) error {
		m, ok := Resolve(c)
		if !ok {
			return c.SendStatus(599)
		}
		if m2, _ := Resolve(c); m2 != m {
			return c.SendStatus(598)
		}
		got = m
		return nil
	}
	unnamed := func(c *fiber.Ctx) error { return h(c) }
	r := mustCompile(t, []Pattern{
		Include("org/<slug:org>/", []Pattern{
			Include("team/", []Pattern{
				Path("<int:id>/", h, Name("member")),
			}, Namespace("team")),
		}, Namespace("org")),
		Path("raw/<uuid:u>/", unnamed),
	})
	app := fiber.New()
	r.Mount(app)
	tests := []struct {
		path string
		want Match
	}{
		{"/org/acme/team/7/", Match{Name: "member", Namespace: "org:team", ViewName: "org:team:member",
			Route: "org/<slug:org>/team/<int:id>/", Namespaces: []string{"org", "team"},
			Kwargs: map[string]any{"org": "acme", "id": 7}}},
		{"/raw/" + lowerUUID + "/", Match{ViewName: "urls.TestResolve", Route: "raw/<uuid:u>/",
			Kwargs: map[string]any{"u": uuid.MustParse(lowerUUID)}}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got = nil
			if resp := do(t, app, "GET", tc.path); resp.status != 200 {
				t.Fatalf("status %d", resp.status)
			}
			if got == nil || describe(got) != describe(&tc.want) || got.Name != tc.want.Name || got.Namespace != tc.want.Namespace ||
				got.Route != tc.want.Route || strings.Join(got.Namespaces, ",") != strings.Join(tc.want.Namespaces, ",") {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			m, ok := r.Resolve(tc.path + "?q=1")
			if !ok || describe(m) != describe(&tc.want) {
				t.Fatalf("r.Resolve: %+v %v", m, ok)
			}
		})
	}
	t.Run("no match", func(t *testing.T) {
		if _, ok := r.Resolve("/org/acme/team/x/"); ok {
			t.Fatal("matched")
		}
		if _, ok := r.Resolve("relative/"); ok {
			t.Fatal("matched")
		}
	})
}

func TestResolverFrom(t *testing.T) {
	r := mustCompile(t, []Pattern{Path("p/", func(c *fiber.Ctx) error {
		if got, ok := ResolverFrom(c); !ok || got == nil {
			return c.SendStatus(599)
		}
		return c.SendString("ok")
	})})
	var in404 *Resolver
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		in404, _ = ResolverFrom(c)
		return fiber.DefaultErrorHandler(c, err)
	}})
	var before bool
	app.Get("/before", func(c *fiber.Ctx) error { _, before = ResolverFrom(c); return nil })
	r.Mount(app.Group("/m"))
	if got := do(t, app, "GET", "/m/p/"); got.body != "ok" {
		t.Fatalf("in a handler: %d %q", got.status, got.body)
	}
	do(t, app, "GET", "/m/nothing/")
	if in404 != r {
		t.Fatal("the ErrorHandler of a 404 under the mount has no resolver")
	}
	do(t, app, "GET", "/before")
	if before {
		t.Fatal("a route outside the table has a resolver")
	}
	if _, ok := ResolverFrom(nil); ok {
		t.Fatal("nil ctx")
	}
}

func TestAccessors(t *testing.T) {
	type result struct {
		val any
		err error
	}
	var got []result
	record := func(v any, err error) { got = append(got, result{v, err}) }
	h := func(c *fiber.Ctx) error {
		got = nil
		record(Int(c, "n"))
		record(UUID(c, "u"))
		record(String(c, "s"))
		record(Value(c, "n"))
		record(Int(c, "s"))
		record(UUID(c, "n"))
		record(String(c, "missing"))
		return nil
	}
	r := mustCompile(t, []Pattern{Path("a/<int:n>/<uuid:u>/<str:s>/", h)})
	app := fiber.New()
	app.Get("/outside", func(c *fiber.Ctx) error {
		got = nil
		record(Int(c, "n"))
		return nil
	})
	r.Mount(app)
	do(t, app, "GET", "/a/007/"+lowerUUID+"/caf%C3%A9/")
	want := []struct {
		val any
		err error
	}{
		{7, nil}, {uuid.MustParse(lowerUUID), nil}, {"café", nil}, {7, nil},
		{0, ErrParamType}, {uuid.Nil, ErrParamType}, {"", ErrUnknownParam},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i, w := range want {
		if got[i].val != w.val || !errors.Is(got[i].err, w.err) || (w.err == nil) != (got[i].err == nil) {
			t.Errorf("%d: got %v %v, want %v %v", i, got[i].val, got[i].err, w.val, w.err)
		}
	}
	do(t, app, "GET", "/outside")
	if len(got) != 1 || !errors.Is(got[0].err, ErrNoResolver) {
		t.Fatalf("outside the table: %v", got)
	}
}

func TestTwoTablesOnOneApp(t *testing.T) {
	site := mustCompile(t, []Pattern{Path("", echo, Name("home")), Path("<slug:page>/", echo, Name("page"))})
	api := mustCompile(t, []Pattern{Path("items/<int:id>/", func(c *fiber.Ctx) error {
		u, err := Reverse(c, "item", 2)
		if err != nil {
			return err
		}
		return c.SendString(u)
	}, Name("item"))})
	app := fiber.New()
	site.Mount(app)
	api.Mount(app.Group("/api"))
	for path, want := range map[string]string{
		"/":             "home",
		"/about/":       "page page=string(about)",
		"/api/items/1/": "/api/items/2/",
		"/api/items/x/": "",
		"/api/nothing/": "",
	} {
		got := do(t, app, "GET", path)
		if want == "" && got.status != 404 || want != "" && got.body != want {
			t.Errorf("%s: %d %q, want %q", path, got.status, got.body, want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	r := mustCompile(t, routingTable(echo))
	app := fiber.New()
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Mount(app) // racing with Reverse below, which mounting does not change
	}()
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for i := 0; i < 200; i++ {
				u, err := r.Reverse("month-archive", 2000+g, i%12+1)
				if err != nil || !strings.HasPrefix(u, "/articles/") {
					errs <- fmt.Errorf("%q %v", u, err)
					return
				}
			}
			errs <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	<-done
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				got := do(t, app, "GET", "/articles/2024/05/")
				if got.body != "month-archive month=int(5) year=int(2024)" {
					t.Errorf("got %d %q", got.status, got.body)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestManyParameters(t *testing.T) {
	var route strings.Builder
	var want strings.Builder
	want.WriteString("many")
	args := make([]any, 12)
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&route, "<int:p%02d>/", i)
		args[i] = i * 7
	}
	keys := make([]string, 12)
	for i := range keys {
		keys[i] = fmt.Sprintf(" p%02d=int(%d)", i, i*7)
	}
	want.WriteString(strings.Join(keys, ""))
	r := mustCompile(t, []Pattern{Path(route.String(), echo, Name("many"))})
	app := fiber.New()
	r.Mount(app)
	u, err := r.Reverse("many", args...)
	if err != nil {
		t.Fatal(err)
	}
	if got := do(t, app, "GET", u); got.body != want.String() {
		t.Fatalf("GET %s: %q, want %q", u, got.body, want.String())
	}
	// Percent-encoded: the fallback resolves it.
	if got := do(t, app, "GET", strings.Replace(u, "/0/", "/%30/", 1)); got.body != want.String() {
		t.Fatalf("encoded: %q", got.body)
	}
	// Resolver.Resolve, outside a request: more parameters than its stack.
	m, ok := r.Resolve(u)
	if !ok {
		t.Fatalf("Resolve(%q): no match", u)
	}
	if got := describe(m); got != want.String() {
		t.Fatalf("Resolve(%q): %q, want %q", u, got, want.String())
	}
	// Past the first pattern: a later one with more parameters than the first.
	r2 := mustCompile(t, []Pattern{
		Path("x/<int:a>/", echo, Name("few")),
		Path(route.String(), echo, Name("many")),
	})
	if m, ok := r2.Resolve(u); !ok || describe(m) != want.String() {
		t.Fatalf("Resolve(%q) after a short pattern: %v %v", u, m, ok)
	}
}

func TestResolverFromOutsidePrefix(t *testing.T) {
	r := mustCompile(t, []Pattern{Path("", echo)})
	var has bool
	app := fiber.New()
	r.Mount(app.Group("/blog"))
	app.Get("/bloga", func(c *fiber.Ctx) error { _, has = ResolverFrom(c); return nil })
	if got := do(t, app, "GET", "/bloga"); got.status != 200 || has {
		t.Fatalf("%d, resolver %v", got.status, has)
	}
}
