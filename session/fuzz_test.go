package session

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// FuzzSessionCookie: whatever the session cookie holds, a request gets an answer below 500, and only
// a value shaped like a key is ever looked up in the storage.
func FuzzSessionCookie(f *testing.F) {
	st, cs := newCounted(f, fullSurface)
	m := newManager(f, Config{Storage: st})
	h := newTestApp(m).Handler()
	for _, cookie := range []string{"", "abc", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "\x00\xff;=\"", "a; sessionid=b"} {
		f.Add(cookie)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, target := range []string{"/read", "/inc", "/logout"} {
			var ctx fasthttp.RequestCtx
			ctx.Request.Header.SetMethod("POST")
			if target == "/read" {
				ctx.Request.Header.SetMethod("GET")
			}
			ctx.Request.SetRequestURI(target)
			ctx.Request.Header.Set("Cookie", DefaultCookieName+"="+v)
			cs.reset()
			h(&ctx)
			if code := ctx.Response.StatusCode(); code >= 500 {
				t.Fatalf("%s with cookie %q: status %d %q", target, v, code, ctx.Response.Body())
			}
			raw := ctx.Request.Header.Cookie(DefaultCookieName)
			if !validKey(raw) && cs.n("Get") != 0 {
				t.Fatalf("cookie %q was looked up", v)
			}
		}
	})
}
