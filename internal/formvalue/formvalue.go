// Package formvalue reads fields of a request body, never of the query string.
package formvalue

import (
	"maps"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// kind is the body's media type, as far as forms go.
type kind int

const (
	none kind = iota
	urlencoded
	multipart
)

func bodyKind(c *fiber.Ctx) kind {
	mediaType, _, _ := strings.Cut(c.Get(fiber.HeaderContentType), ";")
	switch mediaType = strings.TrimSpace(mediaType); {
	case strings.EqualFold(mediaType, fiber.MIMEApplicationForm):
		return urlencoded
	case strings.EqualFold(mediaType, fiber.MIMEMultipartForm):
		return multipart
	}
	return none
}

// Post returns the field name of a urlencoded or multipart request body, ""
// when absent: never the query string (unlike c.FormValue, which looks there
// first), so that a CSRF token or a password is never taken from a URL, which
// ends up in logs.
func Post(c *fiber.Ctx, name string) string {
	switch bodyKind(c) {
	case urlencoded:
		return string(c.Request().PostArgs().Peek(name))
	case multipart:
		form, err := c.MultipartForm()
		if err != nil || len(form.Value[name]) == 0 {
			return ""
		}
		return form.Value[name][0]
	}
	return ""
}

// All returns every field of a urlencoded or multipart request body (none of
// the query string), as a copy the caller may change: Fiber keeps the parsed
// multipart form for the rest of the request.
func All(c *fiber.Ctx) url.Values {
	values := url.Values{}
	switch bodyKind(c) {
	case urlencoded:
		c.Request().PostArgs().VisitAll(func(k, v []byte) { values.Add(string(k), string(v)) })
	case multipart:
		if form, err := c.MultipartForm(); err == nil {
			values = maps.Clone(form.Value)
		}
	}
	return values
}
