// Package safeurl decides whether a user-supplied URL (a login or logout
// "next" parameter, say) is safe to redirect to. LoginView, LogoutView and
// RedirectView share it.
//
// [HasAllowedHostAndScheme] has two layers and requires both to accept:
//
//  1. A faithful port of Django 5's
//     django.utils.http.url_has_allowed_host_and_scheme and its helper
//     _url_has_allowed_host_and_scheme, including the parts of CPython
//     3.13's urllib.parse.urlsplit that the Django code depends on: leading
//     C0 control and space stripping, removal of tab, CR and LF, scheme
//     detection, netloc splitting, the bracketed-host checks and the NFKC
//     check that refuses netlocs such as "evil.com\uFF03@good.com". Go's
//     net/url is not used: it splits URLs differently from both Python and
//     browsers.
//
//  2. A browser model ([BrowserHost]): the part of the WHATWG URL
//     Standard's basic URL parser (what browsers run on a Location header)
//     that decides the host. The candidate is resolved against
//     "https://<first usable allowed host>/some/path" and accepted only if the
//     browser lands on an allowed host, over an allowed scheme, without
//     credentials.
//
// The second layer closes gaps where Python's reading of a URL and a
// browser's differ. Django leans on its redirect response percent-encoding
// control characters (iri_to_uri); a Fiber handler that writes "next" into a
// Location header as it is has no such help, so the check must be enough on
// its own. For example, the Django check accepts "/\t//evil.com" (urlsplit
// removes the tab only after Django has looked for "///"), and browsers go
// to evil.com.
//
// # Rules
//
// The Django rules. The URL must be valid UTF-8 and, after stripping what
// Python's str.strip() strips, non-empty and at most [MaxURLLength] code
// points. Then both the URL and the URL with every "\" replaced by "/" must
// pass the helper (Chrome reads "\" as "/", but a backslash can also sit in
// user-info, so Django checks both readings). The helper refuses a URL that:
//
//   - starts with "///" (browsers read it as scheme-relative);
//   - makes urlsplit raise ValueError: only one of "[" and "]" in the
//     netloc, a bracketed host that is not an IPv6 or IPvFuture literal,
//     data around the brackets, or a non-ASCII netloc that NFKC
//     normalisation turns into one containing "/", "?", "#", "@" or ":";
//   - has a scheme but no netloc ("http:///evil.com", "http:evil.com",
//     "javascript:alert(1)");
//   - starts with a character of Unicode category C (control, format,
//     surrogate, private use, unassigned), which some browsers ignore;
//   - has a netloc that is not one of allowedHosts (user-info and port are
//     part of the netloc, so "good.com:8000" must be listed as such);
//   - has a scheme other than http or https, or other than https when
//     requireHTTPS is set ("//host" counts as http).
//
// The rules beyond Django. The URL is also refused if:
//
//   - it contains an ASCII control character (U+0000–U+001F, U+007F)
//     anywhere: browsers silently delete tabs and newlines, and CR or LF in
//     a Location header splits the response;
//   - a browser resolving it (or its str.strip()ped form) against
//     "https://<first allowed host>/some/path" fails, gets a scheme other
//     than http or https (https when requireHTTPS), a username or password,
//     or a host and port that match no allowed host. Hosts compare after the
//     browser's normalisation (ASCII lowercasing, percent-decoding, IPv4 and
//     IPv6 canonical forms); an allowed host without a port stands for the
//     scheme's default port. Allowed-host entries that are not a plain
//     "host" or "host:port" (with a path, user-info, spaces...) are not used
//     by this check.
//
// # Deliberate differences from Django
//
//   - Hosts compare ASCII case-insensitively, as DNS and browsers do
//     (Django compares the netloc exactly). Only ASCII letters fold, so
//     U+212A KELVIN SIGN does not match "k".
//   - User-info is always refused, even when Django would accept it because
//     "user:pass@host" is listed in allowedHosts: credentials in a redirect
//     are a phishing aid ("https://good.com@evil.com/").
//   - Hosts that are not ASCII after percent-decoding are refused even when
//     listed: browsers map them through UTS #46 (IDNA), which the browser
//     model does not implement, so it cannot say where they lead. List the
//     Punycode form ("xn--bcher-kva.example"); Host headers carry it anyway.
//   - Control characters anywhere, an empty authority ("//", which browsers
//     cannot navigate to) and everything else the browser model refuses.
//   - Invalid UTF-8, which a Python str cannot hold, is refused.
//   - Unicode categories (for the first character) come from Go's tables,
//     Unicode 15.0; Django's come from its Python (3.11: 14.0, 3.12: 15.0,
//     3.13: 15.1), so code points assigned between those versions can be
//     judged differently.
//
// Everything Django refuses is refused.
package safeurl
