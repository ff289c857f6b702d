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
//	views.MustAsView(&About{TemplateView: views.TemplateView{TemplateName: "about.html"}})
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

	// The outer view's hooks, bound by AsView.
	getContextData   func(*fiber.Ctx) (map[string]any, error)
	getTemplateNames func(*fiber.Ctx) ([]string, error)
	renderToResponse func(*fiber.Ctx, map[string]any) error
}

const templateViewName = "views.TemplateView"

// setup binds the hooks of TemplateView to the outer view.
func (v *TemplateView) setup(s *spec) error {
	if err := v.Base.setup(s); err != nil {
		return err
	}
	ctxData, err := hook(s, templateViewName, "GetContextData",
		func(h interface {
			GetContextData(*fiber.Ctx) (map[string]any, error)
		}) func(*fiber.Ctx) (map[string]any, error) {
			return h.GetContextData
		})
	if err != nil {
		return err
	}
	names, err := hook(s, templateViewName, "GetTemplateNames",
		func(h interface {
			GetTemplateNames(*fiber.Ctx) ([]string, error)
		}) func(*fiber.Ctx) ([]string, error) {
			return h.GetTemplateNames
		})
	if err != nil {
		return err
	}
	render, err := hook(s, templateViewName, "RenderToResponse",
		func(h interface {
			RenderToResponse(*fiber.Ctx, map[string]any) error
		}) func(*fiber.Ctx, map[string]any) error {
			return h.RenderToResponse
		})
	if err != nil {
		return err
	}
	s.onCommit(func() {
		v.getContextData, v.getTemplateNames, v.renderToResponse = ctxData, names, render
	})
	return nil
}

// Get renders the page: GetContextData, then RenderToResponse (both the
// outer view's when it defines them).
func (v *TemplateView) Get(c *fiber.Ctx) error {
	ctx, err := v.contextData(c)
	if err != nil {
		return err
	}
	return v.renderResponse(c, ctx)
}

// contextData calls the outer view's GetContextData (the base's own when the
// view was not bound by AsView). Base views built on TemplateView
// (LogoutView, LoginView) call it, never v.GetContextData, so that overrides
// apply.
func (v *TemplateView) contextData(c *fiber.Ctx) (map[string]any, error) {
	if v.getContextData != nil {
		return v.getContextData(c)
	}
	return v.GetContextData(c)
}

// renderResponse calls the outer view's RenderToResponse (see contextData).
func (v *TemplateView) renderResponse(c *fiber.Ctx, ctx map[string]any) error {
	if v.renderToResponse != nil {
		return v.renderToResponse(c, ctx)
	}
	return v.RenderToResponse(c, ctx)
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
	getNames := v.getTemplateNames
	if getNames == nil {
		getNames = v.GetTemplateNames
	}
	names, err := getNames(c)
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

// viewName names the view for messages: the outer view's type, or def.
func viewName(outer any, def string) string {
	if outer == nil {
		return def
	}
	return typeName(outer)
}
