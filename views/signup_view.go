package views

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/session"
	"github.com/gofiber/fiber/v2"
)

// Messages of the sign-up form (Django's UserCreationForm and
// UnicodeUsernameValidator).
const (
	usernameInvalidMessage = "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."
	usernameTakenMessage   = "A user with that username already exists."
)

// SignupView lets a visitor create an account (Django's UserCreationForm
// in a view) in Config.Users:
//
//	views.Path("signup/", &views.SignupView{LoginAfter: true}, urls.Name("signup"))
//
// Every response is never cached. GET renders the form (TemplateName,
// default registration/signup.html; title "Sign up"). POST (CSRF-checked)
// binds a SignupForm and reports every mistake at once: a username that is
// empty, longer than 150 characters or holds other than letters, digits and
// @/./+/-/_ (Django's messages), or that another user has, ignoring case;
// passwords that differ (Django's message) or that PasswordValidators
// refuse. A valid form creates an active user (auth.Backend.CreateUser, the
// username NFKC-normalized and the password hashed in auth's pool), logs it
// in when LoginAfter is set, and redirects (302) to SuccessURL: by default
// Config.LoginRedirectURL after a login, else Config.LoginURL. The passwords
// are never shown back.
//
// Hooks: FormView's.
type SignupView struct {
	FormView[SignupForm]
	// LoginAfter logs the new user in (a new session) before the redirect.
	LoginAfter bool
	// PasswordValidators check the password (Django's
	// AUTH_PASSWORD_VALIDATORS). Nil: auth.DefaultPasswordValidators(); an
	// empty slice checks nothing.
	PasswordValidators []auth.PasswordValidator
	// UsernameTakenMessage is the error of a username another user has,
	// ignoring case. Default: "A user with that username already exists."
	UsernameTakenMessage string
	// MismatchMessage is the error of two passwords that differ. Default:
	// "The two password fields didn’t match."
	MismatchMessage string
}

// SignupForm is the form of SignupView.
type SignupForm struct {
	Username  string `form:"username" validate:"required"`
	Password1 string `form:"password1,secret" validate:"required,max=4096"`
	Password2 string `form:"password2,secret" validate:"required,max=4096"`
}

const signupViewName = "views.SignupView"

// BindView makes SignupView never cached.
func (v *SignupView) BindView(b *Binding) error {
	if err := v.FormView.BindView(b); err != nil {
		return err
	}
	b.Decorators = append(b.Decorators, NeverCache)
	return nil
}

// GetSuccessURL is the hook that returns where a sign-up leads: SuccessURL,
// else Config.LoginRedirectURL with LoginAfter, else Config.LoginURL.
func (v *SignupView) GetSuccessURL(c *fiber.Ctx) (string, error) {
	s := settings(c)
	def := s.LoginURL
	if v.LoginAfter {
		def = s.LoginRedirectURL
	}
	return resolveNextPage(c, v.SuccessURL, def)
}

// GetTemplateNames is the hook that lists the templates to try:
// TemplateName, or registration/signup.html.
func (v *SignupView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, "registration/signup.html"), nil
}

// GetContextData is the hook that builds the context: FormView's, with the
// title "Sign up" and password_help_texts (the validators' rules), unless
// ExtraContext sets them.
func (v *SignupView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.FormView.GetContextData(c)
	if err == nil {
		setDefaults(ctx, "title", "Sign up", "password_help_texts", auth.PasswordHelpTexts(v.validators()...))
	}
	return ctx, err
}

func (v *SignupView) validators() []auth.PasswordValidator {
	if v.PasswordValidators == nil {
		return auth.DefaultPasswordValidators()
	}
	return v.PasswordValidators
}

// backend is Config.Users, or a *ConfigError.
func (v *SignupView) backend(c *fiber.Ctx) (*auth.Backend, error) {
	if b := settings(c).Users; b != nil {
		return b, nil
	}
	return nil, &ConfigError{View: viewName(v.Outer(), signupViewName), Field: "Users",
		Msg: "no user backend to create users in: set views.Config.Users"}
}

// Post checks the form (see SignupView) and creates the user.
func (v *SignupView) Post(c *fiber.Ctx) error {
	b, err := v.backend(c)
	if err != nil {
		return err
	}
	sf, errs, err := v.bound(c)
	if err != nil {
		return err
	}
	if len(errs["username"]) == 0 {
		sf.Username = auth.NormalizeUsername(strings.TrimSpace(sf.Username))
		if msg := checkUsername(sf.Username); msg != "" {
			errs.Add("username", msg)
		} else if _, err := b.Users.UserByUsername(c.UserContext(), sf.Username); err == nil {
			errs.Add("username", cmp.Or(v.UsernameTakenMessage, usernameTakenMessage))
		} else if !errors.Is(err, auth.ErrUserNotFound) {
			return err
		}
	}
	if len(errs["password1"])+len(errs["password2"]) == 0 {
		if sf.Password1 != sf.Password2 {
			errs.Add("password2", cmp.Or(v.MismatchMessage, passwordMismatchMessage))
		} else if err := auth.ValidatePassword(sf.Password2, &auth.User{Username: sf.Username}, v.validators()...); err != nil {
			var ve auth.ValidationErrors
			if !errors.As(err, &ve) {
				return err
			}
			for _, m := range ve.Messages() {
				errs.Add("password2", m)
			}
		}
	}
	if len(errs) == 0 {
		return v.create(c, b, sf)
	}
	return v.finish(c, sf, errs)
}

// create stores the user, logs it in with LoginAfter, then calls FormValid
// (a redirect to GetSuccessURL). A username taken meanwhile is a form error.
func (v *SignupView) create(c *fiber.Ctx, b *auth.Backend, f *SignupForm) error {
	u, err := b.CreateUser(c.UserContext(), f.Username, "", f.Password1)
	if errors.Is(err, auth.ErrUsernameTaken) {
		return v.finish(c, f, FormErrors{"username": {cmp.Or(v.UsernameTakenMessage, usernameTakenMessage)}})
	}
	if err != nil {
		return err // auth.ErrBusy: ErrorHandler answers 503
	}
	id := strconv.FormatInt(u.ID, 10)
	emit(c, EventSignup, id, "")
	if v.LoginAfter {
		if err := session.Login(c, id); err != nil {
			return err
		}
		RotateCSRFToken(c)
		emit(c, EventLogin, id, "")
	}
	return v.finish(c, f, nil)
}

// checkUsername returns Django's message for a username that is too long or
// holds a character other than a letter, a digit or @/./+/-/_, else "".
func checkUsername(name string) string {
	if name == "" {
		return msgRequired
	}
	if n := utf8.RuneCountInString(name); n > maxUsernameLength {
		return fmt.Sprintf("Ensure this value has at most %d characters (it has %d).", maxUsernameLength, n)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !strings.ContainsRune("@.+-_", r) {
			return usernameInvalidMessage
		}
	}
	return ""
}
