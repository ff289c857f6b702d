package views_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

func TestRedirectView(t *testing.T) {
	rv := func(v views.RedirectView) fiber.Handler { return mustAsView(&v) }
	table := urls.MustCompile([]urls.Pattern{
		urls.Path("articles/<int:id>/", func(c *fiber.Ctx) error { return nil }, urls.Name("article")),
		urls.Path("archive/<int:year>/<slug:slug>/", func(c *fiber.Ctx) error { return nil }, urls.Name("archive")),
		urls.Path("home/", func(c *fiber.Ctx) error { return nil }, urls.Name("home")),
		urls.Path("old/<int:id>/", rv(views.RedirectView{URL: "/new/%(id)s/"})),
		urls.Path("perm/<int:id>/", rv(views.RedirectView{URL: "/new/%(id)s/", Permanent: true})),
		urls.Path("qs/", rv(views.RedirectView{URL: "/target/", QueryString: true})),
		urls.Path("noqs/", rv(views.RedirectView{URL: "/target/"})),
		urls.Path("qs-pattern/", rv(views.RedirectView{PatternName: "home", QueryString: true})),
		urls.Path("two/<int:year>/<slug:slug>/", rv(views.RedirectView{URL: "/y/%(year)s/s/%(slug)s/%%/%20/"})),
		urls.Path("pattern/<int:id>/", rv(views.RedirectView{PatternName: "article"})),
		urls.Path("pattern2/<int:year>/<slug:slug>/", rv(views.RedirectView{PatternName: "archive"})),
		urls.Path("pattern-none/", rv(views.RedirectView{PatternName: "home"})),
		urls.Path("pattern-bad/", rv(views.RedirectView{PatternName: "no-such-route"})),
		urls.Path("gone/", rv(views.RedirectView{})),
		urls.Path("missing-arg/", rv(views.RedirectView{URL: "/x/%(id)s/"})),
		urls.Path("external/", rv(views.RedirectView{URL: "https://example.org/path?a=1"})),
		urls.Path("str/<str:x>/", rv(views.RedirectView{URL: "/%(x)s/"})),
		urls.Path("path/<path:p>", rv(views.RedirectView{URL: "/%(p)s"})),
		urls.Path("bare/<path:p>", rv(views.RedirectView{URL: "%(p)s"})),
	})
	cases := []struct {
		name     string
		method   string
		path     string
		status   int
		location string
		body     string
	}{
		{"placeholder from the route", "GET", "/old/42/", 302, "/new/42/", ""},
		{"int converter normalises", "GET", "/old/0042/", 302, "/new/42/", ""},
		{"permanent", "GET", "/perm/7/", 301, "/new/7/", ""},
		{"query string kept", "GET", "/qs/?a=1&b=two", 302, "/target/?a=1&b=two", ""},
		{"query string dropped", "GET", "/noqs/?a=1", 302, "/target/", ""},
		{"query string kept with a pattern name", "GET", "/qs-pattern/?x=y", 302, "/home/?x=y", ""},
		{"query string kept, none sent", "GET", "/qs/", 302, "/target/", ""},
		{"two placeholders, %% and a percent-encoding", "GET", "/two/2024/go-fast/", 302, "/y/2024/s/go-fast/%/%20/", ""},
		{"pattern name reversed with the route's args", "GET", "/pattern/5/", 302, "/articles/5/", ""},
		{"pattern name, two args", "GET", "/pattern2/2023/hello/", 302, "/archive/2023/hello/", ""},
		{"pattern name without args", "GET", "/pattern-none/", 302, "/home/", ""},
		{"absolute URL", "GET", "/external/", 302, "https://example.org/path?a=1", ""},
		{"empty: 410 Gone", "GET", "/gone/", 410, "", ""},
		{"CR LF in an argument cannot split the header", "GET", "/str/a%0D%0ASet-Cookie:%20x=1/", 302, "/a%0D%0ASet-Cookie:%20x=1/", ""},
		{"backslash in an argument is escaped", "GET", "/str/%5Cevil.example/", 302, "/%5Cevil.example/", ""},
		{"? and # in an argument stay in the path", "GET", "/str/a%3Fb%23c/", 302, "/a%3Fb%23c/", ""},
		{"space and non-ASCII are escaped", "GET", "/str/a%20%C3%A9/", 302, "/a%20%C3%A9/", ""},
		{"an argument cannot make the URL scheme-relative", "GET", "/path/%2Fevil.example", 302, "/%2Fevil.example", ""},
		{"nor a bare one", "GET", "/bare/%2F%2Fevil.example", 302, "/%2Fevil.example", ""},
		{"a path argument keeps its slashes", "GET", "/path/a/b/c", 302, "/a/b/c", ""},
		{"nor give it a scheme", "GET", "/bare/http:/evil.example/x:y", 302, "http%3A/evil.example/x:y", ""},
		{"HEAD redirects", "HEAD", "/old/1/", 302, "/new/1/", ""},
		{"OPTIONS redirects, as in Django", "OPTIONS", "/old/1/", 302, "/new/1/", ""},
		{"POST is CSRF-checked first", "POST", "/old/1/", 403, "", ""},
		{"unknown pattern name: 500", "GET", "/pattern-bad/", 500, "", "no-such-route"},
		{"placeholder the route lacks: 500", "GET", "/missing-arg/", 500, "", `needs the route argument "id"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, appOptions{})
			table.Mount(app)
			got := newClient(t, app).do(tc.method, tc.path, nil)
			if got.status != tc.status {
				t.Fatalf("status %d, want %d: %q", got.status, tc.status, got.body)
			}
			if got.header.Get("Location") != tc.location {
				t.Errorf("Location %q, want %q", got.header.Get("Location"), tc.location)
			}
			if !strings.Contains(got.body, tc.body) {
				t.Errorf("body %q lacks %q", got.body, tc.body)
			}
		})
	}
}

func TestRedirectViewPOSTWithToken(t *testing.T) {
	app := newApp(t, appOptions{})
	app.All("/r/:id", mustAsView(&views.RedirectView{URL: "/to/%(id)s/"}))
	cl := newClient(t, app)
	tok := cl.do("GET", "/_token", nil).body
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		got := cl.do(m, "/r/9", nil, "X-CSRFToken", tok)
		if got.status != 302 || got.header.Get("Location") != "/to/9/" {
			t.Errorf("%s: %d %q (Fiber route parameter as placeholder)", m, got.status, got.header.Get("Location"))
		}
	}
}

func TestRedirectViewBadURL(t *testing.T) {
	for _, u := range []string{"/x/%(id/", "/x/%()s/", "/x/%(id)r/", "/x/%(id)"} {
		_, err := views.AsView(&views.RedirectView{URL: u})
		var ce *views.ConfigError
		if !errors.As(err, &ce) || ce.Field != "URL" || !strings.Contains(err.Error(), u) {
			t.Errorf("URL %q: err = %v, want a *ConfigError on URL", u, err)
		}
	}
}
