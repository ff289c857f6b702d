package offsite

import "testing"

func TestStaysOn(t *testing.T) {
	cases := []struct {
		to   string
		want bool
	}{
		{"", true},
		{"/home/", true},
		{"?next=1", true},
		{"#top", true},
		{"relative/path", true},
		{"http://good.example/x", true},
		{"HTTPS://GOOD.EXAMPLE", true},
		{"https://good.example:8443/", true},
		{"//evil.example/", false},
		{`/\evil.example/`, false},
		{`\\evil.example`, false},
		{"https://evil.example/", false},
		{"https://good.example@evil.example/", false},
		{"http:evil.example", false},
		{"javascript:alert(1)", false},
		{"/ok?next=\\x", true},
		{"/\t/evil.example", false},
		{" https://good.example/", false},
	}
	for _, tc := range cases {
		if got := StaysOn(tc.to, "good.example", "good.example:8443"); got != tc.want {
			t.Errorf("StaysOn(%q) = %v, want %v", tc.to, got, tc.want)
		}
	}
	if StaysOn("https://good.example/") {
		t.Error("no hosts: an absolute URL must not pass")
	}
}
