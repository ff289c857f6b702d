package views

import "github.com/gofiber/fiber/v2"

// The per-view settings of the security headers (Config.Headers sets them
// for the whole site). Use them as decorators, on a handler or a view:
//
//	urls.Path("embed/", views.XFrameOptionsSameOrigin(embed))
//	views.Path("embed/", &Embed{Base: views.Base{Decorators: []views.Decorator{views.XFrameOptionsExempt}}})

// XFrameOptionsExempt sends h's responses without X-Frame-Options, so that
// any site may frame them (Django's xframe_options_exempt).
func XFrameOptionsExempt(h fiber.Handler) fiber.Handler {
	return withFrameOptions(h, "")
}

// XFrameOptionsSameOrigin sends h's responses with X-Frame-Options:
// SAMEORIGIN: only this site's pages may frame them (Django's
// xframe_options_sameorigin).
func XFrameOptionsSameOrigin(h fiber.Handler) fiber.Handler {
	return withFrameOptions(h, "SAMEORIGIN")
}

// XFrameOptionsDeny sends h's responses with X-Frame-Options: DENY, whatever
// the site's setting (Django's xframe_options_deny).
func XFrameOptionsDeny(h fiber.Handler) fiber.Handler {
	return withFrameOptions(h, "DENY")
}

// withFrameOptions sets X-Frame-Options to v ("" deletes it) after h, which
// leaves it for an error page rendered after h failed as well.
func withFrameOptions(h fiber.Handler, v string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := h(c)
		if v == "" {
			c.Response().Header.Del(fiber.HeaderXFrameOptions)
		} else {
			c.Set(fiber.HeaderXFrameOptions, v)
		}
		return err
	}
}
