package templates

import (
	"fmt"
	"log/slog"
	"maps"
	"strings"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
)

// Processor adds keys to the context of a render (Django's context
// processors). It runs once per render done through Respond.
type Processor func(c *fiber.Ctx) (map[string]any, error)

// Context keys set for every render done through Respond.
const (
	// KeyRequestPath is the request's path, e.g. "/accounts/logout/".
	KeyRequestPath = "request_path"
	// KeyResolverMatch is the *urls.Match of the route that answered
	// (urls.Resolve), or nil when the request did not come through a url
	// table (Django's request.resolver_match).
	KeyResolverMatch = "resolver_match"
)

// engineFor returns the engine Respond uses for c: the app's Views when it
// is an *Engine (app true), Default() when the app has none, else nil
// (another engine: rendering then goes through c.Render).
func engineFor(c *fiber.Ctx) (e *Engine, app bool) {
	views := c.App().Config().Views
	if views == nil {
		return Default(), false
	}
	e, _ = views.(*Engine)
	return e, true
}

// Context builds the context of a render: request_path, resolver_match, then
// the keys of the extra processors in order, then those of the engine's
// Config.Processors (later keys win). views.Render passes its user and CSRF
// processor as extra.
func Context(c *fiber.Ctx, extra ...Processor) (map[string]any, error) {
	ctx := make(map[string]any, 16)
	ctx[KeyRequestPath] = strings.Clone(c.Path())
	ctx[KeyResolverMatch] = nil
	if m, ok := urls.Resolve(c); ok {
		ctx[KeyResolverMatch] = m
	}
	if err := merge(ctx, c, extra, "context processor %d: %w"); err != nil {
		return nil, err
	}
	if e, _ := engineFor(c); e != nil {
		return ctx, merge(ctx, c, e.cfg.Processors, "Config.Processors[%d]: %w")
	}
	return ctx, nil
}

// merge runs the processors ps in order and lays their keys over ctx.
func merge(ctx map[string]any, c *fiber.Ctx, ps []Processor, failed string) error {
	for i, p := range ps {
		if p == nil {
			continue
		}
		kv, err := p(c)
		if err != nil {
			return fmt.Errorf("templates: "+failed, i, err)
		}
		maps.Copy(ctx, kv)
	}
	return nil
}

// Respond renders the template name as the response, with the given status
// and Content-Type text/html. The context is Context(c, extra...) with data
// laid over it (data wins). It renders with the app's Views
// (fiber.Config.Views), or the embedded defaults (Default) when the app has
// none; the app's ViewsLayout applies as with c.Render.
//
// Sites built with views call views.Render, which is Respond with views'
// RequestContext (user, CSRF token, site name) as extra.
//
// A failure (a missing template, a failed url reversal, ...) is logged and
// returned, and the response body is left empty, so the app's error handler
// answers (500 by default): never a blank 200.
func Respond(c *fiber.Ctx, status int, name string, data map[string]any, extra ...Processor) error {
	ctx, err := Context(c, extra...)
	if err != nil {
		return logFailure(c, name, err)
	}
	maps.Copy(ctx, data)
	return RespondContext(c, status, name, ctx)
}

// RespondContext is Respond with exactly ctx, a context built by the caller
// (no processors run): for pages that must render when a processor fails,
// such as views.ErrorHandler's 500 page.
func RespondContext(c *fiber.Ctx, status int, name string, ctx map[string]any) error {
	e, app := engineFor(c)
	if e == nil {
		// Another engine: let Fiber drive it (layouts, Bind, PassLocalsToViews).
		if err := c.Render(name, ctx); err != nil {
			return logFailure(c, name, err)
		}
		c.Status(status)
		return nil
	}
	var layouts []string
	if l := c.App().Config().ViewsLayout; app && l != "" {
		layouts = []string{l}
	}
	resp := c.Response()
	resp.ResetBody()
	if err := e.Render(resp.BodyWriter(), name, ctx, layouts...); err != nil {
		resp.ResetBody()
		return logFailure(c, name, err)
	}
	resp.Header.SetContentType(fiber.MIMETextHTMLCharsetUTF8)
	c.Status(status)
	return nil
}

// Select returns the first of names that exists in the engine Respond would
// use. With an engine other than *Engine it cannot tell and returns names[0].
func Select(c *fiber.Ctx, names ...string) (string, error) {
	e, _ := engineFor(c)
	if e == nil {
		if len(names) == 0 {
			return "", errNoNames
		}
		return names[0], nil
	}
	name, err := e.Select(names...)
	if err != nil {
		return "", logFailure(c, strings.Join(names, ", "), err)
	}
	return name, nil
}

// logFailure logs a failed render with the request it belonged to and returns
// err unchanged.
func logFailure(c *fiber.Ctx, name string, err error) error {
	logger := slog.Default()
	if e, _ := engineFor(c); e != nil {
		logger = e.logger
	}
	logger.Error("templates: render failed",
		"template", name, "method", c.Method(), "path", c.Path(), "error", err.Error())
	return err
}
