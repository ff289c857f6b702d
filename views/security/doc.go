// Package security protects a site's requests the way Django's security
// middleware does. Each protection is a small type built once from its
// settings, safe for concurrent use, whose Check method returns nil or an
// error value, in the manner of net/http's CrossOriginProtection:
//
//   - CSRF is Django's CSRF protection (django.middleware.csrf): a secret in
//     a cookie, a freshly masked token per render (Token), a check of unsafe
//     requests (Check) that also refuses cross-origin requests by their
//     Sec-Fetch-Site or Origin header, and Rotate for logins;
//   - Hosts is Django's ALLOWED_HOSTS: the host names the site answers to;
//   - Headers sets Django's SecurityMiddleware headers (X-Frame-Options,
//     nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS when
//     configured);
//   - Proxy is which forwarded headers to believe (Django's
//     SECURE_PROXY_SSL_HEADER, and the client's address): by default none;
//     CSRF and Headers ask it whether a request is https;
//   - Throttle counts failed logins per username and per client address in
//     a storage (by default the session storage) and refuses attempts over
//     the limit for a cool-down, Rails 8's rate limit for logins.
//
// Check's errors wrap the package's sentinel errors (ErrCSRFTokenMissing,
// ErrDisallowedHost, ...) for errors.Is. A CSRF error's text is Django's
// reason, which a 403 page may show; the sentinel it wraps says how to fix
// it. A Hosts error names the host and the fix.
//
// Package views builds these from views.Config in views.Setup, runs them for
// every view and renders the 403 and 400 pages; use this package directly
// for handlers outside views, or to answer a refusal yourself.
package security
