// Package handlername names fiber.Handlers for listings such as
// urls.Resolver.WriteTable (Django's show_urls). A handler built by
// views.AsView or wrapped by a views decorator is a closure whose function
// name ("views.NeverCache.func1") says nothing; views records the view's type
// or the wrapped handler's name here, and urls reads it back.
package handlername

import (
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/gofiber/fiber/v2"
)

var (
	mu    sync.RWMutex
	names = map[unsafe.Pointer]string{}
)

// closure returns the identity of h's function value: the closure it points
// to, distinct for every closure created, shared by all uses of a plain
// function. Holding it as an unsafe.Pointer keeps the closure alive, so an
// address is never reused for another handler while it is in the map.
func closure(h fiber.Handler) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&h))
}

// Set records name for h. Views are registered once at start-up, so the map
// only grows with the number of views and decorated handlers a program builds.
func Set(h fiber.Handler, name string) {
	if h == nil || name == "" {
		return
	}
	mu.Lock()
	names[closure(h)] = name
	mu.Unlock()
}

// Of returns the name recorded for h, else its function's name without the
// package path ("main.home"), "?" when unknown.
func Of(h fiber.Handler) string {
	if h == nil {
		return "?"
	}
	mu.RLock()
	name, ok := names[closure(h)]
	mu.RUnlock()
	if ok {
		return name
	}
	f := runtime.FuncForPC(reflect.ValueOf(h).Pointer())
	if f == nil {
		return "?"
	}
	n := f.Name()
	if i := strings.LastIndexByte(n, '/'); i >= 0 {
		n = n[i+1:]
	}
	return n
}

// Wrap records for outer, a handler wrapping inner, the name of inner, and
// returns outer: a decorated handler is listed under the name of what it
// decorates, as Python's functools.wraps does.
func Wrap(outer, inner fiber.Handler) fiber.Handler {
	Set(outer, Of(inner))
	return outer
}
