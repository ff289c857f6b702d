package views_test

import (
	"fmt"
	"strings"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// ListView is a base view written outside package views, the way views
// writes its own: it lists items, and a view embedding it overrides
// GetQueryset (Django's MultipleObjectMixin.get_queryset).
type ListView struct {
	views.Base
	Items []string // the default queryset

	hooks views.Hooks[listHooks]
}

// listHooks are the hooks of ListView.
type listHooks interface {
	GetQueryset(c *fiber.Ctx) ([]string, error)
}

// Every hook has its default: forgetting one fails to compile.
var _ listHooks = (*ListView)(nil)

// GetQueryset is the hook's default: Items.
func (v *ListView) GetQueryset(c *fiber.Ctx) ([]string, error) { return v.Items, nil }

// Get calls the hook through v.hooks, so the view's override runs.
func (v *ListView) Get(c *fiber.Ctx) error {
	items, err := v.hooks.Of(v).GetQueryset(c)
	if err != nil {
		return err
	}
	return c.SendString(strings.Join(items, ", "))
}

// Fruit is a user's view: it overrides the hook to filter the list.
type Fruit struct{ ListView }

func (v *Fruit) GetQueryset(c *fiber.Ctx) ([]string, error) {
	all, err := v.ListView.GetQueryset(c) // super()
	if err != nil || c.Query("q") == "" {
		return all, err
	}
	var some []string
	for _, f := range all {
		if strings.HasPrefix(f, c.Query("q")) {
			some = append(some, f)
		}
	}
	return some, nil
}

// A GetQueryset of another signature would not override the hook: AsView
// refuses the view when it is registered.
type BadFruit struct{ ListView }

func (v *BadFruit) GetQueryset() []string { return nil }

// Hooks lets a package of your own write base views like views' own: a
// field views.Hooks[I] declares the hooks, AsView checks every view against
// them, and the base calls them through the field.
func ExampleHooks() {
	app := fiber.New()
	urls.MustCompile([]urls.Pattern{
		views.Path("fruit/", &Fruit{ListView{Items: []string{"apple", "apricot", "banana"}}}),
	}).Mount(app)
	show(app, "GET", "/fruit/", "")
	show(app, "GET", "/fruit/?q=ap", "")

	_, err := views.AsView(&BadFruit{})
	fmt.Println(err)
	// Output:
	// GET /fruit/ → 200 apple, apricot, banana
	// GET /fruit/?q=ap → 200 apple, apricot
	// views: *views_test.BadFruit.GetQueryset: has signature func() []string but views_test.ListView calls it as func(*fiber.Ctx) ([]string, error): as it is, it hides the base's GetQueryset instead of overriding it; change it to func(*fiber.Ctx) ([]string, error)
}
