package urls_test

import (
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strconv"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
)

func home(c *fiber.Ctx) error { return c.SendString("home") }

func yearArchive(c *fiber.Ctx) error {
	year, err := urls.Int(c, "year")
	if err != nil {
		return err
	}
	next, err := urls.Reverse(c, "year-archive", year+1)
	if err != nil {
		return err
	}
	return c.SendString(fmt.Sprintf("archive of %d, next: %s", year, next))
}

func logout(c *fiber.Ctx) error { return c.SendString("bye") }

var accountPatterns = []urls.Pattern{
	urls.Path("logout/", logout, urls.Name("logout")),
	urls.Path("<int:id>/", home, urls.Name("profile")),
}

var table = []urls.Pattern{
	urls.Path("", home, urls.Name("home")),
	urls.Path("articles/<int:year>/", yearArchive, urls.Name("year-archive")),
	urls.Path("articles/<int:year>/<slug:slug>/", home, urls.Name("article")),
	urls.Include("accounts/", accountPatterns, urls.Namespace("accounts")),
}

func get(app *fiber.App, path string) {
	resp, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == fiber.StatusNotFound {
		body = []byte("(Fiber's 404 page)") // its text differs between Fiber's majors
	}
	fmt.Println(resp.StatusCode, resp.Header.Get("Location"), string(body))
}

// Compile the table first (templates can be given the resolver), then
// mount it on an app or a group.
func Example() {
	r, err := urls.Compile(table)
	if err != nil {
		panic(err)
	}
	app := fiber.New()
	r.Mount(app.Group("/blog"))

	get(app, "/blog/articles/2024/")
	get(app, "/blog/articles/abc/") // not an int: the handler never runs
	get(app, "/blog/articles/2024") // APPEND_SLASH
	// Output:
	// 200  archive of 2024, next: /blog/articles/2025/
	// 404  (Fiber's 404 page)
	// 301 /blog/articles/2024/
}

func ExampleResolver_Reverse() {
	r := urls.MustCompile(table)

	fmt.Println(r.Reverse("home"))
	fmt.Println(r.Reverse("year-archive", 2024))
	fmt.Println(r.Reverse("article", urls.Kwargs{"year": 2024, "slug": "hello-world"}))
	fmt.Println(r.Reverse("accounts:profile", 7))
	// Output:
	// / <nil>
	// /articles/2024/ <nil>
	// /articles/2024/hello-world/ <nil>
	// /accounts/7/ <nil>
}

func ExampleResolver_Reverse_error() {
	r := urls.MustCompile(table)

	_, err := r.Reverse("year-archive", "abc")
	var nrm *urls.NoReverseMatch
	fmt.Println(errors.As(err, &nrm), nrm.Tried)
	fmt.Println(err)

	_, err = r.Reverse("accounts:login")
	fmt.Println(err)
	// Output:
	// true [articles/<int:year>/]
	// urls: reverse for "year-archive" with arguments ("abc") not found. 1 pattern(s) tried: "articles/<int:year>/" (year: "abc" does not match int [0-9]+)
	// urls: reverse for "accounts:login" with no arguments not found: "login" is not a route name inside namespace "accounts"
}

func ExampleResolve() {
	show := func(c *fiber.Ctx) error {
		m, _ := urls.Resolve(c)
		return c.SendString(fmt.Sprintf("%s %s %v", m.ViewName, m.Route, m.Kwargs))
	}
	r := urls.MustCompile([]urls.Pattern{
		urls.Include("shop/<slug:shop>/", []urls.Pattern{
			urls.Path("items/<int:id>/", show, urls.Name("item")),
		}, urls.Namespace("shop")),
	})
	app := fiber.New()
	r.Mount(app)
	get(app, "/shop/acme/items/42/")
	// Output:
	// 200  shop:item shop/<slug:shop>/items/<int:id>/ map[id:42 shop:acme]
}

// A converter for four-digit years, as in Django's documentation.
func ExampleRegisterConverter() {
	err := urls.RegisterConverter("yyyy", urls.Converter{
		Regex: "[0-9]{4}",
		Parse: func(s string) (any, error) { return strconv.Atoi(s) },
		Format: func(v any) (string, error) {
			n, ok := v.(int)
			if !ok {
				return "", fmt.Errorf("want an int, got %T", v)
			}
			return fmt.Sprintf("%04d", n), nil
		},
	})
	if err != nil {
		panic(err)
	}
	r := urls.MustCompile([]urls.Pattern{
		urls.Path("articles/<yyyy:year>/", yearArchive, urls.Name("year-archive")),
	})
	fmt.Println(r.Reverse("year-archive", 999))
	fmt.Println(r.Reverse("year-archive", 12345))

	app := fiber.New()
	r.Mount(app)
	get(app, "/articles/0999/")
	// Output:
	// /articles/0999/ <nil>
	//  urls: reverse for "year-archive" with arguments (12345) not found. 1 pattern(s) tried: "articles/<yyyy:year>/" (year: 12345 does not match yyyy [0-9]{4})
	// 200  archive of 999, next: /articles/1000/
}

func ExampleCompile_errors() {
	_, err := urls.Compile([]urls.Pattern{
		urls.Path("articles/<integer:year>/", home),
	})
	fmt.Println(errors.Is(err, urls.ErrUnknownConverter))
	fmt.Println(err)
	// Output:
	// true
	// urls: route "articles/<integer:year>/": unknown converter: <integer:year> uses converter "integer", which is not registered; use str, int, slug, uuid or path, or register it first with urls.RegisterConverter
}

