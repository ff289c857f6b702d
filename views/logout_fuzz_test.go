package views_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/internal/fiberversion"
	"github.com/fiberviews/fiberviews/internal/offsite"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Flags of FuzzLogoutView: what the request carries besides the fuzzed
// strings.
const (
	logoutFuzzLoggedIn    = 1 << iota // a real session, logged in just before
	logoutFuzzCSRFCookie              // the CSRF secret cookie
	logoutFuzzFormToken               // a valid token in the form body
	logoutFuzzHeaderToken             // a valid token in X-CSRFToken
	logoutFuzzNextForm                // next, escaped, in the form body
	logoutFuzzNextQuery               // next, escaped, in the query string
	logoutFuzzNextRaw                 // next, unescaped, in the form body
	logoutFuzzAbsolute                // an absolute-form request target (http://host/path)
)

// logoutFuzzVariants are the LogoutViews the fuzzer reaches, by path.
var logoutFuzzVariants = []struct {
	path    string
	view    bool     // the path is a LogoutView's own (not a redirect to it, not a 404)
	allowed []string // SuccessURLAllowedHosts
}{
	{path: "/logout/", view: true},      // no next page: renders logged_out.html
	{path: "/logout/next/", view: true}, // NextPage "home" (a route name)
	{path: "/logout/allowed/", view: true, allowed: []string{"trusted.example", "trusted.example:8443"}},
	{path: "/logout/all/", view: true},        // AllSessions, ClearSiteData
	{path: "/logout"},                         // no trailing slash
	{path: "/logout/next/%2F%2Fevil.example"}, // not a route
}

