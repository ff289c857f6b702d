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
//     Config.Layout is empty (title, site_name);
//   - registration/login.html: the login form (title, site_name,
//     csrf_input, next, redirect_field_name, username, form_error);
//   - registration/logged_out.html: after logout (title, site_name,
//     login_url);
//   - csrf_failure.html: the 403 page of a failed CSRF check (message,
//     reason, no_cookie, debug: the reason and developers' hints show only
//     with debug);
//   - 500.html: the page of views.ErrorHandler for a server error (title,
//     site_name).
//
// A file of the same name in Config.Dir replaces a default.
//
// # Functions
//
// {{ url "name" arg... }} reverses a route with positional arguments, and
// {{ url "name" (kwargs "year" 2024 "slug" .Slug) }} with named ones. A
// failed reversal fails the render with an error naming the route: never an
// empty link. Config.Funcs adds more.
//
// # Request context
//
// Render (and views.Render, which most code calls) builds the context of
// every page: request_path and resolver_match (the *urls.Match of the route),
// then the keys of extra processors (views adds user, user_id,
// is_authenticated, csrf_token, csrf_input, site_name), then those of
// Config.Processors, then the page's own data, which wins.
//
// # Errors
//
// A missing template is a *TemplateDoesNotExist naming the template and every
// place searched (errors.Is(err, fs.ErrNotExist) holds). Render logs failures
// and returns them, leaving the body empty, so the app's error handler
// answers 500: never a blank 200.
//
// # Layouts without a global lock
//
// html/v2 takes an exclusive lock for every render with a layout, because it
// rebinds the shared embed function to the page being rendered. Engine
// renders instead from one template set per page/layout combination, built
// on first use by cloning the parsed set and rewriting the layout's
// {{ embed }} into {{ template "<page>" $ }}: renders then share nothing
// mutable and run in parallel.
package templates
