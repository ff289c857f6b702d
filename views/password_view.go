package views

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
)

// Templates of the password change pages (Django's); the templates package
// embeds defaults.
const (
	DefaultPasswordChangeTemplate     = "registration/password_change_form.html"
	DefaultPasswordChangeDoneTemplate = "registration/password_change_done.html"
)

// Messages of the password change form (Django's). A wrong old password is
// reported as wrong and nothing more; the new password's rules are those of
// PasswordValidators.
const (
	PasswordIncorrectMessage = "Your old password was entered incorrectly. Please enter it again."
	PasswordMismatchMessage  = "The two password fields didn’t match."
	PasswordChangedMessage   = "Your password was changed."
)

// PasswordChangeView lets a logged-in user change their password (Django's
// PasswordChangeView):
//
//	views.Path("password_change/", &views.PasswordChangeView{
//		CheckPasswordFunc: users.CheckPassword, SetPasswordFunc: users.SetPassword,
//	}, urls.Name("password_change"))
//	views.Path("password_change/done/", &views.PasswordChangeDoneView{}, urls.Name("password_change_done"))
//
// Every response is never cached and an anonymous visitor is sent to the
// login page (LoginRequired). GET renders the form (TemplateName, default
// registration/password_change_form.html; title "Password change"). POST
// (CSRF-checked) binds a PasswordChangeForm: the old password, checked with
// the CheckPassword hook (PasswordIncorrectMessage when wrong), the new one
// twice (PasswordMismatchMessage when they differ), then checked by
// PasswordValidators. A valid form calls the SetPassword hook, then
// session.UpdateAuthHash (this session stays logged in, on a new key) and
// session.LogoutOthers (every other session of the user is logged out),
// and redirects (302) to SuccessURL, by default the route
// "password_change_done". The passwords are never shown back.
//
// With Config.Users, the password is checked and set through the backend,
// with no function to write.
//
// Hooks: CheckPassword, SetPassword, and FormView's.
type PasswordChangeView struct {
	FormView[PasswordChangeForm]
	// CheckPasswordFunc reports whether password is the user's current
	// one (Django's check_password); the CheckPassword hook calls it. It
	// should compare in constant time (bcrypt does). Nil with Config.Users:
	// the backend's check, in auth's hashing pool.
	CheckPasswordFunc func(c *fiber.Ctx, userID, password string) (bool, error)
	// SetPasswordFunc stores the user's new password (hash it: bcrypt);
	// the SetPassword hook calls it. Nil with Config.Users: the backend's
	// auth.Backend.SetPassword.
	SetPasswordFunc func(c *fiber.Ctx, userID, password string) error
	// PasswordValidators check the new password (Django's
	// AUTH_PASSWORD_VALIDATORS). Nil: DefaultPasswordValidators, or with
	// Config.Users auth.DefaultPasswordValidators() (common passwords
	// refused too); an empty slice checks nothing.
	PasswordValidators []PasswordValidator

	hooks Hooks[passwordHooks]
}

// PasswordChangeForm is the form of PasswordChangeView.
type PasswordChangeForm struct {
	OldPassword  string `form:"old_password,secret" validate:"required,max=4096"`
	NewPassword1 string `form:"new_password1,secret" validate:"required,max=4096"`
	NewPassword2 string `form:"new_password2,secret" validate:"required,max=4096"`
}

const passwordChangeViewName = "views.PasswordChangeView"

// passwordHooks are the hooks of PasswordChangeView besides FormView's.
type passwordHooks interface {
	formHooks[PasswordChangeForm]
	CheckPassword(c *fiber.Ctx, userID, password string) (bool, error)
	SetPassword(c *fiber.Ctx, userID, password string) error
}

var _ passwordHooks = (*PasswordChangeView)(nil)

// BindView makes PasswordChangeView never cached and login required.
func (v *PasswordChangeView) BindView(b *Binding) error {
	if err := v.FormView.BindView(b); err != nil {
		return err
	}
	b.Decorators = append(b.Decorators, NeverCache)
	b.LoginRequired = true
	return nil
}

// passwordChangeDone is the default SuccessURL of PasswordChangeView.
const passwordChangeDone = "password_change_done"

// GetSuccessURL is the hook that returns where a changed password leads:
// SuccessURL, by default the route "password_change_done", looked up in the
// view's own namespace first ("accounts:password_change_done").
func (v *PasswordChangeView) GetSuccessURL(c *fiber.Ctx) (string, error) {
	if v.SuccessURL != "" {
		return ResolveURL(c, v.SuccessURL)
	}
	return resolveDefault(c, passwordChangeDone)
}

