package views

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/mail"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/templates"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/fiber/v2"
)

// The default route names of the reset views (Django's
// django.contrib.auth.urls), looked up in the view's namespace first.
const (
	passwordResetDone     = "password_reset_done"
	passwordResetConfirm  = "password_reset_confirm"
	passwordResetComplete = "password_reset_complete"
	// resetSessionKey holds the token once the link was opened (Django's
	// INTERNAL_RESET_SESSION_TOKEN); resetURLToken stands for it in the URL.
	resetSessionKey = "_password_reset_token"
	resetURLToken   = "set-password"
)

// The templates of the reset email (Django's names), in the templates
// package's embedded defaults unless the site has its own.
const (
	resetSubjectTemplate = "registration/password_reset_subject.txt"
	resetEmailTemplate   = "registration/password_reset_email.html"
)

// PasswordResetForm is the form of PasswordResetView.
type PasswordResetForm struct {
	Email string `form:"email" validate:"required,email,max=254"`
}

// PasswordResetView asks for an email address and mails a link to set a new
// password to every active user of that address with a usable password
// (Django's PasswordResetView). Every address gets the same answer, a
// redirect to SuccessURL (default: the route "password_reset_done"), at
// once: the mail is sent off the request (Config.Mailer, through a
// mail.Queue), so neither the answer nor its time tells whether the address
// has an account. Requests are throttled per address and per client like
// logins (Config.LoginThrottle); a throttled one gets the same answer and no
// mail. The link is built from Config.SiteURL, never from the request's
// Host, and points to the route "password_reset_confirm" with the user's
// uidb64 and token (auth.PasswordResetTokens from Config.ResetTokens).
// Needs Config.Users. Template registration/password_reset_form.html.
type PasswordResetView struct {
	FormView[PasswordResetForm]
	// SubjectTemplateName and EmailTemplateName are the templates of the
	// email's subject and text (Django's subject_template_name and
	// email_template_name), found as pages are (the site's directory, then
	// the embedded defaults) and rendered with text/template, so nothing is
	// HTML-escaped; their keys are Django's (.site_name, .domain,
	// .protocol, .uid, .token, .email, .user, an *auth.User) and .link, the
	// whole link. Default: registration/password_reset_subject.txt and
	// registration/password_reset_email.html, Django's words.
	SubjectTemplateName, EmailTemplateName string
}

// BindView makes the view never cached.
func (v *PasswordResetView) BindView(b *Binding) error {
	if err := v.FormView.BindView(b); err != nil {
		return err
	}
	b.Decorators = append(b.Decorators, NeverCache)
	return nil
}

// emailTemplates parses the email's subject and text templates.
func (v *PasswordResetView) emailTemplates(c *fiber.Ctx) (subject, body *texttemplate.Template, err error) {
	e, ok := c.App().Config().Views.(*templates.Engine)
	if !ok {
		e = templates.Default()
	}
	parse := func(name string) (*texttemplate.Template, error) {
		src, err := e.Source(name)
		if err != nil {
			return nil, err
		}
		t, err := texttemplate.New(name).Parse(src)
		if err != nil {
			return nil, fmt.Errorf("views: PasswordResetView: %w", err)
		}
		return t, nil
	}
	if subject, err = parse(cmp.Or(v.SubjectTemplateName, resetSubjectTemplate)); err != nil {
		return nil, nil, err
	}
	body, err = parse(cmp.Or(v.EmailTemplateName, resetEmailTemplate))
	return subject, body, err
}

func (*PasswordResetView) loginNotRequired() {}

// GetTemplateNames is the hook that lists the templates to try:
// TemplateName, or registration/password_reset_form.html.
func (v *PasswordResetView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, "registration/password_reset_form.html"), nil
}

// GetContextData adds the title "Password reset".
func (v *PasswordResetView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.FormView.GetContextData(c)
	if err == nil {
		setDefaults(ctx, "title", "Password reset")
	}
	return ctx, err
}

