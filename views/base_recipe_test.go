package views_test

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// sketchLogout is a base view written in another package with only the
// exported recipe (views.Hooks, BindView): it extends TemplateView, restricts
// its methods by default, adds a decorator to every response and has a hook
// of its own.
type sketchLogout struct {
	views.TemplateView
	NextPage string

	hooks views.Hooks[sketchHooks]
}

// sketchHooks are the hooks of sketchLogout.
type sketchHooks interface {
	GetNextPage(c *fiber.Ctx) (string, error)
}

var _ sketchHooks = (*sketchLogout)(nil)

func (v *sketchLogout) BindView(b *views.Binding) error {
	b.Methods = []string{"post", "options"}
	b.Decorators = append(b.Decorators, views.NeverCache)
	if strings.Contains(v.NextPage, " ") {
		return b.Errorf("NextPage", "%q has a space", v.NextPage)
	}
	return nil
}

// GetNextPage is the hook's default.
func (v *sketchLogout) GetNextPage(c *fiber.Ctx) (string, error) { return v.NextPage, nil }

func (v *sketchLogout) Post(c *fiber.Ctx) error {
	next, err := v.hooks.Of(v).GetNextPage(c)
	if err != nil {
		return err
	}
	if next != "" {
		return c.Redirect(next)
	}
	return v.TemplateView.Get(c)
}

// myLogout is a user's view on top of it.
type myLogout struct{ sketchLogout }

func (v *myLogout) GetNextPage(c *fiber.Ctx) (string, error) {
	if q := c.Query("to"); q != "" {
		return "/" + q + "/", nil
	}
	return v.sketchLogout.GetNextPage(c)
}

func (v *myLogout) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.sketchLogout.GetContextData(c)
	if err != nil {
		return nil, err
	}
	ctx["title"] = "Bye from myLogout"
	return ctx, nil
}

type badNextPage struct{ sketchLogout }

func (v *badNextPage) GetNextPage(c *fiber.Ctx) string { return "" }

// noDefault is a base whose author forgot the default of a declared hook.
type noDefault struct {
	views.TemplateView
	hooks views.Hooks[sketchHooks]
}

func (v *noDefault) Get(c *fiber.Ctx) error { _ = v.hooks; return nil }

// notInterface declares hooks that are not an interface.
type notInterface struct {
	views.TemplateView
	hooks views.Hooks[string]
}

func (v *notInterface) Get(c *fiber.Ctx) error { _ = v.hooks; return nil }

// TestBaseViewRecipe checks the recipe of views.Hooks from another package.
func TestBaseViewRecipe(t *testing.T) {
	app := fiber.New()
	app.Use(views.Setup(views.Config{Logger: discard()}))
	app.All("/out", mustAsView(&myLogout{sketchLogout{TemplateView: views.TemplateView{TemplateName: "registration/logged_out.html"}, NextPage: "/home/"}}))
	app.All("/exempt", mustAsView(&myLogout{sketchLogout{TemplateView: views.TemplateView{Base: views.Base{CSRFExempt: true}}, NextPage: "/home/"}}))
	app.All("/get-too", mustAsView(&myLogout{sketchLogout{TemplateView: views.TemplateView{
		Base: views.Base{HTTPMethodNames: []string{"get", "post"}, CSRFExempt: true}, TemplateName: "registration/logged_out.html"}}}))
	cases := []struct {
		method, target string
		status         int
		headers        string
		body           string
	}{
		{"GET", "/out", 405, "POST, OPTIONS|", ""},
		{"HEAD", "/out", 405, "POST, OPTIONS|", ""},
		{"PUT", "/out", 405, "POST, OPTIONS|", ""},
		{"OPTIONS", "/out", 200, "POST, OPTIONS|", ""},
		{"POST", "/out", 403, "|", "Allow cookies for this site"},
		{"POST", "/exempt", 302, "|/home/", ""}, // the base's hook default: NextPage
		{"POST", "/exempt?to=x", 302, "|/x/", ""},
		{"GET", "/get-too", 200, "|", "Bye from myLogout"},
		{"POST", "/get-too", 200, "|", "Bye from myLogout"}, // no NextPage: renders
		{"POST", "/get-too?to=there", 302, "|/there/", ""},  // the outer hook wins
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			resp, err := app.Test(httptest.NewRequest(tc.method, tc.target, nil))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			headers := resp.Header.Get("Allow") + "|" + resp.Header.Get("Location")
			if resp.StatusCode != tc.status || headers != tc.headers || !strings.Contains(string(b), tc.body) {
				t.Errorf("%d %q %q, want %d %q %q", resp.StatusCode, headers, b, tc.status, tc.headers, tc.body)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != views.NeverCacheControl {
				t.Errorf("Cache-Control %q: the base's decorator must wrap every response", cc)
			}
		})
	}
	errCases := []struct {
		name string
		view any
		want string
	}{
		{"wrong hook signature", &badNextPage{},
			"views: *views_test.badNextPage.GetNextPage: has signature func(*fiber.Ctx) string but views_test.sketchLogout calls it as func(*fiber.Ctx) (string, error)"},
		{"hook without a default", &noDefault{},
			"views_test.noDefault declares the hook GetNextPage but defines no default for it: define (*noDefault).GetNextPage"},
		{"hooks not an interface", &notInterface{}, "declares Hooks[string], which is not an interface"},
		{"BindView's own error", &myLogout{sketchLogout{NextPage: "a b"}}, `views: *views_test.myLogout.NextPage: "a b" has a space`},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := views.AsView(tc.view)
			if !errors.Is(err, views.ErrImproperlyConfigured) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("AsView: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
