package views

import (
	"cmp"
	"errors"
	"reflect"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
)

// The templates of the password change pages (Django's); the templates
// package embeds them.
const (
	passwordChangeTemplate     = "registration/password_change_form.html"
	passwordChangeDoneTemplate = "registration/password_change_done.html"
)

// The default messages of PasswordChangeView (Django's).
const (
	passwordIncorrectMessage = "Your old password was entered incorrectly. Please enter it again."
	passwordMismatchMessage  = "The two password fields didn’t match."
	passwordChangedMessage   = "Your password was changed."
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
// the CheckPassword hook (IncorrectMessage when wrong), the new one
// twice (MismatchMessage when they differ), then checked by
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
	// AUTH_PASSWORD_VALIDATORS). Nil: auth.DefaultPasswordValidators(),
	// Django's four; an empty slice checks nothing.
	PasswordValidators []auth.PasswordValidator
	// IncorrectMessage is the error of a wrong old password. Default:
	// "Your old password was entered incorrectly. Please enter it again."
	IncorrectMessage string
	// MismatchMessage is the error of two new passwords that differ.
	// Default: "The two password fields didn’t match."
	MismatchMessage string
	// ChangedMessage is the success message of the page after the change.
	// Default: "Your password was changed."
	ChangedMessage string

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
// TemplateName, or passwordChangeTemplate.
func (v *PasswordChangeView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, passwordChangeTemplate), nil
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
			errs.Add("old_password", cmp.Or(v.IncorrectMessage, passwordIncorrectMessage))
		}
	}
	if len(errs["new_password1"])+len(errs["new_password2"]) == 0 {
		if pf.NewPassword1 != pf.NewPassword2 {
			errs.Add("new_password2", cmp.Or(v.MismatchMessage, passwordMismatchMessage))
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
	if validators == nil {
		validators = auth.DefaultPasswordValidators()
	} else if len(validators) == 0 {
		return nil
	}
	var failed auth.ValidationErrors
	if err := auth.ValidatePassword(password, authUser(user), validators...); errors.As(err, &failed) {
		for _, e := range failed {
			errs.Add("new_password2", e.Message)
		}
	} else if err != nil {
		errs.Add("new_password2", err.Error())
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
	emit(c, EventPasswordChange, uid, "")
	messages.Success(c, cmp.Or(v.ChangedMessage, passwordChangedMessage)) // Django's message, on the page after the change
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
// TemplateName, or passwordChangeDoneTemplate.
func (v *PasswordChangeDoneView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, passwordChangeDoneTemplate), nil
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

// authUser is the user the password validators compare with: an
// *auth.User as it is, else one made of the string fields Username,
// FirstName, LastName and Email of the site's user value (a SessionUser's
// ID as the username).
func authUser(user any) *auth.User {
	switch u := user.(type) {
	case *auth.User:
		return u
	case SessionUser:
		return &auth.User{Username: u.ID}
	case AnonymousUser, nil:
		return nil
	}
	rv := reflect.Indirect(reflect.ValueOf(user))
	if rv.Kind() != reflect.Struct {
		return nil
	}
	str := func(name string) string {
		if f := rv.FieldByName(name); f.IsValid() && f.Kind() == reflect.String {
			return f.String()
		}
		return ""
	}
	return &auth.User{Username: str("Username"), FirstName: str("FirstName"), LastName: str("LastName"), Email: str("Email")}
}
