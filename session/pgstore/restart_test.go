package pgstore_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/internal/pgtest"
	"github.com/fiberviews/fiberviews/session"
	"github.com/gofiber/fiber/v2"
)

// TestDatabaseRestart: the database stops and starts again under load. Meanwhile requests fail with
// 503 (never 500, never a hang); every increment a client was told had succeeded is still there
// afterwards; and the pool reconnects by itself.
func TestDatabaseRestart(t *testing.T) {
	srv := pgtest.Start(t)
	st := open(t, srv.URL(""))
	m, err := session.New(session.Config{Storage: st})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	app := fiber.New()
	app.Use(m.Middleware())
	app.Post("/login", func(c *fiber.Ctx) error { return session.Login(c, c.Query("u")) })
	app.Post("/inc", func(c *fiber.Ctx) error {
		s, err := session.Get(c)
		if err != nil {
			return err
		}
		n, _ := s.GetInt("n")
		if err := s.Set("n", n+1); err != nil {
			return err
		}
		return s.Save() // acknowledged only once stored
	})
	app.Get("/n", func(c *fiber.Ctx) error {
		s, err := session.Get(c)
		if err != nil {
			return err
		}
		n, _ := s.GetInt("n")
		uid, _ := s.UserID()
		return c.SendString(uid + " " + strconv.FormatInt(n, 10))
	})
	send := func(method, target, cookie string) (int, string, string) {
		req := httptest.NewRequest(method, target, nil)
		if cookie != "" {
			req.Header.Set("Cookie", session.DefaultCookieName+"="+cookie)
		}
		resp, err := app.Test(req, 10_000)
		if err != nil {
			t.Errorf("%s %s: %v (a hang?)", method, target, err)
			return 0, "", ""
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		for _, ck := range resp.Cookies() {
			if ck.Name == session.DefaultCookieName {
				cookie = ck.Value
			}
		}
		return resp.StatusCode, string(body), cookie
	}

	const clients = 6
	cookies := make([]string, clients)
	for i := range cookies {
		status, body, ck := send("POST", "/login?u=user"+strconv.Itoa(i), "")
		if status != http.StatusOK {
			t.Fatalf("login: %d %s", status, body)
		}
		cookies[i] = ck
	}
	acked := make([]atomic.Int64, clients)
	attempts := make([]atomic.Int64, clients)
	var unavailable, other atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				attempts[i].Add(1)
				switch status, body, _ := send("POST", "/inc", cookies[i]); status {
				case http.StatusOK:
					acked[i].Add(1)
				case http.StatusServiceUnavailable:
					unavailable.Add(1)
					time.Sleep(20 * time.Millisecond)
				default:
					other.Add(1)
					t.Errorf("status %d: %s", status, body)
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	srv.Stop()
	time.Sleep(500 * time.Millisecond)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	// The pool reconnects: every client gets an acknowledged increment again within a few seconds.
	deadline := time.Now().Add(10 * time.Second)
	base := make([]int64, clients)
	for i := range base {
		base[i] = acked[i].Load()
	}
	for i := 0; i < clients; {
		if acked[i].Load() > base[i] {
			i++
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("client %d: no successful request within 10s of the restart", i)
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if unavailable.Load() == 0 {
		t.Error("no request failed with 503 while the database was down")
	}
	for i := range clients {
		status, body, _ := send("GET", "/n", cookies[i])
		want := "user" + strconv.Itoa(i) + " "
		n, _ := strconv.ParseInt(body[min(len(body), len(want)):], 10, 64)
		if status != http.StatusOK || body[:min(len(body), len(want))] != want || n < acked[i].Load() || n > attempts[i].Load() {
			t.Errorf("client %d: %d %q; acknowledged %d of %d attempts", i, status, body, acked[i].Load(), attempts[i].Load())
		}
	}
	t.Logf("%d requests answered 503 during the restart; %d busy errors counted", unavailable.Load(), st.Stats().Busy)
}
