package auth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// PasswordValidator checks a new password, as Django's AUTH_PASSWORD_VALIDATORS entries. user may be
// nil (a password checked before the user exists). Validate returns nil, a *ValidationError or
// ValidationErrors.
type PasswordValidator interface {
	Validate(password string, user *User) error
}

// HelpTexter is a validator that explains its rule, as Django's get_help_text.
type HelpTexter interface {
	HelpText() string
}

// ValidationError is one failed rule: Django's code and English message.
type ValidationError struct {
	Code    string // Django's code, e.g. "password_too_short"
	Message string
}

func (e *ValidationError) Error() string { return e.Message }

// ValidationErrors are all the rules a password failed, in the validators' order.
type ValidationErrors []*ValidationError

func (e ValidationErrors) Error() string {
	msgs := make([]string, len(e))
	for i, v := range e {
		msgs[i] = v.Message
	}
	return strings.Join(msgs, " ")
}

// Messages returns the messages, one per failed rule.
func (e ValidationErrors) Messages() []string {
	msgs := make([]string, len(e))
	for i, v := range e {
		msgs[i] = v.Message
	}
	return msgs
}

// DefaultPasswordValidators returns Django's four default validators at their defaults.
func DefaultPasswordValidators() []PasswordValidator {
	return []PasswordValidator{UserAttributeSimilarity{}, MinimumLength{}, CommonPassword{}, NumericPassword{}}
}

