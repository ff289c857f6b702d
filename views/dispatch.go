package views

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The methods a view answers, in the order of the Allow header (Django's
// View.http_method_names), each with the Go method that handles it.
const (
	mGet = iota
	mPost
	mPut
	mPatch
	mDelete
	mHead
	mOptions
	mTrace
	nMethods
)

var methodNames = [nMethods]string{
	fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
	fiber.MethodDelete, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace,
}

// methodHandlers takes a view's handler for each method it can define
// (nil: the view has no such method). Trace has none, as in Django.
var methodHandlers = [nMethods]func(v any) fiber.Handler{
	mGet:     func(v any) fiber.Handler { return v.(interface{ Get(*fiber.Ctx) error }).Get },
	mPost:    func(v any) fiber.Handler { return v.(interface{ Post(*fiber.Ctx) error }).Post },
	mPut:     func(v any) fiber.Handler { return v.(interface{ Put(*fiber.Ctx) error }).Put },
	mPatch:   func(v any) fiber.Handler { return v.(interface{ Patch(*fiber.Ctx) error }).Patch },
	mDelete:  func(v any) fiber.Handler { return v.(interface{ Delete(*fiber.Ctx) error }).Delete },
	mHead:    func(v any) fiber.Handler { return v.(interface{ Head(*fiber.Ctx) error }).Head },
	mOptions: func(v any) fiber.Handler { return v.(interface{ Options(*fiber.Ctx) error }).Options },
}

// handlerType is the signature of an HTTP method handler, csrfFailureType
// that of a view's CSRFFailure.
var (
	handlerType     = reflect.TypeFor[func(*fiber.Ctx) error]()
	csrfFailureType = reflect.TypeFor[func(*fiber.Ctx, error) error]()
)

// methodIndex maps a request method to its index, nMethods for others.
func methodIndex(m string) int {
	for i, name := range methodNames {
		if m == name {
			return i
		}
	}
	return nMethods
}

// dispatcher is the per-view table AsView builds: one handler per method,
// nil where the method is not allowed.
type dispatcher struct {
	h     [nMethods]fiber.Handler
	allow string
}

// newDispatcher takes the view's method handlers (checking their
// signatures), keeps the allowed ones (all of Django's http_method_names
// when names is nil), derives HEAD from GET and the default OPTIONS, puts
// the CSRF check in front of the unsafe methods (whose refusals the view's
// CSRFFailure method answers, if it has one), and computes the Allow
// header.
func newDispatcher(s *spec, names []string, csrf bool) (*dispatcher, error) {
	const field = "HTTPMethodNames"
	d := &dispatcher{}
	defined := false
	for i, take := range methodHandlers {
		if take == nil {
			continue
		}
		name := methodNames[i][:1] + strings.ToLower(methodNames[i][1:]) // "Get"
		err := s.checkMethod("AsView", name, handlerType, false)
		if err != nil && err != errAbsent {
			return nil, err
		}
		if err == nil {
			d.h[i] = take(s.outer)
			defined = defined || i != mOptions
		}
	}
	if !defined {
		return nil, &ConfigError{View: s.name, Msg: "defines no HTTP method handler: give it at least one of " +
			"Get, Head, Post, Put, Patch, Delete (func(*fiber.Ctx) error), or embed a base view that has one"}
	}
	allowed := [nMethods]bool{}
	for _, n := range names {
		i := methodIndex(strings.ToUpper(strings.TrimSpace(n)))
		if i == nMethods {
			return nil, &ConfigError{View: s.name, Field: field, Msg: fmt.Sprintf(
				"%q is not an HTTP method a view can answer (one of get, post, put, patch, delete, head, options, trace)", n)}
		}
		allowed[i] = true
	}
	if d.h[mHead] == nil && d.h[mGet] != nil {
		d.h[mHead] = headViaGet(d.h[mGet]) // Django: head = get unless the view defines head
	}
	if d.h[mOptions] == nil {
		d.h[mOptions] = d.defaultOptions
	}
	fail := csrfFailure
	if err := s.checkMethod("views.CSRFProtect", "CSRFFailure", csrfFailureType, false); err != nil && err != errAbsent {
		return nil, err // a CSRFFailure of another signature would be silently ignored
	} else if err == nil {
		fail = s.outer.(csrfFailureHook).CSRFFailure
	}
	var allow []string
	served := false
	for i := range d.h {
		if names != nil && !allowed[i] {
			d.h[i] = nil
		}
		if d.h[i] == nil {
			continue
		}
		served = served || i != mOptions
		allow = append(allow, methodNames[i])
		if csrf && (i == mPost || i == mPut || i == mPatch || i == mDelete) {
			d.h[i] = csrfProtect(d.h[i], fail)
		}
	}
	if !served {
		return nil, &ConfigError{View: s.name, Field: field, Msg: fmt.Sprintf(
			"allows %v, but the view defines none of those methods: every request would be refused", names)}
	}
	d.allow = strings.Join(allow, ", ")
	return d, nil
}

// serve is the handler of the view: one lookup on the method, no
// reflection.
func (d *dispatcher) serve(c *fiber.Ctx) error {
	if i := methodIndex(c.Method()); i < nMethods && d.h[i] != nil {
		return d.h[i](c)
	}
	return methodNotAllowed(c, d.allow)
}

// defaultOptions answers OPTIONS: 200, Allow, empty body (Django's
// View.options).
func (d *dispatcher) defaultOptions(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAllow, d.allow)
	c.Response().ResetBody()
	c.Status(fiber.StatusOK)
	return nil
}

// methodNotAllowed is the 405 answer of views and of RequireMethods
// (Django's http_method_not_allowed): a line in the log at level INFO, the
// Allow header, and the 405 page (see ErrorHandler), so that someone who
// types a logout address reads why nothing happened.
func methodNotAllowed(c *fiber.Ctx, allow string) error {
	settings(c).logger.Info("Method Not Allowed", "method", c.Method(), "path", c.Path())
	c.Set(fiber.HeaderAllow, allow)
	return errorPage(c, fiber.StatusMethodNotAllowed)
}

// headViaGet runs get for a HEAD request; the response goes out without its
// body.
func headViaGet(get fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Response().SkipBody = true
		return get(c)
	}
}
