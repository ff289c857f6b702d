package views_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// getOnly answers GET.
type getOnly struct{ views.Base }

func (v *getOnly) Get(c *fiber.Ctx) error { return c.SendString("get body") }

// getPost answers GET and POST.
type getPost struct{ views.Base }

func (v *getPost) Get(c *fiber.Ctx) error  { return c.SendString("get") }
func (v *getPost) Post(c *fiber.Ctx) error { return c.SendString("post") }

// allMethods defines every handler, including its own Head and Options.
type allMethods struct{ views.Base }

func (v *allMethods) Get(c *fiber.Ctx) error     { return c.SendString("get") }
func (v *allMethods) Head(c *fiber.Ctx) error    { c.Set("X-Head", "own"); return nil }
func (v *allMethods) Post(c *fiber.Ctx) error    { return c.SendString("post") }
func (v *allMethods) Put(c *fiber.Ctx) error     { return c.SendString("put") }
func (v *allMethods) Patch(c *fiber.Ctx) error   { return c.SendString("patch") }
func (v *allMethods) Delete(c *fiber.Ctx) error  { return c.SendString("delete") }
func (v *allMethods) Options(c *fiber.Ctx) error { return c.SendString("own options") }

// plain embeds no base at all.
type plain struct{}

func (v *plain) Get(c *fiber.Ctx) error { return c.SendString("plain") }

func TestDispatch(t *testing.T) {
	type req struct {
		method     string
		status     int
		body       string
		allow      string
		headerName string
		header     string
	}
	cases := []struct {
		name string
		view any
		reqs []req
	}{
		{
			name: "get only",
			view: &getOnly{},
			reqs: []req{
				{method: "GET", status: 200, body: "get body"},
				{method: "HEAD", status: 200, body: "", headerName: "Content-Length", header: "8"},
				{method: "OPTIONS", status: 200, body: "", allow: "GET, HEAD, OPTIONS", headerName: "Content-Length", header: "0"},
				{method: "POST", status: 405, body: "", allow: "GET, HEAD, OPTIONS"},
				{method: "PUT", status: 405, allow: "GET, HEAD, OPTIONS"},
				{method: "PATCH", status: 405, allow: "GET, HEAD, OPTIONS"},
				{method: "DELETE", status: 405, allow: "GET, HEAD, OPTIONS"},
				{method: "TRACE", status: 405, allow: "GET, HEAD, OPTIONS"},
			},
		},
		{
			name: "all methods, own Head and Options",
			view: &allMethods{Base: views.Base{CSRFExempt: true}},
			reqs: []req{
				{method: "GET", status: 200, body: "get"},
				{method: "HEAD", status: 200, headerName: "X-Head", header: "own"},
				{method: "POST", status: 200, body: "post"},
				{method: "PUT", status: 200, body: "put"},
				{method: "PATCH", status: 200, body: "patch"},
				{method: "DELETE", status: 200, body: "delete"},
				{method: "OPTIONS", status: 200, body: "own options"},
			},
		},
		{
			name: "405 lists every method in Django's order",
			view: &allMethods{},
			reqs: []req{{method: "TRACE", status: 405, allow: "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"}},
		},
		{
			name: "restricted: a base with Get does not make GET allowed",
			view: &getPost{Base: views.Base{HTTPMethodNames: []string{"post", "options"}}},
			reqs: []req{
				{method: "GET", status: 405, allow: "POST, OPTIONS"},
				{method: "HEAD", status: 405, allow: "POST, OPTIONS"},
				{method: "OPTIONS", status: 200, allow: "POST, OPTIONS"},
				{method: "DELETE", status: 405, allow: "POST, OPTIONS"},
			},
		},
		{
			name: "restricted without options: OPTIONS is 405",
			view: &getPost{Base: views.Base{HTTPMethodNames: []string{"GET"}}},
			reqs: []req{
				{method: "GET", status: 200, body: "get"},
				{method: "HEAD", status: 405, allow: "GET"},
				{method: "OPTIONS", status: 405, allow: "GET"},
			},
		},
		{
			name: "head allowed without get: runs Get without body",
			view: &getOnly{Base: views.Base{HTTPMethodNames: []string{"head"}}},
			reqs: []req{
				{method: "HEAD", status: 200, body: ""},
				{method: "GET", status: 405, allow: "HEAD"},
			},
		},
		{
			name: "plain struct, no base",
			view: &plain{},
			reqs: []req{
				{method: "GET", status: 200, body: "plain"},
				{method: "OPTIONS", status: 200, allow: "GET, HEAD, OPTIONS"},
				{method: "POST", status: 405},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, appOptions{})
			app.All("/v", mustAsView(tc.view))
			cl := newClient(t, app)
			for _, r := range tc.reqs {
				t.Run(r.method, func(t *testing.T) {
					got := cl.do(r.method, "/v", nil)
					if got.status != r.status {
						t.Fatalf("status %d, want %d (body %q)", got.status, r.status, got.body)
					}
					if got.status == 405 && r.method != "HEAD" {
						if !strings.Contains(got.body, "<h1>405 Method Not Allowed</h1>") {
							t.Errorf("body %q, want the 405 page", got.body)
						}
					} else if got.body != r.body {
						t.Errorf("body %q, want %q", got.body, r.body)
					}
					if r.allow != "" && got.header.Get("Allow") != r.allow {
						t.Errorf("Allow %q, want %q", got.header.Get("Allow"), r.allow)
					}
					if r.headerName != "" && got.header.Get(r.headerName) != r.header {
						t.Errorf("%s %q, want %q", r.headerName, got.header.Get(r.headerName), r.header)
					}
				})
			}
		})
	}
}

