package viewtest_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fiberviews/fiberviews/internal/formvalue"
	"github.com/fiberviews/fiberviews/internal/redistest"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/session/redisstore"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/fiberviews/fiberviews/views/viewtest"
	"github.com/gofiber/fiber/v2"
)

// pages are the test site's templates: a form with its CSRF input and a
// hidden field, the same form without the CSRF input, and a page with two
// forms.
var pages = fstest.MapFS{
	"form.html":   {Data: []byte(`<form method="post" action="{{ url "submit" }}">{{ .csrf_input }}<input type=hidden name=next value="/after/"><input name=name></form>`)},
	"nocsrf.html": {Data: []byte(`<form method="post" action="{{ url "submit" }}"><input name=name></form>`)},
	"two.html": {Data: []byte(`<form method=get action="/search/"></form>` +
		`<form method="POST" action="/other/">{{ .csrf_input }}</form>` +
		`<form method="post" action="{{ url "submit" }}?x=1">{{ .csrf_input }}<input type="hidden" name="name" value="hidden &amp; kept"></form>`)},
}

// submitView answers the form: who posted what.
type submitView struct{ views.Base }

func (v *submitView) Post(c *fiber.Ctx) error {
	id, _ := session.UserID(c)
	return c.SendString("posted user=" + id + " name=" + formvalue.Post(c, "name") + " next=" + formvalue.Post(c, "next") + " x=" + c.Query("x"))
}

// testSite is a site with real sessions on m, and the table it mounts.
func testSite(t *testing.T, m *session.Manager) (*fiber.App, *urls.Resolver) {
	t.Helper()
	whoami := func(c *fiber.Ctx) error {
		id, _ := session.UserID(c)
		return c.SendString("user=" + id)
	}
	table, err := urls.Compile([]urls.Pattern{
		urls.Path("whoami/", whoami, urls.Name("whoami")),
		urls.Path("ua/", func(c *fiber.Ctx) error { return c.SendString(c.Get("User-Agent")) }, urls.Name("ua")),
		views.Path("form/", &views.TemplateView{TemplateName: "form.html"}, urls.Name("form")),
		views.Path("nocsrf/", &views.TemplateView{TemplateName: "nocsrf.html"}, urls.Name("nocsrf")),
		views.Path("two/", &views.TemplateView{TemplateName: "two.html"}, urls.Name("two")),
		views.Path("submit/", &submitView{}, urls.Name("submit")),
		views.Path("hop/", &views.RedirectView{PatternName: "hop2"}, urls.Name("hop")),
		views.Path("hop2/", &views.RedirectView{PatternName: "whoami"}, urls.Name("hop2")),
		views.Path("away/", &views.RedirectView{URL: "https://elsewhere.example/"}, urls.Name("away")),
		views.Path("loop/", &views.RedirectView{PatternName: "loop"}, urls.Name("loop")),
	})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := templates.New(templates.Config{FS: pages, Resolver: table})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(m.Middleware())
	app.Use(views.Setup(views.Config{Logger: slog.New(slog.DiscardHandler), AllowedHosts: []string{"example.com"}}))
	table.Mount(app)
	return app, table
}