// FuzzLogoutView drives the whole request path of LogoutView — bytes parsed
// by fasthttp, the session middleware on a SQLite file, views.Setup, the url
// table, CSRF, dispatch, the view and its rendering — with fuzzed method,
// Host, Origin, Sec-Fetch-Site, HX-Request, Accept, Content-Type, cookies,
// form body, next and query string, as an anonymous visitor or a user logged
// in a moment before, with or without a valid CSRF cookie and token.
//
// Properties:
//   - never a 5xx;
//   - never a Location, HX-Redirect, Refresh or JSON "redirect" that a browser
//     would follow to a host other than the request's (or the view's
//     SuccessURLAllowedHosts);
//   - a logged-in session is logged out only by a 2xx/3xx answer to a POST
//     carrying the CSRF cookie and a valid token, and a 2xx/3xx answer to a
//     POST always logs it out; any 4xx leaves it logged in.
func FuzzLogoutView(f *testing.F) {
	type logoutNext struct {
		views.LogoutView
	}
	patterns := []urls.Pattern{
		urls.Path("home/", func(c *fiber.Ctx) error { return c.SendString("home") }, urls.Name("home")),
		urls.Path("login/", func(c *fiber.Ctx) error { return c.SendString("login") }, urls.Name("login")),
		views.Path("logout/", &views.LogoutView{}, urls.Name("logout")),
		views.Path("logout/next/", &logoutNext{views.LogoutView{NextPage: "home"}}, urls.Name("logout-next")),
		views.Path("logout/allowed/", &views.LogoutView{
			NextPage: "/done/", SuccessURLAllowedHosts: logoutFuzzVariants[2].allowed,
		}, urls.Name("logout-allowed")),
		views.Path("logout/all/", &views.LogoutView{
			AllSessions: true, ClearSiteData: []string{"cache", "cookies"},
		}, urls.Name("logout-all")),
	}
	app := newApp(f, appOptions{sessions: true, patterns: patterns, cfg: views.Config{
		LoginURL: "login",
		CSRF:     security.CSRFConfig{TrustedOrigins: []string{"https://trusted.example"}},
	}})
	fz := &logoutFuzzer{handler: app.Handler()}

	// One CSRF secret for every run: logging in or out does not rotate it.
	r := fz.serve(fz.raw("GET", "/_token", "example.com", nil, "", ""))
	fz.token = string(r.Body())
	fz.secret = logoutFuzzSetCookie(r, security.DefaultCSRFCookieName)
	if r.StatusCode() != 200 || fz.secret == "" || fz.token == "" {
		f.Fatalf("/_token: %d %q, cookie %q", r.StatusCode(), r.Body(), fz.secret)
	}

	all := uint8(logoutFuzzLoggedIn | logoutFuzzCSRFCookie | logoutFuzzFormToken)
	form := "application/x-www-form-urlencoded"
	f.Add("POST", "example.com", "", "", "", "", form, "", "", "", "", uint8(0), all)
	f.Add("POST", "example.com", "", "", "", "", form, "", "", "https://evil.example/", "", uint8(1), all|logoutFuzzNextForm)
	f.Add("POST", "example.com", "", "", "", "", form, "", "", "//evil.example", "", uint8(0), all|logoutFuzzNextQuery)
	f.Add("POST", "example.com", "", "", "true", "", form, "", "", `/\evil.example`, "", uint8(0), all|logoutFuzzNextForm)
	f.Add("POST", "example.com", "", "", "", "application/json", form, "", "", "http://evil.example", "", uint8(3), all|logoutFuzzNextForm)
	f.Add("POST", "example.com", "https://evil.example", "", "", "", form, "", "", "", "", uint8(0), all)
	f.Add("POST", "example.com", "", "cross-site", "", "", form, "", "", "", "", uint8(1), all)
	f.Add("GET", "example.com", "", "", "", "", "", "", "", "/home/", "", uint8(0), all|logoutFuzzNextQuery)
	f.Add("OPTIONS", "example.com", "", "", "", "", "", "", "", "", "", uint8(0), all)
	f.Add("POST", "example.com", "", "", "", "", "", "", "", "", "", uint8(0), all&^logoutFuzzFormToken|logoutFuzzHeaderToken)
	f.Add("POST", "example.com", "", "", "", "", form, "sessionid=x; csrftoken=y", "a=%ff&next=%", "", "x=\x00", uint8(2), all)
	f.Add("POST", "trusted.example:8443", "", "same-origin", "", "", form, "", "", "https://trusted.example:8443/x", "", uint8(2), all|logoutFuzzNextForm)
	f.Add("POST", "example.com", "", "", "", "", form, "", "", "http://evil.example/", "", uint8(1), all|logoutFuzzNextRaw|logoutFuzzAbsolute)
	f.Add("POST", "example.com", "", "", "", "", "multipart/form-data; boundary=x", "", "--x\r\nContent-Disposition: form-data; name=\"next\"\r\n\r\n//evil.example\r\n--x--\r\n", "", "", uint8(0), all&^logoutFuzzFormToken|logoutFuzzHeaderToken)
	f.Add("POST", "example.com", "", "", "", "", form, "", "", "\t//evil.example", "", uint8(4), all|logoutFuzzNextForm)
	f.Add("POST", "example.com", "", "", "", "", form, "", "", "", "", uint8(5), all)
	f.Add("DELETE", "", "null", "none", "true", "*/*", "text/plain", strings.Repeat("a=b; ", 50), "\xff\xfe", "\x00", "%zz", uint8(3), uint8(0xff))

	f.Fuzz(func(t *testing.T, method, host, origin, fetchSite, hx, accept, ctype, cookie, body, next, query string, variant, flags uint8) {
		fz.run(t, logoutFuzzInput{method, host, origin, fetchSite, hx, accept, ctype, cookie, body, next, query, variant, flags})
	})
}

// logoutFuzzInput is one fuzzed request.
type logoutFuzzInput struct {
	method, host, origin, fetchSite, hx, accept, ctype, cookie, body, next, query string
	variant, flags                                                                uint8
}

func (in logoutFuzzInput) has(flag int) bool { return int(in.flags)&flag != 0 }

