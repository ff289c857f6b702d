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
// view's Base.
func Path(route string, view any, opts ...urls.Option) urls.Pattern {
	h, err := AsView(view)
	if err != nil {
		panic(err)
	}
	return urls.Path(route, h, append([]urls.Option{urls.View(view)}, opts...)...)
}
