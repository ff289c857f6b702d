package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// TestCrashSafety runs the example site as a child process on a SQLite file,
// drives concurrent login/logout load against it, kills it with SIGKILL in
// the middle of that load, restarts it on the same file and checks that
// nothing a client was told survived the crash differently: the database
// passes PRAGMA integrity_check, every session whose logout had been
// answered is still logged out, and every session whose login had been
// answered (and no logout started) is still logged in. It does so for
// crashRounds kills in a row, checking every session of every earlier round
// after each restart, then stops the site cleanly and checks the file again.
//
// The load is bounded by counts: each kill comes after crashKillAfter
// answered logins and logouts, and no worker goes past crashMaxIterations
// cycles.
func TestCrashSafety(t *testing.T) {
	const (
		crashRounds        = 3
		crashWorkers       = 6
		crashKillAfter     = 120 // answered logins + logouts per round before the SIGKILL
		crashMaxIterations = 200 // per worker and round, a bound in case the kill never comes
	)
	bin := crashBuildExample(t)
	db := filepath.Join(t.TempDir(), "crash.sqlite3")
	st := &crashState{loggedIn: map[string]crashSession{}, loggedOut: map[string]crashSession{}}

	for round := 1; round <= crashRounds; round++ {
		srv := crashStart(t, bin, db)
		if round > 1 {
			crashIntegrity(t, db)
			crashVerify(t, srv, st, round-1)
		}
		atKill, pending := crashLoad(t, srv, st, crashWorkers, crashKillAfter, crashMaxIterations)
		if t.Failed() {
			t.Fatalf("round %d: the load failed before the kill; server log:\n%s", round, srv.log())
		}
		if atKill == 0 {
			t.Errorf("round %d: no request was in flight when the server was killed: the kill did not happen under load", round)
		}
		t.Logf("round %d: killed with %d requests in flight; %d sessions logged in, %d logged out so far, %d logouts unanswered",
			round, atKill, len(st.loggedIn), len(st.loggedOut), pending)
	}
	if len(st.loggedIn) == 0 || len(st.loggedOut) == 0 {
		t.Fatalf("nothing to check: %d logged in, %d logged out", len(st.loggedIn), len(st.loggedOut))
	}

	last := crashStart(t, bin, db)
	crashIntegrity(t, db)
	crashVerify(t, last, st, crashRounds)
	// The restarted site still works: a new login on the recovered file.
	fresh := newCrashClient(last.base, nil)
	r, err := fresh.do("GET", "/accounts/login/", nil)
	if err == nil {
		r, err = fresh.do("POST", "/accounts/login/", url.Values{
			"username": {"demo"}, "password": {"demo"}, "csrfmiddlewaretoken": {crashToken(r.body)},
		})
	}
	if err != nil || r.status != http.StatusFound {
		t.Errorf("login after the restart: %v %v", err, r.status)
	}
	last.stop(t)
	crashIntegrity(t, db)
	if t.Failed() {
		t.Logf("log of the last server:\n%s", last.log())
	}
}

// crashState is what the clients were told, across rounds.
type crashState struct {
	mu        sync.Mutex
	loggedIn  map[string]crashSession // login answered, no logout started
	loggedOut map[string]crashSession // logout answered
}

// crashLogouts are the example's logout routes and what each answers.
var crashLogouts = []struct {
	path   string
	status int
}{
	{"/accounts/logout/", http.StatusFound},
	{"/logout/", http.StatusFound},
	{"/accounts/logout/then-login/", http.StatusFound},
	{"/accounts/logout/message/", http.StatusOK},
	{"/accounts/logout/goodbye/", http.StatusOK},
}