// logoutFuzzer sends raw requests to the app's fasthttp handler.
type logoutFuzzer struct {
	handler       fasthttp.RequestHandler
	secret, token string
	users         int
}

// raw writes an HTTP/1.1 request: header values lose CR and LF (this
// fuzzes the app, not fasthttp's header parser).
func (fz *logoutFuzzer) raw(method, target, host string, headers []string, cookie, body string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, logoutFuzzHeaderValue(host))
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] != "" {
			fmt.Fprintf(&b, "%s: %s\r\n", headers[i], logoutFuzzHeaderValue(headers[i+1]))
		}
	}
	if cookie != "" {
		fmt.Fprintf(&b, "Cookie: %s\r\n", logoutFuzzHeaderValue(cookie))
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return b.Bytes()
}

func logoutFuzzHeaderValue(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// logoutFuzzTarget makes a fuzzed string usable in a request line.
func logoutFuzzTarget(s string) string {
	return strings.NewReplacer(" ", "%20", "\r", "%0D", "\n", "%0A").Replace(s)
}

// parse reads raw as fasthttp would from a connection; nil when fasthttp
// refuses it (nothing of ours would run).
func (fz *logoutFuzzer) parse(raw []byte) *fasthttp.Request {
	req := new(fasthttp.Request)
	if err := req.Read(bufio.NewReader(bytes.NewReader(raw))); err != nil {
		return nil
	}
	return req
}

// serve runs a parsed request through the app.
func (fz *logoutFuzzer) serveRequest(req *fasthttp.Request) *fasthttp.Response {
	var ctx fasthttp.RequestCtx
	ctx.Init(req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	fz.handler(&ctx)
	resp := new(fasthttp.Response)
	ctx.Response.CopyTo(resp)
	return resp
}

func (fz *logoutFuzzer) serve(raw []byte) *fasthttp.Response {
	req := fz.parse(raw)
	if req == nil {
		panic(fmt.Sprintf("unparseable helper request %q", raw))
	}
	return fz.serveRequest(req)
}

// logoutFuzzSetCookie is the value of the named cookie the response sets.
func logoutFuzzSetCookie(r *fasthttp.Response, name string) string {
	var c fasthttp.Cookie
	c.SetKey(name)
	if !r.Header.Cookie(&c) {
		return ""
	}
	return string(c.Value())
}

// whoami is the user id of the session key ("" when anonymous).
func (fz *logoutFuzzer) whoami(key string) string {
	r := fz.serve(fz.raw("GET", "/_whoami", "example.com", nil, "sessionid="+key, ""))
	return strings.TrimPrefix(string(r.Body()), "user=")
}

func (fz *logoutFuzzer) run(t *testing.T, in logoutFuzzInput) {
	v := logoutFuzzVariants[int(in.variant)%len(logoutFuzzVariants)]
	method := strings.NewReplacer(" ", "", "\r", "", "\n", "", "\t", "").Replace(in.method)
	if method == "" {
		method = "POST"
	}

	// The visitor: maybe logged in a moment ago, as a user of its own.
	var key, user string
	if in.has(logoutFuzzLoggedIn) {
		fz.users++
		user = "u" + strconv.Itoa(fz.users)
		r := fz.serve(fz.raw("POST", "/_login/"+user, "example.com", nil, "", ""))
		key = logoutFuzzSetCookie(r, "sessionid")
		if r.StatusCode() != 200 || key == "" {
			t.Fatalf("login: %d %q", r.StatusCode(), r.Body())
		}
	}
	var cookies []string
	if in.has(logoutFuzzCSRFCookie) {
		cookies = append(cookies, security.DefaultCSRFCookieName+"="+fz.secret)
	}
	if key != "" {
		cookies = append(cookies, "sessionid="+key)
	}
	if in.cookie != "" {
		cookies = append(cookies, in.cookie)
	}

	body := in.body
	addField := func(f string) {
		if body != "" {
			body += "&"
		}
		body += f
	}
	if in.has(logoutFuzzFormToken) {
		addField(security.CSRFFieldName + "=" + fz.token)
	}
	if in.has(logoutFuzzNextForm) {
		addField("next=" + url.QueryEscape(in.next))
	}
	if in.has(logoutFuzzNextRaw) {
		addField("next=" + in.next)
	}
	query := in.query
	if in.has(logoutFuzzNextQuery) {
		if query != "" {
			query += "&"
		}
		query += "next=" + url.QueryEscape(in.next)
	}
	target := v.path
	if query != "" {
		target += "?" + query
	}
	target = logoutFuzzTarget(target)
	if in.has(logoutFuzzAbsolute) {
		target = "http://" + logoutFuzzTarget(in.host) + target
	}
	var headers []string
	if in.has(logoutFuzzHeaderToken) {
		headers = append(headers, security.DefaultCSRFHeaderName, fz.token)
	}
	headers = append(headers, "Origin", in.origin, "Sec-Fetch-Site", in.fetchSite, "HX-Request", in.hx,
		"Accept", in.accept, "Content-Type", in.ctype)
	raw := fz.raw(method, target, in.host, headers, strings.Join(cookies, "; "), body)

	req := fz.parse(raw)
	if req == nil {
		if key != "" {
			fz.serve(fz.raw("POST", "/_logout", "example.com", nil, "sessionid="+key, ""))
		}
		return // fasthttp refuses it: nothing of ours runs
	}
	reqHost := string(req.Host())
	resp := fz.serveRequest(req)
	status := resp.StatusCode()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s\n\nrequest:\n%q\nresponse: %d\n%s\n%.600s", fmt.Sprintf(format, args...), raw, status, resp.Header.String(), resp.Body())
	}
	if status >= 500 && !(status == fiber.StatusNotImplemented && fiberversion.Major >= 3) { // v3: an unknown method ("post")
		fail("a %d", status)
	}

	hosts := append([]string{reqHost}, v.allowed...)
	for _, name := range []string{"Location", "HX-Redirect", "HX-Location", "Refresh"} {
		to := string(resp.Header.Peek(name))
		if name == "Refresh" {
			_, to, _ = strings.Cut(to, "url=")
		}
		if !offsite.StaysOn(to, hosts...) {
			fail("%s %q leads off the request's host %q", name, to, reqHost)
		}
	}
	if bytes.HasPrefix(resp.Header.ContentType(), []byte("application/json")) {
		var m map[string]any
		if err := json.Unmarshal(resp.Body(), &m); err != nil {
			fail("a JSON answer that does not parse: %v", err)
		}
		if to, _ := m["redirect"].(string); !offsite.StaysOn(to, hosts...) {
			fail("JSON redirect %q leads off the request's host %q", to, reqHost)
		}
	}

	if key == "" {
		return
	}
	// Login state: only when the session cookie the request carried is the
	// one logged in (the fuzzed cookies may name another sessionid first).
	parsedKey := string(req.Header.Cookie("sessionid"))
	after := fz.whoami(key)
	if parsedKey == key {
		csrfOK := in.has(logoutFuzzCSRFCookie) && (in.has(logoutFuzzFormToken) || in.has(logoutFuzzHeaderToken))
		loggedOut := after == ""
		switch {
		case loggedOut && !(status < 400 && string(req.Header.Method()) == "POST"):
			fail("logged out by a %d answer to %q", status, req.Header.Method())
		case loggedOut && !csrfOK && !strings.Contains(in.cookie, security.DefaultCSRFCookieName):
			fail("logged out without a valid CSRF token")
		case !loggedOut && status < 400 && string(req.Header.Method()) == "POST" && v.view:
			fail("a %d answer to a POST left the session logged in as %q", status, after)
		}
	}
	if after != "" {
		fz.serve(fz.raw("POST", "/_logout", "example.com", nil, "sessionid="+key, ""))
	}
}
