package views

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// sketchLogout is a base view written with only the pattern of the package
// documentation (Writing a base view): it extends TemplateView, restricts
// its methods by default, adds a decorator to every response and has a hook
// of its own.
type sketchLogout struct {
	TemplateView
	NextPage string
}

// sketchHooks are the hooks of sketchLogout.
type sketchHooks interface {
	GetNextPage(c *fiber.Ctx) (string, error)
}

func (v *sketchLogout) bind(s *spec) error {
	if err := v.TemplateView.bind(s); err != nil {
		return err
	}
	s.defaultMethods = []string{"post", "options"}
	s.decorators = append(s.decorators, NeverCache)
	return hooks[sketchHooks](s, "views.sketchLogout")
}

// GetNextPage is the hook's default.
func (v *sketchLogout) GetNextPage(c *fiber.Ctx) (string, error) { return v.NextPage, nil }

func (v *sketchLogout) Post(c *fiber.Ctx) error {
	next, err := hooksOf[sketchHooks](v).GetNextPage(c)
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

// TestBaseViewRecipe checks the recipe LogoutView and LoginView follow.
func TestBaseViewRecipe(t *testing.T) {
	app := fiber.New()
	app.Use(Setup(Config{Logger: slog.New(slog.DiscardHandler)}))
	app.All("/out", MustAsView(&myLogout{sketchLogout{TemplateView: TemplateView{TemplateName: "registration/logged_out.html"}, NextPage: "/home/"}}))
	app.All("/exempt", MustAsView(&myLogout{sketchLogout{TemplateView: TemplateView{Base: Base{CSRFExempt: true}}, NextPage: "/home/"}}))
	app.All("/get-too", MustAsView(&myLogout{sketchLogout{TemplateView: TemplateView{
		Base: Base{HTTPMethodNames: []string{"get", "post"}, CSRFExempt: true}, TemplateName: "registration/logged_out.html"}}}))
	do := func(method, target string) (int, string, string, string) {
		resp, err := app.Test(httptest.NewRequest(method, target, nil))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Allow") + "|" + resp.Header.Get("Location"), resp.Header.Get("Cache-Control"), string(b)
	}
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
		status, headers, cc, body := do(tc.method, tc.target)
		if status != tc.status || headers != tc.headers || !strings.Contains(body, tc.body) {
			t.Errorf("%s %s: %d %q %q, want %d %q %q", tc.method, tc.target, status, headers, body, tc.status, tc.headers, tc.body)
		}
		if cc != NeverCacheControl {
			t.Errorf("%s %s: Cache-Control %q: the base's decorator must wrap every response", tc.method, tc.target, cc)
		}
	}
	if _, err := AsView(&badNextPage{}); err == nil || !strings.Contains(err.Error(), "views.sketchLogout calls it as func(*fiber.Ctx) (string, error)") {
		t.Errorf("wrong hook signature: %v", err)
	}
}
