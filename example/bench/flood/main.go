// Command flood measures what a flood of failed logins does to the other
// pages of a running example site: attackers, each from its own loopback
// address (127.0.0.10, 127.0.0.11, ...), so that the per-address limit does
// not stop them, post wrong passwords for random usernames without pause,
// while a prober loads the anonymous home page at a steady rate and records
// its latency. It prints the prober's percentiles and what the logins were
// answered.
//
//	go run ./example/bench/flood -url http://127.0.0.1:18000 -attackers 64 -duration 20s
//
// It is not part of the library; example/bench/flood.sh starts the site and
// runs it.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

var tokenRe = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"`)

func main() {
	base := flag.String("url", "http://127.0.0.1:18000", "the site's base URL")
	attackers := flag.Int("attackers", 64, "attackers, each from its own address 127.0.0.10 and up (at most 240)")
	duration := flag.Duration("duration", 20*time.Second, "how long the flood lasts")
	every := flag.Duration("probe-every", 50*time.Millisecond, "the prober's interval between home page loads")
	flag.Parse()
	if *attackers < 0 || *attackers > 240 {
		log.Fatal("-attackers: 0 to 240")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()

	var mu sync.Mutex
	logins := map[string]int{} // "200", "503 Retry-After", ...
	var wg sync.WaitGroup
	for i := range *attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := client(net.IPv4(127, 0, 0, byte(10+i)))
			for ctx.Err() == nil {
				kind := attack(ctx, cl, *base)
				if kind == "" {
					continue
				}
				mu.Lock()
				logins[kind]++
				mu.Unlock()
			}
		}()
	}

	var lat []time.Duration
	bad := map[int]int{}
	probe := client(net.IPv4(127, 0, 0, 1))
	tick := time.NewTicker(*every)
	for ctx.Err() == nil {
		start := time.Now()
		resp, err := probe.Get(*base + "/home/")
		if err != nil {
			bad[-1]++
		} else {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			lat = append(lat, time.Since(start))
			if resp.StatusCode != 200 {
				bad[resp.StatusCode]++
			}
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
	}
	wg.Wait()
	slices.Sort(lat)
	pct := func(p float64) string {
		if len(lat) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f", float64(lat[min(len(lat)-1, int(p*float64(len(lat))))])/1e6)
	}
	fmt.Printf("home page: %d loads, p50 %s ms, p90 %s ms, p99 %s ms, max %s ms, not 200: %v\n",
		len(lat), pct(0.5), pct(0.9), pct(0.99), pct(1), bad)
	fmt.Printf("login posts by %d attackers in %s: %v\n", *attackers, *duration, logins)
	for k := range logins {
		if k != "200" && k != "503 Retry-After" && k != "error" {
			os.Exit(1) // a login answered otherwise: a 500, or a 503 without Retry-After
		}
	}
}

// client is an HTTP client whose connections come from the address ip, with
// a cookie jar and no redirects followed.
func client(ip net.IP) *http.Client {
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 5 * time.Second}
	return &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 2},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// attack loads the login form and posts a wrong password for a random
// username; it returns how the post was answered ("" when ctx ended).
func attack(ctx context.Context, cl *http.Client, base string) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/accounts/login/", nil)
	resp, err := cl.Do(req)
	if err != nil {
		return errKind(ctx)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := tokenRe.FindSubmatch(page)
	if m == nil {
		return fmt.Sprintf("login form %d", resp.StatusCode)
	}
	form := url.Values{"username": {"user-" + rand.Text()[:8]}, "password": {"wrong " + rand.Text()},
		"csrfmiddlewaretoken": {string(m[1])}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/accounts/login/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err = cl.Do(req)
	if err != nil {
		return errKind(ctx)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
		return "503 Retry-After"
	}
	return fmt.Sprint(resp.StatusCode)
}

func errKind(ctx context.Context) string {
	if ctx.Err() != nil {
		return ""
	}
	return "error"
}