// GetSuccessURL is SuccessURL, else the route "password_reset_done".
func (v *PasswordResetView) GetSuccessURL(c *fiber.Ctx) (string, error) {
	if v.SuccessURL != "" {
		return ResolveURL(c, v.SuccessURL)
	}
	return resolveDefault(c, passwordResetDone)
}

// FormValid mails the link to the address's users (see PasswordResetView),
// then redirects to GetSuccessURL whoever asked.
func (v *PasswordResetView) FormValid(c *fiber.Ctx, form *PasswordResetForm) error {
	s := settings(c)
	email := strings.TrimSpace(form.Email)
	ip := s.proxy.ClientIP(c)
	key := "password-reset:" + strings.ToLower(email)
	if err := s.throttle.Check(c, key, ip); err == nil {
		if err := s.throttle.Fail(c, key, ip); err != nil { // every request counts
			return err
		}
		if err := v.mailUsers(c, email); err != nil {
			return err
		}
	} else {
		emit(c, EventLockout, "", "")
	}
	return v.FormView.FormValid(c, form)
}

// mailUsers queues the reset email for every user of email who may reset.
func (v *PasswordResetView) mailUsers(c *fiber.Ctx, email string) error {
	s := settings(c)
	if s.Users == nil {
		return &ConfigError{View: viewName(v.Outer(), "views.PasswordResetView"), Field: "Users", Msg: "needs views.Config.Users"}
	}
	subjectT, bodyT, err := v.emailTemplates(c) // for every address alike: the same work, the same errors
	if err != nil {
		return err
	}
	users, err := s.Users.Users.UsersByEmail(c.UserContext(), email)
	if err != nil {
		return err
	}
	var able []*auth.User
	for _, u := range users {
		if u.IsActive && auth.IsPasswordUsable(u.Password) { // Django's get_users
			able = append(able, u)
		}
	}
	if len(able) == 0 {
		// The same work for an address without an account, the message
		// dropped, so that the answer's time does not tell (as Backend's
		// dummy hash does for an unknown username).
		_, err := v.message(c, s, &auth.User{ID: 1, Email: email, Password: "!"}, subjectT, bodyT)
		return err
	}
	for _, u := range able {
		m, err := v.message(c, s, u, subjectT, bodyT)
		if err != nil {
			return err
		}
		if err := s.mailer.Send(context.WithoutCancel(c.UserContext()), m); err != nil {
			s.logger.Error("password reset: the email was not queued", "user", u.ID, "err", err)
		}
	}
	return nil
}

// message is the reset email to u.
func (v *PasswordResetView) message(c *fiber.Ctx, s *site, u *auth.User, subjectT, bodyT *texttemplate.Template) (*mail.Message, error) {
	uid, token := auth.EncodeUID(u.ID), s.ResetTokens.Make(u)
	path, err := reverseDefault(c, passwordResetConfirm, urls.Kwargs{"uidb64": uid, "token": token})
	if err != nil {
		return nil, err
	}
	data := resetEmailData(s, u, uid, token, path)
	var subject, body strings.Builder
	if err := subjectT.Execute(&subject, data); err != nil {
		return nil, err
	}
	if err := bodyT.Execute(&body, data); err != nil {
		return nil, err
	}
	return &mail.Message{From: cmp.Or(s.FromEmail, "webmaster@localhost"), To: []string{u.Email},
		Subject: strings.Join(strings.Fields(subject.String()), " "), Text: body.String()}, nil
}

// resetEmailData is the context of the reset email's templates: Django's
// keys, from Config.SiteURL, and the whole link.
func resetEmailData(s *site, u *auth.User, uid, token, path string) map[string]any {
	protocol, domain := "https", s.SiteURL
	if su, err := url.Parse(s.SiteURL); err == nil && su.Host != "" {
		protocol, domain = su.Scheme, su.Host
	}
	return map[string]any{"site_name": cmp.Or(s.SiteName, domain), "domain": domain, "protocol": protocol,
		"uid": uid, "token": token, "email": u.Email, "user": u,
		"link": strings.TrimRight(s.SiteURL, "/") + path}
}