// crashLoad runs login/logout cycles from several clients until killAfter
// logins and logouts were answered, then SIGKILLs the server. It returns
// how many requests were in flight at the kill and how many logouts were
// left unanswered (their outcome is unknown: they are checked neither way).
func crashLoad(t *testing.T, srv *crashServer, st *crashState, workers int, killAfter int64, maxIterations int) (atKill int64, pending int) {
	var (
		answered atomic.Int64
		inFlight atomic.Int64
		killed   atomic.Bool
		killOnce sync.Once
		wg       sync.WaitGroup
		unknown  atomic.Int64
	)
	kill := func() {
		killOnce.Do(func() {
			atKill = inFlight.Load()
			killed.Store(true)
			srv.kill(t)
		})
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			cl := newCrashClient(srv.base, &inFlight)
			// fail reports an error unless the server was killed on purpose.
			fail := func(format string, args ...any) {
				if killed.Load() {
					return
				}
				t.Errorf("worker %d: "+format, append([]any{w}, args...)...)
				kill() // stop the load: the test has failed anyway
			}
			for i := 0; i < maxIterations && !killed.Load(); i++ {
				cl.cookies = map[string]string{}
				r, err := cl.do("GET", "/accounts/login/", nil)
				if err != nil || r.status != http.StatusOK {
					fail("GET login form: %v %v", err, r.status)
					return
				}
				r, err = cl.do("POST", "/accounts/login/", url.Values{
					"username": {"demo"}, "password": {"demo"}, "csrfmiddlewaretoken": {crashToken(r.body)},
				})
				if err != nil || r.status != http.StatusFound || cl.cookies["sessionid"] == "" {
					fail("POST login: %v %v %q", err, r.status, r.body)
					return
				}
				s := cl.snapshot()
				st.mu.Lock()
				st.loggedIn[s.id] = s
				st.mu.Unlock()
				if answered.Add(1) >= killAfter {
					kill()
					return
				}
				if (i+w)%3 == 0 {
					continue // leave this session logged in
				}
				r, err = cl.do("GET", "/home/", nil)
				if err != nil || r.status != http.StatusOK || !strings.Contains(r.body, "Hello, demo") {
					fail("GET home logged in: %v %v", err, r.status)
					return
				}
				lo := crashLogouts[(i+w)%len(crashLogouts)]
				st.mu.Lock()
				delete(st.loggedIn, s.id) // from now on its state is unknown until the answer
				st.mu.Unlock()
				unknown.Add(1)
				r, err = cl.do("POST", lo.path, url.Values{"csrfmiddlewaretoken": {crashToken(r.body)}})
				if err != nil || r.status != lo.status || cl.cookies["sessionid"] != "" {
					fail("POST %s: %v %v", lo.path, err, r.status)
					return
				}
				unknown.Add(-1)
				st.mu.Lock()
				st.loggedOut[s.id] = s
				st.mu.Unlock()
				if answered.Add(1) >= killAfter {
					kill()
					return
				}
			}
		}(w)
	}
	wg.Wait()
	kill() // in case every worker ran out of iterations first
	return atKill, int(unknown.Load())
}

// crashVerify checks, on the restarted server, that every session a client
// was told is logged in still is, and every one told logged out still is.
func crashVerify(t *testing.T, srv *crashServer, st *crashState, crashes int) {
	t.Helper()
	check := newCrashClient(srv.base, nil)
	for _, s := range st.loggedIn {
		check.cookies = s.cookies
		r, err := check.do("GET", "/accounts/profile/", nil)
		if err != nil {
			t.Fatalf("GET profile: %v", err)
		}
		if r.status != http.StatusOK || !strings.Contains(r.body, "demo") {
			t.Errorf("session %s… was logged in before crash %d; after the restart the profile answers %d (Location %q)",
				s.id[:6], crashes, r.status, r.header.Get("Location"))
		}
	}
	for _, s := range st.loggedOut {
		check.cookies = s.cookies
		r, err := check.do("GET", "/accounts/profile/", nil)
		if err != nil {
			t.Fatalf("GET profile: %v", err)
		}
		if r.status != http.StatusFound || !strings.HasPrefix(r.header.Get("Location"), "/accounts/login/?next=") {
			t.Errorf("session %s… was logged out before crash %d; after the restart the profile answers %d (Location %q)",
				s.id[:6], crashes, r.status, r.header.Get("Location"))
		}
	}
}

