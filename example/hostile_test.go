package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/fiberviews/fiberviews/internal/fiberversion"
	"github.com/fiberviews/fiberviews/internal/offsite"
	"github.com/fiberviews/fiberviews/views/security"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHostileInput sends hostile requests to every route of the example's
// url table, as an anonymous visitor (with a CSRF cookie) and as a logged-in
// user, over raw TCP so that bytes net/http refuses to send get through:
// oversized and malformed cookies, invalid UTF-8 and control characters in
// paths, query strings and form fields, an enormous next, wrong content
// types, missing and forged CSRF tokens, cross-origin headers, methods the
// route does not allow, a foreign Host.
//
// Every answer must be a 4xx or the route's normal page (a status and
// <title> that a clean request of the same method gets), never a 5xx, never
// a redirect (Location, HX-Redirect or a JSON "redirect") to another host,
// never a header injected through the request; and the users and sessions
// tables must be byte for byte unchanged unless the request was a legitimate
// login or logout (a same-origin POST with a valid token).
func TestHostileInput(t *testing.T) {
	s, base := startSite(t)
	h := &hostileEnv{t: t, site: s, addr: strings.TrimPrefix(base, "http://")}
	h.host = h.addr

	routes := hostileRoutes(t, s)
	if len(routes) < 5 {
		t.Fatalf("the url table lists %d routes: %v", len(routes), routes)
	}
	for _, r := range routes {
		t.Run(r.name+"="+r.path, func(t *testing.T) {
			for _, ident := range []string{"anonymous", "user"} {
				t.Run(ident, func(t *testing.T) {
					h.t = t
					id := h.identity(ident)
					// A hostile request may lose the visitor's session: an
					// anonymous visitor's answers are normal pages too.
					normal := h.normalAnswers(r, "anonymous")
					if ident == "user" {
						for m, as := range h.normalAnswers(r, "user") {
							for a := range as {
								if normal[m] == nil {
									normal[m] = map[hostileAnswer]bool{}
								}
								normal[m][a] = true
							}
						}
					}
					for _, tc := range hostileCases {
						if hostileAnonymousOnly[tc.name] && ident != "anonymous" {
							continue
						}
						t.Run(tc.name, func(t *testing.T) {
							h.t = t
							id = h.ensure(id)
							req := tc.build(&hostileCtx{h: h, r: r, id: id})
							before := h.snapshot()
							got, err := h.send(req)
							if err != nil {
								t.Fatalf("%s: %v", req.describe(), err)
							}
							t.Logf("%d %.100s", got.status, got.header.Get("Location"))
							h.check(req, got, r, normal)
							after := h.snapshot()
							if before != after {
								legit := req.legit && ((r.kind == "logout" && ident == "user") || (r.kind == "login" && req.creds))
								if !legit {
									t.Errorf("%s changed the database (answer %d):\n%s", req.describe(), got.status, hostileDiff(before, after))
								}
								id = hostileIdentity{kind: id.kind} // a new visitor for the next case
							}
						})
					}
				})
			}
		})
	}
}

// hostileRoute is a route of the url table, with a concrete path.
type hostileRoute struct {
	path string // "/accounts/login/"
	name string // "accounts:login", "-" for unnamed
	kind string // "login", "logout" or "" (routes that log nobody in or out)
}

var hostileParamRe = regexp.MustCompile(`<(?:(\w+):)?\w+>`)

// hostileRoutes reads the url table (WriteTable, as -urls prints it) and
// fills any route parameter with a value of its converter.
func hostileRoutes(t *testing.T, s *site) []hostileRoute {
	t.Helper()
	var buf bytes.Buffer
	if err := s.resolver.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	var routes []hostileRoute
	for i, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 2 {
			continue // the header
		}
		path := hostileParamRe.ReplaceAllStringFunc(f[0], func(p string) string {
			switch hostileParamRe.FindStringSubmatch(p)[1] {
			case "int":
				return "1"
			case "uuid":
				return "123e4567-e89b-12d3-a456-426614174000"
			}
			return "x"
		})
		r := hostileRoute{path: path, name: f[1]}
		switch {
		case strings.Contains(r.name, "logout"):
			r.kind = "logout"
		case r.name == "accounts:login":
			r.kind = "login"
		}
		routes = append(routes, r)
	}
	return routes
}

// hostileEnv is the site under attack.
type hostileEnv struct {
	t    *testing.T
	site *site
	addr string // where to connect
	host string // the Host header of normal requests
}

// hostileIdentity is a visitor: its cookies and a valid CSRF token.
type hostileIdentity struct {
	kind    string // "anonymous" or "user"
	cookies map[string]string
	token   string
}

