package views

import (
	"errors"
	"html/template"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/gofiber/fiber/v2"
)

// DefaultServerErrorTemplate is the page ErrorHandler renders for a 500
// (Django's 500.html). The templates package embeds a plain default; put a
// file of that name in your template directory to replace it.
const DefaultServerErrorTemplate = "500.html"

// ErrorHandler is a fiber.ErrorHandler for sites built with views (Django's
// handler500 with DEBUG off):
//
//	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
//
// A *fiber.Error below 500 (404, 405, 413, ...) answers its status and
// message, as Fiber's default handler does. Any other error is logged with
// the method and path (to Config.Logger) and answered 500 with the
// 500.html page: its body never carries the error's text, which may hold
// file paths, SQL or route names. (Fiber's default handler sends err.Error()
// to the client.)
func ErrorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) && fe.Code < fiber.StatusInternalServerError {
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(fe.Code).SendString(fe.Message)
	}
	settings(c).logger.Error("Internal Server Error", "method", c.Method(), "path", c.Path(), "err", err)
	c.Response().ResetBody()
	if rerr := templates.RenderContext(c, fiber.StatusInternalServerError, DefaultServerErrorTemplate,
		map[string]any{"title": "Server Error (500)", KeySiteName: settings(c).SiteName}); rerr == nil {
		return nil
	}
	c.Response().ResetBody()
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(fiber.StatusInternalServerError).SendString("<!doctype html><title>Server Error (500)</title>" +
		"<h1>Server Error (500)</h1><p>" + template.HTMLEscapeString("Something went wrong on our side.") + "</p>")
}
