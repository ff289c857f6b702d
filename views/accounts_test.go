package views_test

import (
	"context"
	"html"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
)

// accountsSite is a site wired with Config.Users: users in auth_user and
// sessions on one SQLite file, the session auth hash from a secret key, and
// the built-in login, sign-up and sessions views with their default pages.
type accountsSite struct {
	t       *testing.T
	app     *fiber.App
	users   *auth.SQLiteUsers
	backend *auth.Backend
}

// fastHashing is pbkdf2_sha256 at few iterations: the tests hash often.
func fastHashing(pool *auth.Pool) *auth.Hashing {
	return &auth.Hashing{Hashers: []auth.Hasher{auth.PBKDF2SHA256{Iterations: 1000}}, Pool: pool}
}

func newAccountsSite(t *testing.T, pool *auth.Pool, signup *views.SignupView) *accountsSite {
	t.Helper()
	ctx := context.Background()
	st, err := session.OpenSQLite(filepath.Join(t.TempDir(), "site.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	users, err := auth.NewSQLiteUsers(ctx, st.DB())
	if err != nil {
		t.Fatal(err)
	}
	backend := &auth.Backend{Users: users, Hashing: fastHashing(pool)}
	keys := auth.SecretKeys{Key: "a secret key for the tests"}
	m, err := session.New(session.Config{Storage: st, AuthHash: keys.AuthHash(users)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	engine, err := templates.New(templates.Config{FS: fstest.MapFS{
		"home.html": {Data: []byte(`home user={{ .user.Username }} auth={{ .is_authenticated }}{{ range .messages }} msg={{ . }}{{ end }}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	table, err := urls.Compile([]urls.Pattern{
		views.Path("", &views.TemplateView{TemplateName: "home.html"}, urls.Name("home")),
		views.Path("login/", &views.LoginView{NextPage: "home"}, urls.Name("login")),
		views.Path("signup/", signup, urls.Name("signup")),
		views.Path("sessions/", &views.SessionsView{}, urls.Name("sessions")),
		views.Path("password_change/", &views.PasswordChangeView{}, urls.Name("password_change")),
		views.Path("password_change/done/", &views.PasswordChangeDoneView{}, urls.Name("password_change_done")),
	})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{Views: engine, ErrorHandler: views.ErrorHandler})
	app.Use(m.Middleware(), views.Setup(views.Config{
		Users: backend, LoginURL: "login", LogoutRedirectURL: "home", Logger: discard(), URLs: table,
	}), messages.Setup(messages.Config{}))
	table.Mount(app)
	return &accountsSite{t: t, app: app, users: users, backend: backend}
}

// client is a new anonymous client and the CSRF token of the page at path.
func (s *accountsSite) client(path string) (*client, string) {
	s.t.Helper()
	cl := newClient(s.t, s.app)
	r := cl.do("GET", path, nil)
	if r.status != 200 {
		s.t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	return cl, formToken(s.t, r.body)
}

// login logs a new client in through the login page.
func (s *accountsSite) login(username, password, userAgent string) *client {
	s.t.Helper()
	cl, token := s.client("/login/")
	r := cl.do("POST", "/login/", form("csrfmiddlewaretoken", token, "username", username, "password", password), "User-Agent", userAgent)
	if r.status != 302 {
		s.t.Fatalf("logging in as %s: %d %s", username, r.status, r.body)
	}
	return cl
}

// home is what the home page says of the client's user.
func (s *accountsSite) home(cl *client) string {
	s.t.Helper()
	return cl.do("GET", "/", nil).body
}

func (s *accountsSite) createUser(username, password string) *auth.User {
	s.t.Helper()
	u, err := s.backend.CreateUser(context.Background(), username, "", password)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

func TestUsersWiring(t *testing.T) {
	s := newAccountsSite(t, nil, &views.SignupView{})
	s.createUser("alice", "correct horse battery")
	t.Run("login loads the *auth.User", func(t *testing.T) {
		cl := s.login("alice", "correct horse battery", "test")
		if got := s.home(cl); !strings.Contains(got, "user=alice auth=true") {
			t.Errorf("home page %q", got)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		cl, token := s.client("/login/")
		r := cl.do("POST", "/login/", form("csrfmiddlewaretoken", token, "username", "alice", "password", "wrong"))
		if r.status != 200 || !strings.Contains(r.body, "Please enter a correct username and password") {
			t.Errorf("wrong password: %d %s", r.status, r.body)
		}
	})
	t.Run("a password change logs out the other sessions", func(t *testing.T) {
		cl := s.login("Alice", "correct horse battery", "test")
		u, err := s.users.UserByUsername(context.Background(), "alice")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.backend.SetPassword(context.Background(), u, "another long password"); err != nil {
			t.Fatal(err)
		}
		if got := s.home(cl); !strings.Contains(got, "auth=false") {
			t.Errorf("after a password change elsewhere: %q", got)
		}
	})
	t.Run("an inactive user is anonymous", func(t *testing.T) {
		s.createUser("bob", "correct horse battery")
		cl := s.login("bob", "correct horse battery", "test")
		if _, err := s.users.DB().Exec(`UPDATE auth_user SET is_active = 0 WHERE username = 'bob'`); err != nil {
			t.Fatal(err)
		}
		if got := s.home(cl); !strings.Contains(got, "auth=false") {
			t.Errorf("inactive user: %q", got)
		}
	})
}

// TestLoginBusy: a login that finds every hashing slot taken answers 503
// with Retry-After, never a 500, and counts no failed attempt.
func TestLoginBusy(t *testing.T) {
	pool := auth.NewPool(1, time.Millisecond)
	s := newAccountsSite(t, pool, &views.SignupView{})
	s.createUser("alice", "correct horse battery")
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() { done <- pool.Do(context.Background(), func() { close(started); <-release }) }()
	<-started
	for _, tc := range []struct{ name, path string }{
		{"login", "/login/"},
		{"signup", "/signup/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl, token := s.client(tc.path)
			r := cl.do("POST", tc.path, form("csrfmiddlewaretoken", token, "username", "alice2", "password", "correct horse battery",
				"password1", "correct horse battery", "password2", "correct horse battery"))
			if r.status != fiber.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
				t.Errorf("busy: %d Retry-After=%q %s", r.status, r.header.Get("Retry-After"), r.body)
			}
		})
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := s.users.UserByUsername(context.Background(), "alice2"); err == nil {
		t.Error("a sign-up refused as busy created its user")
	}
}

func TestSignupView(t *testing.T) {
	const good = "correct horse battery"
	tests := []struct {
		name                        string
		username, password1, passw2 string
		wantErrs                    []string // messages the page shows; none: the user is created
	}{
		{name: "good", username: "carol", password1: good, passw2: good},
		{name: "unicode letters", username: "zoë.k+1@x_y-z", password1: good, passw2: good},
		{name: "taken in another case", username: "ALICE", password1: good, passw2: good,
			wantErrs: []string{"A user with that username already exists."}},
		{name: "bad username", username: "dave smith!", password1: good, passw2: good,
			wantErrs: []string{"Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."}},
		{name: "long username", username: strings.Repeat("a", 151), password1: good, passw2: good,
			wantErrs: []string{"Ensure this value has at most 150 characters (it has 151)."}},
		{name: "mismatch", username: "erin", password1: good, passw2: good + "!",
			wantErrs: []string{"The two password fields didn’t match."}},
		{name: "common password", username: "frank", password1: "password123", passw2: "password123",
			wantErrs: []string{"This password is too common."}},
		{name: "all at once", username: "bad name", password1: "12345", passw2: "12345",
			wantErrs: []string{"Enter a valid username.", "This password is too short.", "This password is too common.", "This password is entirely numeric."}},
		{name: "empty", wantErrs: []string{"This field is required."}},
	}
	s := newAccountsSite(t, nil, &views.SignupView{})
	s.createUser("alice", good)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cl, token := s.client("/signup/")
			r := cl.do("POST", "/signup/", form("csrfmiddlewaretoken", token, "username", tc.username,
				"password1", tc.password1, "password2", tc.passw2))
			if len(tc.wantErrs) == 0 {
				if r.status != 302 || r.header.Get("Location") != "/login/" {
					t.Fatalf("sign-up: %d %q %s", r.status, r.header.Get("Location"), r.body)
				}
				var encoded string
				if err := s.users.DB().QueryRow(`SELECT password FROM auth_user WHERE username = ? AND is_active AND NOT is_staff`,
					tc.username).Scan(&encoded); err != nil {
					t.Fatalf("the auth_user row: %v", err)
				}
				if !strings.HasPrefix(encoded, "pbkdf2_sha256$1000$") {
					t.Errorf("password stored as %q", encoded)
				}
				if got := html.UnescapeString(s.home(s.login(tc.username, good, "test"))); !strings.Contains(got, "user="+tc.username) {
					t.Errorf("logging in as the new user: %q", got)
				}
				return
			}
			if r.status != 200 {
				t.Fatalf("refused sign-up: %d %s", r.status, r.body)
			}
			body := html.UnescapeString(r.body)
			for _, want := range tc.wantErrs {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q:\n%s", want, r.body)
				}
			}
			if tc.password1 != "" && strings.Contains(r.body, tc.password1) {
				t.Error("the page shows the password back")
			}
			var n int
			if err := s.users.DB().QueryRow(`SELECT count(*) FROM auth_user`).Scan(&n); err != nil || n > 1+countCreated(t, s) {
				t.Errorf("%d users after a refused sign-up (%v)", n, err)
			}
		})
	}
	t.Run("GET", func(t *testing.T) {
		r := newClient(t, s.app).do("GET", "/signup/", nil)
		for _, want := range []string{`name="username"`, `name="password1"`, `name="password2"`, "Your password must contain at least 8 characters."} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the form lacks %q", want)
			}
		}
		assertNeverCache(t, r)
	})
}

// countCreated is how many of TestSignupView's good sign-ups exist.
func countCreated(t *testing.T, s *accountsSite) int {
	var n int
	if err := s.users.DB().QueryRow(`SELECT count(*) FROM auth_user WHERE username <> 'alice'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSignupLoginAfter(t *testing.T) {
	s := newAccountsSite(t, nil, &views.SignupView{LoginAfter: true, FormView: views.FormView[views.SignupForm]{SuccessURL: "home"}})
	cl, token := s.client("/signup/")
	r := cl.do("POST", "/signup/", form("csrfmiddlewaretoken", token, "username", "grace",
		"password1", "correct horse battery", "password2", "correct horse battery"))
	if r.status != 302 || r.header.Get("Location") != "/" {
		t.Fatalf("sign-up: %d %q", r.status, r.header.Get("Location"))
	}
	if got := s.home(cl); !strings.Contains(got, "user=grace auth=true") {
		t.Errorf("after sign-up: %q", got)
	}
}

var sessionRowRe = regexp.MustCompile(`<tr( class="current")? id="session-([^"]+)"`)

// sessionIDs are the sessions the page lists, in order, and which is current.
func sessionIDs(page string) (ids []string, current int) {
	current = -1
	for i, m := range sessionRowRe.FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[2])
		if m[1] != "" {
			current = i
		}
	}
	return ids, current
}

func TestSessionsView(t *testing.T) {
	s := newAccountsSite(t, nil, &views.SignupView{})
	s.createUser("alice", "correct horse battery")
	const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	t.Run("anonymous", func(t *testing.T) {
		r := newClient(t, s.app).do("GET", "/sessions/", nil)
		if r.status != 302 || !strings.HasPrefix(r.header.Get("Location"), "/login/") {
			t.Errorf("anonymous: %d %q", r.status, r.header.Get("Location"))
		}
	})
	for i, tc := range []struct {
		name          string
		action        func(ids []string) url.Values
		herePage      string // where this browser goes
		hereIn, other bool   // logged in afterwards
		message       string
	}{
		{"log out the other one", func(ids []string) url.Values { return form("action", "session", "id", ids[1]) },
			"/sessions/", true, false, "Logged out Firefox 128 on Linux"},
		{"log out this one", func(ids []string) url.Values { return form("action", "session", "id", ids[0]) },
			"/", false, true, "You have been logged out."},
		{"others", func([]string) url.Values { return form("action", "others") },
			"/sessions/", true, false, "Your other sessions have been logged out."},
		{"everywhere", func([]string) url.Values { return form("action", "everywhere") },
			"/", false, false, "You have been logged out everywhere"},
		{"ended already", func([]string) url.Values { return form("action", "session", "id", "nope") },
			"/sessions/", true, true, "That session had already ended."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "user" + strconv.Itoa(i) // a user of its own, with two sessions
			s.createUser(name, "correct horse battery")
			other := s.login(name, "correct horse battery", firefox)
			me := s.login(name, "correct horse battery", "curl/8.0")
			page := me.do("GET", "/sessions/", nil)
			assertNeverCache(t, page)
			ids, cur := sessionIDs(page.body)
			if len(ids) != 2 || cur != 0 || !strings.Contains(page.body, "Firefox 128 on Linux") {
				t.Fatalf("sessions %v, current %d:\n%s", ids, cur, page.body)
			}
			values := tc.action(ids)
			values.Set("csrfmiddlewaretoken", formToken(t, page.body))
			r := me.do("POST", "/sessions/", values)
			if r.status != 302 || r.header.Get("Location") != tc.herePage {
				t.Fatalf("POST: %d %q %s", r.status, r.header.Get("Location"), r.body)
			}
			next := me.do("GET", tc.herePage, nil).body
			if !strings.Contains(next, tc.message) {
				t.Errorf("the next page lacks %q:\n%s", tc.message, next)
			}
			if got := strings.Contains(s.home(me), "auth=true"); got != tc.hereIn {
				t.Errorf("this browser logged in: %v, want %v", got, tc.hereIn)
			}
			if got := strings.Contains(s.home(other), "auth=true"); got != tc.other {
				t.Errorf("the other browser logged in: %v, want %v", got, tc.other)
			}
		})
	}
	t.Run("no CSRF token", func(t *testing.T) {
		me := s.login("alice", "correct horse battery", "test")
		if r := me.do("POST", "/sessions/", form("action", "everywhere")); r.status != 403 {
			t.Errorf("without a token: %d", r.status)
		}
		if !strings.Contains(s.home(me), "auth=true") {
			t.Error("logged out without a CSRF token")
		}
	})
	t.Run("unknown action", func(t *testing.T) {
		me := s.login("alice", "correct horse battery", "test")
		page := me.do("GET", "/sessions/", nil).body
		if r := me.do("POST", "/sessions/", form("csrfmiddlewaretoken", formToken(t, page), "action", "nap")); r.status != 400 {
			t.Errorf("unknown action: %d", r.status)
		}
	})
}

// TestPasswordChangeThroughUsers: with Config.Users, PasswordChangeView
// needs no function: it checks the old password, refuses a common new one,
// stores the new one and logs out the other sessions.
func TestPasswordChangeThroughUsers(t *testing.T) {
	s := newAccountsSite(t, nil, &views.SignupView{})
	s.createUser("alice", "correct horse battery")
	other := s.login("alice", "correct horse battery", "test")
	me := s.login("alice", "correct horse battery", "test")
	for _, tc := range []struct {
		name, old, new string
		status         int
		want           string
	}{
		{"wrong old password", "nope", "a brand new passphrase", 200, "Your old password was entered incorrectly."},
		{"common new password", "correct horse battery", "password1", 200, "This password is too common."},
		{"good", "correct horse battery", "a brand new passphrase", 302, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := me.do("GET", "/password_change/", nil).body
			r := me.do("POST", "/password_change/", form("csrfmiddlewaretoken", formToken(t, page),
				"old_password", tc.old, "new_password1", tc.new, "new_password2", tc.new))
			if r.status != tc.status || !strings.Contains(html.UnescapeString(r.body), tc.want) {
				t.Errorf("%d, want %d with %q:\n%s", r.status, tc.status, tc.want, r.body)
			}
		})
	}
	if !strings.Contains(s.home(me), "user=alice auth=true") {
		t.Error("the session that changed the password was logged out")
	}
	if !strings.Contains(s.home(other), "auth=false") {
		t.Error("the other session stayed logged in")
	}
	if got := s.home(s.login("alice", "a brand new passphrase", "test")); !strings.Contains(got, "user=alice") {
		t.Errorf("logging in with the new password: %q", got)
	}
}

// TestAccountsMessagesInAnotherLanguage: the sign-up page's and the sessions
// page's texts can be replaced.
func TestAccountsMessagesInAnotherLanguage(t *testing.T) {
	s := newAccountsSite(t, nil, &views.SignupView{UsernameTakenMessage: "Ce nom est déjà pris.",
		MismatchMessage: "Les mots de passe diffèrent."})
	s.createUser("alice", "correct horse battery")
	cl, token := s.client("/signup/")
	r := cl.do("POST", "/signup/", form("csrfmiddlewaretoken", token, "username", "ALICE",
		"password1", "correct horse battery", "password2", "another horse battery"))
	for _, want := range []string{"Ce nom est déjà pris.", "Les mots de passe diffèrent."} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the sign-up form lacks %q:\n%s", want, r.body)
		}
	}
}