// identity makes a visitor: an anonymous one with the CSRF cookie a first
// page view gives, or the demo user logged in through the login form.
func (h *hostileEnv) identity(kind string) hostileIdentity {
	h.t.Helper()
	id := hostileIdentity{kind: kind, cookies: map[string]string{}}
	login := h.site.resolver.MustReverse("accounts:login")
	get := func() {
		r := h.mustSend(hostileReq{method: "GET", target: login, cookie: id.cookieHeader()})
		id.absorb(r)
		id.token = hostileToken(r.body)
		if id.token == "" || id.cookies["csrftoken"] == "" {
			h.t.Fatalf("the login page gave no CSRF token or cookie: %d %v\n%s", r.status, r.header, r.body)
		}
	}
	get()
	if kind == "user" {
		r := h.mustSend(hostileReq{method: "POST", target: login, cookie: id.cookieHeader(),
			ctype: "application/x-www-form-urlencoded",
			body:  url.Values{"username": {"demo"}, "password": {"demo"}, "csrfmiddlewaretoken": {id.token}}.Encode()})
		id.absorb(r)
		if r.status != http.StatusFound || id.cookies["sessionid"] == "" {
			h.t.Fatalf("login as demo: %d %v", r.status, r.header)
		}
		get() // the token of the rotated secret
		if h.site.resolver.HasName("accounts:sessions") {
			// Listing the sessions verifies the user's index (and rewrites it
			// once after a login): do it now, so that a hostile request that
			// only reads the list has nothing left to write.
			r := h.mustSend(hostileReq{method: "GET", target: h.site.resolver.MustReverse("accounts:sessions"), cookie: id.cookieHeader()})
			if r.status != http.StatusOK {
				h.t.Fatalf("the sessions page of a logged-in user: %d", r.status)
			}
		}
	}
	return id
}

// ensure returns id, or a new identity of its kind after a case reset it.
func (h *hostileEnv) ensure(id hostileIdentity) hostileIdentity {
	if id.cookies != nil {
		return id
	}
	return h.identity(id.kind)
}

func (id *hostileIdentity) absorb(r hostileResp) {
	for _, line := range r.header.Values("Set-Cookie") {
		ck, err := http.ParseSetCookie(line)
		if err != nil {
			continue
		}
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(id.cookies, ck.Name)
		} else {
			id.cookies[ck.Name] = ck.Value
		}
	}
}