// reverseDefault reverses a view's default route name with arguments, in
// the view's namespace first.
func reverseDefault(c *fiber.Ctx, name string, kw urls.Kwargs) (string, error) {
	if m, ok := urls.Resolve(c); ok && m.Namespace != "" {
		if u, err := urls.Reverse(c, m.Namespace+":"+name, kw); err == nil {
			return u, nil
		}
	}
	return urls.Reverse(c, name, kw)
}

// SetPasswordForm is the form of PasswordResetConfirmView: the new password
// twice.
type SetPasswordForm struct {
	NewPassword1 string `form:"new_password1,secret" validate:"required,max=4096"`
	NewPassword2 string `form:"new_password2,secret" validate:"required,max=4096"`
}

// PasswordResetConfirmView is the page of the emailed link (Django's
// PasswordResetConfirmView), routed as "reset/<uidb64>/<token>/": a valid
// token is moved into the session and the browser sent to
// "reset/<uidb64>/set-password/", so that the token never leaks in a
// Referer; there the new password is asked twice and checked by
// PasswordValidators (nil: Django's four). On success the password is set,
// every session of the user is logged out (session.LogoutUser), the user
// logged in when PostResetLogin is set, and the browser sent to SuccessURL
// (default: the route "password_reset_complete"). An invalid or used link
// renders the page with validlink false. Template
// registration/password_reset_confirm.html.
type PasswordResetConfirmView struct {
	FormView[SetPasswordForm]
	// PasswordValidators check the new password; nil: Django's four.
	PasswordValidators []auth.PasswordValidator
	// PostResetLogin logs the user in after the reset (Django's
	// post_reset_login).
	PostResetLogin bool
}

func (*PasswordResetConfirmView) loginNotRequired() {}

// BindView makes the view never cached.
func (v *PasswordResetConfirmView) BindView(b *Binding) error {
	if err := v.FormView.BindView(b); err != nil {
		return err
	}
	b.Decorators = append(b.Decorators, NeverCache)
	return nil
}

type resetUserKey struct{}

// user is the user of the link when its token is valid: the URL's token,
// or the session's under "set-password".
func (v *PasswordResetConfirmView) user(c *fiber.Ctx) (u *auth.User, fromURL bool, err error) {
	s := settings(c)
	uidb64, _ := urls.String(c, "uidb64")
	token, _ := urls.String(c, "token")
	id, ok := auth.DecodeUID(uidb64)
	if !ok || s.Users == nil {
		return nil, false, nil
	}
	u, err = s.Users.Users.UserByID(c.UserContext(), id)
	if errors.Is(err, auth.ErrUserNotFound) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	if token == resetURLToken {
		sess, err := session.Get(c)
		if err != nil {
			return nil, false, err
		}
		token, _ = sess.GetString(resetSessionKey)
	} else {
		fromURL = true
	}
	if !s.ResetTokens.Check(u, token) {
		return nil, false, nil
	}
	return u, fromURL, nil
}

// Get checks the link: a valid token from the URL goes into the session and
// the browser to the set-password address; the form shows for a valid
// session token; otherwise the page says the link was invalid.
func (v *PasswordResetConfirmView) Get(c *fiber.Ctx) error {
	u, fromURL, err := v.user(c)
	if err != nil {
		return err
	}
	if u != nil && fromURL {
		sess, err := session.Get(c)
		if err != nil {
			return err
		}
		token, _ := urls.String(c, "token")
		if err := sess.Set(resetSessionKey, token); err != nil {
			return err
		}
		path := c.Path()
		return redirect(c, strings.TrimSuffix(strings.TrimSuffix(path, "/"), token)+resetURLToken+"/", fiber.StatusFound)
	}
	c.Locals(resetUserKey{}, u)
	return v.FormView.Get(c)
}

// Post sets the password when the session's token is valid.
func (v *PasswordResetConfirmView) Post(c *fiber.Ctx) error {
	u, fromURL, err := v.user(c)
	if err != nil {
		return err
	}
	c.Locals(resetUserKey{}, u)
	if u == nil || fromURL {
		return v.FormView.Get(c) // the invalid-link page
	}
	return v.FormView.Post(c)
}