func sqliteSessions(t *testing.T) *session.Manager {
	t.Helper()
	m, err := session.New(session.Config{Database: filepath.Join(t.TempDir(), "s.sqlite3")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// must returns v, or panics with err: for calls that fail only when the
// test itself is broken.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestLoginLogout(t *testing.T) {
	stores := map[string]func(*testing.T) *session.Manager{
		"sqlite": sqliteSessions,
		"redis": func(t *testing.T) *session.Manager {
			st, err := redisstore.Open(redistest.Addr(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			m, err := session.New(session.Config{Storage: st, KeyPrefix: "viewtest-" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"})
			if err != nil {
				t.Fatal(err)
			}
			return m
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			m := open(t)
			app, table := testSite(t, m)
			a := viewtest.New(app, viewtest.Config{Sessions: m, URLs: table})
			b := viewtest.New(app, viewtest.Config{Sessions: m, URLs: table})
			if err := a.Login("alice"); err != nil {
				t.Fatal(err)
			}
			if err := b.Login("alice"); err != nil {
				t.Fatal(err)
			}
			for _, cl := range []*viewtest.Client{a, b} {
				if r := must(cl.Get("whoami")); r.Body != "user=alice" {
					t.Fatalf("after Login: %d %q", r.StatusCode, r.Body)
				}
			}
			list := must(m.UserSessions("alice"))
			if len(list) != 2 {
				t.Fatalf("alice has %d sessions in the storage, want 2", len(list))
			}
			if err := a.Logout(); err != nil {
				t.Fatal(err)
			}
			if r := must(a.Get("/whoami/")); r.Body != "user=" {
				t.Errorf("after Logout: %q", r.Body)
			}
			if a.Cookie(session.DefaultCookieName) != nil {
				t.Error("Logout left the session cookie in the jar")
			}
			if r := must(b.Get("/whoami/")); r.Body != "user=alice" {
				t.Errorf("the other client after Logout: %q", r.Body)
			}
			if list := must(m.UserSessions("alice")); len(list) != 1 {
				t.Errorf("alice has %d sessions after one Logout, want 1", len(list))
			}
		})
	}
}

func TestLoginErrors(t *testing.T) {
	m := sqliteSessions(t)
	app, _ := testSite(t, m)
	if err := viewtest.New(app, viewtest.Config{}).Login("x"); !errors.Is(err, viewtest.ErrNoSessions) {
		t.Errorf("Login without Sessions: %v, want ErrNoSessions", err)
	}
	if err := viewtest.New(app, viewtest.Config{}).Logout(); !errors.Is(err, viewtest.ErrNoSessions) {
		t.Errorf("Logout without Sessions: %v, want ErrNoSessions", err)
	}
	if err := viewtest.New(app, viewtest.Config{Sessions: m}).Login(""); !errors.Is(err, session.ErrEmptyUserID) {
		t.Errorf("Login(\"\"): %v, want session.ErrEmptyUserID", err)
	}
	if _, err := viewtest.New(app, viewtest.Config{}).Get("whoami"); !errors.Is(err, viewtest.ErrNoURLs) {
		t.Errorf("Get by name without URLs: %v, want ErrNoURLs", err)
	}
	var nrm *urls.NoReverseMatch
	if _, err := viewtest.New(app, viewtest.Config{URLs: must(urls.Compile(nil))}).Get("nope"); !errors.As(err, &nrm) {
		t.Errorf("Get of an unknown name: %v, want a *urls.NoReverseMatch", err)
	}
}

func TestPostForm(t *testing.T) {
	m := sqliteSessions(t)
	app, table := testSite(t, m)
	tests := []struct {
		name, page, target string
		data               url.Values
		status             int
		body               string
		err                error
	}{
		{"the page's token and hidden inputs", "form", "submit", url.Values{"name": {"Ann"}}, 200,
			"posted user=bob name=Ann next=/after/ x=", nil},
		{"values replace hidden inputs", "form", "/submit/", url.Values{"next": {"/mine/"}}, 200,
			"posted user=bob name= next=/mine/ x=", nil},
		// The test client's reason to exist: a page that forgets its CSRF
		// input gets the 403 a browser would get.
		{"a page without its CSRF input fails", "nocsrf", "submit", url.Values{"name": {"Ann"}}, 403,
			"The form could not be sent", nil},
		{"the form whose action is the target", "two", "submit", nil, 200,
			"posted user=bob name=hidden & kept next= x=1", nil},
		{"no form posts there", "two", "whoami", nil, 0, "", viewtest.ErrNoForm},
		{"no form at all", "whoami", "submit", nil, 0, "", viewtest.ErrNoForm},
		{"no page yet", "", "submit", nil, 0, "", viewtest.ErrNoForm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := viewtest.New(app, viewtest.Config{Sessions: m, URLs: table})
			if err := cl.Login("bob"); err != nil {
				t.Fatal(err)
			}
			if tt.page != "" {
				if r := must(cl.Get(tt.page)); r.StatusCode != 200 {
					t.Fatalf("GET %s: %d", tt.page, r.StatusCode)
				}
			}
			r, err := cl.PostForm(tt.target, tt.data)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("PostForm: %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.StatusCode != tt.status || !strings.Contains(r.Body, tt.body) {
				t.Errorf("PostForm: %d %q, want %d with %q", r.StatusCode, r.Body, tt.status, tt.body)
			}
		})
	}
}

func TestPost(t *testing.T) {
	m := sqliteSessions(t)
	app, table := testSite(t, m)
	t.Run("the cookie's secret in the header passes", func(t *testing.T) {
		cl := viewtest.New(app, viewtest.Config{URLs: table})
		must(cl.Get("form")) // sets the CSRF cookie
		r := must(cl.Post("submit", fiber.MIMEApplicationForm, strings.NewReader("name=api")))
		if r.StatusCode != 200 || r.Body != "posted user= name=api next= x=" {
			t.Errorf("Post: %d %q", r.StatusCode, r.Body)
		}
	})
	t.Run("without a CSRF cookie it is refused", func(t *testing.T) {
		cl := viewtest.New(app, viewtest.Config{URLs: table})
		if r := must(cl.Post("submit", fiber.MIMEApplicationForm, nil)); r.StatusCode != 403 {
			t.Errorf("Post without a cookie: %d, want 403", r.StatusCode)
		}
	})
	t.Run("Do adds cookies and nothing else", func(t *testing.T) {
		cl := viewtest.New(app, viewtest.Config{Sessions: m})
		if err := cl.Login("carol"); err != nil {
			t.Fatal(err)
		}
		must(cl.Get("/form/"))
		req, _ := http.NewRequest("POST", "/submit/", nil)
		if r := must(cl.Do(req)); r.StatusCode != 403 {
			t.Errorf("Do POST without a token: %d, want 403", r.StatusCode)
		}
		req, _ = http.NewRequest("GET", "/whoami/", nil)
		if r := must(cl.Do(req)); r.Body != "user=carol" {
			t.Errorf("Do GET: %q", r.Body)
		}
	})
}

func TestHeader(t *testing.T) {
	m := sqliteSessions(t)
	app, table := testSite(t, m)
	cl := viewtest.New(app, viewtest.Config{Sessions: m, URLs: table, Header: http.Header{"User-Agent": {"viewtest-browser"}}})
	if r := must(cl.Get("ua")); r.Body != "viewtest-browser" {
		t.Errorf("Get sent User-Agent %q", r.Body)
	}
	if err := cl.Login("dan"); err != nil {
		t.Fatal(err)
	}
	if list := must(m.UserSessions("dan")); len(list) != 1 || list[0].UserAgent != "viewtest-browser" {
		t.Errorf("the session Login wrote: %+v, want the client's User-Agent", list)
	}
	req, _ := http.NewRequest("GET", "/ua/", nil)
	req.Header.Set("User-Agent", "own")
	if r := must(cl.Do(req)); r.Body != "own" {
		t.Errorf("a request's own header lost to Config.Header: %q", r.Body)
	}
}

func TestRedirects(t *testing.T) {
	m := sqliteSessions(t)
	app, table := testSite(t, m)
	var loop []string
	for range viewtest.MaxRedirects {
		loop = append(loop, "http://example.com/loop/")
	}
	tests := []struct {
		name, target string
		follow       bool
		status       int
		chain        []string
		err          error
	}{
		{"not followed", "hop", false, 302, nil, nil},
		{"followed to the end", "hop", true, 200, []string{"http://example.com/hop2/", "http://example.com/whoami/"}, nil},
		{"not off-site", "away", true, 302, nil, nil},
		{"a loop ends", "loop", true, 302, loop, viewtest.ErrTooManyRedirects},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := viewtest.New(app, viewtest.Config{URLs: table, FollowRedirects: tt.follow})
			r, err := cl.Get(tt.target)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Get: %v, want %v", err, tt.err)
			}
			if r.StatusCode != tt.status || strings.Join(r.Redirects, " ") != strings.Join(tt.chain, " ") {
				t.Errorf("Get %s: %d via %v, want %d via %v", tt.target, r.StatusCode, r.Redirects, tt.status, tt.chain)
			}
		})
	}
}

func TestNewRefusesABadBaseURL(t *testing.T) {
	for _, base := range []string{"example.com", "ftp://example.com", "http://", "%"} {
		t.Run(base, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("New with BaseURL %q did not panic", base)
				}
			}()
			viewtest.New(fiber.New(), viewtest.Config{BaseURL: base})
		})
	}
}