// ValidatePassword runs every validator (with none given, DefaultPasswordValidators()) and returns
// nil or the ValidationErrors of all that failed, as Django's validate_password. A validator's
// other error is kept as a message without code.
func ValidatePassword(password string, user *User, validators ...PasswordValidator) error {
	if len(validators) == 0 {
		validators = DefaultPasswordValidators()
	}
	var errs ValidationErrors
	for _, v := range validators {
		err := v.Validate(password, user)
		var one *ValidationError
		var many ValidationErrors
		switch {
		case err == nil:
		case errors.As(err, &many):
			errs = append(errs, many...)
		case errors.As(err, &one):
			errs = append(errs, one)
		default:
			errs = append(errs, &ValidationError{Message: err.Error()})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// PasswordHelpTexts returns the help texts of the validators that have one (with none given, of
// DefaultPasswordValidators()).
func PasswordHelpTexts(validators ...PasswordValidator) []string {
	if len(validators) == 0 {
		validators = DefaultPasswordValidators()
	}
	var texts []string
	for _, v := range validators {
		if h, ok := v.(HelpTexter); ok {
			texts = append(texts, h.HelpText())
		}
	}
	return texts
}

// MinimumLength is Django's MinimumLengthValidator: at least MinLength characters (0: 8).
type MinimumLength struct{ MinLength int }

func (v MinimumLength) min() int {
	if v.MinLength == 0 {
		return 8
	}
	return v.MinLength
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Validate fails with code "password_too_short".
func (v MinimumLength) Validate(password string, _ *User) error {
	n := v.min()
	if utf8.RuneCountInString(password) < n {
		return &ValidationError{Code: "password_too_short", Message: fmt.Sprintf(
			"This password is too short. It must contain at least %d %s.", n, plural(n, "character", "characters"))}
	}
	return nil
}

// HelpText explains the rule.
func (v MinimumLength) HelpText() string {
	n := v.min()
	return fmt.Sprintf("Your password must contain at least %d %s.", n, plural(n, "character", "characters"))
}

// NumericPassword is Django's NumericPasswordValidator: not only digits.
type NumericPassword struct{}

// Validate fails with code "password_entirely_numeric".
func (NumericPassword) Validate(password string, _ *User) error {
	if password == "" {
		return nil
	}
	for _, r := range password {
		if !unicode.IsDigit(r) {
			return nil
		}
	}
	return &ValidationError{Code: "password_entirely_numeric", Message: "This password is entirely numeric."}
}

// HelpText explains the rule.
func (NumericPassword) HelpText() string { return "Your password can’t be entirely numeric." }

// CommonPassword is Django's CommonPasswordValidator: the password, lowercased and trimmed, is not
// in Passwords (lowercase), by default the list Django ships (see the package documentation).
type CommonPassword struct{ Passwords map[string]bool }

//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

var commonPasswords = sync.OnceValue(func() map[string]bool {
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		panic("auth: embedded common-passwords.txt.gz: " + err.Error())
	}
	set := make(map[string]bool, 20000)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		set[strings.TrimSpace(sc.Text())] = true
	}
	if err := sc.Err(); err != nil {
		panic("auth: embedded common-passwords.txt.gz: " + err.Error())
	}
	return set
})

// IsCommonPassword reports whether password, lowercased and trimmed, is in Django's list.
func IsCommonPassword(password string) bool {
	return commonPasswords()[strings.TrimSpace(strings.ToLower(password))]
}

// Validate fails with code "password_too_common".
func (v CommonPassword) Validate(password string, _ *User) error {
	set := v.Passwords
	if set == nil {
		set = commonPasswords()
	}
	if set[strings.TrimSpace(strings.ToLower(password))] {
		return &ValidationError{Code: "password_too_common", Message: "This password is too common."}
	}
	return nil
}

// HelpText explains the rule.
func (CommonPassword) HelpText() string { return "Your password can’t be a commonly used password." }

// UserAttributeSimilarity is Django's UserAttributeSimilarityValidator: the password may not be too
// similar to the user's attributes or to their parts (split at non-word characters, so an email's
// local part and domain too). Similarity is Python's SequenceMatcher.quick_ratio, as Django, with
// Django's shortcut for values far shorter than the password.
type UserAttributeSimilarity struct {
	// Attributes among "username", "first_name", "last_name", "email"; nil: all four. Unknown
	// names are ignored.
	Attributes []string
	// MaxSimilarity (0: 0.7); as Django, below 0.1 is refused (Validate fails).
	MaxSimilarity float64
}

var userAttributes = []string{"username", "first_name", "last_name", "email"}

// verboseNames are the verbose_name of Django's User fields, which the message names.
var verboseNames = map[string]string{
	"username": "username", "first_name": "first name", "last_name": "last name", "email": "email address",
}

func userAttribute(u *User, name string) string {
	switch name {
	case "username":
		return u.Username
	case "first_name":
		return u.FirstName
	case "last_name":
		return u.LastName
	case "email":
		return u.Email
	}
	return ""
}

// Validate fails with code "password_too_similar".
func (v UserAttributeSimilarity) Validate(password string, user *User) error {
	if user == nil {
		return nil
	}
	maxSim := v.MaxSimilarity
	if maxSim == 0 {
		maxSim = 0.7
	}
	if maxSim < 0.1 {
		return errors.New("auth: max_similarity must be at least 0.1")
	}
	attrs := v.Attributes
	if attrs == nil {
		attrs = userAttributes
	}
	pw := []rune(strings.ToLower(password))
	for _, name := range attrs {
		value := userAttribute(user, name)
		if value == "" {
			continue
		}
		lower := strings.ToLower(value)
		parts := append(splitNonWord(lower), lower)
		for _, part := range parts {
			pr := []rune(part)
			if exceedsMaximumLengthRatio(len(pw), maxSim, len(pr)) {
				continue
			}
			if quickRatio(pw, pr) >= maxSim {
				return &ValidationError{Code: "password_too_similar",
					Message: "The password is too similar to the " + verboseNames[name] + "."}
			}
		}
	}
	return nil
}

// HelpText explains the rule.
func (UserAttributeSimilarity) HelpText() string {
	return "Your password can’t be too similar to your other personal information."
}

// exceedsMaximumLengthRatio is Django's: a value at most a tenth of the password's length (and short
// against max_similarity) cannot reach the similarity, so it is skipped.
func exceedsMaximumLengthRatio(pwdLen int, maxSimilarity float64, valueLen int) bool {
	return pwdLen >= 10*valueLen && float64(valueLen) < maxSimilarity/2*float64(pwdLen)
}

// splitNonWord is Python's re.split(r'\W+', s): the runs of word characters (letters, digits,
// underscore), with the empty strings at the ends that a leading or trailing separator leaves.
func splitNonWord(s string) []string {
	isWord := func(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) }
	var parts []string
	var cur strings.Builder
	inSep := false
	for _, r := range s {
		if isWord(r) {
			inSep = false
			cur.WriteRune(r)
			continue
		}
		if !inSep {
			parts = append(parts, cur.String())
			cur.Reset()
			inSep = true
		}
	}
	return append(parts, cur.String())
}

// quickRatio is Python's difflib.SequenceMatcher(a=a, b=b).quick_ratio(): twice the size of the
// multiset intersection over the total length.
func quickRatio(a, b []rune) float64 {
	total := len(a) + len(b)
	if total == 0 {
		return 1
	}
	avail := make(map[rune]int, len(b))
	for _, r := range b {
		avail[r]++
	}
	matches := 0
	for _, r := range a {
		if avail[r] > 0 {
			matches++
		}
		avail[r]--
	}
	return 2 * float64(matches) / float64(total)
}
