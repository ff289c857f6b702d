package main

import (
	"strings"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// urlpatterns is the example's url table (Django's urls.py).
func (s *site) urlpatterns() []urls.Pattern {
	// Pages for logged-in users only: anonymous visitors go to the login
	// page and come back after it; nothing of them is cached.
	private := views.Decorate(views.NeverCache, views.LoginRequired)
	accounts := []urls.Pattern{
		views.Path("login/", &views.LoginView{NextPage: "home"}, urls.Name("login")),
		views.Path("logout/", &CustomLogoutView{LogoutView: views.LogoutView{NextPage: "home"}}, urls.Name("logout")),
		urls.Path("logout/then-login/", logoutPOST(logoutThenLogin), urls.Name("logout-then-login")),
		urls.Path("logout/message/", logoutPOST(logoutMessage), urls.Name("logout-message")),
		urls.Path("logout/goodbye/", logoutPOST(logoutGoodbye), urls.Name("logout-goodbye")),
		// A view with view options: urls.Path, with the name -urls lists.
		urls.Path("profile/", views.MustAsView(&profileView{TemplateView: views.TemplateView{TemplateName: "accounts/profile.html"}}, private),
			urls.Name("profile"), urls.ViewName("*main.profileView")),
		urls.Path("sessions/", views.MustAsView(&sessionsView{TemplateView: views.TemplateView{TemplateName: "accounts/sessions.html"}}, private),
			urls.Name("sessions"), urls.ViewName("*main.sessionsView")),
		views.Path("password_change/", s.passwordChangeView(), urls.Name("password_change")),
		views.Path("password_change/done/", &views.PasswordChangeDoneView{}, urls.Name("password_change_done")),
	}
	return []urls.Pattern{
		urls.Path("home/", views.MustAsView(&homeView{TemplateView: views.TemplateView{TemplateName: "home.html"}},
			views.Decorate(views.NeverCache)), urls.Name("home"), urls.ViewName("*main.homeView")),
		views.Path("", &views.RedirectView{PatternName: "home"}),
		urls.Path("logout/", logoutPOST(logoutThenHome), urls.Name("logout")),
		urls.Include("accounts/", accounts, urls.Namespace("accounts")),
	}
}

// CustomLogoutView is the seed's class-based logout: LogoutView with NextPage
// "home", embedded so that hooks could be overridden here.
type CustomLogoutView struct {
	views.LogoutView
}

// logoutPOST makes a function-based logout view POST-only, CSRF-protected and
// never cached, like LogoutView.
func logoutPOST(h fiber.Handler) fiber.Handler {
	return views.NeverCache(views.RequirePOST(views.CSRFProtect(h)))
}

// logoutThenHome is the seed's first function-based view: log out, then go
// to the page named "home".
func logoutThenHome(c *fiber.Ctx) error {
	if err := session.Logout(c); err != nil {
		return err
	}
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
	login, err := urls.Reverse(c, "accounts:login")
	if err != nil {
		return err
	}
	return c.Redirect(login, fiber.StatusFound)
}

// logoutMessage logs out and says so in plain text.
func logoutMessage(c *fiber.Ctx) error {
	if err := session.Logout(c); err != nil {
		return err
	}
	return c.SendString("You have been logged out.")
}

// logoutGoodbye logs out and renders the site's goodbye.html.
func logoutGoodbye(c *fiber.Ctx) error {
	if err := session.Logout(c); err != nil {
		return err
	}
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

// sessionsView lists the user's sessions; its POST logs out the other
// sessions or every session (login required).
type sessionsView struct {
	views.TemplateView
}

// GetContextData adds the user's sessions and the message of the last action.
func (v *sessionsView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	list, err := session.Sessions(c)
	if err != nil {
		return nil, err
	}
	entries := make([]sessionEntry, len(list))
	for i, info := range list {
		entries[i] = sessionEntry{Info: info, Browser: describeBrowser(info.UserAgent)}
	}
	ctx["title"] = "Sessions"
	ctx["sessions"] = entries
	if c.Query("done") == "others" {
		ctx["message"] = "Your other sessions have been logged out."
	}
	return ctx, nil
}

// Post logs out the other sessions (action=others) or every session
// (action=everywhere, this one included).
func (v *sessionsView) Post(c *fiber.Ctx) error {
	switch c.FormValue("action") {
	case "others":
		if err := session.LogoutOthers(c); err != nil {
			return err
		}
		to, err := urls.Reverse(c, "accounts:sessions")
		if err != nil {
			return err
		}
		return c.Redirect(to+"?done=others", fiber.StatusFound)
	case "everywhere":
		// The others first, then this one (with its logout hooks), as
		// LogoutView with AllSessions does.
		if err := session.LogoutOthers(c); err != nil {
			return err
		}
		if err := session.Logout(c); err != nil {
			return err
		}
		to, err := urls.Reverse(c, "home")
		if err != nil {
			return err
		}
		return c.Redirect(to, fiber.StatusFound)
	}
	return fiber.NewError(fiber.StatusBadRequest, `unknown action: send action=others or action=everywhere`)
}

// sessionEntry is a row of the sessions page: a session and a short name
// for its browser.
type sessionEntry struct {
	session.Info
	Browser string // "Firefox 128 on Linux"
}

// describeBrowser names the browser of a User-Agent header in a few words,
// or returns the header cut short when it is none of the usual ones.
func describeBrowser(ua string) string {
	if ua == "" {
		return "unknown"
	}
	browser := ""
	// Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
	for _, p := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"HeadlessChrome/", "Headless Chrome"},
		{"Chromium/", "Chromium"}, {"Chrome/", "Chrome"}, {"Version/", "Safari"},
	} {
		if i := strings.Index(ua, p.token); i >= 0 {
			version, _, _ := strings.Cut(ua[i+len(p.token):], ".")
			version, _, _ = strings.Cut(version, " ")
			browser = p.name + " " + version
			break
		}
	}
	system := ""
	for _, p := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, p.token) {
			system = p.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	}
	if r := []rune(ua); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return ua
}
