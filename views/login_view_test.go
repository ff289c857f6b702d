package views_test

import (
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

const alicePassword = "correct horse battery staple"

// checkPasswords is a Config.Authenticate knowing alice (id 1); "boom" makes
// it fail like a database that is down. It counts its calls.
func checkPasswords(calls *atomic.Int32) func(c *fiber.Ctx, username, password string) (string, error) {
	return func(c *fiber.Ctx, username, password string) (string, error) {
		calls.Add(1)
		switch {
		case username == "boom":
			return "", errors.New("users table is locked")
		case username == "alice" && password == alicePassword:
			return "1", nil
		}
		return "", fmt.Errorf("no such user or wrong password: %w", views.ErrInvalidCredentials)
	}
}

func loginPatterns() []urls.Pattern {
	return []urls.Pattern{
		views.Path("login/", &views.LoginView{NextPage: "home"}, urls.Name("login")),
		views.Path("login/default/", &views.LoginView{}),
		views.Path("login/tpl/", &views.LoginView{RedirectFieldName: "goto", TemplateView: views.TemplateView{TemplateName: "login_page.html",
			ExtraContext: map[string]any{"x": "extra", "title": "Sign in"}}}),
		views.Path("login/auth-redirect/", &views.LoginView{NextPage: "home", RedirectAuthenticatedUser: true}),
		views.Path("login/loop/", &views.LoginView{NextPage: "/login/loop/", RedirectAuthenticatedUser: true}),
		views.Path("login/hosts/", &views.LoginView{NextPage: "home", SuccessURLAllowedHosts: []string{"other.example"}}),
	}
}

func TestLoginViewGet(t *testing.T) {
	s := newAuthSite(t, views.Config{SiteName: "Test Site"}, loginPatterns()...)
	cases := []struct {
		name, path string
		want       []string
		not        []string
	}{
		{"default template", "/login/", []string{"<h1>Log in</h1>", `name="csrfmiddlewaretoken"`, `name="username"`,
			`name="password"`, `name="next" value=""`, "<title>Log in | Test Site</title>"}, []string{`class="error"`}},
		{"safe next kept for the form", "/login/?next=/profile/", []string{`name="next" value="/profile/"`}, nil},
		{"unsafe next dropped", "/login/?next=//evil.com/", []string{`name="next" value=""`}, []string{"evil.com"}},
		{"TemplateName, RedirectFieldName, ExtraContext", "/login/tpl/?goto=/g/",
			[]string{"login_page title=Sign in x=extra next=/g/ field=goto username= error= ", `name="csrfmiddlewaretoken"`}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl := newClient(t, s.app)
			r := cl.do("GET", tc.path, nil)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			assertNeverCache(t, r)
			for _, w := range tc.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("body lacks %q:\n%s", w, r.body)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(r.body, w) {
					t.Errorf("body has %q", w)
				}
			}
			if setCookie(r.header, "csrftoken") == "" {
				t.Error("the login page sets no CSRF cookie")
			}
		})
	}
	t.Run("HEAD and OPTIONS", func(t *testing.T) {
		cl := newClient(t, s.app)
		if r := cl.do("HEAD", "/login/", nil); r.status != 200 || r.body != "" {
			t.Errorf("HEAD: %d %q", r.status, r.body)
		}
		r := cl.do("OPTIONS", "/login/", nil)
		if r.status != 200 || r.header.Get("Allow") != "GET, POST, HEAD, OPTIONS" {
			t.Errorf("OPTIONS: %d Allow %q", r.status, r.header.Get("Allow"))
		}
		if r := cl.do("DELETE", "/login/", nil); r.status != 405 {
			t.Errorf("DELETE: %d, want 405", r.status)
		}
	})
}

