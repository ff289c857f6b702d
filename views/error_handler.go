package views

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/gofiber/fiber/v2"
)

// DefaultServerErrorTemplate is the page ErrorHandler renders for a 500
// (Django's 500.html). The templates package embeds a plain default; put a
// file of that name in your template directory to replace it.
const DefaultServerErrorTemplate = "500.html"

// ErrorHandler is a fiber.ErrorHandler for sites built with views (Django's
// handler400, handler403, handler404 and handler500 with DEBUG off):
//
//	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
//
// A *fiber.Error below 500 (400, 404, 405, 413, ...) answers its status with
// the site's page for it, "<status>.html" (404.html, ...), rendered like
// Render with title ("404 Not Found"), status and message (the error's
// message) on top of the request context; without such a template it
// answers the message as plain text, as Fiber's default handler does. Any
// other error is logged with the method and path (to Config.Logger) and
// answered 500 with the 500.html page: its body never carries the error's
// text, which may hold file paths, SQL or route names. (Fiber's default
// handler sends err.Error() to the client.)
func ErrorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) && fe.Code < fiber.StatusInternalServerError {
		c.Response().ResetBody()
		name := strconv.Itoa(fe.Code) + ".html"
		if _, serr := templates.Select(c, name); serr == nil {
			if Render(c, fe.Code, name, map[string]any{
				"title": fmt.Sprintf("%d %s", fe.Code, http.StatusText(fe.Code)), "status": fe.Code, "message": fe.Message,
			}) == nil {
				return nil
			}
			c.Response().ResetBody()
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(fe.Code).SendString(fe.Message)
	}
	settings(c).logger.Error("Internal Server Error", "method", c.Method(), "path", c.Path(), "err", err)
	c.Response().ResetBody()
	if rerr := templates.RespondContext(c, fiber.StatusInternalServerError, DefaultServerErrorTemplate,
		map[string]any{"title": "Server Error (500)", KeySiteName: settings(c).SiteName}); rerr == nil {
		return nil
	}
	c.Response().ResetBody()
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(fiber.StatusInternalServerError).SendString("<!doctype html><title>Server Error (500)</title>" +
		"<h1>Server Error (500)</h1><p>" + template.HTMLEscapeString("Something went wrong on our side.") + "</p>")
}
