package views_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// CustomLogoutView is the class-based logout of the README: a user's struct
// embedding LogoutView.
type CustomLogoutView struct{ views.LogoutView }

// logoutPatterns are the logout views the tests post to.
func logoutPatterns() []urls.Pattern {
	return []urls.Pattern{
		views.Path("logout/", &CustomLogoutView{LogoutView: views.LogoutView{NextPage: "home"}}, urls.Name("logout")),
		views.Path("logout/render/", &views.LogoutView{}),
		views.Path("logout/bye/", &views.LogoutView{TemplateView: views.TemplateView{TemplateName: "bye.html",
			ExtraContext: map[string]any{"title": "Bye", "x": "extra"}}}),
		views.Path("logout/url/", &views.LogoutView{NextPage: "/elsewhere/?a=1"}),
		views.Path("logout/hosts/", &views.LogoutView{NextPage: "home", SuccessURLAllowedHosts: []string{"other.example"}}),
		views.Path("logout/field/", &views.LogoutView{NextPage: "home", RedirectFieldName: "goto"}),
		views.Path("logout/csd/", &views.LogoutView{NextPage: "home", ClearSiteData: []string{"cache", `"cookies"`}}),
		views.Path("logout/all/", &views.LogoutView{NextPage: "home", AllSessions: true}),
	}
}

func TestLogoutViewMethods(t *testing.T) {
	s := newAuthSite(t, views.Config{}, logoutPatterns()...)
	cases := []struct {
		method string
		status int
	}{
		{"GET", 405}, {"HEAD", 405}, {"PUT", 405}, {"PATCH", 405}, {"DELETE", 405}, {"TRACE", 405},
		{"OPTIONS", 200},
	}
	for _, tc := range cases {
		t.Run(tc.method, func(t *testing.T) {
			cl, token := s.login("7")
			r := cl.do(tc.method, "/logout/", form("csrfmiddlewaretoken", token))
			if r.status != tc.status {
				t.Fatalf("status %d, want %d", r.status, tc.status)
			}
			if got := r.header.Get("Allow"); got != "POST, OPTIONS" {
				t.Errorf("Allow = %q, want %q", got, "POST, OPTIONS")
			}
			if page := strings.Contains(r.body, "<h1>405 Method Not Allowed</h1>"); page != (tc.status == 405 && tc.method != "HEAD") || r.header.Get("Location") != "" {
				t.Errorf("body %q, Location %q: want the 405 page on a 405 (no body for HEAD) and no Location", r.body, r.header.Get("Location"))
			}
			assertNeverCache(t, r)
			if who := s.whoami(cl); who != "7" {
				t.Errorf("after %s the user is %q, want still 7", tc.method, who)
			}
		})
	}
}

func TestLogoutViewCSRF(t *testing.T) {
	s := newAuthSite(t, views.Config{Debug: true}, logoutPatterns()...) // the reason shows with Debug
	forged := strings.Repeat("a", 64)
	cases := []struct {
		name    string
		body    url.Values
		headers []string
		reason  string
	}{
		{"no token", form(), nil, "CSRF token missing."},
		{"forged token", form("csrfmiddlewaretoken", forged), nil, "CSRF token from POST incorrect."},
		{"token in the query string only", nil, nil, "CSRF token missing."},
		{"cross-site", form("csrfmiddlewaretoken", "TOKEN"), []string{"Sec-Fetch-Site", "cross-site"}, "Cross-origin request detected"},
		{"foreign origin", form("csrfmiddlewaretoken", "TOKEN"), []string{"Origin", "https://evil.example"}, "Origin checking failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl, token := s.login("7")
			body := url.Values{}
			for k, v := range tc.body {
				for _, x := range v {
					body.Add(k, strings.ReplaceAll(x, "TOKEN", token))
				}
			}
			r := cl.do("POST", "/logout/?csrfmiddlewaretoken="+token, body, tc.headers...)
			if r.status != 403 || !strings.Contains(r.body, tc.reason) {
				t.Fatalf("%d %q, want 403 saying %q", r.status, r.body, tc.reason)
			}
			assertNeverCache(t, r)
			if setCookie(r.header, "sessionid") != "" {
				t.Errorf("a refused logout touched the session cookie: %s", setCookie(r.header, "sessionid"))
			}
			if who := s.whoami(cl); who != "7" {
				t.Errorf("after a refused logout the user is %q, want still 7", who)
			}
		})
	}
}

