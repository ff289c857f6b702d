package urls

import (
	"bytes"
	"io"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/gofiber/fiber/v2"
)

// WriteTable prints the table, one pattern a line in table order, like
// django-extensions' show_urls: the URL route (from the table's root, "/"),
// the name ("namespace:name", "-" when unnamed) and the handler: its
// ViewName (views.Path sets the view's type, "*main.CustomLogoutView"), else
// its function's name ("main.home"; a closure under the function it is
// written in, "views.LoginRequired"). When some route is marked Public, a
// fourth column, ACCESS, says "public" for the routes that need no login
// even when the site requires one everywhere.
// Mounting the table changes nothing here.
func (r *Resolver) WriteTable(w io.Writer) error {
	if r == nil {
		return nil
	}
	// The table is laid out in memory, then written without the padding
	// that ends the lines of routes that are not public.
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	anyPublic := slices.ContainsFunc(r.patterns, func(p *pattern) bool { return p.public })
	io.WriteString(tw, "ROUTE\tNAME\tHANDLER")
	if anyPublic {
		io.WriteString(tw, "\tACCESS")
	}
	io.WriteString(tw, "\n")
	for _, p := range r.patterns {
		name := "-"
		if p.name != "" {
			name = p.viewName
		}
		io.WriteString(tw, "/"+p.route+"\t"+name+"\t"+p.handlerName)
		if anyPublic {
			io.WriteString(tw, map[bool]string{true: "\tpublic", false: "\t"}[p.public])
		}
		io.WriteString(tw, "\n")
	}
	tw.Flush() // into buf: no error
	for line := range bytes.Lines(buf.Bytes()) {
		if _, err := w.Write(append(bytes.TrimRight(line, " \n"), '\n')); err != nil {
			return err
		}
	}
	return nil
}

// funcName is the name of h's function without its package path
// ("main.home"). A closure is named by the function it is written in,
// qualified by its source directory ("views.LoginRequired", not
// "views.LoginRequired.func1"): when the compiler inlines that function, the
// closure's own name starts with the caller's package and function.
func funcName(h fiber.Handler) string {
	f := runtime.FuncForPC(reflect.ValueOf(h).Pointer())
	if f == nil {
		return "?"
	}
	name := strings.TrimSuffix(f.Name(), "-fm")
	name = name[strings.LastIndexByte(name, '/')+1:]
	elems := strings.Split(strings.ReplaceAll(name, "[...]", ""), ".")
	n := len(elems)
	for n > 1 && isClosureSuffix(elems[n-1]) {
		n--
	}
	if n == len(elems) || n < 2 || elems[n-1] == "" {
		return name // not a closure, or one at package level ("main.glob..func1")
	}
	fn := elems[n-1]
	if n > 2 && strings.HasPrefix(elems[n-2], "(") {
		fn = elems[n-2] + "." + fn // a method: "(*T).M"
	}
	file, _ := f.FileLine(f.Entry())
	return path.Base(path.Dir(filepath.ToSlash(file))) + "." + fn
}

// isClosureSuffix reports whether s is how Go names a closure inside its
// function: "func1", or "1" for one nested in another.
func isClosureSuffix(s string) bool {
	s = strings.TrimPrefix(s, "func")
	return s != "" && strings.Trim(s, "0123456789") == ""
}