// GetTemplateNames is the hook that lists the templates to try:
// TemplateName, or DefaultPasswordChangeTemplate.
func (v *PasswordChangeView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, DefaultPasswordChangeTemplate), nil
}

// GetContextData is the hook that builds the context: FormView's, with
// the title "Password change" unless ExtraContext sets one.
func (v *PasswordChangeView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.FormView.GetContextData(c)
	if err == nil {
		setDefaults(ctx, "title", "Password change")
	}
	return ctx, err
}

// Post checks the form (see PasswordChangeView) and changes the password.
func (v *PasswordChangeView) Post(c *fiber.Ctx) error {
	h := v.hooks.Of(v)
	uid, ok := session.UserID(c)
	if !ok { // logged out by another request since LoginRequired looked
		return RedirectToLogin(c, "")
	}
	pf, errs, err := v.bound(c)
	if err != nil {
		return err
	}
	if len(errs["old_password"]) == 0 {
		if good, err := h.CheckPassword(c, uid, pf.OldPassword); err != nil {
			return err
		} else if !good {
			errs.Add("old_password", PasswordIncorrectMessage)
		}
	}
	if len(errs["new_password1"])+len(errs["new_password2"]) == 0 {
		if pf.NewPassword1 != pf.NewPassword2 {
			errs.Add("new_password2", PasswordMismatchMessage)
		} else if err := v.validatePassword(c, pf.NewPassword2, errs); err != nil {
			return err
		}
	}
	return v.finish(c, pf, errs)
}

// validatePassword runs the validators, adding their messages to errs.
func (v *PasswordChangeView) validatePassword(c *fiber.Ctx, password string, errs FormErrors) error {
	user, err := CurrentUser(c)
	if err != nil {
		return err
	}
	validators := v.PasswordValidators
	if u, ok := user.(*auth.User); ok && validators == nil && settings(c).Users != nil {
		var ve auth.ValidationErrors
		if err := auth.ValidatePassword(password, u); errors.As(err, &ve) {
			for _, m := range ve.Messages() {
				errs.Add("new_password2", m)
			}
		} else if err != nil {
			return err
		}
		return nil
	}
	if validators == nil {
		validators = DefaultPasswordValidators
	}
	for _, check := range validators {
		if err := check(password, user); err != nil {
			errs.Add("new_password2", err.Error())
		}
	}
	return nil
}

// FormValid changes the password: the SetPassword hook, then this session
// onto the new auth hash and a new key, every other session of the user
// logged out, then the redirect of FormView.FormValid.
func (v *PasswordChangeView) FormValid(c *fiber.Ctx, form *PasswordChangeForm) error {
	uid, _ := session.UserID(c)
	if err := v.hooks.Of(v).SetPassword(c, uid, form.NewPassword1); err != nil {
		return err
	}
	if err := session.UpdateAuthHash(c); err != nil {
		return err
	}
	if err := session.LogoutOthers(c); err != nil {
		return err
	}
	messages.Success(c, PasswordChangedMessage) // Django's message, on the page after the change
	return v.FormView.FormValid(c, form)
}

// CheckPassword is the hook that reports whether password is the user's
// current one: CheckPasswordFunc.
func (v *PasswordChangeView) CheckPassword(c *fiber.Ctx, userID, password string) (bool, error) {
	if v.CheckPasswordFunc == nil {
		if b := settings(c).Users; b != nil {
			return checkBackendPassword(c, b, userID, password)
		}
		return false, &ConfigError{View: viewName(v.Outer(), passwordChangeViewName), Field: "CheckPasswordFunc",
			Msg: "no way to check the old password: set CheckPasswordFunc, or define CheckPassword on your view"}
	}
	return v.CheckPasswordFunc(c, userID, password)
}

// SetPassword is the hook that stores the new password: SetPasswordFunc.
func (v *PasswordChangeView) SetPassword(c *fiber.Ctx, userID, password string) error {
	if v.SetPasswordFunc == nil {
		if b := settings(c).Users; b != nil {
			return setBackendPassword(c, b, userID, password)
		}
		return &ConfigError{View: viewName(v.Outer(), passwordChangeViewName), Field: "SetPasswordFunc",
			Msg: "no way to store the new password: set SetPasswordFunc, or define SetPassword on your view"}
	}
	return v.SetPasswordFunc(c, userID, password)
}

// PasswordChangeDoneView is the page after a password change (Django's
// PasswordChangeDoneView): login required, never cached, rendering
// TemplateName (default registration/password_change_done.html; title
// "Password change successful").
type PasswordChangeDoneView struct{ TemplateView }

// BindView makes PasswordChangeDoneView never cached and login required.
func (v *PasswordChangeDoneView) BindView(b *Binding) error {
	b.Decorators = append(b.Decorators, NeverCache)
	b.LoginRequired = true
	return nil
}

