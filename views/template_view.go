package views

import (
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
)

// TemplateView renders a template on GET (Django's TemplateView). Embed it
// and override its hooks on your own struct:
//
//	type About struct{ views.TemplateView }
//
//	func (v *About) GetContextData(c *fiber.Ctx) (map[string]any, error) {
//		ctx, err := v.TemplateView.GetContextData(c) // super()
//		if err != nil {
//			return nil, err
//		}
//		ctx["team"] = team
//		return ctx, nil
//	}
//
//	views.Path("about/", &About{TemplateView: views.TemplateView{TemplateName: "about.html"}})
//
// Get calls GetContextData, then RenderToResponse, which calls
// GetTemplateNames and renders the first template that exists with Render.
type TemplateView struct {
	Base
	// TemplateName is the template Get renders (Django's template_name).
	TemplateName string
	// ExtraContext is added to the context by GetContextData (Django's
	// extra_context). Shared by all requests: never modify it in a hook.
	ExtraContext map[string]any

	hooks Hooks[templateHooks]
}

// templateHooks are the hooks of TemplateView.
type templateHooks interface {
	GetContextData(c *fiber.Ctx) (map[string]any, error)
	GetTemplateNames(c *fiber.Ctx) ([]string, error)
	RenderToResponse(c *fiber.Ctx, ctx map[string]any) error
}

var _ templateHooks = (*TemplateView)(nil)

// Get renders the page: GetContextData, then RenderToResponse (both the
// outer view's when it defines them).
// LoginView and LogoutView render their pages through it.
func (v *TemplateView) Get(c *fiber.Ctx) error {
	h := v.hooks.Of(v)
	ctx, err := h.GetContextData(c)
	if err != nil {
		return err
	}
	return h.RenderToResponse(c, ctx)
}

// GetContextData is the hook that builds the template context (Django's
// get_context_data): the route's arguments (urls.Resolve(c).Kwargs, or the
// Fiber route parameters), "view" (the outer view), then ExtraContext.
// Override it on your view; call v.TemplateView.GetContextData(c) for these
// defaults. The request keys (user, csrf_input, ...) are added by Render.
func (v *TemplateView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	args := routeArgs(c)
	ctx := make(map[string]any, len(args)+len(v.ExtraContext)+1)
	for k, val := range args {
		ctx[k] = val
	}
	ctx["view"] = v.Outer()
	for k, val := range v.ExtraContext {
		ctx[k] = val
	}
	return ctx, nil
}

// GetTemplateNames is the hook that lists the templates to try, first
// existing wins (Django's get_template_names): TemplateName. Without
// TemplateName and without an override it fails with a *ConfigError.
func (v *TemplateView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	if v.TemplateName == "" {
		return nil, &ConfigError{View: viewName(v.Outer(), "views.TemplateView"), Field: "TemplateName",
			Msg: "TemplateView requires either a definition of TemplateName or an implementation of GetTemplateNames"}
	}
	return []string{v.TemplateName}, nil
}

// RenderToResponse is the hook that turns the context into the response
// (Django's render_to_response): the first of GetTemplateNames that exists,
// rendered with Render and status 200. Override it to answer differently
// (JSON for API clients, another status). LogoutView and LoginView render
// through it.
func (v *TemplateView) RenderToResponse(c *fiber.Ctx, ctx map[string]any) error {
	names, err := v.hooks.Of(v).GetTemplateNames(c)
	if err != nil {
		return err
	}
	name, err := templates.Select(c, names...)
	if err != nil {
		return err
	}
	return Render(c, fiber.StatusOK, name, ctx)
}

// routeArgs returns the arguments of the route that matched: the converted
// values of urls.Resolve, or else Fiber's route parameters as strings.
func routeArgs(c *fiber.Ctx) map[string]any {
	if m, ok := urls.Resolve(c); ok && m != nil {
		return m.Kwargs
	}
	params := c.Route().Params
	if len(params) == 0 {
		return nil
	}
	args := make(map[string]any, len(params))
	for _, p := range params {
		args[p] = c.Params(p)
	}
	return args
}

// setDefaults sets the keys of kv (key, value, key, value, ...) that ctx
// lacks: the defaults a base view adds to TemplateView's context, which
// ExtraContext (already in ctx) overrides.
func setDefaults(ctx map[string]any, kv ...any) {
	for i := 0; i+1 < len(kv); i += 2 {
		if _, ok := ctx[kv[i].(string)]; !ok {
			ctx[kv[i].(string)] = kv[i+1]
		}
	}
}
