package views_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/internal/pgtest"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/session/pgstore"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	"golang.org/x/crypto/bcrypt"
)

// benchAuthenticate knows one user, whose password it compares as given:
// no hash cost hides the framework's.
func benchAuthenticate(c *fiber.Ctx, username, password string) (string, error) {
	if username == "alice" && password == "wonderland" {
		return "1", nil
	}
	return "", views.ErrInvalidCredentials
}

// benchHash is the user's password hashed with bcrypt at its default cost,
// made once (it takes as long as a check).
var benchHash = sync.OnceValue(func() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("wonderland"), bcrypt.DefaultCost)
	if err != nil {
		panic(err)
	}
	return h
})

// bcryptAuthenticate knows the same user and checks the password against its
// bcrypt hash at bcrypt.DefaultCost, as a site does.
func bcryptAuthenticate(c *fiber.Ctx, username, password string) (string, error) {
	if username == "alice" && bcrypt.CompareHashAndPassword(benchHash(), []byte(password)) == nil {
		return "1", nil
	}
	return "", views.ErrInvalidCredentials
}

// benchHashers are the password checks BenchmarkLoginLogout runs with.
var benchHashers = []struct {
	name string
	auth func(c *fiber.Ctx, username, password string) (string, error)
}{
	{"bcrypt", bcryptAuthenticate},
	{"plain", benchAuthenticate},
}

// benchStores are the session stores the login benchmarks run on: a SQLite
// file (the real thing, where the storage dominates), PostgreSQL through
// session/pgstore (a database of its own on the server internal/pgtest
// gives: FIBERVIEWS_POSTGRES_URL, or one started for the test binary), and a
// map in memory (which leaves only the framework's own cost).
var benchStores = []struct {
	name string
	open func(testing.TB) *session.Manager
}{
	{"sqlite", newSessions},
	{"postgres", func(b testing.TB) *session.Manager {
		st, err := pgstore.Open(context.Background(), pgtest.URL(b))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = st.Close() })
		m, err := session.New(session.Config{Storage: st})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = m.Close() })
		return m
	}},
	{"memory", func(b testing.TB) *session.Manager {
		m, err := session.New(session.Config{Storage: &mapStorage{m: map[string][]byte{}}})
		if err != nil {
			b.Fatal(err)
		}
		return m
	}},
}

// TestMain stops the PostgreSQL server the benchmarks on "postgres" started.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// BenchmarkLoginLogout measures one login→logout cycle (two POSTs, each
// answered 302) through LoginView and LogoutView with CSRF checks, against
// hand-written Fiber handlers doing the same session work (session.Login,
// session.Logout) with no CSRF check. Each side gets its own store of the
// same kind: a SQLite file (the real thing) and a map in memory (which
// leaves only the framework's own cost). The password is checked as a site
// checks it, against a bcrypt hash at bcrypt.DefaultCost ("bcrypt", what the
// throttle's cost is judged against), and compared as given ("plain", which
// leaves the framework's cost visible). The views run with the login throttle
// off, on (the default), and on while 10,000 other usernames have a failure
// counted. Compare the throttle's settings with benchstat:
//
//	go test ./views/ -run '^$' -bench LoginLogout -benchmem -count 6 | tee /tmp/login.txt
//	benchstat -col /throttle /tmp/login.txt
func BenchmarkLoginLogout(b *testing.B) {
	for _, st := range benchStores {
		for _, h := range benchHashers {
			b.Run(st.name+"/"+h.name+"/hand-written", func(b *testing.B) {
				app := fiber.New()
				app.Use(st.open(b).Middleware())
				app.Post("/login/", func(c *fiber.Ctx) error {
					id, err := h.auth(c, c.FormValue("username"), c.FormValue("password"))
					if err != nil {
						return c.SendString("try again")
					}
					if err := session.Login(c, id); err != nil {
						return err
					}
					return c.Redirect("/home/", fiber.StatusFound)
				})
				app.Post("/logout/", func(c *fiber.Ctx) error {
					if err := session.Logout(c); err != nil {
						return err
					}
					return c.Redirect("/home/", fiber.StatusFound)
				})
				loginLogoutCycles(b, app.Handler())
			})
			for _, throttle := range []struct {
				name    string
				cfg     security.ThrottleConfig
				failing int // usernames with a live failure count, each from an address of its own
			}{
				{"off", security.ThrottleConfig{Off: true}, 0},
				{"on", security.ThrottleConfig{}, 0},
				{"on-10k-others-failing", security.ThrottleConfig{}, 10_000},
			} {
				b.Run(st.name+"/"+h.name+"/views/throttle="+throttle.name, func(b *testing.B) {
					m := st.open(b)
					failLogins(b, m.Storage(), throttle.failing)
					app := fiber.New()
					app.Use(m.Middleware())
					app.Use(views.Setup(views.Config{Authenticate: h.auth, LoginThrottle: throttle.cfg, Logger: discard()}))
					app.All("/login/", mustAsView(&views.LoginView{NextPage: "/home/"}))
					app.All("/logout/", mustAsView(&views.LogoutView{NextPage: "/home/"}))
					loginLogoutCycles(b, app.Handler())
				})
			}
		}
	}
}

