package security_test

import (
	"bytes"
	"cmp"
	"mime/multipart"
	"net"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// req describes a request for newCtx.
type req struct {
	method  string
	target  string // default "/"
	host    string // default "example.com"
	cookie  string // the csrftoken cookie, none when ""
	body    string // sent as a urlencoded form unless headers set Content-Type
	headers []string
	remote  string // the peer's address "ip:port", default 0.0.0.0
}

// newCtx returns a Fiber context for r, released when the test ends.
func newCtx(t testing.TB, r req) *fiber.Ctx {
	t.Helper()
	var ctx fasthttp.RequestCtx
	rq := &ctx.Request
	rq.Header.SetMethod(r.method)
	rq.SetRequestURI(cmp.Or(r.target, "/"))
	if r.target == "" || r.target[0] == '/' {
		rq.Header.SetHost(cmp.Or(r.host, "example.com"))
	} else if r.host != "" {
		rq.Header.Set("Host", r.host)
	}
	if r.cookie != "" {
		rq.Header.SetCookie("csrftoken", r.cookie)
	}
	if r.body != "" {
		rq.Header.SetContentType(fiber.MIMEApplicationForm)
		rq.SetBodyString(r.body)
	}
	for i := 0; i+1 < len(r.headers); i += 2 {
		rq.Header.Set(r.headers[i], r.headers[i+1])
	}
	if r.remote != "" {
		a, err := net.ResolveTCPAddr("tcp", r.remote)
		if err != nil {
			t.Fatal(err)
		}
		ctx.SetRemoteAddr(a)
	}
	app := fiber.New()
	c := app.AcquireCtx(&ctx)
	t.Cleanup(func() { app.ReleaseCtx(c) })
	return c
}

// setCookie returns the csrftoken cookie c's response sets, nil if none.
func setCookie(c *fiber.Ctx) *fasthttp.Cookie {
	ck := fasthttp.AcquireCookie()
	ck.SetKey("csrftoken")
	if !c.Response().Header.Cookie(ck) {
		return nil
	}
	return ck
}

// multipartField returns a multipart body holding name=value and its type.
func multipartField(name, value string) (body, ctype string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField(name, value)
	_ = w.Close()
	return b.String(), w.FormDataContentType()
}
