package templates

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
)

// Processor adds keys to the context of a render (Django's context
// processors). It runs once per render done through Render.
type Processor func(c *fiber.Ctx) (map[string]any, error)

// Context keys set for every render done through Render.
const (
	// KeyRequestPath is the request's path, e.g. "/accounts/logout/".
	KeyRequestPath = "request_path"
	// KeyResolverMatch is the *urls.Match of the route that answered
	// (urls.Resolve), or nil when the request did not come through a url
	// table (Django's request.resolver_match).
	KeyResolverMatch = "resolver_match"
)

// engineFor returns the engine Render uses for c: the app's Views when it is
// an *Engine, Default() when the app has none, else nil (another engine:
// rendering then goes through c.Render).
func engineFor(c *fiber.Ctx) (*Engine, fiber.Views) {
	views := c.App().Config().Views
	if views == nil {
		return Default(), nil
	}
	if e, ok := views.(*Engine); ok {
		return e, views
	}
	return nil, views
}

// Context builds the context of a render: request_path, resolver_match, then
// the keys of the extra processors in order, then those of the engine's
// Config.Processors (later keys win). views.Render passes its user and CSRF
// processor as extra.
func Context(c *fiber.Ctx, extra ...Processor) (map[string]any, error) {
	ctx := make(map[string]any, 16)
	ctx[KeyRequestPath] = strings.Clone(c.Path())
	if m, ok := urls.Resolve(c); ok {
		ctx[KeyResolverMatch] = m
	} else {
		ctx[KeyResolverMatch] = nil
	}
	for i, p := range extra {
		if err := merge(ctx, c, p); err != nil {
			return nil, fmt.Errorf("templates: context processor %d: %w", i, err)
		}
	}
	if e, _ := engineFor(c); e != nil {
		for i, p := range e.cfg.Processors {
			if err := merge(ctx, c, p); err != nil {
				return nil, fmt.Errorf("templates: Config.Processors[%d]: %w", i, err)
			}
		}
	}
	return ctx, nil
}

func merge(ctx map[string]any, c *fiber.Ctx, p Processor) error {
	if p == nil {
		return nil
	}
	kv, err := p(c)
	if err != nil {
		return err
	}
	for k, v := range kv {
		ctx[k] = v
	}
	return nil
}

// Render renders the template name as the response, with the given status and
// Content-Type text/html. The context is Context(c, extra...) with data laid
// over it (data wins). It renders with the app's Views (fiber.Config.Views),
// or the embedded defaults (Default) when the app has none; the app's
// ViewsLayout applies as with c.Render.
//
// A failure (a missing template, a failed url reversal, ...) is logged and
// returned, and the response body is left empty, so the app's error handler
// answers (500 by default): never a blank 200.
func Render(c *fiber.Ctx, status int, name string, data map[string]any, extra ...Processor) error {
	ctx, err := Context(c, extra...)
	if err != nil {
		return logFailure(c, name, err)
	}
	for k, v := range data {
		ctx[k] = v
	}
	return RenderContext(c, status, name, ctx)
}

// RenderContext renders name with exactly ctx (no processors run): the last
// step of Render, for callers that built the context themselves.
func RenderContext(c *fiber.Ctx, status int, name string, ctx map[string]any) error {
	e, views := engineFor(c)
	if e == nil {
		// Another engine: let Fiber drive it (layouts, Bind, PassLocalsToViews).
		if err := c.Render(name, ctx); err != nil {
			return logFailure(c, name, err)
		}
		c.Status(status)
		return nil
	}
	var layouts []string
	if views != nil {
		if l := c.App().Config().ViewsLayout; l != "" {
			layouts = []string{l}
		}
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

// Select returns the first of names that exists in the engine Render would
// use. With an engine other than *Engine it cannot tell and returns names[0].
func Select(c *fiber.Ctx, names ...string) (string, error) {
	e, _ := engineFor(c)
	if e == nil {
		if len(names) == 0 {
			return "", errors.New("templates: Select needs at least one template name")
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
