package views_test

// The behaviours Django's tests/generic_views/test_base.py asserts for View,
// TemplateView and RedirectView, and the RedirectView examples of Django's
// documentation, ported to fiberviews through a real Fiber app.

import (
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/internal/fiberversion"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// simpleView answers GET (Django's SimpleView).
type simpleView struct{ views.Base }

func (v *simpleView) Get(c *fiber.Ctx) error { return c.SendString("This is a simple view") }

// simplePostView answers GET and POST alike (SimplePostView).
type simplePostView struct{ simpleView }

func (v *simplePostView) Post(c *fiber.Ctx) error { return v.Get(c) }

// postOnlyView answers POST (PostOnlyView).
type postOnlyView struct{ views.Base }

func (v *postOnlyView) Post(c *fiber.Ctx) error { return c.SendString("This view only accepts POST") }

// aboutTemplateView lists its templates in a hook (AboutTemplateView).
type aboutTemplateView struct{ views.TemplateView }

func (v *aboutTemplateView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return []string{"generic_views/about.html"}, nil
}

// customTemplateView adds to the context (CustomTemplateView).
type customTemplateView struct{ views.TemplateView }

func (v *customTemplateView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	ctx["key"] = "value"
	return ctx, nil
}

// articleCounterRedirectView is the example of Django's RedirectView
// documentation: count, then redirect to the article.
type articleCounterRedirectView struct {
	views.RedirectView
	count *atomic.Int64
}

func (v *articleCounterRedirectView) GetRedirectURL(c *fiber.Ctx) (string, error) {
	v.count.Add(1)
	return v.RedirectView.GetRedirectURL(c)
}

func newGenericSite(t *testing.T, count *atomic.Int64) *client {
	t.Helper()
	engine, err := templates.New(templates.Config{FS: fstest.MapFS{
		"generic_views/about.html": {Data: []byte(`<h1>About</h1>`)},
		"generic_views/hello.html": {Data: []byte(`foo={{ .foo }} key={{ .key }} view={{ printf "%T" .view }}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	noop := func(c *fiber.Ctx) error { return c.SendString("detail") }
	rv := func(v views.RedirectView) any { return &v }
	patterns := []urls.Pattern{
		views.Path("simple/", &simpleView{}),
		views.Path("simple_post/", &simplePostView{}),
		views.Path("post_only/", &postOnlyView{}),
		views.Path("about/", &aboutTemplateView{}),
		views.Path("about/attribute/", &views.TemplateView{TemplateName: "generic_views/about.html"}),
		views.Path("template/simple/<foo>/", &views.TemplateView{TemplateName: "generic_views/hello.html"}),
		views.Path("template/custom/<foo>/", &customTemplateView{views.TemplateView{TemplateName: "generic_views/hello.html"}}),
		views.Path("template/extra_context/", &views.TemplateView{TemplateName: "generic_views/hello.html",
			ExtraContext: map[string]any{"key": "value"}}),
		views.Path("template/no_template/", &views.TemplateView{}),
		urls.Path("detail/artist/<int:pk>/", noop, urls.Name("artist_detail")),
		urls.Path("articles/<int:pk>/", noop, urls.Name("article-detail")),
		views.Path("foo/", rv(views.RedirectView{})),
		views.Path("foo/default/", rv(views.RedirectView{URL: "/bar/"})),
		views.Path("foo/permanent/", rv(views.RedirectView{URL: "/bar/", Permanent: true})),
		views.Path("foo/query_string/", rv(views.RedirectView{URL: "/bar/", QueryString: true})),
		views.Path("foo/<int:object_id>/", rv(views.RedirectView{URL: "/bar/%(object_id)d/"})),
		views.Path("foo/s/<int:object_id>/", rv(views.RedirectView{URL: "/bar/%(object_id)s/"})),
		views.Path("foo/percent/", rv(views.RedirectView{URL: "/bar/%%20/"})),
		views.Path("foo/artist/<int:pk>/", rv(views.RedirectView{PatternName: "artist_detail"})),
		views.Path("go-to-django/", rv(views.RedirectView{URL: "https://www.djangoproject.com/"})),
		views.Path("counter/<int:pk>/", &articleCounterRedirectView{RedirectView: views.RedirectView{
			PatternName: "article-detail", QueryString: true}, count: count}),
	}
	return newClient(t, newApp(t, appOptions{engine: engine, sessions: true, patterns: patterns}))
}

func TestDjangoViewDispatch(t *testing.T) {
	cl := newGenericSite(t, new(atomic.Int64))
	token := cl.do("GET", "/_token", nil).body
	cases := []struct {
		name, method, path string
		status             int
		body               string
		allow              string // for OPTIONS and 405
	}{
		// test_get_only, test_pathological_http_method
		{"GET of a GET view", "GET", "/simple/", 200, "This is a simple view", ""},
		{"POST of a GET view", "POST", "/simple/", 405, "", "GET, HEAD, OPTIONS"},
		{"a method the view does not define", "TRACE", "/simple/", 405, "", "GET, HEAD, OPTIONS"},
		// Difference from Django: Fiber refuses a method it does not know
		// with 400 before routing (fiber.Config.RequestMethods lists them),
		// where Django's view answers 405.
		// Fiber answers an unknown method itself: 400 on v2, 501 Not Implemented on v3.
		{"an unknown method", "FAKE", "/simple/", map[int]int{2: 400, 3: 501}[fiberversion.Major], "", ""},
		// test_get_and_head
		{"HEAD of a GET view", "HEAD", "/simple/", 200, "", ""},
		// test_head_no_get, test_direct_instantiation
		{"HEAD of a POST view", "HEAD", "/post_only/", 405, "", "POST, OPTIONS"},
		// test_get_and_post
		{"GET of a GET and POST view", "GET", "/simple_post/", 200, "This is a simple view", ""},
		{"POST of a GET and POST view", "POST", "/simple_post/", 200, "This is a simple view", ""},
		{"a method a GET and POST view does not define", "PUT", "/simple_post/", 405, "", "GET, POST, HEAD, OPTIONS"},
		// test_options, test_options_for_get_view, _get_and_post_view, _post_view
		{"OPTIONS of a GET view", "OPTIONS", "/simple/", 200, "", "GET, HEAD, OPTIONS"},
		{"OPTIONS of a GET and POST view", "OPTIONS", "/simple_post/", 200, "", "GET, POST, HEAD, OPTIONS"},
		{"OPTIONS of a POST view", "OPTIONS", "/post_only/", 200, "", "POST, OPTIONS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := cl.do(c.method, c.path, form("csrfmiddlewaretoken", token))
			if r.status != c.status || (c.body != "" && r.body != c.body) {
				t.Fatalf("%d %q, want %d %q", r.status, r.body, c.status, c.body)
			}
			if got := r.header.Get("Allow"); got != c.allow {
				t.Errorf("Allow %q, want %q", got, c.allow)
			}
			if (c.method == "HEAD" || c.method == "OPTIONS") && r.body != "" {
				t.Errorf("%s answered a body: %q", c.method, r.body)
			}
			if c.method == "OPTIONS" && r.header.Get("Content-Length") != "0" {
				t.Errorf("OPTIONS Content-Length %q, want 0", r.header.Get("Content-Length"))
			}
		})
	}
}

func TestDjangoTemplateView(t *testing.T) {
	cl := newGenericSite(t, new(atomic.Int64))
	cases := []struct {
		name, method, path string
		status             int
		body               string
	}{
		// test_get, test_get_template_attribute, test_get_generic_template
		{"GetTemplateNames", "GET", "/about/", 200, "<h1>About</h1>"},
		{"TemplateName", "GET", "/about/attribute/", 200, "<h1>About</h1>"},
		// test_head
		{"HEAD", "HEAD", "/about/", 200, ""},
		// TemplateView defines get only
		{"POST", "POST", "/about/", 405, ""},
		// test_template_params: the route's arguments and the view in the context
		{"route arguments", "GET", "/template/simple/bar/", 200, "foo=bar key= view=*views.TemplateView"},
		// test_extra_template_params
		{"get_context_data override", "GET", "/template/custom/bar/", 200, "foo=bar key=value view=*views_test.customTemplateView"},
		{"extra_context", "GET", "/template/extra_context/", 200, "foo= key=value"},
		// test_template_name_required: ImproperlyConfigured, a server error
		{"no template name", "GET", "/template/no_template/", 500, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			token := cl.do("GET", "/_token", nil).body
			r := cl.do(c.method, c.path, form("csrfmiddlewaretoken", token))
			if r.status != c.status || !strings.Contains(r.body, c.body) {
				t.Fatalf("%d %q, want %d containing %q", r.status, r.body, c.status, c.body)
			}
			if c.method == "HEAD" && r.body != "" {
				t.Errorf("HEAD answered a body: %q", r.body)
			}
		})
	}
}

func TestDjangoRedirectView(t *testing.T) {
	var count atomic.Int64
	cl := newGenericSite(t, &count)
	token := cl.do("GET", "/_token", nil).body
	cases := []struct {
		name, method, path string
		status             int
		location           string
	}{
		{"no URL is 410 Gone", "GET", "/foo/", 410, ""},
		{"HEAD without a URL is 410 Gone", "HEAD", "/foo/", 410, ""},
		{"temporary by default", "GET", "/foo/default/", 302, "/bar/"},
		{"permanent", "GET", "/foo/permanent/", 301, "/bar/"},
		{"query string dropped by default", "GET", "/foo/default/?pork=spam", 302, "/bar/"},
		{"query string kept", "GET", "/foo/query_string/?pork=spam", 302, "/bar/?pork=spam"},
		{"query string kept encoded", "GET", "/foo/query_string/?unicode=%E2%9C%93", 302, "/bar/?unicode=%E2%9C%93"},
		{"no query string", "GET", "/foo/query_string/", 302, "/bar/"},
		{"%(name)d substitution", "GET", "/foo/42/", 302, "/bar/42/"},
		{"%(name)s substitution", "GET", "/foo/s/42/", 302, "/bar/42/"},
		{"%% is a percent sign", "GET", "/foo/percent/", 302, "/bar/%20/"},
		{"pattern_name reversed with the route's arguments", "GET", "/foo/artist/1/", 302, "/detail/artist/1/"},
		{"an absolute URL", "GET", "/go-to-django/", 302, "https://www.djangoproject.com/"},
		{"POST", "POST", "/foo/default/", 302, "/bar/"},
		{"HEAD", "HEAD", "/foo/default/", 302, "/bar/"},
		{"OPTIONS", "OPTIONS", "/foo/default/", 302, "/bar/"},
		{"PUT", "PUT", "/foo/default/", 302, "/bar/"},
		{"PATCH", "PATCH", "/foo/default/", 302, "/bar/"},
		{"DELETE", "DELETE", "/foo/default/", 302, "/bar/"},
		// The documentation's ArticleCounterRedirectView.
		{"get_redirect_url override calling super", "GET", "/counter/7/?src=mail", 302, "/articles/7/?src=mail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// As in Django, the token of a PUT, PATCH or DELETE comes in the
			// header: only a POST's form is read for it.
			r := cl.do(c.method, c.path, form("csrfmiddlewaretoken", token), "X-CSRFToken", token)
			if r.status != c.status || r.header.Get("Location") != c.location {
				t.Fatalf("%d Location %q, want %d %q", r.status, r.header.Get("Location"), c.status, c.location)
			}
		})
	}
	t.Run("the token of a PUT in its form is not read", func(t *testing.T) {
		if r := cl.do("PUT", "/foo/default/", form("csrfmiddlewaretoken", token)); r.status != 403 {
			t.Errorf("status %d, want 403", r.status)
		}
	})
	if n := count.Load(); n != 1 {
		t.Errorf("the counter view counted %d visits, want 1", n)
	}
}