// TestMessages checks that a response tells the messages it left for the
// next page, also when the client follows the redirect to the page that
// shows them.
func TestMessages(t *testing.T) {
	app := fiber.New()
	app.Use(views.Setup(views.Config{Logger: slog.New(slog.DiscardHandler)}))
	app.Get("/add/", func(c *fiber.Ctx) error {
		messages.Success(c, "Saved.")
		messages.Warning(c, "Check <this>.")
		return c.Redirect("/show/")
	})
	app.Get("/show/", func(c *fiber.Ctx) error {
		var out []string
		for _, m := range messages.Get(c) {
			out = append(out, m.Tags()+": "+m.Message)
		}
		return c.SendString(strings.Join(out, "; "))
	})
	app.Get("/none/", func(c *fiber.Ctx) error { return c.SendString("nothing") })
	want := []messages.Message{{Level: messages.LevelSuccess, Message: "Saved."}, {Level: messages.LevelWarning, Message: "Check <this>."}}
	for _, follow := range []bool{false, true} {
		t.Run(fmt.Sprint("follow=", follow), func(t *testing.T) {
			cl := viewtest.New(app, viewtest.Config{FollowRedirects: follow})
			r := must(cl.Get("/add/"))
			if fmt.Sprint(r.Messages) != fmt.Sprint(want) {
				t.Errorf("Messages = %v, want %v", r.Messages, want)
			}
			if follow && r.Body != "success: Saved.; warning: Check <this>." {
				t.Errorf("the page after the redirect: %q", r.Body)
			}
			if r := must(cl.Get("/none/")); len(r.Messages) != 0 {
				t.Errorf("a page that adds none: Messages = %v", r.Messages)
			}
		})
	}
}