// cookieHeader is the Cookie header of the identity, with overrides
// (name=value pairs; an empty value drops the cookie).
func (id hostileIdentity) cookieHeader(override ...string) string {
	m := map[string]string{}
	for k, v := range id.cookies {
		m[k] = v
	}
	for i := 0; i+1 < len(override); i += 2 {
		if override[i+1] == "" {
			delete(m, override[i])
		} else {
			m[override[i]] = override[i+1]
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, "; ")
}

// hostileAnswer is the signature of a normal answer: status and title.
type hostileAnswer struct {
	status int
	title  string
}

// hostileMethods are the methods whose clean answers are normal: every
// method the cases send.
var hostileMethods = []string{"GET", "HEAD", "OPTIONS", "TRACE", "CONNECT", "POST", "PUT", "PATCH", "DELETE", "PROPFIND"}

// normalAnswers are the answers clean requests get from the route as this
// kind of visitor: every method of hostileMethods (with a valid token), and
// POSTs of an empty form, the login form, htmx and JSON.
func (h *hostileEnv) normalAnswers(r hostileRoute, kind string) map[string]map[hostileAnswer]bool {
	h.t.Helper()
	normal := map[string]map[hostileAnswer]bool{}
	id := h.identity(kind)
	add := func(req hostileReq) {
		req.cookie = id.cookieHeader()
		if req.method != "GET" && req.method != "HEAD" {
			req.ctype = "application/x-www-form-urlencoded"
			req.body += "&csrfmiddlewaretoken=" + id.token
		}
		req.target = r.path
		before := h.snapshot()
		got := h.mustSend(req)
		if got.status >= 500 && !(got.status == http.StatusNotImplemented && fiberversion.Major >= 3) { // v3: PROPFIND
			h.t.Errorf("clean %s %s as %s: %d\n%s", req.method, r.path, kind, got.status, got.body)
		}
		if normal[req.method] == nil {
			normal[req.method] = map[hostileAnswer]bool{}
		}
		normal[req.method][hostileAnswer{got.status, hostileTitle(got.body)}] = true
		if h.snapshot() != before {
			id = h.identity(kind) // it logged in or out: a new visitor for the next one
		}
	}
	for _, m := range hostileMethods {
		add(hostileReq{method: m})
	}
	add(hostileReq{method: "POST", body: "username=demo&password=demo"})
	add(hostileReq{method: "POST", body: "username=demo&password=wrong"})
	add(hostileReq{method: "POST", headers: []string{"HX-Request: true"}})
	add(hostileReq{method: "POST", headers: []string{"Accept: application/json"}})
	return normal
}

// check applies the properties every answer must have.
func (h *hostileEnv) check(req hostileReq, got hostileResp, r hostileRoute, normal map[string]map[hostileAnswer]bool) {
	t := h.t
	t.Helper()
	what := req.describe()
	if got.status == http.StatusNotImplemented && fiberversion.Major >= 3 {
		return // Fiber v3's own answer to an unknown method (v2: 400)
	}
	if got.status >= 500 {
		t.Errorf("%s: %d\n%.400s", what, got.status, got.body)
		return
	}
	host := req.host
	if host == "" {
		host = h.host
	}
	if req.authority != "" {
		host = req.authority
	}
	for _, name := range []string{"Location", "HX-Redirect", "HX-Location", "Refresh"} {
		for _, v := range got.header.Values(name) {
			if name == "Refresh" {
				_, v, _ = strings.Cut(v, "url=")
			}
			if !offsite.StaysOn(v, host) {
				t.Errorf("%s: %d with %s %q: a redirect off the site (Host %q)", what, got.status, name, v, host)
			}
		}
	}
	if strings.HasPrefix(got.header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if err := json.Unmarshal([]byte(got.body), &m); err == nil {
			if to, ok := m["redirect"].(string); ok && !offsite.StaysOn(to, host) {
				t.Errorf("%s: JSON redirect %q: off the site", what, to)
			}
		}
	}
	if got.header.Get("X-Injected") != "" {
		t.Errorf("%s: the request injected a response header X-Injected", what)
	}
	for _, ck := range got.header.Values("Set-Cookie") {
		if strings.Contains(strings.ToLower(ck), "injected") {
			t.Errorf("%s: the request injected a cookie: %q", what, ck)
		}
	}
	if got.status >= 400 {
		return
	}
	// 1xx-3xx: the route's normal page for this method.
	if req.mangled {
		// A path that is not the route's own: only a same-site redirect (APPEND_SLASH) or a normal page of the route.
		if got.status == http.StatusMovedPermanently || got.status == http.StatusPermanentRedirect || got.status == http.StatusFound {
			return
		}
	}
	sig := hostileAnswer{got.status, hostileTitle(got.body)}
	if req.method == "HEAD" {
		sig.title = ""
	}
	if !normal[req.method][sig] {
		t.Errorf("%s: %d %q is neither a 4xx nor a normal answer of %s %s (%v)\n%.400s",
			what, got.status, sig.title, req.method, r.path, normal[req.method], got.body)
	}
}

var hostileTitleRe = regexp.MustCompile(`(?s)<title>(.*?)</title>`)

func hostileTitle(body string) string {
	if m := hostileTitleRe.FindStringSubmatch(body); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

var hostileTokenRe = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"`)

func hostileToken(page string) string {
	if m := hostileTokenRe.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

// snapshot dumps the users and sessions tables.
func (h *hostileEnv) snapshot() string {
	h.t.Helper()
	var b strings.Builder
	for _, table := range []string{"auth_user", h.site.storage.Table()} {
		where := "" // a failed login's throttle count is no change of the site's state
		if table != "auth_user" {
			where = ` WHERE k NOT LIKE '` + security.DefaultThrottleKeyPrefix + `%'`
		}
		rows, err := h.site.storage.DB().Query(`SELECT * FROM ` + table + where + ` ORDER BY 1`)
		if err != nil {
			h.t.Fatalf("reading %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(&b, "table %s %v\n", table, cols)
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				h.t.Fatal(err)
			}
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%q ", fmt.Sprint(v))
			}
			b.WriteString("\n")
		}
		if err := rows.Close(); err != nil {
			h.t.Fatal(err)
		}
	}
	return b.String()
}

func hostileDiff(before, after string) string {
	bl, al := strings.Split(before, "\n"), strings.Split(after, "\n")
	in := func(l string, ls []string) bool {
		for _, x := range ls {
			if x == l {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	for _, l := range bl {
		if !in(l, al) {
			fmt.Fprintf(&b, "- %.300s\n", l)
		}
	}
	for _, l := range al {
		if !in(l, bl) {
			fmt.Fprintf(&b, "+ %.300s\n", l)
		}
	}
	return b.String()
}

// hostileReq is a request written byte for byte.
type hostileReq struct {
	method  string
	target  string   // request-target: path and query, raw bytes
	host    string   // Host header; "" is the server's address
	headers []string // raw "Name: value" lines
	cookie  string   // raw Cookie header value; "" sends none
	ctype   string   // Content-Type; "" sends none
	body    string
	// authority is the request's host when it is not the Host header: an
	// absolute-form target's (RFC 9112 3.2.2: the server ignores Host then).
	authority string
	legit     bool // a well-formed same-origin POST with a valid token: it may log in or out
	creds     bool // carries the demo user's right credentials
	mangled   bool // the path is not the route's own
}

func (r hostileReq) describe() string {
	return fmt.Sprintf("%.20q %.160q (cookie %d bytes, body %d bytes, %q)", r.method, r.target, len(r.cookie), len(r.body), r.ctype)
}

// hostileResp is what came back.
type hostileResp struct {
	status int
	header http.Header
	body   string
}

func (h *hostileEnv) mustSend(req hostileReq) hostileResp {
	h.t.Helper()
	r, err := h.send(req)
	if err != nil {
		h.t.Fatalf("%s: %v", req.describe(), err)
	}
	return r
}

// send writes the request on a new connection and reads the answer. The
// server may answer before it has read everything (413, 431): write errors
// after an answer do not count.
func (h *hostileEnv) send(req hostileReq) (hostileResp, error) {
	conn, err := net.DialTimeout("tcp", h.addr, 5*time.Second)
	if err != nil {
		return hostileResp{}, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	host := req.host
	if host == "" {
		host = h.host
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nUser-Agent: hostile-test\r\n", req.method, req.target, host)
	if req.cookie != "" {
		fmt.Fprintf(&b, "Cookie: %s\r\n", req.cookie)
	}
	if req.ctype != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", req.ctype)
	}
	for _, l := range req.headers {
		b.WriteString(l + "\r\n")
	}
	if req.body != "" || req.method == "POST" || req.method == "PUT" || req.method == "PATCH" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(req.body))
	}
	b.WriteString("\r\n")
	b.WriteString(req.body)
	wrote := make(chan error, 1)
	go func() {
		_, err := conn.Write(b.Bytes())
		wrote <- err
	}()
	method := req.method
	if method != "HEAD" {
		method = "GET" // only HEAD changes how the body is read
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		werr := <-wrote
		return hostileResp{}, fmt.Errorf("no answer: %w (write: %v)", err, werr)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return hostileResp{}, fmt.Errorf("reading the body: %w", err)
	}
	_ = conn.Close()
	<-wrote
	return hostileResp{status: resp.StatusCode, header: resp.Header, body: string(body)}, nil
}

// hostileCtx is what a case builds its request from.
type hostileCtx struct {
	h  *hostileEnv
	r  hostileRoute
	id hostileIdentity
}

// get is a GET of the route with the visitor's cookies and a raw query.
func (c *hostileCtx) get(query string) hostileReq {
	return hostileReq{method: "GET", target: c.r.path + query, cookie: c.id.cookieHeader()}
}

// post is a same-origin form POST of the route with the visitor's cookies
// and valid token, and the given raw urlencoded fields.
func (c *hostileCtx) post(fields string) hostileReq {
	body := "csrfmiddlewaretoken=" + c.id.token
	if fields != "" {
		body += "&" + fields
	}
	return hostileReq{method: "POST", target: c.r.path, cookie: c.id.cookieHeader(),
		ctype: "application/x-www-form-urlencoded", body: body, legit: true}
}

// login is post with the demo user's right credentials.
func (c *hostileCtx) login(fields string) hostileReq {
	req := c.post("username=demo&password=demo&" + fields)
	req.creds = true
	return req
}

func (c *hostileCtx) path(p string) hostileReq {
	return hostileReq{method: "GET", target: p, cookie: c.id.cookieHeader(), mangled: true}
}

func (c *hostileCtx) multipart(fields ...string) hostileReq {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = w.WriteField(fields[i], fields[i+1])
	}
	_ = w.Close()
	return hostileReq{method: "POST", target: c.r.path, cookie: c.id.cookieHeader(),
		ctype: w.FormDataContentType(), body: b.String(), legit: true}
}

// hostileRandomKey is a session key of the right shape that nobody has.
const hostileRandomKey = "abcdefghijklmnopqrstuvwxyz234567"

// Enormous values: within what Fiber reads (the header buffer is 4 KiB per
// header block by default; the body limit 4 MiB) and well past it.
var (
	hostileLongNext = "/" + strings.Repeat("a", 2500)
	hostileHugeNext = "/" + strings.Repeat("%2F", 300000)
	hostileBigNext  = strings.Repeat("/a", 128<<10)   // 256 KiB in a form
	hostileBigBody  = strings.Repeat("x=y&", 1200000) // 4.8 MB
)

type hostileCase struct {
	name  string
	build func(c *hostileCtx) hostileReq
}

// hostileAnonymousOnly are cases refused before any of the site's code runs
// (fasthttp's limits) that cost a lot to send: once per route is enough.
var hostileAnonymousOnly = map[string]bool{"form/body-too-large": true}

var hostileCases = []hostileCase{
	// Cookies.
	{"cookie/none", func(c *hostileCtx) hostileReq { r := c.get(""); r.cookie = ""; return r }},
	{"cookie/oversized-session", func(c *hostileCtx) hostileReq {
		r := c.get("")
		r.cookie = c.id.cookieHeader("sessionid", strings.Repeat("a", 3000))
		return r
	}},
	{"cookie/enormous-header", func(c *hostileCtx) hostileReq {
		r := c.get("")
		r.cookie = c.id.cookieHeader("sessionid", strings.Repeat("b", 70000))
		return r
	}},
	{"cookie/many", func(c *hostileCtx) hostileReq {
		r := c.get("")
		var parts []string
		for i := 0; i < 200; i++ {
			parts = append(parts, "c"+strconv.Itoa(i)+"=x")
		}
		r.cookie = strings.Join(parts, "; ") + "; " + c.id.cookieHeader()
		return r
	}},
	{"cookie/no-equals", func(c *hostileCtx) hostileReq { r := c.get(""); r.cookie = "sessionid; csrftoken"; return r }},
	{"cookie/only-separators", func(c *hostileCtx) hostileReq { r := c.get(""); r.cookie = "=;;; =; ;="; return r }},
	{"cookie/quoted", func(c *hostileCtx) hostileReq {
		r := c.get("")
		r.cookie = c.id.cookieHeader("sessionid", `"`+c.id.cookies["sessionid"]+`"`)
		return r
	}},
	{"cookie/invalid-utf8", func(c *hostileCtx) hostileReq {
		r := c.get("")
		r.cookie = c.id.cookieHeader("sessionid", "\xff\xfe\xc0\xaf", "csrftoken", "\xed\xa0\x80")
		return r
	}},
	{"cookie/control-chars", func(c *hostileCtx) hostileReq {
		r := c.get("")
		r.cookie = c.id.cookieHeader("sessionid", "a\x01b\x7fc\x1b[0m", "csrftoken", "\x00")
		return r
	}},
	{"cookie/unknown-session", func(c *hostileCtx) hostileReq {
		r := c.get("")
		r.cookie = c.id.cookieHeader("sessionid", hostileRandomKey)
		return r
	}},
	{"cookie/session-uppercase", func(c *hostileCtx) hostileReq {
		r := c.get("")
		r.cookie = c.id.cookieHeader("sessionid", strings.ToUpper(c.id.cookies["sessionid"]+"X"))
		return r
	}},
	{"cookie/sql", func(c *hostileCtx) hostileReq {
		r := c.get("")
		r.cookie = c.id.cookieHeader("sessionid", "x' OR '1'='1", "csrftoken", "'; DROP TABLE auth_user; --")
		return r
	}},
	{"cookie/duplicate-unknown-first", func(c *hostileCtx) hostileReq {
		r := c.get("")
		r.cookie = "sessionid=" + hostileRandomKey + "; " + c.id.cookieHeader()
		return r
	}},
	{"cookie/post-malformed-session", func(c *hostileCtx) hostileReq {
		r := c.post("")
		r.cookie = c.id.cookieHeader("sessionid", "\xff"+strings.Repeat("z", 40))
		r.legit = false // the session cookie is not the visitor's
		return r
	}},
	{"cookie/post-unknown-session", func(c *hostileCtx) hostileReq {
		r := c.post("")
		r.cookie = c.id.cookieHeader("sessionid", hostileRandomKey)
		r.legit = false
		return r
	}},
	{"cookie/post-csrf-cookie-malformed", func(c *hostileCtx) hostileReq {
		r := c.post("")
		r.cookie = c.id.cookieHeader("csrftoken", "!!!!"+strings.Repeat("A", 28))
		r.legit = false
		return r
	}},
	{"cookie/post-csrf-cookie-missing", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.cookie = c.id.cookieHeader("csrftoken", "")
		r.legit = false
		return r
	}},

	// Paths.
	{"path/invalid-utf8-raw", func(c *hostileCtx) hostileReq { return c.path(c.r.path + "\xff\xfe") }},
	{"path/invalid-utf8-escaped", func(c *hostileCtx) hostileReq { return c.path(c.r.path + "%ff%c0%af") }},
	{"path/nul", func(c *hostileCtx) hostileReq { return c.path(c.r.path + "%00") }},
	{"path/control-raw", func(c *hostileCtx) hostileReq { return c.path(c.r.path + "a\x01\x1b\x7f") }},
	{"path/tab-raw", func(c *hostileCtx) hostileReq { return c.path(c.r.path + "\tb") }},
	{"path/crlf-escaped", func(c *hostileCtx) hostileReq {
		return c.path(c.r.path + "%0d%0aX-Injected:%201%0d%0aSet-Cookie:%20injected=1")
	}},
	{"path/no-trailing-slash", func(c *hostileCtx) hostileReq { return c.path(strings.TrimSuffix(c.r.path, "/")) }},
	{"path/double-slash-host", func(c *hostileCtx) hostileReq {
		return c.path("//evil.example" + strings.TrimSuffix(c.r.path, "/"))
	}},
	{"path/double-slash-host-slash", func(c *hostileCtx) hostileReq { return c.path("//evil.example" + c.r.path) }},
	{"path/escaped-slash-host", func(c *hostileCtx) hostileReq {
		return c.path("/%2Fevil.example" + strings.TrimSuffix(c.r.path, "/"))
	}},
	{"path/backslash-host", func(c *hostileCtx) hostileReq {
		return c.path(`/\evil.example` + strings.TrimSuffix(c.r.path, "/"))
	}},
	{"path/escaped-backslash-host", func(c *hostileCtx) hostileReq {
		return c.path("/%5Cevil.example" + strings.TrimSuffix(c.r.path, "/"))
	}},
	{"path/tab-host", func(c *hostileCtx) hostileReq {
		return c.path("/%09/evil.example" + strings.TrimSuffix(c.r.path, "/"))
	}},
	{"path/absolute-form", func(c *hostileCtx) hostileReq { return c.path("http://evil.example" + c.r.path) }},
	{"path/absolute-form-next", func(c *hostileCtx) hostileReq {
		r := c.login("next=http%3A%2F%2Fevil.example%2Fx")
		r.target = "http://evil.example" + r.target
		r.authority = "evil.example"
		return r
	}},
	{"path/dot-segments", func(c *hostileCtx) hostileReq { return c.path("/./" + c.r.path + "../" + c.r.path) }},
	{"path/escaped-dot-segments", func(c *hostileCtx) hostileReq { return c.path(c.r.path + "..%2f..%2f..%2fetc%2fpasswd") }},
	{"path/long", func(c *hostileCtx) hostileReq { return c.path(c.r.path + strings.Repeat("p", 3000)) }},
	{"path/enormous", func(c *hostileCtx) hostileReq { return c.path(c.r.path + strings.Repeat("p", 70000)) }},

	// Query strings.
	{"query/invalid-utf8-raw", func(c *hostileCtx) hostileReq { return c.get("?next=\xff\xfe&q=\xc0\xaf") }},
	{"query/invalid-utf8-escaped", func(c *hostileCtx) hostileReq { return c.get("?next=%ff%fe&%c0%af=%ed%a0%80") }},
	{"query/control-raw", func(c *hostileCtx) hostileReq { return c.get("?next=/\x01\x1b&\x7f=\x00") }},
	{"query/control-escaped", func(c *hostileCtx) hostileReq { return c.get("?next=%00/%0d%0aX-Injected:%201&done=%00") }},
	{"query/bad-escapes", func(c *hostileCtx) hostileReq { return c.get("?next=%zz%&%=%%&done=%") }},
	{"query/next-offsite", func(c *hostileCtx) hostileReq { return c.get("?next=https://evil.example/") }},
	{"query/next-scheme-relative", func(c *hostileCtx) hostileReq { return c.get("?next=//evil.example/") }},
	{"query/next-backslash", func(c *hostileCtx) hostileReq { return c.get(`?next=/\evil.example/`) }},
	{"query/next-javascript", func(c *hostileCtx) hostileReq { return c.get("?next=javascript:alert(1)") }},
	{"query/next-long", func(c *hostileCtx) hostileReq { return c.get("?next=" + hostileLongNext) }},
	{"query/next-enormous", func(c *hostileCtx) hostileReq { return c.get("?next=" + hostileHugeNext) }},
	{"query/next-repeated", func(c *hostileCtx) hostileReq { return c.get("?next=/home/&next=//evil.example/") }},
	{"query/done-others", func(c *hostileCtx) hostileReq { return c.get("?done=others&action=everywhere") }},

	// Form fields (same-origin POSTs with a valid token).
	{"form/username-invalid-utf8", func(c *hostileCtx) hostileReq { return c.post("username=%ff%fe&password=demo") }},
	{"form/username-nul", func(c *hostileCtx) hostileReq { return c.post("username=demo%00&password=demo") }},
	{"form/username-control", func(c *hostileCtx) hostileReq {
		return c.post("username=%1b%5b31mdemo%0d%0aX-Injected:%201&password=demo")
	}},
	{"form/password-invalid-utf8", func(c *hostileCtx) hostileReq { return c.post("username=demo&password=%ff") }},
	{"form/username-long", func(c *hostileCtx) hostileReq {
		return c.post("username=" + strings.Repeat("d", 10000) + "&password=demo")
	}},
	{"form/password-huge", func(c *hostileCtx) hostileReq {
		return c.post("username=demo&password=" + strings.Repeat("p", 64<<10))
	}},
	{"form/raw-bytes", func(c *hostileCtx) hostileReq { return c.post("username=\xff\x00\x01&password=\x1b&next=\x7f") }},
	{"form/bad-escapes", func(c *hostileCtx) hostileReq { return c.post("username=%&password=%zz&next=%") }},
	{"form/action-bogus", func(c *hostileCtx) hostileReq { return c.post("action=%ff%00everywhere") }},
	{"form/next-enormous-login", func(c *hostileCtx) hostileReq { return c.login("next=" + hostileBigNext) }},
	{"form/next-enormous", func(c *hostileCtx) hostileReq { return c.post("next=" + hostileBigNext) }},
	{"form/next-offsite", func(c *hostileCtx) hostileReq { return c.login("next=https%3A%2F%2Fevil.example%2F") }},
	{"form/next-scheme-relative", func(c *hostileCtx) hostileReq { return c.login("next=%2F%2Fevil.example") }},
	{"form/next-control", func(c *hostileCtx) hostileReq { return c.login("next=%2F%09%2Fevil.example") }},
	{"form/next-offsite-htmx", func(c *hostileCtx) hostileReq {
		r := c.post("next=%2F%5Cevil.example")
		r.headers = []string{"HX-Request: true"}
		return r
	}},
	{"form/next-offsite-json", func(c *hostileCtx) hostileReq {
		r := c.post("next=https%3A%2F%2Fevil.example%2F")
		r.headers = []string{"Accept: application/json"}
		return r
	}},
	{"form/next-offsite-query", func(c *hostileCtx) hostileReq {
		r := c.post("")
		r.target += "?next=//evil.example/"
		return r
	}},
	{"form/body-too-large", func(c *hostileCtx) hostileReq { r := c.post(hostileBigBody); r.legit = false; return r }},

	// Content types.
	{"ctype/none", func(c *hostileCtx) hostileReq { r := c.login(""); r.ctype = ""; r.legit = false; return r }},
	{"ctype/text-plain", func(c *hostileCtx) hostileReq { r := c.login(""); r.ctype = "text/plain"; r.legit = false; return r }},
	{"ctype/json", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.ctype, r.legit = "application/json", false
		r.body = `{"csrfmiddlewaretoken":"` + c.id.token + `","username":"demo","password":"demo"}`
		return r
	}},
	{"ctype/multipart-no-boundary", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.ctype, r.legit = "multipart/form-data", false
		return r
	}},
	{"ctype/multipart-garbage", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.ctype, r.legit = "multipart/form-data; boundary=XX", false
		r.body = "--XX\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n" + c.id.token + "\r\n--XX\r\n\xff\x00garbage"
		return r
	}},
	{"ctype/multipart-valid", func(c *hostileCtx) hostileReq {
		r := c.multipart("csrfmiddlewaretoken", c.id.token, "username", "demo", "password", "demo", "next", "//evil.example/")
		r.creds = true
		return r
	}},
	{"ctype/form-utf16", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.ctype = "application/x-www-form-urlencoded; charset=utf-16"
		return r
	}},
	{"ctype/control-chars", func(c *hostileCtx) hostileReq {
		r := c.login("")
		// Fiber reads any type starting with the form's as a form: with a
		// valid token this is a legitimate request.
		r.ctype = "application/x-www-form-urlencoded\x01\x1b"
		return r
	}},

	// CSRF.
	{"csrf/missing", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.body, r.legit = "username=demo&password=demo", false
		return r
	}},
	{"csrf/forged", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.body, r.legit = "username=demo&password=demo&csrfmiddlewaretoken="+strings.Repeat("Ab1", 21)+"x", false
		return r
	}},
	{"csrf/forged-matching-forged-cookie", func(c *hostileCtx) hostileReq {
		r := c.login("")
		forged := strings.Repeat("Zz9", 10) + "ab"
		r.body, r.legit = "username=demo&password=demo&csrfmiddlewaretoken="+forged, false
		r.cookie = c.id.cookieHeader() // the cookie stays the visitor's: the forged token must not match it
		return r
	}},
	{"csrf/bad-chars", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.body, r.legit = "username=demo&password=demo&csrfmiddlewaretoken="+strings.Repeat("%ff", 64), false
		return r
	}},
	{"csrf/too-long", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.body, r.legit = "username=demo&password=demo&csrfmiddlewaretoken="+c.id.token+c.id.token, false
		return r
	}},
	{"csrf/in-query-only", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.body, r.legit = "username=demo&password=demo", false
		r.target += "?csrfmiddlewaretoken=" + c.id.token
		return r
	}},
	{"csrf/duplicate-forged-first", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.body, r.legit = "csrfmiddlewaretoken="+strings.Repeat("x", 64)+"&"+r.body, false
		return r
	}},
	{"csrf/header-valid", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.body = "username=demo&password=demo"
		r.headers = []string{"X-CSRFToken: " + c.id.token}
		return r
	}},
	{"csrf/header-forged", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.body, r.legit = "username=demo&password=demo", false
		r.headers = []string{"X-CSRFToken: " + strings.Repeat("Q", 64)}
		return r
	}},
	{"csrf/origin-foreign", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.headers, r.legit = []string{"Origin: https://evil.example"}, false
		return r
	}},
	{"csrf/origin-null", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.headers, r.legit = []string{"Origin: null"}, false
		return r
	}},
	{"csrf/origin-invalid-utf8", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.headers, r.legit = []string{"Origin: http://\xff\xfe"}, false
		return r
	}},
	{"csrf/sec-fetch-site-cross", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.headers, r.legit = []string{"Sec-Fetch-Site: cross-site"}, false
		return r
	}},
	{"csrf/sec-fetch-site-same-site", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.headers, r.legit = []string{"Sec-Fetch-Site: same-site"}, false
		return r
	}},
	{"csrf/put-no-token", func(c *hostileCtx) hostileReq {
		r := c.login("")
		r.method, r.body, r.legit = "PUT", "username=demo&password=demo", false
		return r
	}},

	// Methods.
	{"method/put", func(c *hostileCtx) hostileReq { r := c.login(""); r.method, r.legit = "PUT", false; return r }},
	{"method/patch", func(c *hostileCtx) hostileReq { r := c.login(""); r.method, r.legit = "PATCH", false; return r }},
	{"method/delete", func(c *hostileCtx) hostileReq { r := c.login(""); r.method, r.legit = "DELETE", false; return r }},
	{"method/trace", func(c *hostileCtx) hostileReq { r := c.get(""); r.method = "TRACE"; return r }},
	{"method/connect", func(c *hostileCtx) hostileReq { r := c.get(""); r.method = "CONNECT"; return r }},
	{"method/propfind", func(c *hostileCtx) hostileReq { r := c.login(""); r.method, r.legit = "PROPFIND", false; return r }},
	{"method/lowercase-post", func(c *hostileCtx) hostileReq { r := c.login(""); r.method, r.legit = "post", false; return r }},
	{"method/garbage", func(c *hostileCtx) hostileReq { r := c.get(""); r.method = "G\x01ET"; return r }},
	{"method/head-with-body", func(c *hostileCtx) hostileReq {
		r := c.get("")
		r.method, r.body = "HEAD", "x=y"
		return r
	}},
	{"method/get-with-form", func(c *hostileCtx) hostileReq { r := c.login(""); r.method, r.legit = "GET", false; return r }},
	{"method/options-with-body", func(c *hostileCtx) hostileReq { r := c.login(""); r.method, r.legit = "OPTIONS", false; return r }},

	// Host and proxy headers.
	{"host/foreign-next", func(c *hostileCtx) hostileReq {
		r := c.get("?next=http://evil.example/")
		r.host = "evil.example"
		return r
	}},
	{"host/foreign-login-next", func(c *hostileCtx) hostileReq {
		// The request's host is the one it names: a redirect there is not
		// off the site it asked for (the example has no allowed-hosts list).
		r := c.login("next=http%3A%2F%2Fevil.example%2Fx")
		r.host = "evil.example"
		return r
	}},
	{"host/forwarded", func(c *hostileCtx) hostileReq {
		r := c.login("next=http%3A%2F%2Fevil.example%2F")
		r.headers = []string{"X-Forwarded-Host: evil.example", "X-Forwarded-Proto: https", "Forwarded: host=evil.example;proto=https"}
		return r
	}},
	{"host/invalid", func(c *hostileCtx) hostileReq { r := c.get(""); r.host = "evil.example\xff:99999"; return r }},
}