// noStore is a decorator: the handler it returns is a closure.
func noStore(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return h(c)
	}
}

// WriteTable lists a handler under its ViewName if it has one, else under
// its function's name; a closure under the function it is written in,
// after its source directory.
func ExampleResolver_WriteTable() {
	r := urls.MustCompile([]urls.Pattern{
		urls.Path("", home, urls.Name("home")),
		urls.Path("articles/<int:year>/", yearArchive, urls.Name("year-archive")),
		urls.Path("private/", noStore(home), urls.Name("private")),
		urls.Path("about/", home, urls.ViewName("pages.About")),
		urls.Include("accounts/", accountPatterns, urls.Namespace("accounts")),
	})
	r.WriteTable(os.Stdout)
	// Output:
	// ROUTE                  NAME              HANDLER
	// /                      home              urls_test.home
	// /articles/<int:year>/  year-archive      urls_test.yearArchive
	// /private/              private           urls.noStore
	// /about/                -                 pages.About
	// /accounts/logout/      accounts:logout   urls_test.logout
	// /accounts/<int:id>/    accounts:profile  urls_test.home
}

func ExampleResolver_HasName() {
	r := urls.MustCompile(table)
	for _, to := range []string{"accounts:logout", "/accounts/logout/", "https://example.com/"} {
		fmt.Println(to, r.HasName(to))
	}
	// Output:
	// accounts:logout true
	// /accounts/logout/ false
	// https://example.com/ false
}

// UUID returns a <uuid:…> parameter as a uuid.UUID; the route only matches
// lowercase, hyphenated UUIDs, as in Django.
func ExampleUUID() {
	order := func(c *fiber.Ctx) error {
		id, err := urls.UUID(c, "id")
		if err != nil {
			return err
		}
		return c.SendString(fmt.Sprintf("order %s (version %d)", id, id.Version()))
	}
	r := urls.MustCompile([]urls.Pattern{
		urls.Path("orders/<uuid:id>/", order, urls.Name("order")),
	})
	app := fiber.New()
	r.Mount(app)
	get(app, "/orders/6ba7b810-9dad-11d1-80b4-00c04fd430c8/")
	get(app, "/orders/6BA7B810-9DAD-11D1-80B4-00C04FD430C8/")
	// Output:
	// 200  order 6ba7b810-9dad-11d1-80b4-00c04fd430c8 (version 1)
	// 404  (Fiber's 404 page)
}

// Namespaces nest with Include: a name inside them is reversed as
// "outer:inner:name", outermost first.
func ExampleResolver_Reverse_nestedNamespace() {
	r := urls.MustCompile([]urls.Pattern{
		urls.Include("api/", []urls.Pattern{
			urls.Include("v1/", []urls.Pattern{
				urls.Path("users/<int:id>/", home, urls.Name("user")),
			}, urls.Namespace("v1")),
		}, urls.Namespace("api")),
	})

	fmt.Println(r.Reverse("api:v1:user", 7))
	_, err := r.Reverse("v1:user", 7) // the outer namespace is required
	fmt.Println(err != nil)
	m, _ := r.Resolve("/api/v1/users/7/")
	fmt.Println(m.ViewName, m.Namespaces)
	// Output:
	// /api/v1/users/7/ <nil>
	// true
	// api:v1:user [api v1]
}

// Resolver.Resolve matches a path outside a request, like Django's
// resolve(): the path is one Resolver.Reverse returns, from the table's root.
func ExampleResolver_Resolve() {
	r := urls.MustCompile(table)

	m, ok := r.Resolve("/articles/2024/hello-world/?page=2")
	fmt.Println(ok, m.ViewName, m.Route, m.Kwargs)
	m, ok = r.Resolve("/accounts/7/")
	fmt.Println(ok, m.ViewName, m.Namespace, m.Name, m.Kwargs)
	_, ok = r.Resolve("/articles/abc/")
	fmt.Println(ok)
	// Output:
	// true article articles/<int:year>/<slug:slug>/ map[slug:hello-world year:2024]
	// true accounts:profile accounts profile map[id:7]
	// false
}

// Mounting a table on a group does not change the table: its own Reverse is
// from the table's root, as Django's reverse() is outside a request, while
// Reverse(c, ...) puts in front the prefix of the mount serving the request.
// A table whose every URL should carry the prefix has it in the table.
func ExampleResolver_Mount() {
	where := func(c *fiber.Ctx) error {
		u, err := urls.Reverse(c, "where")
		if err != nil {
			return err
		}
		return c.SendString(u)
	}
	r := urls.MustCompile([]urls.Pattern{urls.Path("where/", where, urls.Name("where"))})
	app := fiber.New()
	r.Mount(app.Group("/blog"))
	r.Mount(app.Group("/news"))

	fmt.Println(r.Reverse("where"))
	get(app, "/blog/where/")
	get(app, "/news/where/")

	prefixed := urls.MustCompile([]urls.Pattern{
		urls.Include("blog/", []urls.Pattern{urls.Path("where/", where, urls.Name("where"))}),
	})
	prefixed.Mount(app)
	fmt.Println(prefixed.Reverse("where"))
	// Output:
	// /where/ <nil>
	// 200  /blog/where/
	// 200  /news/where/
	// /blog/where/ <nil>
}