func TestLogoutViewPost(t *testing.T) {
	var hookSaw []string
	var mu sync.Mutex
	s := newAuthSite(t, views.Config{SiteName: "Test Site"}, logoutPatterns()...)
	s.m.OnLogout(func(c *fiber.Ctx, id string) {
		still, _ := session.UserID(c)
		mu.Lock()
		hookSaw = append(hookSaw, id+"/"+still)
		mu.Unlock()
	})
	cl, token := s.login("7")
	key := cl.cookie("sessionid")
	if !s.hasSession(key) {
		t.Fatal("no session row after login")
	}
	r := cl.do("POST", "/logout/", form("csrfmiddlewaretoken", token))
	if r.status != 302 || r.header.Get("Location") != "/home/" {
		t.Fatalf("%d Location %q, want 302 /home/", r.status, r.header.Get("Location"))
	}
	assertNeverCache(t, r)
	ck := setCookie(r.header, "sessionid")
	for _, want := range []string{"sessionid=;", "Max-Age=0", "Path=/", "HttpOnly", "SameSite=Lax", "Expires=Thu, 01 Jan 1970"} {
		if !strings.Contains(ck, want) {
			t.Errorf("Set-Cookie %q lacks %q", ck, want)
		}
	}
	if s.hasSession(key) {
		t.Error("the session row is still in the database after logout")
	}
	if who := s.whoami(cl); who != "" {
		t.Errorf("after logout the user is %q, want anonymous", who)
	}
	mu.Lock()
	if len(hookSaw) != 1 || hookSaw[0] != "7/7" {
		t.Errorf("logout hooks saw %v, want [7/7] (run with the user still logged in)", hookSaw)
	}
	mu.Unlock()

	t.Run("replaying the old cookie gets an anonymous session", func(t *testing.T) {
		replay := newClient(t, s.app)
		replay.cookies["sessionid"] = key
		if who := s.whoami(replay); who != "" {
			t.Errorf("replayed cookie is logged in as %q", who)
		}
	})
	t.Run("an anonymous visitor may log out", func(t *testing.T) {
		anon, token := s.client()
		r := anon.do("POST", "/logout/", form("csrfmiddlewaretoken", token))
		if r.status != 302 || r.header.Get("Location") != "/home/" {
			t.Errorf("%d %q, want 302 /home/", r.status, r.header.Get("Location"))
		}
	})
	t.Run("the token of the page after logout works for the next form", func(t *testing.T) {
		cl, token := s.login("8")
		r := cl.do("POST", "/logout/bye/", form("csrfmiddlewaretoken", token))
		next := formToken(t, r.body)
		cl.do("POST", "/_login/8", nil)
		if r := cl.do("POST", "/logout/", form("csrfmiddlewaretoken", next)); r.status != 302 {
			t.Errorf("a second logout with the token of the logged-out page: %d %s", r.status, r.body)
		}
	})
}

