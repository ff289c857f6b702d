package handlername

import (
	"testing"

	"github.com/gofiber/fiber/v2"
)

func home(c *fiber.Ctx) error { return nil }

func decorate(h fiber.Handler) fiber.Handler {
	return Wrap(func(c *fiber.Ctx) error { return h(c) }, h)
}

//go:noinline
func closureFor(s string) fiber.Handler {
	return func(c *fiber.Ctx) error { return c.SendString(s) }
}

func TestOf(t *testing.T) {
	a, b := closureFor("a"), closureFor("b")
	Set(a, "*main.ViewA")
	cases := []struct {
		name string
		h    fiber.Handler
		want string
	}{
		{"plain function", home, "handlername.home"},
		{"decorated function keeps the inner name", decorate(decorate(home)), "handlername.home"},
		{"named closure", a, "*main.ViewA"},
		{"another closure of the same code is not named", b, "handlername.closureFor.func1"},
		{"decorated named closure", decorate(a), "*main.ViewA"},
		{"nil", nil, "?"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Of(tc.h); got != tc.want {
				t.Errorf("Of = %q, want %q", got, tc.want)
			}
		})
	}
}
