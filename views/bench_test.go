package views_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"
	"github.com/valyala/fasthttp"
)

// Run both benchmarks of a pair in one command, e.g.
//
//	go test ./views/ -run '^$' -bench 'BenchmarkGET|BenchmarkTemplateView' -benchmem -count 5 -cpu 2

// hello is the handler both sides of BenchmarkGET run.
func hello(c *fiber.Ctx) error { return c.SendString("hello") }

// helloView serves hello through AsView.
type helloView struct{ views.Base }

func (v *helloView) Get(c *fiber.Ctx) error { return hello(c) }

// serve runs the app's fasthttp handler on one reused RequestCtx: no
// network, so the per-request cost of the view machinery is what differs.
func serve(b *testing.B, h fasthttp.RequestHandler, method, path string) {
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod(method)
	ctx.Request.SetRequestURI(path)
	h(&ctx)
	if ctx.Response.StatusCode() != 200 {
		b.Fatalf("%s %s: %d %s", method, path, ctx.Response.StatusCode(), ctx.Response.Body())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ctx.Response.Reset()
		h(&ctx)
	}
}

// BenchmarkGET compares a GET through AsView with the same plain handler,
// each alone in its own app (so that routing costs the same).
func BenchmarkGET(b *testing.B) {
	plain := fiber.New()
	plain.Get("/hello", hello)
	view := fiber.New()
	view.Get("/hello", mustAsView(&helloView{}))
	b.Run("plain", func(b *testing.B) { serve(b, plain.Handler(), "GET", "/hello") })
	b.Run("AsView", func(b *testing.B) { serve(b, view.Handler(), "GET", "/hello") })
}

const (
	benchLayout = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .title }} | {{ .site_name }}</title></head>
<body>
<header><nav>{{ range .nav }}<a href="{{ .URL }}">{{ .Label }}</a> {{ end }}</nav></header>
<main>{{ embed }}</main>
<footer>{{ .site_name }}</footer>
</body>
</html>
`
	benchPage = `<h1>{{ .title }}</h1>
<form method="post">{{ .csrf_input }}<button>Go</button></form>
<ul>{{ range .items }}<li class="{{ if .Done }}done{{ end }}">{{ .Name }} <small>{{ .Note }}</small></li>{{ end }}</ul>
`
)

type benchLink struct{ URL, Label string }
type benchItem struct {
	Name, Note string
	Done       bool
}

// benchData is the page's own context.
func benchData() map[string]any {
	items := make([]benchItem, 20)
	for i := range items {
		items[i] = benchItem{Name: fmt.Sprintf("item %d", i), Note: "a <note> & more", Done: i%2 == 0}
	}
	return map[string]any{
		"title": "Items",
		"nav":   []benchLink{{"/", "Home"}, {"/items/", "Items"}, {"/about/", "About"}},
		"items": items,
	}
}

// itemsView is the TemplateView side: its context hook adds the page data.
type itemsView struct{ views.TemplateView }

func (v *itemsView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	for k, val := range benchData() {
		ctx[k] = val
	}
	return ctx, nil
}

// BenchmarkTemplateView renders a page with a layout under parallel load:
// a TemplateView on templates.Engine (request context and a CSRF token
// included) against a plain handler calling c.Render on html/v2 directly
// (which takes an exclusive lock per layout render).
func BenchmarkTemplateView(b *testing.B) {
	dir := b.TempDir()
	for name, src := range map[string]string{"layout.html": benchLayout, "page.html": benchPage} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	run := func(b *testing.B, h fasthttp.RequestHandler) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var ctx fasthttp.RequestCtx
			ctx.Request.Header.SetMethod("GET")
			ctx.Request.SetRequestURI("/items/")
			for pb.Next() {
				ctx.Response.Reset()
				h(&ctx)
				if ctx.Response.StatusCode() != 200 {
					panic(fmt.Sprintf("%d %s", ctx.Response.StatusCode(), ctx.Response.Body()))
				}
			}
		})
	}
	b.Run("html-v2-direct", func(b *testing.B) {
		engine := html.New(dir, ".html")
		app := fiber.New(fiber.Config{Views: engine})
		app.Get("/items/", func(c *fiber.Ctx) error {
			data := benchData()
			data["site_name"] = "Bench"
			data["csrf_input"] = "" // html/v2 has no CSRF: the fiberviews side does more work
			return c.Render("page", data, "layout")
		})
		run(b, app.Handler())
	})
	b.Run("TemplateView", func(b *testing.B) {
		engine := templates.Must(templates.New(templates.Config{Dir: dir, Layout: "layout"}))
		app := fiber.New(fiber.Config{Views: engine})
		app.Use(views.Setup(views.Config{SiteName: "Bench"}))
		app.Get("/items/", mustAsView(&itemsView{views.TemplateView{TemplateName: "page.html"}}))
		run(b, app.Handler())
	})
}
