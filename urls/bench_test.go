package urls

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// benchTable is a 200-pattern site: 10 static pages, 10 top-level detail
// pages, and 10 namespaced apps of 18 patterns each.
func benchTable(h fiber.Handler) []Pattern {
	var pats []Pattern
	for i := 0; i < 10; i++ {
		pats = append(pats, Path(fmt.Sprintf("page%d/", i), h, Name(fmt.Sprintf("page%d", i))))
		pats = append(pats, Path(fmt.Sprintf("item%d/<int:pk>/", i), h, Name(fmt.Sprintf("item%d", i))))
	}
	for a := 0; a < 10; a++ {
		pats = append(pats, Include(fmt.Sprintf("app%d/", a), []Pattern{
			Path("", h, Name("index")),
			Path("<int:pk>/", h, Name("detail")),
			Path("<int:pk>/edit/", h, Name("edit")),
			Path("<int:pk>/delete/", h, Name("delete")),
			Path("new/", h, Name("create")),
			Path("<slug:slug>/", h, Name("by-slug")),
			Path("archive/<int:year>/", h, Name("year")),
			Path("archive/<int:year>/<int:month>/", h, Name("month")),
			Path("archive/<int:year>/<int:month>/<slug:slug>/", h, Name("article")),
			Path("tags/<slug:tag>/", h, Name("tag")),
			Path("users/<str:username>/", h, Name("user")),
			Path("users/<str:username>/posts/<int:pk>/", h, Name("user-post")),
			Path("files/<uuid:id>/", h, Name("file")),
			Path("search/", h, Name("search")),
			Path("feed/", h, Name("feed")),
			Path("stats/<int:year>/", h, Name("stats")),
			Path("api/<int:pk>/", h, Name("api")),
			Path("about/", h, Name("about")),
		}, Namespace(fmt.Sprintf("app%d", a))))
	}
	return pats
}

var djangoParamSyntax = regexp.MustCompile(`<(?:([a-z]+):)?([a-z_]+)>`)

// byHand registers the bench table the way one would with Fiber alone:
// Fiber's own parameter syntax and constraints, and Fiber route names.
func byHand(app *fiber.App, r *Resolver, h fiber.Handler) {
	for _, p := range r.patterns {
		route := "/" + djangoParamSyntax.ReplaceAllStringFunc(p.route, func(m string) string {
			sm := djangoParamSyntax.FindStringSubmatch(m)
			switch sm[1] {
			case "int":
				return ":" + sm[2] + "<int>"
			case "uuid":
				return ":" + sm[2] + "<guid>"
			}
			return ":" + sm[2]
		})
		rt := app.Get(route, h)
		if p.name != "" {
			rt.Name(p.viewName)
		}
	}
}

func benchNop(c *fiber.Ctx) error { return nil }

var sink string

// reverseCases are the same three reversals for both benchmarks.
var reverseCases = []struct {
	name   string
	route  string
	args   []any
	fiberP fiber.Map
	want   string
}{
	{"static", "page7", nil, nil, "/page7/"},
	{"int", "item5", []any{42}, fiber.Map{"pk": 42}, "/item5/42/"},
	{"namespaced-2-args", "app7:month", []any{2024, 5}, fiber.Map{"year": 2024, "month": 5}, "/app7/archive/2024/5/"},
	// One int again, for a route in the middle of the table: GetRouteURL
	// scans Fiber's route stack, so its cost depends on where the route is.
	{"int-mid-table", "app4:detail", []any{42}, fiber.Map{"pk": 42}, "/app4/42/"},
}

