package urls

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// request builds a request whose request line carries target exactly as
// written (percent escapes, odd bytes and all).
func request(method, target string) *http.Request {
	r := httptest.NewRequest(method, "/", nil)
	r.RequestURI = target
	return r
}

type response struct {
	status int
	body   string
	header http.Header
}

func do(t testing.TB, app *fiber.App, method, target string) response {
	t.Helper()
	resp, err := app.Test(request(method, target), -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, string(b), resp.Header}
}

// describe renders a match as "view k=type(value) ...", keys sorted.
func describe(m *Match) string {
	keys := make([]string, 0, len(m.Kwargs))
	for k := range m.Kwargs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(m.ViewName)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%T(%v)", k, m.Kwargs[k], m.Kwargs[k])
	}
	return b.String()
}

// echo answers with the description of the request's match.
func echo(c *fiber.Ctx) error {
	m, ok := Resolve(c)
	if !ok {
		return c.Status(599).SendString("handler ran without a match")
	}
	return c.SendString(describe(m))
}

func mustCompile(t testing.TB, pats []Pattern, opts ...CompileOption) *Resolver {
	t.Helper()
	r, err := Compile(pats, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