// GetTemplateNames is the hook that lists the templates to try:
// TemplateName, or DefaultPasswordChangeDoneTemplate.
func (v *PasswordChangeDoneView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, DefaultPasswordChangeDoneTemplate), nil
}

// GetContextData is the hook that builds the context: TemplateView's, with
// the title "Password change successful" unless ExtraContext sets one.
func (v *PasswordChangeDoneView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err == nil {
		setDefaults(ctx, "title", "Password change successful")
	}
	return ctx, err
}

// PasswordValidator checks a new password for the user (CurrentUser) who
// chose it, returning an error whose text the form shows (Django's password
// validators).
type PasswordValidator func(password string, user any) error

// ErrPasswordRejected is wrapped by the errors of this package's password
// validators.
var ErrPasswordRejected = errors.New("views: password rejected")

// DefaultPasswordValidators are Django's default validators but the list
// of common passwords: not too similar to the user's attributes, at least 8
// characters, not entirely numeric.
var DefaultPasswordValidators = []PasswordValidator{
	UserAttributeSimilarity(DefaultUserAttributes, 0.7), MinimumLength(8), NotNumeric,
}

type rejected string

func (r rejected) Error() string { return string(r) }
func (r rejected) Unwrap() error { return ErrPasswordRejected }

// MinimumLength refuses passwords of fewer than n characters (Django's
// MinimumLengthValidator).
func MinimumLength(n int) PasswordValidator {
	return func(password string, _ any) error {
		if len([]rune(password)) >= n {
			return nil
		}
		return rejected(fmt.Sprintf("This password is too short. It must contain at least %d characters.", n))
	}
}

// NotNumeric refuses passwords made of digits only (Django's
// NumericPasswordValidator).
func NotNumeric(password string, _ any) error {
	if password != "" && strings.Trim(password, "0123456789") == "" {
		return rejected("This password is entirely numeric.")
	}
	return nil
}

// DefaultUserAttributes are the fields of the user value that
// UserAttributeSimilarity compares with (Django's username, first_name,
// last_name, email); a SessionUser's ID is compared too.
var DefaultUserAttributes = []string{"Username", "FirstName", "LastName", "Email"}

var nonWord = regexp.MustCompile(`\W+`)

// UserAttributeSimilarity refuses a password too similar to one of the
// user's string fields named in attributes, or to a word of one (Django's
// UserAttributeSimilarityValidator, with its quick_ratio measure and
// threshold maxSimilarity, 0.7 by default).
func UserAttributeSimilarity(attributes []string, maxSimilarity float64) PasswordValidator {
	return func(password string, user any) error {
		password = strings.ToLower(password)
		for _, a := range userAttributes(user, attributes) {
			value := strings.ToLower(a[1])
			for _, part := range append(nonWord.Split(value, -1), value) {
				if part == "" || exceedsLengthRatio(password, part, maxSimilarity) {
					continue
				}
				if quickRatio(password, part) >= maxSimilarity {
					return rejected("The password is too similar to the " + a[0] + ".")
				}
			}
		}
		return nil
	}
}

// userAttributes are the non-empty string fields names of user, as
// (verbose name, value) pairs: "Username" is "username".
func userAttributes(user any, names []string) [][2]string {
	if u, ok := user.(SessionUser); ok {
		return [][2]string{{"username", u.ID}}
	}
	rv := reflect.Indirect(reflect.ValueOf(user))
	if rv.Kind() != reflect.Struct {
		return nil
	}
	var out [][2]string
	for _, n := range names {
		if f := rv.FieldByName(n); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
			out = append(out, [2]string{verboseName(n), f.String()})
		}
	}
	return out
}

// verboseName turns "FirstName" into "first name".
func verboseName(field string) string {
	var b strings.Builder
	for i, r := range field {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToLower(string(r)))
	}
	return b.String()
}

// exceedsLengthRatio is Django's exceeds_maximum_length_ratio: a password
// far longer than the value cannot be too similar to it.
func exceedsLengthRatio(password, value string, maxSimilarity float64) bool {
	p, v := len([]rune(password)), len([]rune(value))
	return p >= 10*v && float64(v) < maxSimilarity/2*float64(p)
}

// quickRatio is Python's difflib.SequenceMatcher.quick_ratio: twice the
// characters the two strings share (as multisets) over their total length.
func quickRatio(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra)+len(rb) == 0 {
		return 1
	}
	avail := map[rune]int{}
	for _, r := range rb {
		avail[r]++
	}
	matches := 0
	for _, r := range ra {
		if avail[r] > 0 {
			avail[r]--
			matches++
		}
	}
	return 2 * float64(matches) / float64(len(ra)+len(rb))
}