func TestLogoutViewNext(t *testing.T) {
	// X-Forwarded-Proto counts only because the site trusts it.
	s := newAuthSite(t, views.Config{Proxy: security.ProxyConfig{SchemeHeader: "X-Forwarded-Proto"}}, logoutPatterns()...)
	cases := []struct {
		name, path string
		body       []string // form pairs besides the token
		headers    []string
		want       string // Location
	}{
		{"NextPage route name", "/logout/", nil, nil, "/home/"},
		{"NextPage URL", "/logout/url/", nil, nil, "/elsewhere/?a=1"},
		{"next in the body", "/logout/", []string{"next", "/profile/?tab=1"}, nil, "/profile/?tab=1"},
		{"next in the query", "/logout/?next=/from-query/", nil, nil, "/from-query/"},
		{"body before query", "/logout/?next=/from-query/", []string{"next", "/from-body/"}, nil, "/from-body/"},
		{"own host absolute", "/logout/", []string{"next", "http://example.com/x"}, nil, "http://example.com/x"},
		{"own host over https", "/logout/", []string{"next", "https://example.com/x"}, []string{"X-Forwarded-Proto", "https", "Referer", "https://example.com/"}, "https://example.com/x"},
		{"http next on an https request", "/logout/", []string{"next", "http://example.com/x"}, []string{"X-Forwarded-Proto", "https", "Referer", "https://example.com/"}, "/home/"},
		{"allowed other host", "/logout/hosts/", []string{"next", "https://other.example/x"}, nil, "https://other.example/x"},
		{"other host not allowed elsewhere", "/logout/", []string{"next", "https://other.example/x"}, nil, "/home/"},
		{"custom field name", "/logout/field/", []string{"goto", "/went/"}, nil, "/went/"},
		{"custom field ignores next", "/logout/field/", []string{"next", "/went/"}, nil, "/home/"},
		{"X-Forwarded-Host is not trusted", "/logout/", []string{"next", "http://evil.com/"}, []string{"X-Forwarded-Host", "evil.com"}, "/home/"},
		// Location is ASCII: non-ASCII percent-encoded as Django's iri_to_uri does.
		{"non-ASCII next", "/logout/", []string{"next", "/café/?q=ü"}, nil, "/caf%C3%A9/?q=%C3%BC"},
		{"non-ASCII next on this host", "/logout/", []string{"next", "http://example.com/Jürgen Münster/"}, nil,
			"http://example.com/J%C3%BCrgen%20M%C3%BCnster/"},
		{"escaped next stays as it is", "/logout/", []string{"next", "/caf%C3%A9/"}, nil, "/caf%C3%A9/"},
		{"non-ASCII unsafe next is refused", "/logout/", []string{"next", "//évil.com/"}, nil, "/home/"},
	}
	unsafe := []string{
		"//evil.com", "///evil.com", `\\evil.com`, `/\evil.com`, `http:/\evil.com`, `\/evil.com`,
		"https://evil.com/", "http://evil.com", "javascript:alert(1)", "JavaScript:alert(1)",
		" http://evil.com", "\x01http://evil.com", "http://example.com@evil.com/", "https://user:pw@example.com/",
		"https://exаmple.com/", // Cyrillic а: an IDN look-alike
		"/\t/evil.com", "http:\n//evil.com", "ftp://example.com/", "data:text/html,hi",
		"https://evil.com\uFF03@example.com", "/" + strings.Repeat("a", 3000),
	}
	for _, u := range unsafe {
		cases = append(cases, struct {
			name, path string
			body       []string
			headers    []string
			want       string
		}{fmt.Sprintf("unsafe %q", u), "/logout/", []string{"next", u}, nil, "/home/"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl, token := s.login("7")
			r := cl.do("POST", tc.path, form(append([]string{"csrfmiddlewaretoken", token}, tc.body...)...), tc.headers...)
			if r.status != 302 || r.header.Get("Location") != tc.want {
				t.Fatalf("%d Location %q, want 302 %q", r.status, r.header.Get("Location"), tc.want)
			}
			if who := s.whoami(cl); who != "" {
				t.Errorf("still logged in as %q", who)
			}
		})
	}
}