func BenchmarkReverse(b *testing.B) {
	r := MustCompile(benchTable(benchNop))
	if len(r.patterns) != 200 {
		b.Fatalf("%d patterns", len(r.patterns))
	}
	// StrictRouting: otherwise GetRouteURL drops the trailing slash.
	app := fiber.New(fiber.Config{StrictRouting: true})
	byHand(app, r, benchNop)
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	for _, tc := range reverseCases {
		if got, err := r.Reverse(tc.route, tc.args...); got != tc.want || err != nil {
			b.Fatalf("urls: %q %v", got, err)
		}
		if got, err := c.GetRouteURL(tc.route, tc.fiberP); got != tc.want || err != nil {
			b.Fatalf("fiber: %q %v", got, err)
		}
		args := tc.args // boxed once, as values coming from a template are
		b.Run("urls/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				sink, _ = r.Reverse(tc.route, args...)
			}
		})
		b.Run("fiber-GetRouteURL/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				sink, _ = c.GetRouteURL(tc.route, tc.fiberP)
			}
		})
	}
	kw := Kwargs{"year": 2024, "month": 5}
	b.Run("urls/namespaced-kwargs", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink, _ = r.Reverse("app7:month", kw)
		}
	})
	b.Run("urls/escaped-str", func(b *testing.B) {
		args := []any{"Zoë Smith", 42}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink, _ = r.Reverse("app3:user-post", args...)
		}
	})
}

// sweepPaths is one request path per pattern of the table.
func sweepPaths(tb testing.TB, r *Resolver) []string {
	sample := map[convKind]any{convInt: 42, convSlug: "hello-world", convStr: "alice", convUUID: lowerUUID, convPath: "a/b"}
	var paths []string
	for _, p := range r.patterns {
		args := make([]any, len(p.params))
		for i, prm := range p.params {
			args[i] = sample[prm.conv.kind]
		}
		u, err := r.Reverse(p.viewName, args...)
		if err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, u)
	}
	return paths
}

// BenchmarkRoutingSweep routes one request to each of the 200 patterns per
// op (divide by 200 for a request), through the mounted table and through
// the same routes registered by hand.
func BenchmarkRoutingSweep(b *testing.B) {
	r := MustCompile(benchTable(benchNop))
	mounted := fiber.New()
	r.Mount(mounted)
	hand := fiber.New()
	byHand(hand, r, benchNop)
	paths := sweepPaths(b, r)
	for _, x := range []struct {
		name string
		app  *fiber.App
	}{{"mounted", mounted}, {"by-hand", hand}} {
		h := x.app.Handler()
		ctxs := make([]fasthttp.RequestCtx, len(paths))
		for i, path := range paths {
			ctxs[i].Request.Header.SetMethod(fiber.MethodGet)
			ctxs[i].Request.SetRequestURI(path)
			h(&ctxs[i])
			if ctxs[i].Response.StatusCode() != 200 {
				b.Fatalf("%s %s: %d", x.name, path, ctxs[i].Response.StatusCode())
			}
		}
		b.Run(x.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				for j := range ctxs {
					h(&ctxs[j])
				}
			}
		})
	}
}

// BenchmarkRouting routes requests through the mounted table and through
// the same routes registered by hand, on the same kind of app.
func BenchmarkRouting(b *testing.B) {
	paths := []string{"/page3/", "/item7/42/", "/app0/", "/app5/archive/2024/05/", "/app9/users/alice/posts/42/", "/app9/about/"}
	r := MustCompile(benchTable(benchNop))
	mounted := fiber.New()
	r.Mount(mounted)
	hand := fiber.New()
	byHand(hand, r, benchNop)
	for _, path := range paths {
		for _, x := range []struct {
			name string
			app  *fiber.App
		}{{"mounted", mounted}, {"by-hand", hand}} {
			h := x.app.Handler()
			var fctx fasthttp.RequestCtx
			fctx.Request.Header.SetMethod(fiber.MethodGet)
			fctx.Request.SetRequestURI(path)
			h(&fctx)
			if fctx.Response.StatusCode() != 200 {
				b.Fatalf("%s %s: %d", x.name, path, fctx.Response.StatusCode())
			}
			b.Run(x.name+strings.ReplaceAll(path, "/", "_"), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					h(&fctx)
				}
			})
		}
	}
}