// FormValid checks the passwords, sets the new one and logs out every
// session of the user.
func (v *PasswordResetConfirmView) FormValid(c *fiber.Ctx, form *SetPasswordForm) error {
	s := settings(c)
	u, _ := c.Locals(resetUserKey{}).(*auth.User)
	errs := FormErrors{}
	if form.NewPassword1 != form.NewPassword2 {
		errs.Add("new_password2", passwordMismatchMessage)
	} else {
		validators := v.PasswordValidators
		if validators == nil {
			validators = auth.DefaultPasswordValidators()
		}
		var failed auth.ValidationErrors
		if err := auth.ValidatePassword(form.NewPassword1, u, validators...); errors.As(err, &failed) {
			for _, e := range failed {
				errs.Add("new_password2", e.Message)
			}
		} else if err != nil {
			errs.Add("new_password2", err.Error())
		}
	}
	if len(errs) > 0 {
		return v.FormView.FormInvalid(c, form, errs)
	}
	if err := s.Users.SetPassword(c.UserContext(), u, form.NewPassword1); err != nil {
		return err
	}
	id := strconv.FormatInt(u.ID, 10)
	if err := session.LogoutUser(c, id); err != nil && !errors.Is(err, session.ErrNoMiddleware) {
		return err
	}
	if sess, err := session.Get(c); err == nil {
		sess.Delete(resetSessionKey)
	}
	emit(c, EventPasswordReset, id, "")
	if v.PostResetLogin {
		if err := session.Login(c, id); err != nil {
			return err
		}
		RotateCSRFToken(c)
		emit(c, EventLogin, id, "")
	}
	return v.FormView.FormValid(c, form)
}

// GetSuccessURL is SuccessURL, else the route "password_reset_complete".
func (v *PasswordResetConfirmView) GetSuccessURL(c *fiber.Ctx) (string, error) {
	if v.SuccessURL != "" {
		return ResolveURL(c, v.SuccessURL)
	}
	return resolveDefault(c, passwordResetComplete)
}

// GetTemplateNames is TemplateName, or
// registration/password_reset_confirm.html.
func (v *PasswordResetConfirmView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, "registration/password_reset_confirm.html"), nil
}

// GetContextData adds validlink and the title.
func (v *PasswordResetConfirmView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.FormView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	u, _ := c.Locals(resetUserKey{}).(*auth.User)
	ctx["validlink"] = u != nil
	if u != nil {
		setDefaults(ctx, "title", "Enter new password")
	} else {
		setDefaults(ctx, "title", "Password reset unsuccessful")
	}
	return ctx, nil
}

// PasswordResetDoneView is the page after the reset request (Django's
// PasswordResetDoneView): "we've emailed you instructions", whatever the
// address. Template registration/password_reset_done.html.
type PasswordResetDoneView struct{ TemplateView }

func (*PasswordResetDoneView) loginNotRequired() {}

// GetTemplateNames is TemplateName, or registration/password_reset_done.html.
func (v *PasswordResetDoneView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, "registration/password_reset_done.html"), nil
}

// GetContextData adds the title "Password reset sent".
func (v *PasswordResetDoneView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err == nil {
		setDefaults(ctx, "title", "Password reset sent")
	}
	return ctx, err
}

// PasswordResetCompleteView is the page after a reset (Django's
// PasswordResetCompleteView), with login_url. Template
// registration/password_reset_complete.html.
type PasswordResetCompleteView struct{ TemplateView }

func (*PasswordResetCompleteView) loginNotRequired() {}

// GetTemplateNames is TemplateName, or
// registration/password_reset_complete.html.
func (v *PasswordResetCompleteView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, "registration/password_reset_complete.html"), nil
}

// GetContextData adds the title "Password reset complete" and login_url.
func (v *PasswordResetCompleteView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	setDefaults(ctx, "title", "Password reset complete")
	if login, err := ResolveURL(c, settings(c).LoginURL); err == nil {
		setDefaults(ctx, "login_url", login)
	}
	return ctx, nil
}
