package views_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// hookEngine renders "page.html" as the values the hook tests look at.
func hookEngine(t testing.TB) *templates.Engine {
	t.Helper()
	e, err := templates.New(templates.Config{FS: fstest.MapFS{
		"page.html":  {Data: []byte(`page who={{ .who }} q={{ .q }} view={{ printf "%T" .view }} extra={{ .extra }}`)},
		"other.html": {Data: []byte(`other who={{ .who }}`)},
		"form.html":  {Data: []byte(`<form method="post">{{ .csrf_input }}</form> user={{ .user }} id={{ .user_id }} auth={{ .is_authenticated }}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// --- TemplateView hooks ---

// ctxOverride overrides GetContextData and calls the base's (super).
type ctxOverride struct{ views.TemplateView }

func (v *ctxOverride) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	ctx["who"] = "ctxOverride"
	ctx["q"] = c.Query("q")
	return ctx, nil
}

// namesOverride overrides GetTemplateNames: the first that exists wins.
type namesOverride struct{ views.TemplateView }

func (v *namesOverride) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return []string{"missing.html", "other.html", "page.html"}, nil
}

// renderOverride overrides RenderToResponse to answer JSON.
type renderOverride struct{ views.TemplateView }

func (v *renderOverride) RenderToResponse(c *fiber.Ctx, ctx map[string]any) error {
	return c.JSON(map[string]any{"extra": ctx["extra"], "q": c.Query("q")})
}

// middle is a user's intermediate base; outer embeds it (two levels).
type middle struct{ views.TemplateView }

func (v *middle) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	ctx["who"] = "middle"
	ctx["q"] = c.Query("q")
	return ctx, nil
}

// outer inherits middle's GetContextData and overrides GetTemplateNames.
type outer struct{ middle }

func (v *outer) GetTemplateNames(c *fiber.Ctx) ([]string, error) { return []string{"other.html"}, nil }

// outerSuper overrides middle's hook and calls it (super through two levels).
type outerSuper struct{ middle }

func (v *outerSuper) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.middle.GetContextData(c)
	if err != nil {
		return nil, err
	}
	ctx["who"] = fmt.Sprint(ctx["who"], "-outerSuper")
	return ctx, nil
}

// --- RedirectView hooks ---

// redirectOverride computes the target per request.
type redirectOverride struct{ views.RedirectView }

func (v *redirectOverride) GetRedirectURL(c *fiber.Ctx) (string, error) {
	if c.Query("to") == "" {
		return "", nil
	}
	return "/computed/" + c.Query("to") + "/", nil
}

// redirectGet overrides Get; the other methods of RedirectView call it (self.get).
type redirectGet struct{ views.RedirectView }

func (v *redirectGet) Get(c *fiber.Ctx) error {
	c.Set("X-Outer-Get", "yes")
	return v.RedirectView.Get(c)
}

func TestHookOverrides(t *testing.T) {
	tv := func(name string) views.TemplateView {
		return views.TemplateView{TemplateName: name, ExtraContext: map[string]any{"extra": "x"}}
	}
	cases := []struct {
		name     string
		view     any
		method   string
		path     string
		status   int
		body     string // exact, or prefix when ends with "*"
		location string
		header   [2]string
	}{
		{"no override: base defaults", &struct{ views.TemplateView }{tv("page.html")}, "GET", "/v", 200,
			"page who= q= view=*struct { views.TemplateView } extra=x", "", [2]string{}},
		{"GetContextData on the outer struct", &ctxOverride{tv("page.html")}, "GET", "/v?q=1", 200,
			"page who=ctxOverride q=1 view=*views_test.ctxOverride extra=x", "", [2]string{}},
		{"GetTemplateNames on the outer struct", &namesOverride{tv("page.html")}, "GET", "/v", 200,
			"other who=", "", [2]string{}},
		{"RenderToResponse on the outer struct", &renderOverride{tv("page.html")}, "GET", "/v?q=2", 200,
			`{"extra":"x","q":"2"}`, "", [2]string{}},
		{"two levels: middle's hook reaches the base", &outer{middle{tv("page.html")}}, "GET", "/v", 200,
			"other who=middle", "", [2]string{}},
		{"two levels: outer overrides and calls middle", &outerSuper{middle{tv("page.html")}}, "GET", "/v?q=3", 200,
			"page who=middle-outerSuper q=3 view=*views_test.outerSuper extra=x", "", [2]string{}},
		{"GetRedirectURL on the outer struct", &redirectOverride{views.RedirectView{URL: "/static/"}}, "GET", "/v?to=abc", 302,
			"", "/computed/abc/", [2]string{}},
		{"GetRedirectURL override returning empty: 410", &redirectOverride{views.RedirectView{URL: "/static/"}}, "GET", "/v", 410,
			"", "", [2]string{}},
		{"Get override used by OPTIONS (Django's self.get)", &redirectGet{views.RedirectView{URL: "/t/"}}, "OPTIONS", "/v", 302,
			"", "/t/", [2]string{"X-Outer-Get", "yes"}},
		{"Get override used by HEAD", &redirectGet{views.RedirectView{URL: "/t/"}}, "HEAD", "/v", 302,
			"", "/t/", [2]string{"X-Outer-Get", "yes"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, appOptions{engine: hookEngine(t)})
			app.All("/v", mustAsView(tc.view))
			got := newClient(t, app).do(tc.method, tc.path, nil)
			if got.status != tc.status {
				t.Fatalf("status %d, want %d; body %q", got.status, tc.status, got.body)
			}
			if got.body != tc.body {
				t.Errorf("body %q, want %q", got.body, tc.body)
			}
			if got.header.Get("Location") != tc.location {
				t.Errorf("Location %q, want %q", got.header.Get("Location"), tc.location)
			}
			if tc.header[0] != "" && got.header.Get(tc.header[0]) != tc.header[1] {
				t.Errorf("%s = %q, want %q", tc.header[0], got.header.Get(tc.header[0]), tc.header[1])
			}
		})
	}
}

// TestHookOverridesConcurrent sends many concurrent requests to views sharing
// base types, each echoing its own query value: under -race this proves that
// binding and hook calls share no per-request state.
func TestHookOverridesConcurrent(t *testing.T) {
	app := newApp(t, appOptions{engine: hookEngine(t)})
	app.All("/ctx", mustAsView(&ctxOverride{views.TemplateView{TemplateName: "page.html"}}))
	app.All("/outer", mustAsView(&outerSuper{middle{views.TemplateView{TemplateName: "page.html"}}}))
	app.All("/json", mustAsView(&renderOverride{views.TemplateView{TemplateName: "page.html"}}))
	app.All("/redirect", mustAsView(&redirectOverride{}))
	cl := newClient(t, app)
	var wg sync.WaitGroup
	errs := make(chan string, 400)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := fmt.Sprint(i)
			checks := []struct{ path, want string }{
				{"/ctx?q=" + q, "page who=ctxOverride q=" + q + " "},
				{"/outer?q=" + q, "page who=middle-outerSuper q=" + q + " "},
				{"/json?q=" + q, `"q":"` + q + `"`},
			}
			c := checks[i%3]
			if got := cl.do("GET", c.path, nil); !strings.Contains(got.body, c.want) {
				errs <- fmt.Sprintf("%s: body %q lacks %q", c.path, got.body, c.want)
			}
			if got := cl.do("GET", "/redirect?to="+q, nil); got.header.Get("Location") != "/computed/"+q+"/" {
				errs <- fmt.Sprintf("redirect %s: Location %q", q, got.header.Get("Location"))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// --- registration mistakes ---

type badCtxSig struct{ views.TemplateView }

// GetContextData forgets the error result: it hides the hook.
func (v *badCtxSig) GetContextData(c *fiber.Ctx) map[string]any { return nil }

type badMiddle struct{ views.TemplateView }

func (v *badMiddle) GetTemplateNames(c *fiber.Ctx) []string { return nil }

type outerOfBad struct{ badMiddle }

type badRedirectSig struct{ views.RedirectView }

func (v *badRedirectSig) GetRedirectURL() (string, error) { return "", nil }

type badGet struct{ views.Base }

func (v *badGet) Get(c *fiber.Ctx) {}

type badPostOnTemplate struct{ views.TemplateView }

func (v *badPostOnTemplate) Post(c *fiber.Ctx, extra int) error { return nil }

type fieldShadow struct {
	views.TemplateView
	GetContextData func()
}

type ctxMixin struct{}

func (ctxMixin) GetContextData(c *fiber.Ctx) (map[string]any, error) { return nil, nil }

type ambiguousHook struct {
	views.TemplateView
	ctxMixin
}

type getMixin struct{}

func (getMixin) Get(c *fiber.Ctx) error { return nil }

type ambiguousGet struct {
	views.TemplateView
	getMixin
}

// Go drops the mixins' methods from the ambiguous views' method sets (which
// is what AsView reports); these references keep linters from calling them
// unused.
var _, _ = ctxMixin.GetContextData, getMixin.Get
var _, _ = ambiguousHook{}.ctxMixin, ambiguousGet{}.getMixin

type twoBases struct {
	views.TemplateView
	views.RedirectView
}

type deepTwoBases struct {
	middle
	views.RedirectView
}

type ptrEmbed struct{ *views.TemplateView }

type sharedA struct{ *views.TemplateView }
type sharedB struct{ *views.TemplateView }

// badCSRFFailure hides LoginView's CSRFFailure with another signature.
type badCSRFFailure struct{ views.LoginView }

func (v *badCSRFFailure) CSRFFailure(c *fiber.Ctx) error { return nil }

func TestRegistrationErrors(t *testing.T) {
	var nilView *getOnly
	cases := []struct {
		name     string
		view     any
		contains []string
	}{
		{"nil", nil, []string{"pass a pointer"}},
		{"struct value, not a pointer", getOnly{},
			[]string{"views_test.getOnly", "not a pointer", "&views_test.getOnly{...}"}},
		{"nil pointer", nilView, []string{"nil pointer"}},
		{"pointer to a non-struct", new(int), []string{"does not point to a struct"}},
		{"nil embedded base pointer", &ptrEmbed{},
			[]string{"*views.TemplateView", "ptrEmbed.TemplateView", "nil pointer"}},
		{"CSRFFailure with the wrong signature", &badCSRFFailure{},
			[]string{"*views_test.badCSRFFailure.CSRFFailure: has signature", "func(*fiber.Ctx) error", "func(*fiber.Ctx, error) error"}},
		{"hook with the wrong signature", &badCtxSig{views.TemplateView{TemplateName: "x"}},
			[]string{"*views_test.badCtxSig.GetContextData: has signature", "func(*fiber.Ctx) map[string]interface {}",
				"views.TemplateView calls it as func(*fiber.Ctx) (map[string]interface {}, error)", "hides"}},
		{"wrong signature one level down", &outerOfBad{},
			[]string{"*views_test.outerOfBad.GetTemplateNames", "func(*fiber.Ctx) []string"}},
		{"RedirectView hook with the wrong signature", &badRedirectSig{},
			[]string{"GetRedirectURL", "views.RedirectView"}},
		{"method handler with the wrong signature", &badGet{},
			[]string{"*views_test.badGet.Get: has signature func(*fiber.Ctx)", "change it to func(*fiber.Ctx) error"}},
		{"extra parameter on Post", &badPostOnTemplate{},
			[]string{"Post", "func(*fiber.Ctx, int) error"}},
		{"a field hides the hook", &fieldShadow{},
			[]string{"views_test.fieldShadow.GetContextData: is a field of type func()", "rename the field"}},
		{"two embedded fields define the same hook", &ambiguousHook{},
			[]string{"*views_test.ambiguousHook.GetContextData: is ambiguous",
				"ambiguousHook.TemplateView", "ambiguousHook.ctxMixin", "define GetContextData on *views_test.ambiguousHook"}},
		{"two embedded fields define Get", &ambiguousGet{},
			[]string{"Get: is ambiguous", "ambiguousGet.TemplateView", "ambiguousGet.getMixin"}},
		{"two base views", &twoBases{},
			[]string{"more than one base view", "twoBases.TemplateView.Base", "twoBases.RedirectView.Base"}},
		{"two base views at different depths", &deepTwoBases{},
			[]string{"deepTwoBases.middle.TemplateView.Base", "deepTwoBases.RedirectView.Base"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := views.AsView(tc.view)
			if err == nil || h != nil {
				t.Fatalf("AsView = %v, %v; want an error", h, err)
			}
			var ce *views.ConfigError
			if !errors.Is(err, views.ErrImproperlyConfigured) || !errors.As(err, &ce) {
				t.Errorf("%v is not a *ConfigError matching ErrImproperlyConfigured", err)
			}
			for _, s := range tc.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q\nlacks %q", err.Error(), s)
				}
			}
		})
	}
}

func TestAlreadyBound(t *testing.T) {
	t.Run("one base pointer in two views", func(t *testing.T) {
		shared := &views.TemplateView{TemplateName: "page.html"}
		if _, err := views.AsView(&sharedA{shared}); err != nil {
			t.Fatal(err)
		}
		_, err := views.AsView(&sharedB{shared})
		if !errors.Is(err, views.ErrImproperlyConfigured) || !strings.Contains(err.Error(), "already bound") {
			t.Fatalf("err = %v, want an already-bound error", err)
		}
		for _, s := range []string{"views.TemplateView", "*views_test.sharedB", "*views_test.sharedA", "embed it by value"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("message %q lacks %q", err.Error(), s)
			}
		}
	})
	t.Run("inner base bound as a view, then the outer", func(t *testing.T) {
		v := &ctxOverride{views.TemplateView{TemplateName: "page.html"}}
		if _, err := views.AsView(&v.TemplateView); err != nil {
			t.Fatal(err)
		}
		if _, err := views.AsView(v); !errors.Is(err, views.ErrImproperlyConfigured) || !strings.Contains(err.Error(), "already bound") {
			t.Fatalf("err = %v, want an already-bound error", err)
		}
	})
	t.Run("the same view twice is fine and both handlers work", func(t *testing.T) {
		v := &ctxOverride{views.TemplateView{TemplateName: "page.html"}}
		app := newApp(t, appOptions{engine: hookEngine(t)})
		app.All("/a", mustAsView(v))
		app.All("/b", mustAsView(v))
		cl := newClient(t, app)
		for _, p := range []string{"/a?q=a", "/b?q=b"} {
			if got := cl.do("GET", p, nil); !strings.Contains(got.body, "who=ctxOverride q="+p[len(p)-1:]) {
				t.Errorf("%s: %q", p, got.body)
			}
		}
	})
	t.Run("a failed AsView binds nothing", func(t *testing.T) {
		v := &ctxOverride{views.TemplateView{Base: views.Base{HTTPMethodNames: []string{"bogus"}}, TemplateName: "page.html"}}
		if _, err := views.AsView(v); !errors.Is(err, views.ErrImproperlyConfigured) {
			t.Fatalf("err = %v", err)
		}
		if v.Outer() != nil {
			t.Fatalf("Outer() = %v after a failed AsView", v.Outer())
		}
		v.HTTPMethodNames = nil
		if _, err := views.AsView(v); err != nil {
			t.Fatalf("AsView after fixing the view: %v", err)
		}
		if v.Outer() != any(v) {
			t.Fatalf("Outer() = %v, want the view", v.Outer())
		}
	})
}

// TestUnboundBaseMethods checks that calling a base's Get directly (without
// AsView) uses the base's own hooks instead of crashing.
func TestUnboundBaseMethods(t *testing.T) {
	tv := &views.TemplateView{TemplateName: "page.html"}
	rv := &views.RedirectView{URL: "/to/%(id)s/"}
	app := newApp(t, appOptions{engine: hookEngine(t)})
	app.Get("/t", tv.Get)
	app.Get("/r/:id", rv.Post)
	cl := newClient(t, app)
	if got := cl.do("GET", "/t", nil); got.status != 200 || !strings.HasPrefix(got.body, "page who=") {
		t.Errorf("unbound TemplateView.Get: %d %q", got.status, got.body)
	}
	if got := cl.do("GET", "/r/7", nil); got.header.Get("Location") != "/to/7/" {
		t.Errorf("unbound RedirectView: %d %q", got.status, got.header.Get("Location"))
	}
}

// TestRebindWhileServing registers views a second time while their first
// handlers serve requests: AsView must write nothing into a bound view (run
// with -race; an earlier AsView rewrote the base's outer view each time).
func TestRebindWhileServing(t *testing.T) {
	cases := []struct {
		name   string
		view   any
		method string
	}{
		{"TemplateView", &ctxOverride{views.TemplateView{TemplateName: "page.html"}}, "GET"},
		{"LogoutView", &views.LogoutView{ClearSiteData: []string{"cache"}, TemplateView: views.TemplateView{Base: views.Base{CSRFExempt: true}}}, "POST"},
		{"RedirectView", &views.RedirectView{URL: "/to/"}, "GET"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, appOptions{engine: hookEngine(t), sessions: true})
			app.All("/v", mustAsView(tc.view))
			cl := newClient(t, app)
			done := make(chan struct{})
			go func() {
				defer close(done)
				for range 20 {
					if got := cl.do(tc.method, "/v", nil); got.status >= 400 {
						t.Errorf("%s /v: %d", tc.method, got.status)
					}
				}
			}()
			for range 20 {
				if _, err := views.AsView(tc.view); err != nil {
					t.Errorf("AsView again: %v", err)
				}
			}
			<-done
		})
	}
}