// failLogins counts one failed login for each of n usernames, each from an
// address of its own, in st (the throttle's default keys).
func failLogins(b *testing.B, st fiber.Storage, n int) {
	th, err := security.NewThrottle(security.ThrottleConfig{Storage: st})
	if err != nil {
		b.Fatal(err)
	}
	app := fiber.New()
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	for i := range n {
		if err := th.Fail(c, "user"+strconv.Itoa(i), "10.1."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256)); err != nil {
			b.Fatal(err)
		}
	}
}

// mapStorage is a fiber.Storage in a map, without expiry: the cheapest
// storage there is, so that a benchmark on it measures everything else.
type mapStorage struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *mapStorage) Get(k string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[k], nil
}

func (s *mapStorage) Set(k string, v []byte, _ time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = append([]byte(nil), v...)
	return nil
}

func (s *mapStorage) Delete(k string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k)
	return nil
}

func (s *mapStorage) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.m)
	return nil
}

func (s *mapStorage) Close() error { return nil }

// benchClient posts forms to a handler on one reused RequestCtx, carrying
// the session and CSRF cookies like a browser and posting the CSRF secret as
// the token (Django accepts the unmasked secret too). Every answer must be a
// 302; keepCookies takes the cookies of the last one (after a login or
// anything else that sets new ones: parsing them costs allocations).
type benchClient struct {
	h         fasthttp.RequestHandler
	ctx       fasthttp.RequestCtx
	ck        fasthttp.Cookie
	csrf, sid string
}

func newBenchClient(h fasthttp.RequestHandler) *benchClient {
	return &benchClient{h: h, csrf: "abcdefghijklmnopqrstuvwxyzABCDEF"}
}

func (cl *benchClient) post(b *testing.B, path, body string) {
	ctx := &cl.ctx
	ctx.Request.Reset()
	ctx.Response.Reset()
	ctx.ResetUserValues() // a server starts every request with no c.Locals
	ctx.Request.Header.SetMethod("POST")
	ctx.Request.SetRequestURI(path)
	ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
	ctx.Request.Header.SetCookie("csrftoken", cl.csrf)
	if cl.sid != "" {
		ctx.Request.Header.SetCookie("sessionid", cl.sid)
	}
	ctx.Request.SetBodyString(body + "&csrfmiddlewaretoken=" + cl.csrf)
	cl.h(ctx)
	if ctx.Response.StatusCode() != fiber.StatusFound {
		b.Fatalf("POST %s: %d %s", path, ctx.Response.StatusCode(), ctx.Response.Body())
	}
}

// keepCookies keeps the session and CSRF cookies the last answer set.
func (cl *benchClient) keepCookies() {
	cl.keep(&cl.sid, "sessionid")
	cl.keep(&cl.csrf, "csrftoken") // LoginView rotates the CSRF secret
}

// keep stores in *v the value of the cookie name when the last answer set a
// new, non-empty one (allocating only then).
func (cl *benchClient) keep(v *string, name string) {
	cl.ck.Reset()
	cl.ck.SetKey(name)
	if cl.ctx.Response.Header.Cookie(&cl.ck) {
		if val := cl.ck.Value(); len(val) > 0 && string(val) != *v {
			*v = string(val)
		}
	}
}

// loginLogoutCycles logs in and out b.N times, each time from a browser
// without a session.
func loginLogoutCycles(b *testing.B, h fasthttp.RequestHandler) {
	cl := newBenchClient(h)
	b.ReportAllocs()
	for b.Loop() {
		cl.sid = ""
		cl.post(b, "/login/", "username=alice&password=wonderland")
		cl.keepCookies()
		cl.post(b, "/logout/", "next=")
	}
}

// BenchmarkBcryptCompare measures the password check of bcryptAuthenticate
// alone (bcrypt.CompareHashAndPassword at bcrypt.DefaultCost): what the
// throttle's own cost (BenchmarkThrottleCheck in views/security) is judged
// against.
func BenchmarkBcryptCompare(b *testing.B) {
	h := benchHash()
	for b.Loop() {
		if err := bcrypt.CompareHashAndPassword(h, []byte("wonderland")); err != nil {
			b.Fatal(err)
		}
	}
}
