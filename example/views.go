package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
	"github.com/medama-io/go-useragent"
)

// urlpatterns is the example's url table (Django's urls.py).
func (s *site) urlpatterns() []urls.Pattern {
	// Pages for logged-in users only: anonymous visitors go to the login
	// page and come back after it; nothing of them is cached.
	private := views.Base{LoginRequired: true, Decorators: []views.Decorator{views.NeverCache}}
	accounts := []urls.Pattern{
		views.Path("login/", &views.LoginView{NextPage: "home"}, urls.Name("login")),
		views.Path("logout/", &CustomLogoutView{LogoutView: views.LogoutView{NextPage: "home", SuccessMessage: loggedOut}}, urls.Name("logout")),
		urls.Path("logout/then-login/", logoutPOST(logoutThenLogin), urls.Name("logout-then-login")),
		urls.Path("logout/message/", logoutPOST(logoutMessage), urls.Name("logout-message")),
		urls.Path("logout/goodbye/", logoutPOST(logoutGoodbye), urls.Name("logout-goodbye")),
		views.Path("profile/", &profileView{TemplateView: views.TemplateView{Base: private, TemplateName: "accounts/profile.html"}},
			urls.Name("profile")),
		views.Path("sessions/", &sessionsView{TemplateView: views.TemplateView{Base: private, TemplateName: "accounts/sessions.html"}},
			urls.Name("sessions")),
		views.Path("password_change/", s.passwordChangeView(), urls.Name("password_change")),
		views.Path("password_change/done/", &views.PasswordChangeDoneView{}, urls.Name("password_change_done")),
	}
	return []urls.Pattern{
		views.Path("home/", &homeView{TemplateView: views.TemplateView{
			Base: views.Base{Decorators: []views.Decorator{views.NeverCache}}, TemplateName: "home.html"}}, urls.Name("home")),
		views.Path("", &views.RedirectView{PatternName: "home"}),
		urls.Path("logout/", logoutPOST(logoutThenHome), urls.Name("logout")),
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

// sessionsView lists the user's sessions, this one first; its POST logs out
// one session, the other sessions or every session (login required).
type sessionsView struct {
	views.TemplateView
}

// GetContextData adds the user's sessions, this one first.
func (v *sessionsView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
	ctx, err := v.TemplateView.GetContextData(c)
	if err != nil {
		return nil, err
	}
	list, err := session.Sessions(c)
	if err != nil {
		return nil, err
	}
	// Most recently seen first, as Sessions returns them, but this one on top.
	slices.SortStableFunc(list, func(a, b session.Info) int {
		switch {
		case a.Current == b.Current:
			return 0
		case a.Current:
			return -1
		}
		return 1
	})
	entries := make([]sessionEntry, len(list))
	for i, info := range list {
		entries[i] = sessionEntry{Info: info, Browser: describeBrowser(info.UserAgent), Label: "#" + info.ID[:6]}
	}
	ctx["title"] = "Sessions"
	ctx["sessions"] = entries
	ctx["time_format"] = timeFormat
	return ctx, nil
}

// Post logs out one session (action=session, id=its Info.ID), the other
// sessions (action=others) or every session (action=everywhere, this one
// included), and says so with a message.
func (v *sessionsView) Post(c *fiber.Ctx) error {
	switch c.FormValue("action") {
	case "session":
		return v.logoutSession(c, c.FormValue("id"))
	case "others":
		if err := session.LogoutOthers(c); err != nil {
			return err
		}
		messages.Success(c, "Your other sessions have been logged out.")
		return redirectTo(c, "accounts:sessions")
	case "everywhere":
		// The others first, then this one (with its logout hooks), as
		// LogoutView with AllSessions does.
		if err := session.LogoutOthers(c); err != nil {
			return err
		}
		if err := session.Logout(c); err != nil {
			return err
		}
		messages.Success(c, "You have been logged out everywhere: on this browser and every other one.")
		return redirectTo(c, "home")
	}
	return fiber.NewError(fiber.StatusBadRequest, `unknown action: send action=session, action=others or action=everywhere`)
}

// logoutSession logs out the session whose Info.ID is id: this one goes to
// the home page logged out, another one back to the list.
func (v *sessionsView) logoutSession(c *fiber.Ctx, id string) error {
	list, err := session.Sessions(c)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(info session.Info) bool { return info.ID == id })
	if i < 0 {
		// Already logged out (by another tab, or it expired): nothing to do.
		messages.Info(c, "That session had already ended.")
		return redirectTo(c, "accounts:sessions")
	}
	if list[i].Current {
		// With the logout hooks, like every other logout of this browser.
		if err := session.Logout(c); err != nil {
			return err
		}
		messages.Success(c, loggedOut)
		return redirectTo(c, "home")
	}
	if err := session.LogoutSession(c, id); errors.Is(err, session.ErrUnknownSession) {
		messages.Info(c, "That session had already ended.")
	} else if err != nil {
		return err
	} else {
		messages.Success(c, fmt.Sprintf("Logged out %s (%s, last seen %s).",
			describeBrowser(list[i].UserAgent), list[i].IP, list[i].LastSeen.UTC().Format(timeFormat)))
	}
	return redirectTo(c, "accounts:sessions")
}

// timeFormat is how the sessions page shows times (UTC): to the second, so
// that two sessions started in the same minute differ, and without the
// year, as a session lives two weeks at most.
const timeFormat = "2 Jan 15:04:05"

// redirectTo answers 302 to the route name.
func redirectTo(c *fiber.Ctx, name string) error {
	to, err := urls.Reverse(c, name)
	if err != nil {
		return err
	}
	return c.Redirect(to, fiber.StatusFound)
}

// sessionEntry is a row of the sessions page: a session, a short name for
// its browser and a label telling it from the others.
type sessionEntry struct {
	session.Info
	Browser string // "Firefox 128 on Linux"
	Label   string // "#3fa2c1": the start of its Info.ID
}

// describeBrowser names the browser of a User-Agent header in a few words
// ("Chrome 146 on Linux", "Safari 17 on iOS, mobile", "Chrome 156 on Linux
// (automated)" for a headless one), or returns the header
// cut short when the parser knows no browser in it.
func describeBrowser(ua string) string {
	// The parser of github.com/medama-io/go-useragent, built from its
	// embedded data on the first call only.
	a := useragent.NewParser().Parse(ua)
	if a.Browser() == "" {
		if ua == "" {
			return "unknown"
		}
		if r := []rune(ua); len(r) > 40 {
			return string(r[:40]) + "…"
		}
		return ua
	}
	name := string(a.Browser()) + " " + a.BrowserVersionMajor()
	if a.OS() != "" {
		name += " on " + string(a.OS())
	}
	switch {
	case a.IsBot():
		name += " (automated)"
	case a.IsMobile(), a.IsTablet():
		name += ", " + strings.ToLower(string(a.Device()))
	}
	return name
}
