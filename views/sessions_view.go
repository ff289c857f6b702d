package views

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/fiberviews/fiberviews/internal/formvalue"
	"github.com/fiberviews/fiberviews/session"
	"github.com/fiberviews/fiberviews/views/messages"
	"github.com/gofiber/fiber/v2"
	"github.com/medama-io/go-useragent"
)

// SessionsView lists the logged-in user's sessions and logs them out (a
// "your devices" page):
//
//	views.Path("sessions/", &views.SessionsView{}, urls.Name("sessions"))
//
// Login is required and nothing is cached. GET renders TemplateName
// (default registration/sessions.html; title "Your sessions") with
// "sessions": this session first, marked Current, then the others most
// recently seen first, each a session.Info with Browser ("Firefox 128 on
// Linux") and Label (the start of its ID), and "time_format" for their
// times. POST (CSRF-checked) takes "action": "session" logs out the
// session whose Info.ID is "id", "others" every other session, "everywhere"
// all of them; each says so with a message (views/messages). Logging out
// this browser runs the logout hooks (session.Logout) and redirects to
// NextPage; otherwise back to the page.
type SessionsView struct {
	TemplateView
	// NextPage is where this browser goes once the page logged it out: a
	// URL or a route name (see ResolveURL). Empty: Config.LogoutRedirectURL,
	// else Config.LoginURL.
	NextPage string
	// The messages of the page after an action (package views/messages);
	// empty ones take their English defaults: "Your other sessions have
	// been logged out.", "You have been logged out everywhere: on this
	// browser and every other one.", "You have been logged out.", "That
	// session had already ended."
	OthersMessage, EverywhereMessage, LoggedOutMessage, EndedMessage string
}

const sessionsViewName = "views.SessionsView"

// sessionsTimeFormat is how the default page shows times (UTC): to the
// second, without the year (a session lives weeks at most).
const sessionsTimeFormat = "2 Jan 15:04:05"

// Messages of SessionsView.
const (
	sessionsOthersMessage     = "Your other sessions have been logged out."
	sessionsEverywhereMessage = "You have been logged out everywhere: on this browser and every other one."
	sessionsEndedMessage      = "That session had already ended."
	sessionsLoggedOutMessage  = "You have been logged out."
)

// sessionRow is a row of the sessions page.
type sessionRow struct {
	session.Info
	Browser string // "Firefox 128 on Linux"
	Label   string // "#3fa2c1": the start of Info.ID
}

// BindView makes SessionsView never cached and login required.
func (v *SessionsView) BindView(b *Binding) error {
	b.Decorators = append(b.Decorators, NeverCache)
	b.LoginRequired = true
	return nil
}

func (v *SessionsView) checkView(ck *checker, outer any) {
	ck.name("NextPage", v.NextPage, false, false)
}

// GetTemplateNames is the hook that lists the templates to try:
// TemplateName, or registration/sessions.html.
func (v *SessionsView) GetTemplateNames(c *fiber.Ctx) ([]string, error) {
	return templateOr(&v.TemplateView, "registration/sessions.html"), nil
}

// GetContextData is the hook that builds the context: TemplateView's, then
// title "Your sessions", sessions and time_format (see SessionsView).
func (v *SessionsView) GetContextData(c *fiber.Ctx) (map[string]any, error) {
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
	rows := make([]sessionRow, len(list))
	for i, info := range list {
		rows[i] = sessionRow{Info: info, Browser: describeBrowser(info.UserAgent), Label: "#" + info.ID[:min(6, len(info.ID))]}
	}
	setDefaults(ctx, "title", "Your sessions", "sessions", rows, "time_format", sessionsTimeFormat)
	return ctx, nil
}

// Post logs out one session, the others or all of them (see SessionsView).
func (v *SessionsView) Post(c *fiber.Ctx) error {
	uid, ok := session.UserID(c)
	if !ok { // logged out since LoginRequired looked
		return RedirectToLogin(c, "")
	}
	switch formvalue.Post(c, "action") {
	case "session":
		return v.logoutSession(c, formvalue.Post(c, "id"))
	case "others":
		if err := session.LogoutOthers(c); err != nil {
			return err
		}
		emit(c, EventLogoutOthers, uid, "")
		messages.Success(c, cmp.Or(v.OthersMessage, sessionsOthersMessage))
		return redirect(c, c.Path(), fiber.StatusFound)
	case "everywhere":
		// The others first, then this one with its logout hooks.
		if err := session.LogoutOthers(c); err != nil {
			return err
		}
		emit(c, EventLogoutOthers, uid, "")
		return v.logoutHere(c, cmp.Or(v.EverywhereMessage, sessionsEverywhereMessage))
	}
	return fiber.NewError(fiber.StatusBadRequest, "unknown action: send action=session, others or everywhere")
}

// logoutSession logs out the session whose Info.ID is id.
func (v *SessionsView) logoutSession(c *fiber.Ctx, id string) error {
	list, err := session.Sessions(c)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(info session.Info) bool { return info.ID == id })
	switch {
	case i < 0: // logged out by another tab, or expired
		messages.Info(c, cmp.Or(v.EndedMessage, sessionsEndedMessage))
	case list[i].Current:
		return v.logoutHere(c, cmp.Or(v.LoggedOutMessage, sessionsLoggedOutMessage))
	default:
		if err := session.LogoutSession(c, id); errors.Is(err, session.ErrUnknownSession) {
			messages.Info(c, cmp.Or(v.EndedMessage, sessionsEndedMessage))
		} else if err != nil {
			return err
		} else {
			uid, _ := session.UserID(c)
			emit(c, EventLogoutSession, uid, "")
			messages.Success(c, fmt.Sprintf("Logged out %s (%s, last seen %s).",
				describeBrowser(list[i].UserAgent), list[i].IP, list[i].LastSeen.UTC().Format(sessionsTimeFormat)))
		}
	}
	return redirect(c, c.Path(), fiber.StatusFound)
}

// logoutHere logs this browser out, says msg and goes to NextPage.
func (v *SessionsView) logoutHere(c *fiber.Ctx, msg string) error {
	uid, _ := session.UserID(c)
	if err := session.Logout(c); err != nil {
		return err
	}
	emit(c, EventLogout, uid, "")
	messages.Success(c, msg)
	s := settings(c)
	to, err := resolveNextPage(c, v.NextPage, s.LogoutRedirectURL)
	if err == nil && to == "" {
		to, err = ResolveURL(c, s.LoginURL)
	}
	if err != nil {
		return err
	}
	if to == "" {
		return &ConfigError{View: viewName(v.Outer(), sessionsViewName), Field: "NextPage", Msg: "no page to go to once logged out"}
	}
	return redirect(c, to, fiber.StatusFound)
}

// uaParser parses User-Agent headers (github.com/medama-io/go-useragent),
// built from its embedded data on first use.
var uaParser = sync.OnceValue(useragent.NewParser)

// describeBrowser names the browser of a User-Agent header in a few words
// ("Chrome 146 on Linux", "Safari 17 on iOS, mobile", "Chrome 146 on Linux
// (automated)" for a headless one), or returns the header cut short when
// the parser knows no browser in it.
func describeBrowser(ua string) string {
	a := uaParser().Parse(ua)
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
