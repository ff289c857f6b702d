package urlquote

import "testing"

func TestQuote(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"plain/path-1_2.3~", "plain/path-1_2.3~"},
		{"a b", "a%20b"},
		{"q?x=1#f", "q%3Fx=1%23f"},
		{"100%", "100%25"},
		{`back\slash`, "back%5Cslash"},
		{"cr\r\nlf", "cr%0D%0Alf"},
		{"é", "%C3%A9"},
		{"!$&'()*+,;=:@", "!$&'()*+,;=:@"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got := Quote(tc.in)
			if got != tc.want {
				t.Errorf("Quote(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if AllSafe(tc.in) != (got == tc.in) {
				t.Errorf("AllSafe(%q) = %v", tc.in, AllSafe(tc.in))
			}
		})
	}
}

func TestEscapeLeadingSlashes(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"/", "/"},
		{"/a//b", "/a//b"},
		{"//evil.com/", "/%2Fevil.com/"},
		{`/\evil.com/`, "/%5Cevil.com/"},
		{"relative//x", "relative//x"},
	}
	for _, tc := range cases {
		if got := EscapeLeadingSlashes(tc.in); got != tc.want {
			t.Errorf("EscapeLeadingSlashes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
