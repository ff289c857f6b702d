package security_test

import (
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/fiberviews/fiberviews/views/security"
	"github.com/gofiber/fiber/v2"
)

// A handler outside views checks its unsafe requests itself and answers a
// refusal as it likes; Token gives the page its token (and sets the cookie).
func ExampleCSRF() {
	csrf, err := security.NewCSRF(security.CSRFConfig{TrustedOrigins: []string{"https://partner.example"}}, nil)
	if err != nil {
		panic(err)
	}
	app := fiber.New()
	app.Get("/form", func(c *fiber.Ctx) error { return c.SendString(csrf.Token(c)) })
	app.Post("/vote", func(c *fiber.Ctx) error {
		if err := csrf.Check(c); err != nil {
			if errors.Is(err, security.ErrCSRFCookieMissing) {
				return c.Status(fiber.StatusForbidden).SendString("enable cookies: " + err.Error())
			}
			return c.Status(fiber.StatusForbidden).SendString(err.Error())
		}
		return c.SendString("voted")
	})

	resp, _ := app.Test(httptest.NewRequest("GET", "/form", nil))
	token, _ := io.ReadAll(resp.Body)
	cookie := resp.Header.Get("Set-Cookie")[:len("csrftoken=")+32]
	post := func(body string, header ...string) {
		req := httptest.NewRequest("POST", "/vote", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, _ := app.Test(req)
		b, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, string(b))
	}
	post("csrfmiddlewaretoken="+string(token), "Cookie", cookie)
	post("csrfmiddlewaretoken=" + string(token))
	post("", "Cookie", cookie)
	post("csrfmiddlewaretoken="+string(token), "Cookie", cookie, "Origin", "https://evil.example")
	// Output:
	// 200 voted
	// 403 enable cookies: CSRF cookie not set.
	// 403 CSRF token missing.
	// 403 Origin checking failed - https://evil.example does not match any trusted origins.
}

// Hosts refuses a request for a host the site does not answer to, naming
// the host and the fix.
func ExampleHosts() {
	hosts, err := security.NewHosts("example.com", ".example.org")
	if err != nil {
		panic(err)
	}
	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error {
		if err := hosts.Check(c); err != nil {
			fmt.Println(err)
			return c.SendStatus(fiber.StatusBadRequest)
		}
		return c.Next()
	})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("home") })
	for _, host := range []string{"example.com", "www.example.org:8000", "evil.example"} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Host = host
		resp, _ := app.Test(req)
		fmt.Println(host, resp.StatusCode)
	}
	// Output:
	// example.com 200
	// www.example.org:8000 200
	// security: the request's host is not one the site answers to: "evil.example"; if it does, add "evil.example" to the allowed hosts
	// evil.example 400
}

// Behind a proxy that sets X-Forwarded-Proto and appends to X-Forwarded-For,
// the site believes those headers from the proxy's address only; without a
// ProxyConfig, or from any other client, they change nothing.
func ExampleProxy() {
	proxy, err := security.NewProxy(security.ProxyConfig{SchemeHeader: "X-Forwarded-Proto",
		IPHeader: "X-Forwarded-For", Proxies: []string{"0.0.0.0"}}) // app.Test's peer stands for the proxy
	if err != nil {
		panic(err)
	}
	headers, err := security.NewHeaders(security.HeadersConfig{HSTSMaxAge: 365 * 24 * time.Hour}, proxy)
	if err != nil {
		panic(err)
	}
	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error { headers.Set(c); return c.Next() })
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString(proxy.Scheme(c) + " " + proxy.ClientIP(c)) })
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.5") // the client wrote the first, the proxy the last
	resp, _ := app.Test(req)
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(string(b))
	for _, h := range []string{"X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy", "Strict-Transport-Security"} {
		fmt.Printf("%s: %s\n", h, resp.Header.Get(h))
	}
	// Output:
	// https 203.0.113.5
	// X-Frame-Options: DENY
	// X-Content-Type-Options: nosniff
	// Referrer-Policy: same-origin
	// Cross-Origin-Opener-Policy: same-origin
	// Strict-Transport-Security: max-age=31536000
}