func TestLoginViewPost(t *testing.T) {
	var calls atomic.Int32
	logs := &testLogger{}
	s := newAuthSite(t, views.Config{Authenticate: checkPasswords(&calls), Logger: logs.logger()}, loginPatterns()...)

	t.Run("success rotates the session key and the CSRF secret", func(t *testing.T) {
		cl, token := s.client()
		planted := "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" // a key an attacker chose (session fixation)
		cl.cookies["sessionid"] = planted
		csrfBefore := cl.cookie("csrftoken")
		r := cl.do("POST", "/login/", form("csrfmiddlewaretoken", token, "username", "alice", "password", alicePassword))
		if r.status != 302 || r.header.Get("Location") != "/home/" {
			t.Fatalf("%d Location %q: %s", r.status, r.header.Get("Location"), r.body)
		}
		assertNeverCache(t, r)
		key := cl.cookie("sessionid")
		ck := setCookie(r.header, "sessionid")
		if key == "" || key == planted || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
			t.Errorf("session cookie after login: %q", ck)
		}
		if s.hasSession(planted) || !s.hasSession(key) {
			t.Errorf("rows: planted key %v, new key %v; want only the new one", s.hasSession(planted), s.hasSession(key))
		}
		if after := cl.cookie("csrftoken"); after == "" || after == csrfBefore {
			t.Errorf("CSRF secret not rotated: %q → %q", csrfBefore, after)
		}
		// The form of before the login, sent again: the user goes on where it
		// was going, and the stale request's credentials are never checked.
		before := calls.Load()
		if r := cl.do("POST", "/login/", form("csrfmiddlewaretoken", token, "username", "alice", "password", alicePassword)); r.status != 302 ||
			r.header.Get("Location") != "/home/" || calls.Load() != before {
			t.Errorf("a token from before the login: %d %q, Authenticate called %v; want 302 /home/, not called",
				r.status, r.header.Get("Location"), calls.Load() != before)
		}
		if who := s.whoami(cl); who != "1" {
			t.Errorf("logged in as %q, want 1", who)
		}
	})

	cases := []struct {
		name, path string
		fields     []string
		location   string
	}{
		{"NextPage", "/login/", nil, "/home/"},
		{"Config.LoginRedirectURL default", "/login/default/", nil, "/accounts/profile/"},
		{"safe next in the body", "/login/", []string{"next", "/profile/"}, "/profile/"},
		{"safe next in the query", "/login/?next=/q/", nil, "/q/"},
		{"body before query", "/login/?next=/q/", []string{"next", "/b/"}, "/b/"},
		{"unsafe next", "/login/", []string{"next", "//evil.com/"}, "/home/"},
		{"non-ASCII next goes out percent-encoded", "/login/", []string{"next", "/über/"}, "/%C3%BCber/"},
		{"unsafe absolute next", "/login/", []string{"next", "https://evil.com/"}, "/home/"},
		{"allowed host", "/login/hosts/", []string{"next", "https://other.example/x"}, "https://other.example/x"},
		{"custom field", "/login/tpl/", []string{"goto", "/g/"}, "/g/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl, token := s.client()
			fields := append([]string{"csrfmiddlewaretoken", token, "username", "alice", "password", alicePassword}, tc.fields...)
			r := cl.do("POST", tc.path, form(fields...))
			if r.status != 302 || r.header.Get("Location") != tc.location {
				t.Fatalf("%d Location %q, want 302 %q: %s", r.status, r.header.Get("Location"), tc.location, r.body)
			}
			if who := s.whoami(cl); who != "1" {
				t.Errorf("logged in as %q, want 1", who)
			}
		})
	}

	failures := []struct {
		name         string
		fields       []string
		query        string
		authCalled   bool
		echoUsername string
	}{
		{"wrong password", []string{"username", "alice", "password", "wrong"}, "", true, "alice"},
		{"unknown user", []string{"username", "mallory", "password", alicePassword}, "", true, "mallory"},
		{"empty password", []string{"username", "alice", "password", ""}, "", false, "alice"},
		{"no fields", nil, "", false, ""},
		{"credentials in the query string only", nil, "?username=alice&password=" + url.QueryEscape(alicePassword), false, ""},
		{"overlong username", []string{"username", strings.Repeat("a", 151), "password", "x"}, "", false, ""},
		{"overlong password", []string{"username", "alice", "password", strings.Repeat("p", 4097)}, "", false, "alice"},
		{"invalid UTF-8 username", []string{"username", "al\xffice", "password", alicePassword}, "", false, ""},
		{"invalid UTF-8 password", []string{"username", "alice", "password", "pa\xc3ss"}, "", false, "alice"},
		{"markup in the username", []string{"username", `"><script>x</script>`, "password", "x"}, "", true, "&#34;&gt;&lt;script&gt;x&lt;/script&gt;"},
	}
	var unknownBody, wrongBody string
	for _, tc := range failures {
		t.Run("failure: "+tc.name, func(t *testing.T) {
			cl, token := s.client()
			before := calls.Load()
			r := cl.do("POST", "/login/"+tc.query, form(append([]string{"csrfmiddlewaretoken", token}, tc.fields...)...))
			if r.status != 200 || !strings.Contains(r.body, invalidLoginMessage) {
				t.Fatalf("%d, want 200 with %q:\n%s", r.status, invalidLoginMessage, r.body)
			}
			assertNeverCache(t, r)
			if !strings.Contains(r.body, `name="username" id="id_username" value="`+tc.echoUsername+`"`) {
				t.Errorf("the username field does not hold %q:\n%s", tc.echoUsername, r.body)
			}
			for i := 0; i+1 < len(tc.fields); i += 2 {
				if tc.fields[i] == "password" && len(tc.fields[i+1]) > 3 && strings.Contains(r.body, tc.fields[i+1]) {
					t.Error("the password is echoed back")
				}
			}
			if setCookie(r.header, "sessionid") != "" {
				t.Errorf("a failed login sets a session cookie: %s", setCookie(r.header, "sessionid"))
			}
			if who := s.whoami(cl); who != "" {
				t.Errorf("logged in as %q", who)
			}
			if called := calls.Load() != before; called != tc.authCalled {
				t.Errorf("Authenticate called: %v, want %v", called, tc.authCalled)
			}
			page := tokenRe.ReplaceAllString(r.body, "")
			switch tc.name {
			case "wrong password":
				wrongBody = strings.ReplaceAll(page, "alice", "USER")
			case "unknown user":
				unknownBody = strings.ReplaceAll(page, "mallory", "USER")
			}
		})
	}
	t.Run("unknown user and wrong password answer alike", func(t *testing.T) {
		if wrongBody == "" || wrongBody != unknownBody {
			t.Errorf("the pages differ:\n%s\n---\n%s", wrongBody, unknownBody)
		}
	})
	t.Run("the password is never logged", func(t *testing.T) {
		if strings.Contains(logs.String(), alicePassword) || strings.Contains(logs.String(), "wrong") {
			t.Errorf("the log holds a password:\n%s", logs.String())
		}
	})
	t.Run("missing CSRF token", func(t *testing.T) {
		cl, _ := s.client()
		before := calls.Load()
		r := cl.do("POST", "/login/", form("username", "alice", "password", alicePassword))
		if r.status != 200 || !strings.Contains(r.body, staleFormMessage) || calls.Load() != before {
			t.Errorf("%d %q, Authenticate called %v; want the form again with StaleFormMessage, not called", r.status, r.body, calls.Load() != before)
		}
		if who := s.whoami(cl); who != "" {
			t.Errorf("logged in as %q", who)
		}
	})
	t.Run("an Authenticate failure is a server error", func(t *testing.T) {
		cl, token := s.client()
		r := cl.do("POST", "/login/", form("csrfmiddlewaretoken", token, "username", "boom", "password", "x"))
		if r.status != 500 {
			t.Errorf("status %d, want 500", r.status)
		}
	})
}

