package safeurl_test

import (
	"fmt"

	"github.com/fiberviews/fiberviews/internal/safeurl"
)

// A login view checks its "next" parameter against the request's own host
// (first) and any extra hosts, requiring https when the request came over
// https.
func ExampleHasAllowedHostAndScheme() {
	hosts := []string{"example.com", "accounts.example.com"}
	for _, next := range []string{
		"/accounts/profile/",
		"https://accounts.example.com/settings/",
		"http://example.com/", // refused: the request came over https
		"//evil.com/",         // another host
		`/\evil.com`,          // browsers read "\" as "/"
		"/\t//evil.com",       // browsers drop the tab: "///evil.com"
		"https://example.com@evil.com/",
		"javascript:alert(1)",
	} {
		fmt.Printf("%-40q %v\n", next, safeurl.HasAllowedHostAndScheme(next, hosts, true))
	}
	// Output:
	// "/accounts/profile/"                     true
	// "https://accounts.example.com/settings/" true
	// "http://example.com/"                    false
	// "//evil.com/"                            false
	// "/\\evil.com"                            false
	// "/\t//evil.com"                          false
	// "https://example.com@evil.com/"          false
	// "javascript:alert(1)"                    false
}

// BrowserHost shows where a browser goes when a page receives a redirect.
func ExampleBrowserHost() {
	base := "https://example.com/accounts/login/"
	for _, ref := range []string{
		"../profile/",
		`/\evil.com/`,
		"http:evil.com",
		"https:evil.com", // same scheme as the page: a relative path
		"//0x7f.1:8000/",
		"https://user@[0:0::1]:443/",
	} {
		host, ok := safeurl.BrowserHost(base, ref)
		fmt.Printf("%-30q %q %v\n", ref, host, ok)
	}
	// Output:
	// "../profile/"                  "example.com" true
	// "/\\evil.com/"                 "evil.com" true
	// "http:evil.com"                "evil.com" true
	// "https:evil.com"               "example.com" true
	// "//0x7f.1:8000/"               "127.0.0.1:8000" true
	// "https://user@[0:0::1]:443/"   "[::1]" true
}
