package viewtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// Errors of the client, for errors.Is.
var (
	// ErrNoForm: PostForm found no form posting to its target on the last
	// page (or there was no page yet: Get the page with the form first).
	ErrNoForm = errors.New("viewtest: no such form on the last page")
	// ErrNoSessions: Login or Logout without Config.Sessions.
	ErrNoSessions = errors.New("viewtest: no session manager: set Config.Sessions to the app's *session.Manager")
	// ErrNoURLs: a route name as a target without Config.URLs.
	ErrNoURLs = errors.New("viewtest: a route name needs the url table: set Config.URLs, or give a path starting with /")
	// ErrTooManyRedirects: more than MaxRedirects redirects in a row.
	ErrTooManyRedirects = errors.New("viewtest: too many redirects")
)

// MaxRedirects is how many redirects in a row FollowRedirects follows.
const MaxRedirects = 10

// Config configures a Client.
type Config struct {
	// Sessions is the app's session manager: Login and Logout write to its
	// storage.
	Sessions *session.Manager
	// URLs is the app's url table: a target that does not start with "/"
	// (and is no absolute URL) is a route name reversed through it.
	URLs *urls.Resolver
	// BaseURL is the scheme and host of every request. Default
	// "http://example.com", as net/http/httptest's; list its host in
	// views.Config.AllowedHosts if the site checks hosts.
	BaseURL string
	// FollowRedirects follows redirects to BaseURL's host (see the package
	// documentation).
	FollowRedirects bool
	// Header is sent with every request, Login's and Logout's included
	// (a User-Agent, an Accept-Language); a request's own headers win.
	Header http.Header
	// CSRFCookieName and CSRFHeaderName are the site's views.Config.CSRF
	// names. Default security.DefaultCSRFCookieName and
	// security.DefaultCSRFHeaderName.
	CSRFCookieName, CSRFHeaderName string
}

// Client sends requests to one app and keeps its cookies. Create one per
// simulated browser with New; a Client is safe for concurrent use, but the
// "last page" of PostForm is then whichever answered last.
type Client struct {
	app  *fiber.App
	cfg  Config
	base *url.URL
	jar  *cookiejar.Jar

	mu   sync.Mutex
	last *Response // the last response that was not a redirect
}

// New returns a client of app with an empty cookie jar. It panics on a
// malformed Config.BaseURL.
func New(app *fiber.App, cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://example.com"
	}
	if cfg.CSRFCookieName == "" {
		cfg.CSRFCookieName = security.DefaultCSRFCookieName
	}
	if cfg.CSRFHeaderName == "" {
		cfg.CSRFHeaderName = security.DefaultCSRFHeaderName
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		panic(fmt.Sprintf("viewtest: Config.BaseURL %q is not an http(s) URL with a host, e.g. http://example.com", cfg.BaseURL))
	}
	base.Path, base.RawQuery, base.Fragment = "", "", ""
	jar, _ := cookiejar.New(nil) // never fails without options
	return &Client{app: app, cfg: cfg, base: base, jar: jar}
}

// Response is what a request got back: the final one when redirects were
// followed.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       string
	// Cookies are the cookies this response set (its Set-Cookie headers).
	Cookies []*http.Cookie
	// URL is the request URL that got this response.
	URL *url.URL
	// Redirects are the URLs redirects led to, in order, when the client
	// follows them (Django's redirect_chain); the last is URL.
	Redirects []string
	// Messages are the one-time messages (package views/messages) this
	// response left for the next page: those of its messages cookie. With
	// redirects followed, those of the last response on the way that set
	// some, so that a POST that adds a message and redirects to the page
	// that shows it still tells it.
	Messages []messages.Message

	formsOnce sync.Once
	forms     []form
}

// Location is the response's Location header.
func (r *Response) Location() string { return r.Header.Get(fiber.HeaderLocation) }

