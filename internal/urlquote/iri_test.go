package urlquote

import "testing"

// The cases of Django's tests of iri_to_uri (utils_tests/test_encoding.py),
// and what a Location header must never carry.
func TestIRIToURI(t *testing.T) {
	cases := []struct{ in, want string }{
		{"red%09rosé#red", "red%09ros%C3%A9#red"},
		{"/blog/for/Jürgen Münster/", "/blog/for/J%C3%BCrgen%20M%C3%BCnster/"},
		{"locations/?place=Paris&parking=yes", "locations/?place=Paris&parking=yes"},
		{"/café/?q=ü", "/caf%C3%A9/?q=%C3%BC"},
		{"http://example.com/ä?x=1#frag", "http://example.com/%C3%A4?x=1#frag"},
		{"/already%20escaped/", "/already%20escaped/"},
		{"/quote\"<>\\^`{|}", "/quote%22%3C%3E%5C%5E%60%7B%7C%7D"},
		{"/line\r\nSet-Cookie: x", "/line%0D%0ASet-Cookie:%20x"},
		{"/[v6]/;$&()+,!?*@'~", "/[v6]/;$&()+,!?*@'~"},
		{"", ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got := IRIToURI(tc.in)
			if got != tc.want {
				t.Errorf("IRIToURI(%q) = %q, want %q", tc.in, got, tc.want)
			}
			for i := 0; i < len(got); i++ {
				if got[i] < 0x21 || got[i] > 0x7e {
					t.Errorf("IRIToURI(%q) = %q holds byte %#x", tc.in, got, got[i])
				}
			}
			if again := IRIToURI(got); again != got {
				t.Errorf("not idempotent: %q → %q", got, again)
			}
		})
	}
}

func TestIRIToURIDoesNotAllocateForURIs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = IRIToURI("/accounts/login/?next=/home/") }); n != 0 {
		t.Errorf("%v allocations for a URI, want 0", n)
	}
}
