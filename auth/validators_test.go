package auth

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestQuickRatio(t *testing.T) {
	// Values from Python's difflib.SequenceMatcher(a=a, b=b).quick_ratio().
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"", "", 1},
		{"a", "", 0},
		{"abcd", "bcde", 0.75},
		{"aab", "ab", 0.8},
		{"A", strings.Repeat("A", 10), 2.0 / 11},
		{"été", "tée", 2.0 / 3},
	} {
		if got := quickRatio([]rune(tc.a), []rune(tc.b)); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("quickRatio(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSplitNonWord(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want string
	}{
		{"someone@example.com", "someone|example|com"},
		{"-x-", "|x|"},
		{"a__b c", "a__b|c"},
		{"", ""},
	} {
		if got := strings.Join(splitNonWord(tc.s), "|"); got != tc.want {
			t.Errorf("splitNonWord(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestValidators(t *testing.T) {
	u := &User{Username: "jdoe", FirstName: "Jane", LastName: "Doe", Email: "jane.doe@example.com"}
	for _, tc := range []struct {
		name, password string
		user           *User
		validators     []PasswordValidator
		codes          string
	}{
		{"good", "x9$kLmQ2!vB", u, nil, ""},
		{"short", "x9$kL", nil, nil, "password_too_short"},
		{"short, common, numeric", "1234", nil, nil, "password_too_short|password_too_common|password_entirely_numeric"},
		{"similar to the email's domain", "example12", u, nil, "password_too_similar"},
		{"no user, no similarity", "jane.doe!!", nil, nil, ""},
		{"length 12", "abcdefghijk", nil, []PasswordValidator{MinimumLength{MinLength: 12}}, "password_too_short"},
		{"own list", "hunter22", nil, []PasswordValidator{CommonPassword{Passwords: map[string]bool{"hunter22": true}}}, "password_too_common"},
		{"only the username", "jane.doe!!", u, []PasswordValidator{UserAttributeSimilarity{Attributes: []string{"username"}}}, ""},
		{"bad max similarity", "whatever1", u, []PasswordValidator{UserAttributeSimilarity{MaxSimilarity: 0.05}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidatePassword(tc.password, tc.user, tc.validators...)
			var codes []string
			var verrs ValidationErrors
			if errors.As(err, &verrs) {
				for _, e := range verrs {
					codes = append(codes, e.Code)
				}
			}
			if got := strings.Join(codes, "|"); got != tc.codes {
				t.Errorf("codes %q, want %q (%v)", got, tc.codes, err)
			}
		})
	}
	err := ValidatePassword("1", nil, MinimumLength{MinLength: 1}, MinimumLength{MinLength: 2}, NumericPassword{})
	if err == nil || err.Error() != "This password is too short. It must contain at least 2 characters. This password is entirely numeric." {
		t.Errorf("got %v", err)
	}
	if !IsCommonPassword(" PASSWORD ") || IsCommonPassword("x9$kLmQ2!vB") {
		t.Error("IsCommonPassword")
	}
	if n := len(commonPasswords()); n < 19000 {
		t.Errorf("%d common passwords", n)
	}
	if h := PasswordHelpTexts(); len(h) != 4 || h[1] != "Your password must contain at least 8 characters." {
		t.Errorf("help texts %q", h)
	}
}
