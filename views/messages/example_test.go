package messages_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
)

// A handler adds a message and redirects; the next page shows it, once.
// views.Render gives templates the same messages as "messages".
func Example() {
	page := `{{ range .messages }}<p class="message {{ .Tags }}">{{ . }}</p>{{ end }}`
	engine := templates.Must(templates.New(templates.Config{FS: fstest.MapFS{"page.html": {Data: []byte(page)}}}))
	app := fiber.New(fiber.Config{Views: engine})
	app.Use(messages.Setup(messages.Config{Secret: []byte("32 random bytes from the config!")}))
	app.Post("/save", func(c *fiber.Ctx) error {
		messages.Success(c, "Saved.")
		messages.Add(c, messages.LevelWarning, "Check the <date>.", "date")
		return c.Redirect("/next", fiber.StatusFound)
	})
	app.Get("/next", func(c *fiber.Ctx) error {
		return views.Render(c, fiber.StatusOK, "page.html", nil)
	})

	saved, _ := app.Test(httptest.NewRequest("POST", "/save", nil))
	cookie := saved.Header.Get("Set-Cookie")
	cookie, _, _ = strings.Cut(cookie, ";")
	for range 2 {
		req := httptest.NewRequest("GET", "/next", nil)
		req.Header.Set("Cookie", cookie)
		resp, _ := app.Test(req)
		body, _ := io.ReadAll(resp.Body)
		fmt.Printf("%q\n", body)
		cookie = "" // the browser drops the expired cookie
	}
	// Output:
	// "<p class=\"message success\">Saved.</p><p class=\"message date warning\">Check the &lt;date&gt;.</p>"
	// ""
}
