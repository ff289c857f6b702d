package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fiberviews/fiberviews/internal/fiberversion"
	"github.com/fiberviews/fiberviews/internal/progtest"
	"github.com/fiberviews/fiberviews/views"
)

// TestREADMEShowsThisProgram checks that the quick start in README.md is
// this file, byte for byte, so that what a newcomer copies is what CI runs.
func TestREADMEShowsThisProgram(t *testing.T) {
	// The module for Fiber v3 (fiberv3/, generated) has its quick start in docs/fiberv3.md.
	doc := map[int]string{2: "../../README.md", 3: "../../../docs/fiberv3.md"}[fiberversion.Major]
	readme, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if _, rest, ok := bytes.Cut(src, []byte("\n\n")); ok && bytes.HasPrefix(src, []byte("// Code generated ")) {
		src = rest // the generator's line is not part of the quick start
	}
	var blocks []string
	for _, b := range strings.Split(string(readme), "```go\n")[1:] {
		end := strings.Index(b, "```\n")
		if end < 0 {
			t.Fatalf("%s has a ```go block that is never closed", doc)
		}
		if strings.Contains(b[:end], "package main") {
			blocks = append(blocks, b[:end])
		}
	}
	if len(blocks) != 1 {
		t.Fatalf("%s has %d ```go blocks with a package main, want exactly 1 (the quick start)", doc, len(blocks))
	}
	if blocks[0] != string(src) {
		t.Errorf("the quick start in %s differs from example/quickstart/main.go: copy the file into it", doc)
	}
}

