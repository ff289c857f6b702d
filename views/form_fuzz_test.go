package views_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// fuzzForm has a field of every kind the decoder converts.
type fuzzForm struct {
	Name  string    `form:"name" validate:"required,max=50"`
	Age   int       `form:"age" validate:"min=0"`
	Ratio float64   `form:"ratio"`
	Agree bool      `form:"agree"`
	IDs   []uint8   `form:"id" validate:"max=3"`
	Tags  []string  `form:"tag"`
	Pass  string    `form:"pass,secret"`
	Ptr   *int      `form:"ptr"`
	Grid  [2]string `form:"grid"`
}

// FuzzBindForm posts arbitrary urlencoded bodies to BindForm: whatever the
// input (bad escapes, invalid UTF-8, huge or repeated values, bracketed keys,
// unknown fields), it answers with form errors on known fields, never an
// error or a panic. The corpus is in testdata/fuzz/FuzzBindForm.
func FuzzBindForm(f *testing.F) {
	for _, s := range []string{"name=a&age=1", "age=x&ratio=1e999&agree=maybe", "id=1&id=2&id=300", "name=%ff%fe", "grid[7]=x&tag[99999999]=y"} {
		f.Add(s)
	}
	known := map[string]bool{"": true, "name": true, "age": true, "ratio": true, "agree": true, "id": true, "tag": true, "pass": true, "ptr": true, "grid": true}
	app := fiber.New()
	app.Post("/", func(c *fiber.Ctx) error {
		errs, err := views.BindForm(c, &fuzzForm{})
		if err != nil {
			return c.Status(500).SendString(err.Error())
		}
		for k := range errs {
			if !known[k] {
				return c.Status(500).SendString("error on an unknown field " + k)
			}
		}
		return c.SendString("ok")
	})
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", fiber.MIMEApplicationForm)
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("body %q: %d %s", body, resp.StatusCode, b)
		}
	})
}
