package session

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// serve runs app on a free 127.0.0.1 port until the test ends and returns its base URL.
func serve(t testing.TB, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = app.Listener(ln)
	}()
	t.Cleanup(func() {
		_ = app.Shutdown()
		<-done
	})
	return "http://" + ln.Addr().String()
}

// httpClient is a browser stand-in over real HTTP, keeping one session cookie.
type httpClient struct {
	base   string
	hc     *http.Client
	cookie string
}

func (c *httpClient) send(method, path, cookie string) (int, string, []*http.Cookie, error) {
	req, err := http.NewRequest(method, c.base+path, nil)
	if err != nil {
		return 0, "", nil, err
	}
	if cookie != "" {
		req.Header.Set("Cookie", DefaultCookieName+"="+cookie)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Cookies(), err
}

func (c *httpClient) do(method, path string) (int, string, error) {
	status, body, cookies, err := c.send(method, path, c.cookie)
	for _, ck := range cookies {
		if ck.Name == DefaultCookieName {
			if ck.MaxAge < 0 || ck.Value == "" {
				c.cookie = ""
			} else {
				c.cookie = ck.Value
			}
		}
	}
	return status, body, err
}

// TestConcurrentClients: 64 clients over real HTTP on one SQLite file, each running a fixed number of
// login / write / read / logout cycles, 16 users shared by 4 clients each (so index updates of one user
// race). Zero 5xx, zero "database is locked", and every session ends as its client expects.
func TestConcurrentClients(t *testing.T) {
	const (
		clients = 64
		users   = 16
		cycles  = 8
	)
	m := newManager(t, Config{})
	app := newTestApp(m)
	base := serve(t, app)
	transport := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	hc := &http.Client{Transport: transport, Timeout: 60 * time.Second}

	var (
		requests, serverErrors, locked atomic.Int64
		mu                             sync.Mutex
		problems                       []string
		dead                           = map[int][]string{} // client → its logged-out cookies
		live                           = map[int]string{}   // client → its final logged-in cookie
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	check := func(client int, c *httpClient, method, path, want string) bool {
		status, body, err := c.do(method, path)
		requests.Add(1)
		if status >= 500 {
			serverErrors.Add(1)
		}
		if strings.Contains(body, "locked") {
			locked.Add(1)
		}
		if err != nil || status != 200 || (want != "" && body != want) {
			fail("client %d %s %s: status %d body %q err %v, want %q", client, method, path, status, body, err, want)
			return false
		}
		return true
	}

	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &httpClient{base: base, hc: hc}
			user := fmt.Sprintf("user-%d", i%users)
			<-start
			for cycle := range cycles {
				if !check(i, c, "POST", "/login?u="+user, "in") ||
					!check(i, c, "POST", "/inc", "1") ||
					!check(i, c, "GET", "/read", "user="+user+" n=1") {
					return
				}
				if cycle == cycles-1 && i%2 == 0 {
					mu.Lock()
					live[i] = c.cookie
					mu.Unlock()
					return // even clients end logged in
				}
				old := c.cookie
				if !check(i, c, "POST", "/logout", "out") {
					return
				}
				mu.Lock()
				dead[i] = append(dead[i], old)
				mu.Unlock()
				// Replaying the cookie just logged out gets an anonymous session.
				replay := &httpClient{base: base, hc: hc, cookie: old}
				check(i, replay, "GET", "/read", "user= n=0")
			}
		}()
	}
	close(start)
	wg.Wait()

	// Final states, checked after every client finished.
	for i := range clients {
		user := fmt.Sprintf("user-%d", i%users)
		c := &httpClient{base: base, hc: hc}
		if i%2 == 0 {
			c.cookie = live[i]
			check(i, c, "GET", "/read", "user="+user+" n=1")
		}
		for _, ck := range dead[i] {
			r := &httpClient{base: base, hc: hc, cookie: ck}
			check(i, r, "GET", "/read", "user= n=0")
		}
	}
	// And the index knows exactly the live sessions: 4 per even user, none per odd user.
	for u := range users {
		infos, err := m.UserSessions(fmt.Sprintf("user-%d", u))
		want := 0
		if u%2 == 0 {
			want = clients / users
		}
		if err != nil || len(infos) != want {
			t.Errorf("user-%d: %d sessions listed (%v), want %d", u, len(infos), err, want)
		}
	}
	// Every problem, of the concurrent phase and of the final checks, reported once.
	if serverErrors.Load() != 0 || locked.Load() != 0 {
		t.Errorf("%d requests: %d 5xx, %d \"database is locked\"", requests.Load(), serverErrors.Load(), locked.Load())
	}
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("%d requests, %d 5xx, %d locked", requests.Load(), serverErrors.Load(), locked.Load())
}

// TestConcurrentLoginsOneUser: many simultaneous logins of one user, through one process and through
// two Managers sharing one SQLite file (two "processes"), must all land in the user's index, so one
// LogoutAll ends every one of them.
func TestConcurrentLoginsOneUser(t *testing.T) {
	cases := []struct {
		name     string
		managers func(t *testing.T) []*Manager
	}{
		{"one process, atomic storage", func(t *testing.T) []*Manager {
			return []*Manager{newManager(t, Config{})}
		}},
		{"one process, updater storage", func(t *testing.T) []*Manager {
			st, _ := newCounted(t, updaterSurface)
			return []*Manager{newManager(t, Config{Storage: st})}
		}},
		{"one process, plain storage (per-user mutex)", func(t *testing.T) []*Manager {
			st, _ := newCounted(t, plainSurface)
			return []*Manager{newManager(t, Config{Storage: st})}
		}},
		{"two processes on one SQLite file", func(t *testing.T) []*Manager {
			path := t.TempDir() + "/shared.sqlite3"
			return []*Manager{newManager(t, Config{Database: path}), newManager(t, Config{Database: path})}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ms := tc.managers(t)
			var apps []*fiber.App
			for _, m := range ms {
				apps = append(apps, newTestApp(m))
			}
			const logins = 32
			cookies := make([]string, logins)
			var wg sync.WaitGroup
			for i := range logins {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cl := newClient(t, apps[i%len(apps)])
					if r := cl.do("POST", "/login?u=dave"); r.status != 200 {
						t.Errorf("login %d: %d %q", i, r.status, r.body)
					}
					cookies[i] = cl.cookie
				}()
			}
			wg.Wait()
			infos, err := ms[0].UserSessions("dave")
			if err != nil || len(infos) != logins {
				t.Fatalf("%d sessions in the index (%v), want %d", len(infos), err, logins)
			}
			if err := ms[len(ms)-1].LogoutAll("dave"); err != nil {
				t.Fatal(err)
			}
			for i, ck := range cookies {
				if uid, ok := userOfCookie(t, ms[i%len(ms)], ck); ok {
					t.Errorf("session %d still logged in as %q after LogoutAll", i, uid)
				}
			}
		})
	}
}
