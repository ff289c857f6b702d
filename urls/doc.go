// Package urls is a Django-style URL table for Fiber: routes written in
// Django's path() syntax with typed converters, named patterns reversed
// into URLs, and namespaces.
//
//	var table = []urls.Pattern{
//		urls.Path("", home, urls.Name("home")),
//		urls.Path("articles/<int:year>/", yearArchive, urls.Name("year-archive")),
//		urls.Path("articles/<int:year>/<slug:slug>/", article, urls.Name("article")),
//		urls.Include("accounts/", accountPatterns, urls.Namespace("accounts")),
//	}
//
//	r, err := urls.Compile(table) // every mistake in the table is an error here
//	r.Mount(app)                  // or r.Mount(app.Group("/blog")), or both
//
//	func yearArchive(c *fiber.Ctx) error {
//		year, _ := urls.Int(c, "year") // /articles/abc/ never gets here: 404
//		next, err := urls.Reverse(c, "year-archive", year+1)
//		logout, err := urls.Reverse(c, "accounts:logout")
//		...
//	}
//
// # Routes
//
// A route is literal text and parameters <converter:name>, or <name> for
// str. The built-in converters mean what Django's mean, both when matching
// and when reversing:
//
//	str   [^/]+            string
//	int   [0-9]+           int (text that overflows a Go int does not match)
//	slug  [-a-zA-Z0-9_]+   string
//	uuid  lower-case 8-4-4-4-12 hex   uuid.UUID
//	path  .+ (slashes too) string
//
// RegisterConverter adds converters, like Django's register_converter.
// Matching follows Django to the byte: it is case-sensitive, the trailing
// slash must be as written, parameters are matched on the percent-decoded
// path, an include's prefix is matched before its patterns, and patterns are
// tried in table order. Django's APPEND_SLASH is on by default (AppendSlash).
//
// # Compiling and mounting
//
// Compile checks the table before any app exists, so the resolver can be
// handed to templates first; each mistake (bad syntax, unknown converter,
// repeated parameter, invalid name or namespace, a namespace used twice) is
// a *TableError naming the route and the fix. The Resolver never changes
// afterwards: its Reverse, Resolve and WriteTable answer from the table's
// root ("/") however it is mounted. Mount attaches it to an app or a group,
// as often as needed: one Fiber route per pattern, whose handler checks the
// exact Django match and otherwise passes the request on with c.Next(), as
// Django tries the next pattern, so a handler only ever sees values its
// converters accept. Read them with Int, UUID, String and Value (c.Params is
// not reliable: parameters that Fiber cannot express exactly are matched
// behind a wildcard), and ask which pattern matched with Resolve.
//
// WriteTable lists the table like django-extensions' show_urls, each
// handler by its ViewName (views.Path sets the view's type) or else its
// function's name.
//
// # Reversing
//
// Resolver.Reverse (from the table's root, as Django's reverse() outside a
// request) and Reverse (from a request, under the prefix of the mount it
// went through, as Django's inside one under SCRIPT_NAME) take positional
// arguments or one Kwargs, and names with namespaces ("accounts:logout",
// "a:b:c"). Patterns sharing a name are tried last first, as Django's are
// (of two that fit the arguments, the later in the table wins). Values are formatted
// by the converter, must match its pattern and are percent-escaped; the
// result resolves back to the same pattern and values. A failure is a
// *NoReverseMatch saying which name, which arguments and which patterns were
// tried; Reverse never panics and never returns "" without an error.
// Reversal is the hot path of every page that renders links: everything is
// precomputed at Compile, no regular expression runs for built-in
// converters, a name without parameters costs a map lookup and no
// allocation, and one with parameters allocates only the result.
package urls