func TestLoginViewConfigErrors(t *testing.T) {
	t.Run("no Authenticate", func(t *testing.T) {
		s := newAuthSite(t, views.Config{}, loginPatterns()...)
		cl, token := s.client()
		r := cl.do("POST", "/login/", form("csrfmiddlewaretoken", token, "username", "alice", "password", "x"))
		if r.status != 500 || !strings.Contains(r.body, "set views.Config.Authenticate") {
			t.Errorf("%d %q, want 500 saying how to fix it", r.status, r.body)
		}
	})
	t.Run("Authenticate returning an empty id", func(t *testing.T) {
		s := newAuthSite(t, views.Config{Authenticate: func(*fiber.Ctx, string, string) (string, error) { return "", nil }}, loginPatterns()...)
		cl, token := s.client()
		r := cl.do("POST", "/login/", form("csrfmiddlewaretoken", token, "username", "alice", "password", "x"))
		if r.status != 500 || !strings.Contains(r.body, "empty user id") {
			t.Errorf("%d %q", r.status, r.body)
		}
		if who := s.whoami(cl); who != "" {
			t.Errorf("logged in as %q", who)
		}
	})
}

func TestLoginViewRedirectAuthenticatedUser(t *testing.T) {
	var calls atomic.Int32
	s := newAuthSite(t, views.Config{Authenticate: checkPasswords(&calls)}, loginPatterns()...)
	cases := []struct {
		name, path string
		loggedIn   bool
		status     int
		location   string
	}{
		{"anonymous sees the form", "/login/auth-redirect/", false, 200, ""},
		{"logged in is sent on", "/login/auth-redirect/", true, 302, "/home/"},
		{"logged in with a safe next", "/login/auth-redirect/?next=/n/", true, 302, "/n/"},
		{"off by default", "/login/", true, 200, ""},
		{"a loop is an error", "/login/loop/", true, 500, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl, _ := s.client()
			if tc.loggedIn {
				cl, _ = s.login("1")
			}
			r := cl.do("GET", tc.path, nil)
			if r.status != tc.status || r.header.Get("Location") != tc.location {
				t.Errorf("%d Location %q, want %d %q", r.status, r.header.Get("Location"), tc.status, tc.location)
			}
		})
	}
}

