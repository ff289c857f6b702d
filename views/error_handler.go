package views

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/gofiber/fiber/v2"
)

// serverErrorTemplate is the page ErrorHandler renders for a 500
// (Django's 500.html). The templates package embeds a plain default; put a
// file of that name in your template directory to replace it.
const serverErrorTemplate = "500.html"

// errorTemplate is the page of a client error (4xx) when the site
// has no "<status>.html" for it: the title, and a sentence that says what
// happened and what to do. The templates package embeds it.
const errorTemplate = "fiberviews/error.html"

// errorMessages are the sentences of the error pages ("message" in their
// context): written here, never taken from an error, whose text may hold
// request bytes or internals.
var errorMessages = map[int]string{
	fiber.StatusBadRequest:            "The request could not be understood. Go back, reload the page and try again.",
	fiber.StatusForbidden:             "You are not allowed to see this page.",
	fiber.StatusNotFound:              "There is no page at this address. Check the address, or start again from the home page.",
	fiber.StatusMethodNotAllowed:      "Nothing has changed: this address only answers the buttons of the site's pages, not a typed-in address or a link. To log out, use a Log out button.",
	fiber.StatusRequestTimeout:        "The request took too long to arrive. Try again.",
	fiber.StatusRequestEntityTooLarge: "What you sent is too large.",
	fiber.StatusTooManyRequests:       "Too many attempts. Wait a moment, then try again.",
	fiber.StatusNotImplemented:        "This address does not answer that kind of request.",
	fiber.StatusServiceUnavailable:    "The site is busy. Nothing was changed: wait a moment, then try again.",
}

// retryAfterSeconds is the Retry-After of a 503 answered by ErrorHandler.
const retryAfterSeconds = 1

// ErrorHandler is a fiber.ErrorHandler for sites built with views (Django's
// handler400, handler403, handler404 and handler500 with DEBUG off):
//
//	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
//
// A *fiber.Error below 500 (400, 404, 405, 413, ...), or 501 (Fiber v3's
// answer to an unknown method: the client's mistake too), answers its status
// with the site's page for it, "<status>.html" (404.html, ...), else the
// embedded fiberviews/error.html, rendered like Render with title ("404 Not Found"),
// status and message (a sentence for the status; never the error's own
// text, which may hold request bytes) on top of the request context. It is
// logged at level INFO: a client's mistake is no failure of the site. A
// *fiber.Error 503, such as session.ErrBusy (the session storage could not
// take a write in time) or auth.ErrBusy (every password hashing slot stayed
// taken), answers 503 with that page and Retry-After:
// retryAfterSeconds, logged at level WARN (the storage logs its own
// details). Every answer carries the security headers (Config.Headers;
// Django's defaults for a request refused before views.Setup ran, such as a
// malformed one). Any
// other error is logged at level ERROR with the method and path (to
// Config.Logger) and answered 500 with the 500.html page: its body never
// carries the error's text, which may hold file paths, SQL or route names.
// (Fiber's default handler sends err.Error() to the client.)
func ErrorHandler(c *fiber.Ctx, err error) error {
	if _, ok := c.Locals(siteKey{}).(*site); !ok {
		defaultSite.headers.Set(c) // a request refused before any middleware ran
	}
	var fe *fiber.Error
	if !errors.As(err, &fe) && errors.Is(err, auth.ErrBusy) {
		fe = fiber.ErrServiceUnavailable // every password hashing slot stayed taken
	}
	if fe != nil && (fe.Code < fiber.StatusInternalServerError || fe.Code == fiber.StatusNotImplemented) {
		settings(c).logger.Info(http.StatusText(fe.Code), "status", fe.Code, "method", c.Method(), "path", c.Path())
		return errorPage(c, fe.Code)
	}
	if fe != nil && fe.Code == fiber.StatusServiceUnavailable {
		settings(c).logger.Warn(http.StatusText(fe.Code), "method", c.Method(), "path", c.Path())
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds))
		return errorPage(c, fe.Code)
	}
	settings(c).logger.Error("Internal Server Error", "method", c.Method(), "path", c.Path(), "err", err)
	c.Response().ResetBody()
	if rerr := templates.RespondContext(c, fiber.StatusInternalServerError, serverErrorTemplate,
		map[string]any{"title": "Server Error (500)", keySiteName: settings(c).SiteName, keyCSPNonce: cspNonce(c)}); rerr == nil {
		return nil
	}
	return plainPage(c, fiber.StatusInternalServerError, "Server Error (500)", "Something went wrong on our side.")
}

// errorPage answers status with the site's "<status>.html", else
// errorTemplate (see ErrorHandler); headers already set (Allow,
// never-cache) stay, and no new CSRF cookie is set (see RequestContext).
func errorPage(c *fiber.Ctx, status int) error {
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	msg, ok := errorMessages[status]
	if !ok {
		msg = http.StatusText(status) + "."
	}
	c.Response().ResetBody()
	c.Locals(errorPageKey{}, true)
	name, err := templates.Select(c, strconv.Itoa(status)+".html", errorTemplate)
	if err == nil && Render(c, status, name, map[string]any{"title": title, "status": status, "message": msg}) == nil {
		return nil
	}
	return plainPage(c, status, title, msg)
}

// plainPage is the page of last resort, when a template fails to render.
func plainPage(c *fiber.Ctx, status int, title, msg string) error {
	c.Response().ResetBody()
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).SendString("<!doctype html><title>" + template.HTMLEscapeString(title) + "</title><h1>" +
		template.HTMLEscapeString(title) + "</h1><p>" + template.HTMLEscapeString(msg) + "</p>")
}
