// Package viewtest is a test client for fiberviews sites, in the spirit of
// net/http/httptest and Django's django.test.Client: it sends requests to a
// *fiber.App through app.Test (no listener, no port), keeps cookies in a jar
// like a browser, handles CSRF the way a browser and a script would, and
// logs a user in without a password.
//
//	cl := viewtest.New(app, viewtest.Config{Sessions: sessions, URLs: table})
//	if err := cl.Login("42"); err != nil { … }        // Django's force_login
//	page, err := cl.Get("accounts:password_change")   // a path or a route name
//	done, err := cl.PostForm("accounts:password_change", url.Values{ … })
//
// # CSRF
//
// PostForm submits a form of the last page the client received, as a
// browser does: the form whose action is the target, with its hidden inputs
// (the csrfmiddlewaretoken among them) under the values given. A page that
// forgets its CSRF input is therefore submitted without one, and the view
// answers 403, exactly as it would for a person. Post is a script's call: it
// sends the CSRF cookie's secret in the X-CSRFToken header, as a
// JavaScript client reading the cookie does. Do sends a request as it is,
// with the jar's cookies and Config.Header and nothing else.
//
// # Logging in
//
// Login writes a real logged-in session for a user id into the storage of
// the app's session.Manager (Config.Sessions) through session.Login, and
// puts its cookie in the jar; Logout ends it through session.Logout. Both
// work on every storage the Manager supports (SQLite, session/redisstore,
// any fiber.Storage), and neither runs the site's login or logout view.
//
// # Redirects
//
// With Config.FollowRedirects, a redirect to this site is followed (a 301,
// 302 or 303 as a GET, a 307 or 308 with the same method and body) up to
// ten times, and Response.Redirects lists the URLs it went through (Django's
// redirect_chain).
package viewtest