// --- one view per hook override ---

// loginAuthHook checks passwords itself: no Config.Authenticate needed.
type loginAuthHook struct{ views.LoginView }

func (v *loginAuthHook) Authenticate(c *fiber.Ctx, username, password string) (string, error) {
	if username == "bob" && password == "hunter2" {
		return "2", nil
	}
	return "", views.ErrInvalidCredentials
}

type loginNextPageHook struct{ views.LoginView }

func (v *loginNextPageHook) GetNextPage(c *fiber.Ctx) (string, error) { return "/welcome/", nil }

type loginRedirectURLHook struct{ views.LoginView }

func (v *loginRedirectURLHook) GetRedirectURL(c *fiber.Ctx) (string, error) {
	return "/from-hook/", nil
}

type loginSuccessURLHook struct{ views.LoginView }

func (v *loginSuccessURLHook) GetSuccessURL(c *fiber.Ctx) (string, error) { return "/success/", nil }

type loginAllowedHostsHook struct{ views.LoginView }

func (v *loginAllowedHostsHook) GetSuccessURLAllowedHosts(c *fiber.Ctx) []string {
	return []string{"hook.example"}
}

type loginContextHook struct{ views.LoginView }

func (v *loginContextHook) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.LoginView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	ctx["x"] = "from-hook"
	return ctx, nil
}

type loginTemplateNamesHook struct{ views.LoginView }

func (v *loginTemplateNamesHook) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return []string{"missing.html", "login_page.html"}, nil
}

type loginBadHook struct{ views.LoginView }

func (v *loginBadHook) Authenticate(c *fiber.Ctx, username string) (string, error) { return "", nil }