// Cookie returns the cookie name this response set, or nil.
func (r *Response) Cookie(name string) *http.Cookie {
	for _, c := range r.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// URL returns the absolute URL of target: a path ("/x/?q=1"), an absolute
// URL, or a route name reversed with args through Config.URLs.
func (cl *Client) URL(target string, args ...any) (*url.URL, error) {
	if !strings.HasPrefix(target, "/") && !strings.Contains(target, "://") {
		if cl.cfg.URLs == nil {
			return nil, fmt.Errorf("%w (target %q)", ErrNoURLs, target)
		}
		p, err := cl.cfg.URLs.Reverse(target, args...)
		if err != nil {
			return nil, err
		}
		target = p
	}
	return cl.base.Parse(target)
}

// Get requests target (a path, or a route name with its args).
func (cl *Client) Get(target string, args ...any) (*Response, error) {
	u, err := cl.URL(target, args...)
	if err != nil {
		return nil, err
	}
	return cl.send(fiber.MethodGet, u, nil, nil)
}

// Post sends body to target as a script of the site would: with the CSRF
// cookie's secret in the X-CSRFToken header (none when the jar has no CSRF
// cookie). Target is a path or a route name without arguments (use URL for
// others).
func (cl *Client) Post(target, contentType string, body io.Reader) (*Response, error) {
	u, err := cl.URL(target)
	if err != nil {
		return nil, err
	}
	var b []byte
	if body != nil {
		if b, err = io.ReadAll(body); err != nil {
			return nil, err
		}
	}
	h := http.Header{}
	if contentType != "" {
		h.Set(fiber.HeaderContentType, contentType)
	}
	if ck := cl.Cookie(cl.cfg.CSRFCookieName); ck != nil {
		h.Set(cl.cfg.CSRFHeaderName, ck.Value)
	}
	return cl.send(fiber.MethodPost, u, h, b)
}

// PostForm submits the form of the last page whose action is target (a path
// or a route name without arguments), as a browser does: its hidden inputs,
// the CSRF token among them, then data (whose keys replace them), posted to
// the form's action with the page as Referer and a same-origin Origin. A
// page without the CSRF input is submitted without a token and gets the
// site's 403. Errors wrap ErrNoForm when the last page has no such form.
func (cl *Client) PostForm(target string, data url.Values) (*Response, error) {
	u, err := cl.URL(target)
	if err != nil {
		return nil, err
	}
	cl.mu.Lock()
	page := cl.last
	cl.mu.Unlock()
	if page == nil {
		return nil, fmt.Errorf("%w: no page yet: Get the page with the form before posting it to %s", ErrNoForm, u.Path)
	}
	f, err := page.formFor(u)
	if err != nil {
		return nil, err
	}
	values := url.Values{}
	for k, v := range f.hidden {
		values[k] = v
	}
	for k, v := range data {
		values[k] = v
	}
	h := http.Header{}
	h.Set(fiber.HeaderContentType, fiber.MIMEApplicationForm)
	h.Set(fiber.HeaderReferer, page.URL.String())
	h.Set(fiber.HeaderOrigin, cl.base.Scheme+"://"+cl.base.Host)
	h.Set("Sec-Fetch-Site", "same-origin")
	return cl.send(fiber.MethodPost, f.action, h, []byte(values.Encode()))
}

// Do sends req as it is, with the jar's cookies and Config.Header added (and redirects
// followed with Config.FollowRedirects); a relative req.URL is taken
// against BaseURL.
func (cl *Client) Do(req *http.Request) (*Response, error) {
	var b []byte
	if req.Body != nil {
		var err error
		if b, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
	}
	return cl.send(req.Method, cl.base.ResolveReference(req.URL), req.Header, b)
}

// Cookie returns the jar's cookie name for BaseURL's root, or nil.
func (cl *Client) Cookie(name string) *http.Cookie {
	for _, c := range cl.jar.Cookies(cl.base) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Jar is the client's cookie jar, to add or inspect cookies.
func (cl *Client) Jar() http.CookieJar { return cl.jar }

// LastPage is the last response that was not a redirect, the page PostForm
// submits a form of; nil before the first.
func (cl *Client) LastPage() *Response {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.last
}

// send runs one request through app.Test, then the redirects it is told to
// follow.
func (cl *Client) send(method string, u *url.URL, header http.Header, body []byte) (*Response, error) {
	var chain []string
	var pending []messages.Message
	for {
		r, err := cl.once(method, u, header, body)
		if err != nil {
			return nil, err
		}
		r.Redirects = chain
		if c := r.Cookie(messages.CookieName); c != nil && c.Value != "" {
			pending = messages.Peek(c.Value)
		}
		r.Messages = pending
		next, follow := cl.redirectTarget(r)
		if !follow {
			if !isRedirect(r.StatusCode) {
				cl.mu.Lock()
				cl.last = r
				cl.mu.Unlock()
			}
			return r, nil
		}
		if len(chain) == MaxRedirects {
			return r, fmt.Errorf("%w: %d in a row, the last to %s", ErrTooManyRedirects, len(chain), next)
		}
		chain = append(chain, next.String())
		if r.StatusCode != http.StatusTemporaryRedirect && r.StatusCode != http.StatusPermanentRedirect {
			if method != fiber.MethodHead {
				method = fiber.MethodGet
			}
			body, header = nil, nil
		}
		u = next
	}
}

func (cl *Client) once(method string, u *url.URL, header http.Header, body []byte) (*Response, error) {
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("viewtest: %s %s: %w", method, u, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := cl.test(cl.app, req)
	if err != nil {
		return nil, fmt.Errorf("viewtest: %s %s: %w", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("viewtest: %s %s: reading the body: %w", method, u, err)
	}
	cookies := resp.Cookies()
	cl.jar.SetCookies(u, cookies)
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: string(b), Cookies: cookies, URL: u}, nil
}

// test sends req to app with the Config.Header and the jar's cookies.
func (cl *Client) test(app *fiber.App, req *http.Request) (*http.Response, error) {
	for k, v := range cl.cfg.Header {
		if _, set := req.Header[k]; !set {
			req.Header[k] = v
		}
	}
	for _, c := range cl.jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	return app.Test(req, -1)
}

// redirectTarget returns where a redirect leads when the client follows it:
// only with FollowRedirects, and only on this site.
func (cl *Client) redirectTarget(r *Response) (*url.URL, bool) {
	if !cl.cfg.FollowRedirects || !isRedirect(r.StatusCode) || r.Location() == "" {
		return nil, false
	}
	next, err := r.URL.Parse(r.Location())
	if err != nil || next.Scheme != cl.base.Scheme || next.Host != cl.base.Host {
		return nil, false
	}
	return next, true
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}