func TestLogoutViewRender(t *testing.T) {
	s := newAuthSite(t, views.Config{SiteName: "Test Site"}, logoutPatterns()...)
	cases := []struct {
		name, path string
		body       []string
		want       []string
	}{
		{"default template", "/logout/render/", nil, []string{"<h1>Logged out</h1>", "Test Site", `href="/accounts/login/">Log in again`, "<title>Logged out | Test Site</title>"}},
		{"unsafe next renders", "/logout/render/", []string{"next", "//evil.com"}, []string{"<h1>Logged out</h1>"}},
		{"next to the view itself renders", "/logout/render/", []string{"next", "/logout/render/"}, []string{"<h1>Logged out</h1>"}},
		{"TemplateName and ExtraContext", "/logout/bye/", nil, []string{"bye title=Bye x=extra user=AnonymousUser auth=false site=Test Site", `name="csrfmiddlewaretoken"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl, token := s.login("7")
			r := cl.do("POST", tc.path, form(append([]string{"csrfmiddlewaretoken", token}, tc.body...)...))
			if r.status != 200 {
				t.Fatalf("status %d, want 200: %s", r.status, r.body)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("body lacks %q:\n%s", w, r.body)
				}
			}
			assertNeverCache(t, r)
			if who := s.whoami(cl); who != "" {
				t.Errorf("still logged in as %q", who)
			}
		})
	}
	t.Run("Config.LogoutRedirectURL is the site-wide default", func(t *testing.T) {
		s := newAuthSite(t, views.Config{LogoutRedirectURL: "home"},
			views.Path("out/", &views.LogoutView{}),
			views.Path("out/own/", &views.LogoutView{NextPage: "/own/"}))
		for path, want := range map[string]string{"/out/": "/home/", "/out/own/": "/own/"} {
			cl, token := s.login("7")
			r := cl.do("POST", path, form("csrfmiddlewaretoken", token))
			if r.status != 302 || r.header.Get("Location") != want {
				t.Errorf("POST %s: %d %q, want 302 %q", path, r.status, r.header.Get("Location"), want)
			}
		}
	})
	t.Run("a NextPage that is not a route is a clear error", func(t *testing.T) {
		s := newAuthSite(t, views.Config{}, views.Path("out/", &views.LogoutView{NextPage: "no-such-route"}))
		cl, token := s.login("7")
		r := cl.do("POST", "/out/", form("csrfmiddlewaretoken", token))
		if r.status != 500 || !strings.Contains(r.body, `"no-such-route" is neither a URL nor a route name`) {
			t.Errorf("%d %q, want 500 naming the route", r.status, r.body)
		}
	})
}

func TestLogoutViewBeyondDjango(t *testing.T) {
	s := newAuthSite(t, views.Config{}, logoutPatterns()...)
	t.Run("htmx gets HX-Redirect", func(t *testing.T) {
		cl, token := s.login("7")
		r := cl.do("POST", "/logout/", form("csrfmiddlewaretoken", token, "next", "/after/"), "HX-Request", "true")
		if r.status != 200 || r.header.Get("HX-Redirect") != "/after/" || r.header.Get("Location") != "" || r.body != "" {
			t.Fatalf("%d HX-Redirect %q Location %q body %q, want 200 /after/, no Location, empty body",
				r.status, r.header.Get("HX-Redirect"), r.header.Get("Location"), r.body)
		}
		assertNeverCache(t, r)
		if who := s.whoami(cl); who != "" {
			t.Errorf("still logged in as %q", who)
		}
	})
	t.Run("htmx with an unsafe next goes to NextPage", func(t *testing.T) {
		cl, token := s.login("7")
		r := cl.do("POST", "/logout/", form("csrfmiddlewaretoken", token, "next", "//evil.com"), "HX-Request", "true")
		if got := r.header.Get("HX-Redirect"); got != "/home/" {
			t.Errorf("HX-Redirect %q, want /home/", got)
		}
	})
	jsonCases := []struct {
		name, path, accept, next string
		want                     map[string]any
	}{
		{"redirect", "/logout/", "application/json", "", map[string]any{"logged_out": true, "redirect": "/home/"}},
		{"safe next", "/logout/", "application/json", "/x/", map[string]any{"logged_out": true, "redirect": "/x/"}},
		{"unsafe next", "/logout/", "application/json", "https://evil.com/", map[string]any{"logged_out": true, "redirect": "/home/"}},
		{"nowhere to go", "/logout/render/", "application/json", "", map[string]any{"logged_out": true, "redirect": ""}},
		{"json preferred by q", "/logout/", "text/html;q=0.5, application/json", "", map[string]any{"logged_out": true, "redirect": "/home/"}},
	}
	for _, tc := range jsonCases {
		t.Run("json "+tc.name, func(t *testing.T) {
			cl, token := s.login("7")
			r := cl.do("POST", tc.path, form("csrfmiddlewaretoken", token, "next", tc.next), "Accept", tc.accept)
			var got map[string]any
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(r.body), &got) != nil {
				t.Fatalf("%d %q %q, want 200 JSON", r.status, r.header.Get("Content-Type"), r.body)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("JSON %v, want %v", got, tc.want)
			}
			if who := s.whoami(cl); who != "" {
				t.Errorf("still logged in as %q", who)
			}
		})
	}
	t.Run("browsers asking for HTML get a 302", func(t *testing.T) {
		cl, token := s.login("7")
		r := cl.do("POST", "/logout/", form("csrfmiddlewaretoken", token), "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		if r.status != 302 {
			t.Errorf("status %d, want 302", r.status)
		}
	})
	t.Run("Clear-Site-Data", func(t *testing.T) {
		cl, token := s.login("7")
		if r := cl.do("GET", "/logout/csd/", nil); r.header.Get("Clear-Site-Data") != "" {
			t.Errorf("a 405 carries Clear-Site-Data %q", r.header.Get("Clear-Site-Data"))
		}
		if r := cl.do("POST", "/logout/csd/", nil); r.status != 403 || r.header.Get("Clear-Site-Data") != "" {
			t.Errorf("a 403 (%d) carries Clear-Site-Data %q", r.status, r.header.Get("Clear-Site-Data"))
		}
		r := cl.do("POST", "/logout/csd/", form("csrfmiddlewaretoken", token))
		if got := r.header.Get("Clear-Site-Data"); r.status != 302 || got != `"cache", "cookies"` {
			t.Errorf("%d Clear-Site-Data %q, want 302 %q", r.status, got, `"cache", "cookies"`)
		}
		cl2, token2 := s.login("7")
		if r := cl2.do("POST", "/logout/", form("csrfmiddlewaretoken", token2)); r.header.Get("Clear-Site-Data") != "" {
			t.Errorf("off by default, got %q", r.header.Get("Clear-Site-Data"))
		}
	})
	t.Run("Clear-Site-Data directives are checked at registration", func(t *testing.T) {
		_, err := views.AsView(&views.LogoutView{ClearSiteData: []string{"cache", "everything"}})
		var ce *views.ConfigError
		if !errors.As(err, &ce) || !errors.Is(err, views.ErrImproperlyConfigured) || ce.Field != "ClearSiteData" ||
			!strings.Contains(err.Error(), `"everything" is not a Clear-Site-Data directive`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("AllSessions logs out every session of the user", func(t *testing.T) {
		a, tokenA := s.login("42")
		b, _ := s.login("42")
		other, _ := s.login("43")
		r := a.do("POST", "/logout/all/", form("csrfmiddlewaretoken", tokenA))
		if r.status != 302 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		for name, cl := range map[string]*client{"this session": a, "the user's other session": b} {
			if who := s.whoami(cl); who != "" {
				t.Errorf("%s is still logged in as %q", name, who)
			}
		}
		if who := s.whoami(other); who != "43" {
			t.Errorf("another user's session: %q, want still 43", who)
		}
	})
	t.Run("without AllSessions the other sessions stay", func(t *testing.T) {
		a, tokenA := s.login("44")
		b, _ := s.login("44")
		a.do("POST", "/logout/", form("csrfmiddlewaretoken", tokenA))
		if who := s.whoami(b); who != "44" {
			t.Errorf("the other session: %q, want still 44", who)
		}
	})
	t.Run("AllSessions for an anonymous visitor", func(t *testing.T) {
		anon, token := s.client()
		if r := anon.do("POST", "/logout/all/", form("csrfmiddlewaretoken", token)); r.status != 302 {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})
}

// --- one view per hook override ---

type logoutNextPageHook struct{ views.LogoutView }

func (v *logoutNextPageHook) GetNextPage(c *fiber.Ctx) (string, error) {
	home, err := v.LogoutView.GetNextPage(c) // super()
	return home + "?from=hook", err
}

type logoutRedirectURLHook struct{ views.LogoutView }

// GetRedirectURL trusts a "back" parameter naming a page on this site.
func (v *logoutRedirectURLHook) GetRedirectURL(c *fiber.Ctx) (string, error) {
	if back := c.Query("back"); back != "" {
		return "/" + url.PathEscape(back) + "/", nil
	}
	return v.LogoutView.GetRedirectURL(c)
}

type logoutSuccessURLHook struct{ views.LogoutView }

func (v *logoutSuccessURLHook) GetSuccessURL(c *fiber.Ctx) (string, error) {
	return "/success/", nil
}

type logoutAllowedHostsHook struct{ views.LogoutView }

func (v *logoutAllowedHostsHook) GetSuccessURLAllowedHosts(c *fiber.Ctx) []string {
	return append([]string{"hook.example"}, v.LogoutView.GetSuccessURLAllowedHosts(c)...)
}

type logoutContextHook struct{ views.LogoutView }

func (v *logoutContextHook) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.LogoutView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	ctx["x"] = "from-hook"
	return ctx, nil
}

type logoutTemplateNamesHook struct{ views.LogoutView }

func (v *logoutTemplateNamesHook) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return []string{"missing.html", "bye.html"}, nil
}

type logoutRenderHook struct{ views.LogoutView }

func (v *logoutRenderHook) RenderToResponse(c *fiber.Ctx, ctx map[string]any) error {
	return c.SendString(fmt.Sprintf("rendered by hook: %v", ctx["title"]))
}

// logoutMiddle is a user's own base; logoutOuter embeds it (two levels).
type logoutMiddle struct{ views.LogoutView }

func (v *logoutMiddle) GetNextPage(c *fiber.Ctx) (string, error) { return "", nil }

type logoutOuter struct{ logoutMiddle }

func (v *logoutOuter) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.logoutMiddle.GetContextData(c)
	if err != nil {
		return nil, err
	}
	ctx["x"] = "outer"
	return ctx, nil
}

type logoutBadHook struct{ views.LogoutView }

func (v *logoutBadHook) GetSuccessURL(c *fiber.Ctx) string { return "/" }

func TestLogoutViewHooks(t *testing.T) {
	s := newAuthSite(t, views.Config{},
		views.Path("next-page/", &logoutNextPageHook{views.LogoutView{NextPage: "home"}}),
		views.Path("redirect-url/", &logoutRedirectURLHook{views.LogoutView{NextPage: "home"}}),
		views.Path("success-url/", &logoutSuccessURLHook{views.LogoutView{NextPage: "home"}}),
		views.Path("allowed-hosts/", &logoutAllowedHostsHook{views.LogoutView{NextPage: "home",
			SuccessURLAllowedHosts: []string{"field.example"}}}),
		views.Path("context/", &logoutContextHook{views.LogoutView{TemplateView: views.TemplateView{TemplateName: "bye.html"}}}),
		views.Path("template-names/", &logoutTemplateNamesHook{views.LogoutView{TemplateView: views.TemplateView{ExtraContext: map[string]any{"x": "names"}}}}),
		views.Path("render/", &logoutRenderHook{}),
		views.Path("two-levels/", &logoutOuter{logoutMiddle{views.LogoutView{NextPage: "home", TemplateView: views.TemplateView{TemplateName: "bye.html"}}}}),
	)
	cases := []struct {
		name, path string
		body       []string
		status     int
		location   string
		contains   string
	}{
		{"GetNextPage", "/next-page/", nil, 302, "/home/?from=hook", ""},
		{"GetNextPage is not used for a safe next", "/next-page/", []string{"next", "/n/"}, 302, "/n/", ""},
		{"GetRedirectURL", "/redirect-url/?back=mine", nil, 302, "/mine/", ""},
		{"GetRedirectURL super", "/redirect-url/", []string{"next", "/n/"}, 302, "/n/", ""},
		{"GetSuccessURL", "/success-url/", []string{"next", "/n/"}, 302, "/success/", ""},
		{"GetSuccessURLAllowedHosts adds a host", "/allowed-hosts/", []string{"next", "https://hook.example/"}, 302, "https://hook.example/", ""},
		{"GetSuccessURLAllowedHosts keeps the field", "/allowed-hosts/", []string{"next", "https://field.example/"}, 302, "https://field.example/", ""},
		{"GetSuccessURLAllowedHosts refuses others", "/allowed-hosts/", []string{"next", "https://evil.example/"}, 302, "/home/", ""},
		{"GetContextData", "/context/", nil, 200, "", "bye title=Logged out x=from-hook user=AnonymousUser"},
		{"GetTemplateNames", "/template-names/", nil, 200, "", "bye title=Logged out x=names"},
		{"RenderToResponse", "/render/", nil, 200, "", "rendered by hook: Logged out"},
		{"two levels of embedding", "/two-levels/", nil, 200, "", "bye title=Logged out x=outer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl, token := s.login("7")
			r := cl.do("POST", tc.path, form(append([]string{"csrfmiddlewaretoken", token}, tc.body...)...))
			if r.status != tc.status || r.header.Get("Location") != tc.location || !strings.Contains(r.body, tc.contains) {
				t.Fatalf("%d Location %q body %q, want %d %q containing %q", r.status, r.header.Get("Location"), r.body,
					tc.status, tc.location, tc.contains)
			}
			if who := s.whoami(cl); who != "" {
				t.Errorf("still logged in as %q", who)
			}
		})
	}
	t.Run("a hook with the wrong signature is a registration error", func(t *testing.T) {
		_, err := views.AsView(&logoutBadHook{})
		var ce *views.ConfigError
		if !errors.As(err, &ce) || ce.Field != "GetSuccessURL" || !strings.Contains(err.Error(), "views.LogoutView calls it as func(*fiber.Ctx) (string, error)") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("concurrent logouts through overridden hooks", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan string, 32)
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprint(100 + i)
				cl, token := s.login(id)
				r := cl.do("POST", "/two-levels/", form("csrfmiddlewaretoken", token))
				if r.status != 200 || !strings.Contains(r.body, "x=outer") {
					errs <- fmt.Sprintf("user %s: %d %q", id, r.status, r.body)
				}
				if who := s.whoami(cl); who != "" {
					errs <- fmt.Sprintf("user %s still logged in as %q", id, who)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	})
}
