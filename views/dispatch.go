package views

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// dispatcher is the per-view table AsView builds: one handler per method,
// nil where the method is not allowed.
type dispatcher struct {
	get, head, post, put, patch, del, options fiber.Handler
	allow                                     string
}

// collect takes the view's method handlers, checking their signatures.
func (d *dispatcher) collect(s *spec) error {
	for _, m := range [...]string{"Get", "Head", "Post", "Put", "Patch", "Delete", "Options"} {
		ok, err := s.checkMethod("AsView", m, handlerType)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		switch m {
		case "Get":
			d.get = s.outer.(getter).Get
		case "Head":
			d.head = s.outer.(header).Head
		case "Post":
			d.post = s.outer.(poster).Post
		case "Put":
			d.put = s.outer.(putter).Put
		case "Patch":
			d.patch = s.outer.(patcher).Patch
		case "Delete":
			d.del = s.outer.(deleter).Delete
		case "Options":
			d.options = s.outer.(optioner).Options
		}
	}
	if d.get == nil && d.head == nil && d.post == nil && d.put == nil && d.patch == nil && d.del == nil {
		return &ConfigError{View: s.name, Msg: "defines no HTTP method handler: give it at least one of " +
			"Get, Head, Post, Put, Patch, Delete (func(*fiber.Ctx) error), or embed a base view that has one"}
	}
	return nil
}

// restrict keeps the handlers of the allowed methods (all of Django's
// http_method_names when names is nil), derives HEAD from GET and the
// default OPTIONS, and computes the Allow header.
func (d *dispatcher) restrict(s *spec, names []string, field string) error {
	allowed := map[string]bool{}
	if names == nil {
		for _, m := range methodOrder {
			allowed[m] = true
		}
	}
	for _, n := range names {
		m := strings.ToUpper(strings.TrimSpace(n))
		known := false
		for _, k := range methodOrder {
			known = known || k == m
		}
		if !known {
			return &ConfigError{View: s.name, Field: field, Msg: fmt.Sprintf(
				"%q is not an HTTP method a view can answer (one of get, post, put, patch, delete, head, options, trace)", n)}
		}
		allowed[m] = true
	}
	if d.head == nil && d.get != nil {
		d.head = headViaGet(d.get) // Django: head = get unless the view defines head
	}
	keep := func(m string, h *fiber.Handler) {
		if !allowed[m] {
			*h = nil
		}
	}
	keep(fiber.MethodGet, &d.get)
	keep(fiber.MethodHead, &d.head)
	keep(fiber.MethodPost, &d.post)
	keep(fiber.MethodPut, &d.put)
	keep(fiber.MethodPatch, &d.patch)
	keep(fiber.MethodDelete, &d.del)
	if allowed[fiber.MethodOptions] && d.options == nil {
		d.options = d.defaultOptions
	}
	keep(fiber.MethodOptions, &d.options)
	if d.get == nil && d.head == nil && d.post == nil && d.put == nil && d.patch == nil && d.del == nil {
		return &ConfigError{View: s.name, Field: field, Msg: fmt.Sprintf(
			"allows %v, but the view defines none of those methods: every request would be refused", names)}
	}
	var allow []string
	for _, m := range methodOrder {
		var h fiber.Handler
		switch m {
		case fiber.MethodGet:
			h = d.get
		case fiber.MethodPost:
			h = d.post
		case fiber.MethodPut:
			h = d.put
		case fiber.MethodPatch:
			h = d.patch
		case fiber.MethodDelete:
			h = d.del
		case fiber.MethodHead:
			h = d.head
		case fiber.MethodOptions:
			h = d.options
		}
		if h != nil {
			allow = append(allow, m)
		}
	}
	d.allow = strings.Join(allow, ", ")
	return nil
}

// protect puts the CSRF check in front of the unsafe methods.
func (d *dispatcher) protect() {
	for _, h := range []*fiber.Handler{&d.post, &d.put, &d.patch, &d.del} {
		if *h != nil {
			*h = CSRFProtect(*h)
		}
	}
}

// handler returns the view's handler. GET, the hot path, calls the view's Get
// through its interface (one indirect call); the other methods go through
// serve.
func (d *dispatcher) handler(outer any) fiber.Handler {
	if d.get == nil {
		return d.serve
	}
	g := outer.(getter)
	return func(c *fiber.Ctx) error {
		if c.Method() == fiber.MethodGet {
			return g.Get(c)
		}
		return d.serve(c)
	}
}

// serve is the handler of the view: one switch on the method, no reflection.
func (d *dispatcher) serve(c *fiber.Ctx) error {
	var h fiber.Handler
	switch c.Method() {
	case fiber.MethodGet:
		h = d.get
	case fiber.MethodPost:
		h = d.post
	case fiber.MethodHead:
		h = d.head
	case fiber.MethodOptions:
		h = d.options
	case fiber.MethodPut:
		h = d.put
	case fiber.MethodPatch:
		h = d.patch
	case fiber.MethodDelete:
		h = d.del
	}
	if h == nil {
		return d.notAllowed(c)
	}
	return h(c)
}

// defaultOptions answers OPTIONS: 200, Allow, empty body (Django's
// View.options).
func (d *dispatcher) defaultOptions(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAllow, d.allow)
	c.Response().ResetBody()
	c.Status(fiber.StatusOK)
	return nil
}

// notAllowed answers 405 with the Allow header and an empty body (Django's
// http_method_not_allowed), and logs a warning as Django does.
func (d *dispatcher) notAllowed(c *fiber.Ctx) error {
	settings(c).logger.Warn("Method Not Allowed", "method", c.Method(), "path", c.Path())
	c.Set(fiber.HeaderAllow, d.allow)
	c.Response().ResetBody()
	c.Status(fiber.StatusMethodNotAllowed)
	return nil
}

// headViaGet runs get for a HEAD request; the response goes out without its
// body.
func headViaGet(get fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Response().SkipBody = true
		return get(c)
	}
}
