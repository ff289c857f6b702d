// Package templates is the template engine of fiberviews: Go's html/template
// as loaded by github.com/gofiber/template/html/v2, with a site's template
// directory searched before default templates embedded in the module, a url
// function bound to the compiled url table, request context on every render
// (Django's context processors), and layouts that render in parallel.
//
// # Setup
//
//	table := urls.MustCompile(patterns)
//	engine, err := templates.New(templates.Config{
//		Dir:      "templates",      // searched first
//		Resolver: table,            // for {{ url "accounts:logout" }}
//		Layout:   "layouts/base",   // wraps every page: {{ embed }} marks the spot
//	})
//	app := fiber.New(fiber.Config{Views: engine})
//	table.Mount(app)
//
// Template names are paths relative to the directory, with or without the
// extension: "registration/login.html" and "registration/login" are the same
// template.
//
// # Embedded defaults
//
// These render with no setup at all (an app without Views uses Default()):
//
//   - fiberviews/base.html: the layout of the default pages when
//     Config.Layout is empty (title, site_name, messages, and back_guard in
//     its head: package views' script that keeps Back from showing a page of
//     a logged-in user after a logout; a site's own layout writes
//     {{ .back_guard }} in its <head> too);
//   - registration/login.html: the login form (title, site_name,
//     csrf_input, next, redirect_field_name, username, form_error);
//   - registration/logged_out.html: after logout (title, site_name,
//     login_url);
//   - registration/password_change_form.html and password_change_done.html:
//     the pages of views.PasswordChangeView and PasswordChangeDoneView
//     (title, csrf_input, form);
//   - registration/signup.html: the form of views.SignupView (title,
//     csrf_input, form, password_help_texts);
//   - registration/sessions.html: the page of views.SessionsView (title,
//     csrf_input, sessions);
//   - csrf_failure.html: the 403 page of a failed CSRF check (message,
//     reason, no_cookie, debug: the reason and developers' hints show only
//     with debug);
//   - 500.html: the page of views.ErrorHandler for a server error (title,
//     site_name);
//   - fiberviews/error.html: the page of a client error (400, 403, 404,
//     405, ...) when the site has no "<status>.html" (title, status,
//     message).
//
// A file of the same name in Config.Dir replaces a default.
//
// # Functions
//
// {{ url "name" arg... }} reverses a route with positional arguments, and
// {{ url "name" (kwargs "year" 2024 "slug" .Slug) }} with named ones. A
// failed reversal fails the render with an error naming the route: never an
// empty link. A url call whose arguments are constants (strings, integers)
// and whose link html/template's escaping leaves unchanged (an href of
// letters, digits and -._~/, as most are) is reversed once, when the page's
// template set is built, and becomes plain text of the page: the compiled
// table never changes, so the page renders the same link without calling
// url or the escapers. One that does not reverse is left to fail the render.
// Config.Funcs adds more functions; one named url replaces the built-in one
// and turns this off.
//
// # Responses
//
// Three functions render a page, from the bottom up:
//
//   - (*Engine).Render writes a template to an io.Writer: the fiber.Views
//     method, which c.Render calls;
//   - Respond renders a template as the response, with the request context
//     below; RespondContext does it with exactly the context given;
//   - views.Render is Respond plus views' user and CSRF keys: what the pages
//     of a site built with views call.
//
// # Request context
//
// Respond (and so views.Render) builds the context of every page:
// request_path and resolver_match (the *urls.Match of the route), then the
// keys of extra processors (views adds user, user_id, is_authenticated,
// csrf_token, csrf_input, site_name), then those of Config.Processors, then
// the page's own data, which wins.
//
// # Errors
//
// A missing template is a *TemplateDoesNotExist naming the template and every
// place searched (errors.Is(err, fs.ErrNotExist) holds). Respond logs failures
// and returns them, leaving the body empty, so the app's error handler
// answers 500: never a blank 200.
//
// # Layouts without a global lock
//
// html/v2 parses the site's templates; the embedded defaults the site does
// not shadow are parsed into the same set. html/v2 takes an exclusive lock
// for every render with a layout, because it rebinds the shared embed
// function to the page being rendered. Engine renders instead from one
// template set per page and chain of layouts, built on first use by cloning
// the parsed set and rewriting each layout's {{ embed }} into
// {{ template "<page>" $ }}. The set is escaped as it is built (no action
// runs then): renders share nothing mutable and run in parallel.
package templates
