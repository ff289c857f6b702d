package main

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEveryLogoutSaysSo: every logout route tells the user "You have been
// logged out." once, on the page it ends on, and never again.
func TestEveryLogoutSaysSo(t *testing.T) {
	_, base := startSite(t)
	for _, lo := range theLogouts {
		t.Run(lo.name, func(t *testing.T) {
			cl := newSiteClient(t, base, "says-so")
			cl.login("demo", "demo")
			r := cl.post(lo.path, url.Values{"csrfmiddlewaretoken": {cl.token("/home/")}})
			if r.status == http.StatusFound {
				r = cl.get(r.header.Get("Location"))
			}
			if lo.plainText {
				if r.body != loggedOut {
					t.Errorf("%s answers %q, want %q", lo.path, r.body, loggedOut)
				}
			} else if n := strings.Count(r.body, loggedOut); n != 1 || !strings.Contains(r.body, `<p class="message success notice" role="status">`+loggedOut+`</p>`) {
				t.Errorf("the page after %s says %q %d times, want once as a message:\n%s", lo.path, loggedOut, n, r.body)
			}
			if again := cl.get("/home/"); strings.Contains(again.body, loggedOut) {
				t.Errorf("the next page after %s still says %q", lo.path, loggedOut)
			}
			if cl.cookie("messages") != "" {
				t.Errorf("a messages cookie is left after %s was shown", lo.path)
			}
		})
	}
}

// Browsers of the sessions page tests, told apart by the parser.
const (
	uaFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	uaEdge    = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0"
	uaIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)

var (
	sessionRowRe = regexp.MustCompile(`<tr(?: class="current")? id="session-([0-9a-f]+)">\s*<td title="[^"]*">([^<]*)`)
	messageRe    = regexp.MustCompile(`role="status">([^<]*)</p>`)
)

// sessionsList is the sessions page as (id, browser) rows, in order.
func sessionsList(page string) (ids, browsers []string) {
	for _, m := range sessionRowRe.FindAllStringSubmatch(page, -1) {
		ids, browsers = append(ids, m[1]), append(browsers, strings.TrimSpace(m[2]))
	}
	return ids, browsers
}

func TestSessionsPageLogsOutOneSession(t *testing.T) {
	_, base := startSite(t)
	clients := map[string]*siteClient{}
	for _, who := range []struct{ name, ua string }{{"edge", uaEdge}, {"iphone", uaIPhone}, {"firefox", uaFirefox}} {
		clients[who.name] = newSiteClient(t, base, who.ua)
		clients[who.name].login("demo", "demo")
	}
	firefox := clients["firefox"]
	page := firefox.get("/accounts/sessions/")
	ids, browsers := sessionsList(page.body)
	// This browser first; the others most recently seen first (here all in
	// the same second, so in either order).
	if len(browsers) != 3 || browsers[0] != "Firefox 128 on Linux" ||
		!slices.Contains(browsers, "Edge 124 on Windows") || !slices.Contains(browsers, "Safari 17 on iOS, mobile") {
		t.Fatalf("the sessions page lists %q, want Firefox (this browser) first, then Edge and Safari\n%s", browsers, page.body)
	}
	if !strings.Contains(page.body, `<tr class="current" id="session-`+ids[0]+`">`) || strings.Count(page.body, "this browser") != 1 {
		t.Errorf("the first row is not the one marked current:\n%s", page.body)
	}
	if n := strings.Count(page.body, `name="action" value="session"`); n != 3 {
		t.Errorf("%d log-out-this-session buttons, want one a row", n)
	}
	edgeID := ids[slices.Index(browsers, "Edge 124 on Windows")]
	for _, step := range []struct {
		desc     string
		form     url.Values
		location string
		message  string
		rows     int      // on the sessions page afterwards, -1: not checked
		out      []string // clients logged out afterwards
	}{
		{"log out another session", url.Values{"action": {"session"}, "id": {edgeID}}, "/accounts/sessions/",
			"Logged out Edge 124 on Windows (127.0.0.1, last seen ", 2, []string{"edge"}},
		{"the same session again", url.Values{"action": {"session"}, "id": {edgeID}}, "/accounts/sessions/",
			"That session had already ended.", 2, []string{"edge"}},
		{"an id that is no session", url.Values{"action": {"session"}, "id": {"<nope>"}}, "/accounts/sessions/",
			"That session had already ended.", 2, []string{"edge"}},
		{"log out the others", url.Values{"action": {"others"}}, "/accounts/sessions/",
			"Your other sessions have been logged out.", 1, []string{"edge", "iphone"}},
		{"log out this session", url.Values{"action": {"session"}, "id": {ids[0]}}, "/home/",
			loggedOut, -1, []string{"edge", "iphone", "firefox"}},
	} {
		t.Run(step.desc, func(t *testing.T) {
			r := firefox.postForm("/accounts/sessions/", step.form)
			if r.status != http.StatusFound || r.header.Get("Location") != step.location {
				t.Fatalf("%d to %q, want 302 to %s", r.status, r.header.Get("Location"), step.location)
			}
			next := firefox.get(step.location)
			if m := messageRe.FindAllStringSubmatch(next.body, -1); len(m) != 1 || !strings.HasPrefix(m[0][1], step.message) {
				t.Errorf("the page after says %q, want one message %q…", m, step.message)
			}
			if step.rows >= 0 {
				if ids, _ := sessionsList(firefox.get("/accounts/sessions/").body); len(ids) != step.rows {
					t.Errorf("%d sessions listed, want %d", len(ids), step.rows)
				}
			}
			for _, who := range step.out {
				if got := clients[who].loggedInAs(); got != "" {
					t.Errorf("%s is still logged in as %q", who, got)
				}
			}
		})
	}
}

func TestLogoutEverywhereSaysSo(t *testing.T) {
	_, base := startSite(t)
	a, b := newSiteClient(t, base, uaFirefox), newSiteClient(t, base, uaEdge)
	a.login("demo", "demo")
	b.login("demo", "demo")
	r := a.postForm("/accounts/sessions/", url.Values{"action": {"everywhere"}})
	if r.status != http.StatusFound || r.header.Get("Location") != "/home/" {
		t.Fatalf("log out everywhere: %d %q", r.status, r.header.Get("Location"))
	}
	home := a.get("/home/")
	if m := messageRe.FindAllStringSubmatch(home.body, -1); len(m) != 1 || !strings.HasPrefix(m[0][1], "You have been logged out everywhere") {
		t.Errorf("after log out everywhere the home page says %q", m)
	}
	if a.loggedInAs() != "" || b.loggedInAs() != "" {
		t.Error("a browser is still logged in after log out everywhere")
	}
}
