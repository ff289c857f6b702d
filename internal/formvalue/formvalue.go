// Package formvalue reads fields of a request body, never of the query string.
package formvalue

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Post returns the field name of a urlencoded or multipart request body, ""
// when absent: never the query string (unlike c.FormValue, which looks there
// first), so that a CSRF token or a password is never taken from a URL, which
// ends up in logs.
func Post(c *fiber.Ctx, name string) string {
	mediaType, _, _ := strings.Cut(c.Get(fiber.HeaderContentType), ";")
	mediaType = strings.TrimSpace(mediaType)
	switch {
	case strings.EqualFold(mediaType, fiber.MIMEApplicationForm):
		return string(c.Request().PostArgs().Peek(name))
	case strings.EqualFold(mediaType, fiber.MIMEMultipartForm):
		form, err := c.MultipartForm()
		if err != nil || len(form.Value[name]) == 0 {
			return ""
		}
		return form.Value[name][0]
	}
	return ""
}
