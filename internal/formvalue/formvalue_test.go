package formvalue_test

import (
	"testing"

	"github.com/fiberviews/fiberviews/internal/formvalue"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

func TestPost(t *testing.T) {
	cases := []struct {
		name, target, ctype, body, want string
	}{
		{"urlencoded", "/", "application/x-www-form-urlencoded", "a=1&b=2", "1"},
		{"media type parameters", "/", "application/x-www-form-urlencoded; charset=utf-8", "a=1", "1"},
		{"multipart", "/", "multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--X--\r\n", "1"},
		{"broken multipart", "/", "multipart/form-data; boundary=X", "--X\r\nnonsense", ""},
		{"absent", "/", "application/x-www-form-urlencoded", "b=2", ""},
		{"query string only", "/?a=1", "application/x-www-form-urlencoded", "", ""},
		{"a type that only starts like a form", "/", "application/x-www-form-urlencodedXYZ", "a=1", ""},
		{"JSON", "/", "application/json", `{"a":"1"}`, ""},
	}
	app := fiber.New()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ctx fasthttp.RequestCtx
			ctx.Request.Header.SetMethod("POST")
			ctx.Request.SetRequestURI(tc.target)
			ctx.Request.Header.SetContentType(tc.ctype)
			ctx.Request.SetBodyString(tc.body)
			c := app.AcquireCtx(&ctx)
			defer app.ReleaseCtx(c)
			if got := formvalue.Post(c, "a"); got != tc.want {
				t.Fatalf("Post(a) = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestAllIsACopy checks that All returns every body field, never the query
// string's, and that changing what it returns leaves the request's form as it
// was (Fiber keeps the parsed multipart form for the rest of the request).
func TestAllIsACopy(t *testing.T) {
	cases := []struct{ name, ctype, body string }{
		{"urlencoded", "application/x-www-form-urlencoded", "a=1&a=2&b=3"},
		{"multipart", "multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" +
			"--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n--X\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n3\r\n--X--\r\n"},
	}
	app := fiber.New()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ctx fasthttp.RequestCtx
			ctx.Request.Header.SetMethod("POST")
			ctx.Request.SetRequestURI("/?q=1")
			ctx.Request.Header.SetContentType(tc.ctype)
			ctx.Request.SetBodyString(tc.body)
			c := app.AcquireCtx(&ctx)
			defer app.ReleaseCtx(c)
			all := formvalue.All(c)
			if len(all["a"]) != 2 || all.Get("b") != "3" || all.Has("q") {
				t.Fatalf("All = %v, want a twice and b, no q", all)
			}
			delete(all, "a")
			if got := formvalue.Post(c, "a"); got != "1" {
				t.Errorf("after changing All's result, Post(a) = %q, want 1", got)
			}
		})
	}
}
