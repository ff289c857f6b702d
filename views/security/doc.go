// Package security holds the checks a site runs on every request before its
// views, after Django's django.middleware.csrf and the host validation of
// django.http.HttpRequest.get_host. Each is a small type built once from its
// settings and safe for concurrent use, whose Check method returns nil or an
// error value, in the manner of net/http's CrossOriginProtection:
//
//   - CSRF is Django's CSRF protection: a secret in a cookie, a freshly
//     masked token per render (Token), a check of unsafe requests (Check)
//     that also refuses cross-origin requests by their Sec-Fetch-Site or
//     Origin header, and Rotate for logins;
//   - Hosts is Django's ALLOWED_HOSTS: the host names the site answers to.
//
// Check's errors wrap the package's sentinel errors (ErrCSRFTokenMissing,
// ErrDisallowedHost, ...) for errors.Is; a CSRF error's text is Django's
// reason, which a 403 page shows, and the sentinel it wraps says how to fix
// it.
//
// Package views builds these from views.Config in views.Setup, runs them
// for every view and renders the 403 and 400 pages; use this package
// directly for handlers outside views or to answer a refusal yourself. The
// response headers of Django's SecurityMiddleware belong here too.
package security