func TestDispatchConfigErrors(t *testing.T) {
	cases := []struct {
		name  string
		view  any
		field string
		want  string
	}{
		{"unknown method name", &getOnly{Base: views.Base{HTTPMethodNames: []string{"get", "fetch"}}},
			"HTTPMethodNames", `"fetch" is not an HTTP method`},
		{"restriction leaves nothing", &getOnly{Base: views.Base{HTTPMethodNames: []string{"post"}}},
			"HTTPMethodNames", "defines none of those methods"},
		{"no handler at all", &views.Base{}, "", "defines no HTTP method handler"},
		{"empty struct", &struct{}{}, "", "defines no HTTP method handler"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := views.AsView(tc.view)
			var ce *views.ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, views.ErrImproperlyConfigured) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if ce.Field != tc.field || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v (field %q), want field %q and %q", err, ce.Field, tc.field, tc.want)
			}
		})
	}
}

// TestBaseDecorators checks that Base.Decorators wrap every response, 405s
// included, outermost first, and outside LoginRequired.
func TestBaseDecorators(t *testing.T) {
	mark := func(v string) views.Decorator {
		return func(h fiber.Handler) fiber.Handler {
			return func(c *fiber.Ctx) error {
				c.Append("X-Order", v)
				return h(c)
			}
		}
	}
	app := newApp(t, appOptions{sessions: true})
	app.All("/v", mustAsView(&getOnly{Base: views.Base{Decorators: []views.Decorator{mark("outer"), mark("inner"), views.NeverCache}}}))
	app.All("/login", mustAsView(&getOnly{Base: views.Base{LoginRequired: true, Decorators: []views.Decorator{mark("outer"), views.NeverCache}}}))
	cl := newClient(t, app)
	if got := cl.do("GET", "/login", nil); got.status != 302 || got.header.Get("X-Order") != "outer" || got.header.Get("Cache-Control") != views.NeverCacheControl {
		t.Errorf("anonymous GET of a LoginRequired view: %d X-Order %q Cache-Control %q, want the redirect decorated",
			got.status, got.header.Get("X-Order"), got.header.Get("Cache-Control"))
	}
	for _, m := range []string{"GET", "POST"} {
		got := cl.do(m, "/v", nil)
		if got.header.Get("X-Order") != "outer, inner" {
			t.Errorf("%s: X-Order %q, want %q", m, got.header.Get("X-Order"), "outer, inner")
		}
		if got.header.Get("Cache-Control") != views.NeverCacheControl {
			t.Errorf("%s: Cache-Control %q", m, got.header.Get("Cache-Control"))
		}
	}
}
