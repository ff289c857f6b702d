package templates_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"
)

// Both sides of each pair run in one command, e.g.
//
//	go test ./templates/ -run '^$' -bench BenchmarkLayout -benchmem -count 5 -cpu 1,2

const (
	benchLayout = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .title }}</title></head>
<body>
<header><nav>{{ range .nav }}<a href="{{ . }}">{{ . }}</a> {{ end }}</nav></header>
<main>{{ embed }}</main>
</body>
</html>
`
	benchPage = `<h1>{{ .title }}</h1>
<ul>{{ range .items }}<li class="{{ if .Done }}done{{ end }}">{{ .Name }} <small>{{ .Note }}</small></li>{{ end }}</ul>
`
)

type benchItem struct {
	Name, Note string
	Done       bool
}

func benchData() map[string]any {
	items := make([]benchItem, 20)
	for i := range items {
		items[i] = benchItem{Name: fmt.Sprintf("item %d", i), Note: "a <note> & more", Done: i%2 == 0}
	}
	return map[string]any{"title": "Items", "nav": []string{"/", "/items/", "/about/"}, "items": items}
}

// BenchmarkLayout renders a page inside a layout, sequentially and from
// parallel goroutines, with templates.Engine and with html/v2 directly (which
// takes an exclusive lock for every render with a layout).
func BenchmarkLayout(b *testing.B) {
	dir := writeFiles(b, map[string]string{"layout.html": benchLayout, "page.html": benchPage})
	data := benchData()
	h := html.New(dir, ".html")
	if err := h.Load(); err != nil {
		b.Fatal(err)
	}
	e := templates.Must(templates.New(templates.Config{Dir: dir}))
	engines := []struct {
		name   string
		render func(*bytes.Buffer) error
	}{
		{"html-v2", func(buf *bytes.Buffer) error { return h.Render(buf, "page", data, "layout") }},
		{"templates.Engine", func(buf *bytes.Buffer) error { return e.Render(buf, "page", data, "layout") }},
	}
	for _, eng := range engines {
		var buf bytes.Buffer
		if err := eng.render(&buf); err != nil || !bytes.Contains(buf.Bytes(), []byte("<main><h1>Items</h1>")) {
			b.Fatalf("%s: %v %s", eng.name, err, buf.Bytes())
		}
		b.Run(eng.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var buf bytes.Buffer
				for pb.Next() {
					buf.Reset()
					if err := eng.render(&buf); err != nil {
						panic(err)
					}
				}
			})
		})
		b.Run(eng.name+"/sequential", func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for range b.N {
				buf.Reset()
				if err := eng.render(&buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNavLinks renders a page whose layout links to routes through
// {{ url }} with constant arguments, as a site's navigation does, and one
// link whose argument comes from the data.
func BenchmarkNavLinks(b *testing.B) {
	noop := func(*fiber.Ctx) error { return nil }
	table := urls.MustCompile([]urls.Pattern{
		urls.Path("", noop, urls.Name("home")),
		urls.Path("posts/<int:year>/<slug:slug>/", noop, urls.Name("post")),
		urls.Include("accounts/", []urls.Pattern{
			urls.Path("login/", noop, urls.Name("login")),
			urls.Path("logout/", noop, urls.Name("logout")),
			urls.Path("profile/", noop, urls.Name("profile")),
		}, urls.Namespace("accounts")),
	})
	dir := writeFiles(b, map[string]string{
		"layout.html": `<nav><a href="{{ url "home" }}">Home</a> <a href="{{ url "accounts:profile" }}">Profile</a>
<a href="{{ url "accounts:login" }}">Log in</a> <form action="{{ url "accounts:logout" }}"></form>
<a href="{{ url "post" 2024 "hello" }}">Latest</a> <a href="{{ url "post" (kwargs "year" 2023 "slug" "go") }}">Older</a></nav>
<main>{{ embed }}</main>`,
		"page.html": `<h1>{{ .title }}</h1><a href="{{ url "post" .year .slug }}">this post</a>`,
	})
	e := templates.Must(templates.New(templates.Config{Dir: dir, Resolver: table, Layout: "layout"}))
	data := map[string]any{"title": "Hello", "year": 2025, "slug": "news"}
	var buf bytes.Buffer
	if err := e.Render(&buf, "page", data); err != nil || !bytes.Contains(buf.Bytes(), []byte(`href="/posts/2023/go/"`)) {
		b.Fatalf("%v %s", err, buf.Bytes())
	}
	b.ReportAllocs()
	for range b.N {
		buf.Reset()
		if err := e.Render(&buf, "page", data); err != nil {
			b.Fatal(err)
		}
	}
}
