package views

import (
	"github.com/fiberviews/fiberviews/urls"
)

// Path is the url table entry of a class-based view, Django's
// path(route, View.as_view(), name=...):
//
//	views.Path("logout/", &CustomLogoutView{}, urls.Name("logout"))
//
// It binds the view with AsView and records it in the table (urls.View), so
// that WriteTable lists it by type and Setup checks its route names at
// start-up. It panics on a registration error (the *ConfigError AsView
// returns), so that a broken view stops the program before it serves.
// Decorators, login-required and the allowed methods are fields of the
// view's Base; urls.Public() in opts marks the route as needing no login
// when Config.LoginRequired is set (LoginView and LogoutView are public by
// themselves).
func Path(route string, view any, opts ...urls.Option) urls.Pattern {
	h, err := AsView(view)
	if err != nil {
		panic(err)
	}
	pre := []urls.Option{urls.View(view)}
	if _, ok := view.(publicView); ok {
		pre = append(pre, urls.Public())
	}
	return urls.Path(route, h, append(pre, opts...)...)
}

// publicView is implemented by the views that need no login by themselves
// (Django's login_not_required on its auth views).
type publicView interface{ loginNotRequired() }

func (*LoginView) loginNotRequired()  {}
func (*LogoutView) loginNotRequired() {}
func (*SignupView) loginNotRequired() {}
