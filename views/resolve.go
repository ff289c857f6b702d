package views

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
)

// errEmptyURL is returned by ResolveURL for an empty string.
var errEmptyURL = errors.New("views: empty URL or route name")

// ResolveURL returns the URL for to, which is a route name or a URL (Django's
// resolve_url): NextPage, LoginURL and the like accept both.
//
//   - "/path/...", "./x", "../x" and anything with "://" are URLs, returned
//     as they are;
//   - otherwise to is reversed with args through the url table mounted for c
//     (urls.Reverse);
//   - if that fails and to contains "/" or "." it is taken as a URL
//     ("example.com/x", "mailto:a@b.c"), as Django does; otherwise the
//     reversal error (a *urls.NoReverseMatch naming the route) is returned.
func ResolveURL(c *fiber.Ctx, to string, args ...any) (string, error) {
	if to == "" {
		return "", errEmptyURL
	}
	if strings.HasPrefix(to, "/") || strings.HasPrefix(to, "./") || strings.HasPrefix(to, "../") ||
		strings.Contains(to, "://") {
		return to, nil
	}
	u, err := urls.Reverse(c, to, args...)
	if err == nil {
		return u, nil
	}
	if strings.ContainsAny(to, "/.") {
		return to, nil
	}
	return "", fmt.Errorf("views: %q is neither a URL nor a route name that reverses: %w", to, err)
}
