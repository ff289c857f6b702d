package main

import (
	"strings"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
)

// urlpatterns is the example's url table (Django's urls.py).
func (s *site) urlpatterns() []urls.Pattern {
	// Every route needs a login (views.Config.LoginRequired) but those
	// marked urls.Public() and the login, logout and sign-up views:
	// anonymous visitors go to the login page and come back after it.
	// Nothing of a logged-in page is cached.
	private := views.Base{Decorators: []views.Decorator{views.NeverCache}}
	accounts := []urls.Pattern{
		views.Path("login/", &views.LoginView{NextPage: "home"}, urls.Name("login")),
		views.Path("logout/", &CustomLogoutView{LogoutView: views.LogoutView{NextPage: "home", SuccessMessage: loggedOut}}, urls.Name("logout")),
		urls.Path("logout/then-login/", logoutPOST(logoutThenLogin), urls.Name("logout-then-login"), urls.Public()),
		urls.Path("logout/message/", logoutPOST(logoutMessage), urls.Name("logout-message"), urls.Public()),
		urls.Path("logout/goodbye/", logoutPOST(logoutGoodbye), urls.Name("logout-goodbye"), urls.Public()),
		views.Path("profile/", &profileView{TemplateView: views.TemplateView{Base: private, TemplateName: "accounts/profile.html"}},
			urls.Name("profile")),
		// The site's templates/registration/sessions.html replaces the
		// library's page of that name.
		views.Path("sessions/", &views.SessionsView{NextPage: "home"}, urls.Name("sessions")),
		views.Path("signup/", &views.SignupView{LoginAfter: true, FormView: views.FormView[views.SignupForm]{SuccessURL: "home"}},
			urls.Name("signup")),
		views.Path("password_change/", s.passwordChangeView(), urls.Name("password_change")),
		views.Path("password_change/done/", &views.PasswordChangeDoneView{}, urls.Name("password_change_done")),
		// Django's django.contrib.auth.urls for the password reset.
		views.Path("password_reset/", &views.PasswordResetView{}, urls.Name("password_reset")),
		views.Path("password_reset/done/", &views.PasswordResetDoneView{}, urls.Name("password_reset_done")),
		views.Path("reset/<uidb64>/<token>/", &views.PasswordResetConfirmView{}, urls.Name("password_reset_confirm")),
		views.Path("reset/done/", &views.PasswordResetCompleteView{}, urls.Name("password_reset_complete")),
	}
	return []urls.Pattern{
		views.Path("home/", &homeView{TemplateView: views.TemplateView{
			Base: views.Base{Decorators: []views.Decorator{views.NeverCache}}, TemplateName: "home.html"}}, urls.Name("home"), urls.Public()),
		views.Path("", &views.RedirectView{PatternName: "home"}, urls.Public()),
		urls.Path("logout/", logoutPOST(logoutThenHome), urls.Name("logout"), urls.Public()),
		urls.Include("accounts/", accounts, urls.Namespace("accounts")),
	}
}

// loggedOut is what every logout route tells the user (a message of package
// views/messages, shown by the layout of the next page).
const loggedOut = "You have been logged out."

// CustomLogoutView is the class-based logout: LogoutView with NextPage
// "home", embedded so that hooks could be overridden here.
type CustomLogoutView struct {
	views.LogoutView
}

// logoutPOST makes a function-based logout view POST-only, CSRF-protected and
// never cached, like LogoutView.
func logoutPOST(h fiber.Handler) fiber.Handler {
	return views.NeverCache(views.RequirePOST(views.CSRFProtect(h)))
}

// logoutThenHome is the first function-based view: log out, then go
// to the page named "home".
func logoutThenHome(c *fiber.Ctx) error {
	if err := session.Logout(c); err != nil {
		return err
	}
	messages.Success(c, loggedOut)
	home, err := urls.Reverse(c, "home")
	if err != nil {
		return err
	}
	return c.Redirect(home, fiber.StatusFound)
}

// logoutThenLogin logs out, then sends the visitor to the login page
// (Django's logout_then_login).
func logoutThenLogin(c *fiber.Ctx) error {
	if err := session.Logout(c); err != nil {
		return err
	}
	messages.Success(c, loggedOut)
	login, err := urls.Reverse(c, "accounts:login")
	if err != nil {
		return err
	}
	return c.Redirect(login, fiber.StatusFound)
}

// logoutMessage logs out and says so in plain text: the request's messages,
// taken (and so marked shown) by messages.Get rather than by a template.
func logoutMessage(c *fiber.Ctx) error {
	if err := session.Logout(c); err != nil {
		return err
	}
	messages.Success(c, loggedOut)
	var text []string
	for _, m := range messages.Get(c) {
		text = append(text, m.Message)
	}
	return c.SendString(strings.Join(text, "\n"))
}

// logoutGoodbye logs out and renders the site's goodbye.html.
func logoutGoodbye(c *fiber.Ctx) error {
	if err := session.Logout(c); err != nil {
		return err
	}
	messages.Success(c, loggedOut) // the layout shows it on this very page
	return views.Render(c, fiber.StatusOK, "goodbye.html", map[string]any{"title": "Goodbye"})
}

// homeView is the home page; it is never cached, so that the Back button
// after a logout cannot show a page that greeted the user.
type homeView struct {
	views.TemplateView
}

// GetContextData adds the page title.
func (v *homeView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	ctx["title"] = "Home"
	return ctx, nil
}

// profileView shows the logged-in user (login required).
type profileView struct {
	views.TemplateView
}

// GetContextData adds the page title.
func (v *profileView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	ctx["title"] = "Profile"
	return ctx, nil
}
