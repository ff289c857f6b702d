package views_test

import (
	"cmp"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/security"
)

var nonceRe = regexp.MustCompile(`'nonce-([A-Za-z0-9_-]{22})'`)

// TestCSP: with Config.CSP every response gets the policy with a fresh
// nonce, and the built-in pages' inline script and style carry that nonce.
func TestCSP(t *testing.T) {
	page := &views.TemplateView{TemplateName: "page.html"}
	off := &views.TemplateView{TemplateName: "page.html", Base: views.Base{Decorators: []views.Decorator{
		security.CSPOverride(security.CSPConfig{}),
	}}}
	other := &views.TemplateView{TemplateName: "page.html", Base: views.Base{Decorators: []views.Decorator{
		security.CSPOverride(security.CSPConfig{Policy: "default-src 'none'; script-src 'nonce'"}),
	}}}
	engine := templates.Must(templates.New(templates.Config{Layout: "fiberviews/base", FS: fstest.MapFS{
		"page.html": {Data: []byte(`<p nonce-is="{{ .csp_nonce }}">page</p>`)},
	}}))
	cases := []struct {
		name, method, path, header, policy string
		reportOnly, loggedIn               bool
	}{
		{name: "strict policy on a page", path: "/page/", header: "Content-Security-Policy", policy: security.StrictCSP},
		{name: "logged in: the Back guard's script carries the nonce", path: "/page/", header: "Content-Security-Policy", policy: security.StrictCSP, loggedIn: true},
		{name: "report only", path: "/page/", header: "Content-Security-Policy-Report-Only", policy: security.StrictCSP, reportOnly: true},
		{name: "error pages too", method: "POST", path: "/page/", header: "Content-Security-Policy", policy: security.StrictCSP},
		{name: "a view's own policy", path: "/other/", header: "Content-Security-Policy", policy: "default-src 'none'; script-src 'nonce'"},
		{name: "a view without one", path: "/off/", header: "Content-Security-Policy", policy: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, appOptions{engine: engine, sessions: true,
				cfg: views.Config{CSP: security.CSPConfig{Policy: security.StrictCSP, ReportOnly: tc.reportOnly}},
				patterns: []urls.Pattern{
					views.Path("page/", page), views.Path("off/", off), views.Path("other/", other),
				}})
			cl := newClient(t, app)
			if tc.loggedIn {
				cl.do("POST", "/_login/7", nil)
			}
			seen := map[string]bool{}
			for range 2 {
				r := cl.do(cmp.Or(tc.method, "GET"), tc.path, nil)
				got := r.header.Get(tc.header)
				m := nonceRe.FindStringSubmatch(got)
				if tc.policy == "" {
					if got != "" {
						t.Fatalf("%s: %q, want none", tc.header, got)
					}
					return
				}
				if m == nil || strings.Replace(got, m[0], "'nonce'", -1) != tc.policy {
					t.Fatalf("%s: %q, want %q with a nonce", tc.header, got, tc.policy)
				}
				nonce := m[1]
				if seen[nonce] {
					t.Errorf("nonce %s used twice", nonce)
				}
				seen[nonce] = true
				if !strings.Contains(r.body, `<style nonce="`+nonce+`">`) {
					t.Errorf("the layout's style lacks the nonce:\n%s", r.body)
				}
				if tc.path == "/page/" && tc.method == "" && !strings.Contains(r.body, `nonce-is="`+nonce+`"`) {
					t.Errorf("csp_nonce in the context is not the header's nonce:\n%s", r.body)
				}
				if tc.loggedIn && !strings.Contains(r.body, `<script nonce="`+nonce+`">`+views.BackGuardScript) {
					t.Errorf("the Back guard lacks the nonce:\n%s", r.body)
				}
				if tc.reportOnly && r.header.Get("Content-Security-Policy") != "" {
					t.Errorf("report-only sent an enforcing policy too")
				}
			}
		})
	}
}

func TestCSPConfigErrors(t *testing.T) {
	for _, tc := range []struct{ name, policy, want string }{
		{"line break", "default-src 'self';\nscript-src 'nonce'", "line break"},
		{"unsafe-inline beside a nonce", "script-src 'unsafe-inline' 'nonce'", "'unsafe-inline'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := views.Config{CSP: security.CSPConfig{Policy: tc.policy}}.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Config.CSP") {
				t.Errorf("Validate = %v, want an error about %s", err, tc.want)
			}
		})
	}
}
