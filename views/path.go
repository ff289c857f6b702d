package views

import (
	"github.com/fiberviews/fiberviews/urls"
)

// Path is the url table entry of a class-based view, Django's
// path(route, View.as_view(), name=...):
//
//	views.Path("logout/", &CustomLogoutView{}, urls.Name("logout"))
//
// is urls.Path(route, MustAsView(view), opts...) with urls.ViewName set to
// the view's type ("*main.CustomLogoutView"), which urls.Resolver.WriteTable
// lists (a urls.ViewName in opts replaces it). Like MustAsView it panics on
// a registration error (the error AsView returns), so that a broken view
// stops the program at start-up. For view options (HTTPMethodNames,
// Decorate, ...) use urls.Path with MustAsView(view, options...) and
// urls.ViewName.
func Path(route string, view any, opts ...urls.Option) urls.Pattern {
	h := MustAsView(view)
	return urls.Path(route, h, append([]urls.Option{urls.ViewName(typeName(view))}, opts...)...)
}