func TestLoginViewHooks(t *testing.T) {
	var calls atomic.Int32
	s := newAuthSite(t, views.Config{Authenticate: checkPasswords(&calls)},
		views.Path("auth/", &loginAuthHook{views.LoginView{NextPage: "home"}}),
		views.Path("next-page/", &loginNextPageHook{}),
		views.Path("redirect-url/", &loginRedirectURLHook{views.LoginView{NextPage: "home"}}),
		views.Path("success-url/", &loginSuccessURLHook{views.LoginView{NextPage: "home"}}),
		views.Path("allowed-hosts/", &loginAllowedHostsHook{views.LoginView{NextPage: "home"}}),
		views.Path("context/", &loginContextHook{views.LoginView{TemplateView: views.TemplateView{TemplateName: "login_page.html"}}}),
		views.Path("template-names/", &loginTemplateNamesHook{}),
	)
	alice := []string{"username", "alice", "password", alicePassword}
	cases := []struct {
		name, method, path string
		fields             []string
		status             int
		location, contains string
		user               string
	}{
		{"Authenticate", "POST", "/auth/", []string{"username", "bob", "password", "hunter2"}, 302, "/home/", "", "2"},
		{"Authenticate refuses", "POST", "/auth/", alice, 200, "", invalidLoginMessage, ""},
		{"GetNextPage", "POST", "/next-page/", alice, 302, "/welcome/", "", "1"},
		{"GetRedirectURL", "POST", "/redirect-url/", alice, 302, "/from-hook/", "", "1"},
		{"GetRedirectURL fills the form's next", "GET", "/redirect-url/", nil, 200, "", `name="next" value="/from-hook/"`, ""},
		{"GetSuccessURL", "POST", "/success-url/", append([]string{"next", "/n/"}, alice...), 302, "/success/", "", "1"},
		{"GetSuccessURLAllowedHosts", "POST", "/allowed-hosts/", append([]string{"next", "https://hook.example/"}, alice...), 302, "https://hook.example/", "", "1"},
		{"GetContextData", "GET", "/context/", nil, 200, "", "login_page title=Log in x=from-hook", ""},
		{"GetContextData after a failure", "POST", "/context/", []string{"username", "alice", "password", "no"}, 200, "",
			"x=from-hook next= field=next username=alice error=" + invalidLoginMessage, ""},
		{"GetTemplateNames", "GET", "/template-names/", nil, 200, "", "login_page title=Log in", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl, token := s.client()
			var body url.Values
			if tc.method == "POST" {
				body = form(append([]string{"csrfmiddlewaretoken", token}, tc.fields...)...)
			}
			r := cl.do(tc.method, tc.path, body)
			if r.status != tc.status || r.header.Get("Location") != tc.location || !strings.Contains(r.body, tc.contains) {
				t.Fatalf("%d Location %q body %q, want %d %q containing %q", r.status, r.header.Get("Location"), r.body,
					tc.status, tc.location, tc.contains)
			}
			if who := s.whoami(cl); who != tc.user {
				t.Errorf("user %q, want %q", who, tc.user)
			}
		})
	}
	t.Run("a hook with the wrong signature is a registration error", func(t *testing.T) {
		_, err := views.AsView(&loginBadHook{})
		if !errors.Is(err, views.ErrImproperlyConfigured) || !strings.Contains(err.Error(), "views.LoginView calls it as func(*fiber.Ctx, string, string) (string, error)") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestLoginMessagesInAnotherLanguage: every text the login form shows can
// be replaced.
func TestLoginMessagesInAnotherLanguage(t *testing.T) {
	lv := &views.LoginView{NextPage: "/home/", InvalidLoginMessage: "Nom d’utilisateur ou mot de passe incorrect.",
		ThrottledMessage: "Trop de tentatives.", StaleFormMessage: "Page périmée."}
	app := newApp(t, appOptions{sessions: true, cfg: views.Config{
		Authenticate:  func(c *fiber.Ctx, u, p string) (string, error) { return "", views.ErrInvalidCredentials },
		LoginThrottle: security.ThrottleConfig{Limit: 1, Window: time.Minute},
	}, patterns: []urls.Pattern{views.Path("login/", lv)}})
	cl := newClient(t, app)
	page := cl.do("GET", "/login/", nil)
	tok := formToken(t, page.body)
	for i, want := range []string{"Nom d’utilisateur ou mot de passe incorrect.", "Trop de tentatives."} {
		r := cl.do("POST", "/login/", url.Values{"username": {"alice"}, "password": {"x"}, "csrfmiddlewaretoken": {tok}})
		if r.status != 200 || !strings.Contains(r.body, html.EscapeString(want)) {
			t.Errorf("attempt %d: %d, want the form with %q:\n%s", i+1, r.status, want, r.body)
		}
	}
	r := cl.do("POST", "/login/", url.Values{"username": {"alice"}, "password": {"x"}, "csrfmiddlewaretoken": {"stale" + strings.Repeat("x", 59)}})
	if r.status != 200 || !strings.Contains(r.body, "Page périmée.") {
		t.Errorf("stale form: %d, want the form with the stale message:\n%s", r.status, r.body)
	}
}
