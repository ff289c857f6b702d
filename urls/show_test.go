package urls

import (
	"errors"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func plainHandler(c *fiber.Ctx) error { return nil }

// wrapHandler is a decorator: what it returns is a closure written here.
func wrapHandler(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error { return h(c) }
}

type handlerType struct{}

func (*handlerType) serve(c *fiber.Ctx) error { return nil }

func genericHandler[T any](c *fiber.Ctx) error { return nil }

// TestWriteTableHandlers: the HANDLER column a reader of the table sees.
func TestWriteTableHandlers(t *testing.T) {
	nested := func() fiber.Handler { return func(c *fiber.Ctx) error { return nil } }()
	for _, tc := range []struct {
		name string
		p    Pattern
		want string
	}{
		{"function", Path("x/", plainHandler), "urls.plainHandler"},
		{"closure of a decorator", Path("x/", wrapHandler(plainHandler)), "urls.wrapHandler"},
		{"closure in a closure", Path("x/", nested), "urls.TestWriteTableHandlers"},
		{"method value", Path("x/", (&handlerType{}).serve), "urls.(*handlerType).serve"},
		{"generic function", Path("x/", genericHandler[int]), "urls.genericHandler[...]"},
		{"ViewName", Path("x/", wrapHandler(plainHandler), ViewName("*main.View")), "*main.View"},
		{"empty ViewName", Path("x/", plainHandler, ViewName("")), "urls.plainHandler"},
		{"ViewName of a named pattern", Path("x/", plainHandler, Name("x"), ViewName("pages.X")), "pages.X"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustCompile(t, []Pattern{tc.p})
			var b strings.Builder
			if err := r.WriteTable(&b); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(b.String()), "\n")
			if f := strings.Fields(lines[len(lines)-1]); len(lines) != 2 || len(f) != 3 || f[0] != "/x/" || f[2] != tc.want {
				t.Fatalf("table:\n%s\nwant the route /x/ listed with handler %q", b.String(), tc.want)
			}
			if m, ok := r.Resolve("/x/"); !ok || m.Name == "" && m.ViewName != tc.want {
				t.Fatalf("Resolve(/x/) = %+v, %v; an unnamed pattern's ViewName is %q", m, ok, tc.want)
			}
		})
	}
}

type failingWriter struct{}

var errWrite = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteTableWriteError(t *testing.T) {
	if err := mustCompile(t, []Pattern{Path("x/", plainHandler)}).WriteTable(failingWriter{}); !errors.Is(err, errWrite) {
		t.Fatalf("WriteTable = %v, want the writer's error", err)
	}
}