var csrfInput = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([^"]+)"`)

// TestQuickstartRuns builds the program, runs it as a newcomer does (go run
// in an empty folder, ADDR from the environment) and clicks through it:
// home, log in as demo, each of the two Log out buttons.
func TestQuickstartRuns(t *testing.T) {
	prog := progtest.Start(t, ".")
	base, dir := prog.Base, prog.Dir
	if _, err := os.Stat(filepath.Join(dir, "quickstart.sqlite3")); err != nil {
		t.Errorf("no session database in the working directory: %v", err)
	}

	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string, form url.Values) (int, http.Header, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, base+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	token := func(page string) string {
		t.Helper()
		m := csrfInput.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no CSRF input in the page:\n%s", page)
		}
		return m[1]
	}
	login := func() {
		t.Helper()
		_, _, page := do("GET", "/accounts/login/", nil)
		status, h, _ := do("POST", "/accounts/login/", url.Values{
			"csrfmiddlewaretoken": {token(page)}, "username": {"demo"}, "password": {"demo"}})
		if status != 302 || h.Get("Location") != "/home/" {
			t.Fatalf("log in as demo: %d to %q, want 302 to /home/", status, h.Get("Location"))
		}
	}

	t.Run("root redirects home", func(t *testing.T) {
		if status, h, _ := do("GET", "/", nil); status != 302 || h.Get("Location") != "/home/" {
			t.Errorf("GET /: %d %q", status, h.Get("Location"))
		}
	})
	t.Run("anonymous home", func(t *testing.T) {
		status, _, page := do("GET", "/home/", nil)
		if status != 200 || !strings.Contains(page, "Welcome to the homepage!") || !strings.Contains(page, `href="/accounts/login/"`) ||
			strings.Contains(page, "<script>") {
			t.Errorf("GET /home/: %d\n%s", status, page)
		}
	})
	t.Run("a page that does not exist", func(t *testing.T) {
		status, h, page := do("GET", "/favicon.ico", nil)
		if status != 404 || !strings.Contains(h.Get("Content-Type"), "text/html") ||
			!strings.Contains(page, "404 Not Found") || strings.Contains(page, "Cannot GET") {
			t.Errorf("GET /favicon.ico: %d %q, want the library's 404 page\n%s", status, h.Get("Content-Type"), page)
		}
	})
	t.Run("typing the logout address", func(t *testing.T) {
		status, _, page := do("GET", "/accounts/logout/", nil)
		if status != 405 || !strings.Contains(page, "To log out, use a Log out button.") {
			t.Errorf("GET /accounts/logout/: %d, want the 405 page\n%s", status, page)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		_, _, page := do("GET", "/accounts/login/", nil)
		status, _, page := do("POST", "/accounts/login/", url.Values{
			"csrfmiddlewaretoken": {token(page)}, "username": {"demo"}, "password": {"nope"}})
		if status != 200 || !strings.Contains(page, "Please enter a correct username and password") {
			t.Errorf("wrong password: %d\n%s", status, page)
		}
	})
	for _, logout := range []string{"/accounts/logout/", "/logout/"} {
		t.Run("log in, then POST "+logout, func(t *testing.T) {
			login()
			_, h, page := do("GET", "/home/", nil)
			if !strings.Contains(page, "Hello, demo.") {
				t.Fatalf("home after login lacks the user:\n%s", page)
			}
			if !strings.Contains(page, `<form method="post" action="`+logout+`">`) {
				t.Errorf("home after login has no Log out button for %s:\n%s", logout, page)
			}
			if !strings.Contains(h.Get("Cache-Control"), "no-store") {
				t.Errorf("home for a logged-in user: Cache-Control %q, want no-store", h.Get("Cache-Control"))
			}
			m := regexp.MustCompile(`'nonce-([A-Za-z0-9_-]+)'`).FindStringSubmatch(h.Get("Content-Security-Policy"))
			if m == nil || !strings.Contains(page, `<script nonce="`+m[1]+`">`+views.BackGuardScript+"</script>") {
				t.Errorf("home for a logged-in user lacks the back guard (views.BackGuard) with the nonce of its policy %q:\n%s",
					h.Get("Content-Security-Policy"), page)
			}
			if status, h, _ := do("GET", logout, nil); status != 405 || !strings.Contains(h.Get("Allow"), "POST") {
				t.Errorf("GET %s: %d Allow %q, want 405 with POST allowed", logout, status, h.Get("Allow"))
			}
			if status, _, _ := do("POST", logout, url.Values{}); status != 403 {
				t.Errorf("POST %s without a CSRF token: %d, want 403", logout, status)
			}
			if _, _, page := do("GET", "/home/", nil); !strings.Contains(page, "Hello, demo.") {
				t.Fatalf("a refused logout logged the user out")
			}
			status, h, _ := do("POST", logout, url.Values{"csrfmiddlewaretoken": {token(page)}})
			if status != 302 || h.Get("Location") != "/home/" {
				t.Errorf("POST %s: %d to %q, want 302 to /home/", logout, status, h.Get("Location"))
			}
			_, _, page = do("GET", "/home/", nil)
			if strings.Contains(page, "Hello, demo.") {
				t.Errorf("still logged in after POST %s", logout)
			}
			if strings.Count(page, "You have been logged out.") != 1 {
				t.Errorf("the page after POST %s does not say once that the user was logged out:\n%s", logout, page)
			}
			if _, _, page := do("GET", "/home/", nil); strings.Contains(page, "You have been logged out.") {
				t.Errorf("the message shows again on the next page")
			}
		})
	}
	t.Run("answers localhost only", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/home/", nil)
		req.Host = "www.example.com"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("Host www.example.com: %d, want 400", resp.StatusCode)
		}
		req.Host = "localhost:8000"
		if resp, err = http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("Host localhost:8000: %d, want 200", resp.StatusCode)
		}
	})
	for line := range strings.SplitSeq(prog.Stop(), "\n") {
		if strings.Contains(line, "level=ERROR") || strings.Contains(line, " ERROR ") {
			t.Errorf("the quick start logged an error: %s", line)
		}
	}
}

// TestWithoutCgoSaysHowToFixIt builds the program as a machine without a C
// compiler does (CGO_ENABLED=0) and checks that it stops with the fix.
func TestWithoutCgoSaysHowToFixIt(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "quickstart")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := exec.Command(bin)
	run.Dir = dir
	run.Env = append(os.Environ(), "ADDR=127.0.0.1:0")
	out, err := run.CombinedOutput()
	if err == nil {
		t.Fatal("the program ran without cgo; it must stop: SQLite needs cgo")
	}
	for _, want := range []string{"built without cgo", "install a C compiler", "CGO_ENABLED=1"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