// crashBuildExample builds the example's binary (this package) into a temp dir.
func crashBuildExample(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is not on PATH: it is needed to build the example: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "example")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// crashServer is a running child process of the example site.
type crashServer struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	out  *crashLog
	done chan error // Wait's result
}

var crashUpRe = regexp.MustCompile(`msg="example site is up" url=(http://[^\s/]+)/`)

// crashStart starts the site on db and waits until it listens. The process
// is killed (by its PID) when the test ends if it still runs.
func crashStart(t *testing.T, bin, db string) *crashServer {
	t.Helper()
	out := &crashLog{up: make(chan string, 1)}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-db", db, "-pbkdf2-iterations", "1000")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the example: %v", err)
	}
	s := &crashServer{cmd: cmd, out: out, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case s.base = <-out.up:
	case err := <-s.done:
		s.done <- err
		t.Fatalf("the example exited before listening: %v\n%s", err, out.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("the example did not start within 20 s:\n%s", out.String())
	}
	return s
}

// kill sends SIGKILL to the server's process and waits for it to die.
func (s *crashServer) kill(t *testing.T) {
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Errorf("SIGKILL: %v", err)
	}
	err := <-s.done
	s.done <- err
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("the example did not die of SIGKILL: %v", err)
	}
}

// stop sends SIGTERM and expects a clean exit.
func (s *crashServer) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			t.Errorf("the example exited with %v after SIGTERM:\n%s", err, s.log())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the example did not stop within 15 s of SIGTERM")
	}
}

func (s *crashServer) log() string { return s.out.String() }

// crashLog collects a child's output and reports its listening URL once.
type crashLog struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	up   chan string
	sent bool
}

func (l *crashLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if !l.sent {
		if m := crashUpRe.FindSubmatch(l.buf.Bytes()); m != nil {
			l.sent = true
			l.up <- string(m[1])
		}
	}
	return len(p), nil
}

func (l *crashLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// crashIntegrity runs PRAGMA integrity_check on the file (WAL: safe while
// the server runs) and checks that the demo user is still the only user.
func crashIntegrity(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`PRAGMA integrity_check`)
	if err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	var results []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		results = append(results, s)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0] != "ok" {
		t.Errorf("PRAGMA integrity_check: %q", results)
	}
	var users int
	if err := db.QueryRow(`SELECT count(*) FROM auth_user WHERE username = 'demo'`).Scan(&users); err != nil || users != 1 {
		t.Errorf("users named demo: %d, %v", users, err)
	}
}

// crashSession is a session a worker had: its key and its cookies.
type crashSession struct {
	id      string
	cookies map[string]string
}

// crashClient is a minimal HTTP client with a cookie map (one host) that
// does not follow redirects.
type crashClient struct {
	base     string
	hc       *http.Client
	cookies  map[string]string
	inFlight *atomic.Int64
}

func newCrashClient(base string, inFlight *atomic.Int64) *crashClient {
	if inFlight == nil {
		inFlight = new(atomic.Int64)
	}
	return &crashClient{
		base: base,
		hc: &http.Client{
			Timeout:       15 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		cookies:  map[string]string{},
		inFlight: inFlight,
	}
}

// crashResponse is what a request got back.
type crashResponse struct {
	status int
	header http.Header
	body   string
}

func (c *crashClient) do(method, path string, form url.Values) (crashResponse, error) {
	c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return crashResponse{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return crashResponse{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return crashResponse{}, err
	}
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return crashResponse{status: resp.StatusCode, header: resp.Header, body: string(b)}, nil
}

// snapshot copies the client's cookies as a session.
func (c *crashClient) snapshot() crashSession {
	s := crashSession{id: c.cookies["sessionid"], cookies: make(map[string]string, len(c.cookies))}
	for k, v := range c.cookies {
		s.cookies[k] = v
	}
	return s
}

var crashTokenRe = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"`)

// crashToken is the CSRF token of the first form of a page ("" if none).
func crashToken(page string) string {
	if m := crashTokenRe.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}
