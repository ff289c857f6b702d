package templates

import (
	"cmp"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/template/parse"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/template/html/v2"
)

//go:embed defaults
var embedded embed.FS

// defaultsFS holds the default templates, rooted so that names read
// "registration/login.html" (fs.Sub fails only on an invalid path).
var defaultsFS, _ = fs.Sub(embedded, "defaults")

// DefaultLayout is the embedded layout that wraps the embedded default pages
// (registration/login.html, csrf_failure.html, ...) when Config.Layout is
// empty. Put a file of that name (fiberviews/base.html) in your template
// directory to restyle every default page at once.
const DefaultLayout = "fiberviews/base"

// embedFunc is the function a layout calls where the page goes, as in
// gofiber/template/html/v2.
const embedFunc = "embed"

// Config configures an Engine. The zero value is valid: the embedded defaults
// only, no url table.
type Config struct {
	// Dir is the directory of the site's templates, searched before the
	// embedded defaults. A file there shadows the default of the same name.
	// Empty means none. It must exist when set.
	Dir string
	// FS is an alternative to Dir, e.g. an embed.FS. Set at most one of them.
	FS fs.FS
	// Extension of template files, ".html" by default. Template names may be
	// given with or without it: "registration/login.html" and
	// "registration/login" are the same template.
	Extension string
	// Resolver is the compiled url table behind the url function. Without it
	// {{ url "name" }} fails the render with an error saying so.
	Resolver *urls.Resolver
	// Layout wraps every page rendered without an explicit layout, as
	// fiber.Config.ViewsLayout does. The layout calls {{ embed }} where the
	// page goes. Empty: the site's pages render as they are, and the
	// embedded default pages render inside DefaultLayout.
	Layout string
	// Funcs are extra template functions, added after the built-in ones
	// (url, kwargs), which they may replace.
	Funcs map[string]any
	// Processors add keys to the context of every render done through
	// Respond, after the built-in keys (Django's context processors).
	Processors []Processor
	// Reload re-reads the templates on every render: for development only
	// (renders then serialise on the reload).
	Reload bool
	// Logger receives render failures logged by Respond; slog.Default()
	// when nil.
	Logger *slog.Logger
}

// Engine is a template engine for Fiber (it implements fiber.Views) built on
// gofiber/template/html/v2: html/v2 loads and parses the templates (same
// syntax, same names, same {{ embed }} layouts); Engine renders them without
// html/v2's exclusive lock, so pages with a layout render in parallel.
//
// An Engine is safe for concurrent use.
type Engine struct {
	cfg    Config
	ext    string
	user   fs.FS  // the site's templates, or nil
	userAt string // how errors name the user layer
	funcs  map[string]any
	logger *slog.Logger

	loadMu sync.Mutex
	state  atomic.Pointer[state]
}

// state is one load of the templates.
type state struct {
	// master is the parsed set. It is never executed, so it can be cloned:
	// html/template refuses to clone a set after it has run.
	master *template.Template
	// pages holds every template name; true for those served from the
	// embedded defaults.
	pages map[string]bool
	// sets caches, by chainKey, the executable clone of master that renders
	// a page inside a chain of layouts (none included).
	sets sync.Map
}

// chainKey names a page rendered in a chain of layouts (names separated by
// NUL, innermost first; "" for none).
type chainKey struct{ page, layouts string }

// New builds an Engine and loads its templates, so that every syntax error is
// reported here rather than on the first request.
func New(cfg Config) (*Engine, error) {
	e := &Engine{cfg: cfg, ext: cmp.Or(cfg.Extension, ".html"), logger: cmp.Or(cfg.Logger, slog.Default())}
	if !strings.HasPrefix(e.ext, ".") {
		e.ext = "." + e.ext
	}
	switch {
	case cfg.Dir != "" && cfg.FS != nil:
		return nil, errors.New("templates: both Config.Dir and Config.FS are set: set one of them")
	case cfg.Dir != "":
		abs, err := filepath.Abs(cfg.Dir)
		var info fs.FileInfo
		if err == nil {
			info, err = os.Stat(abs)
		}
		if err == nil && !info.IsDir() {
			err = errors.New("it is not a directory")
		}
		if err != nil {
			return nil, fmt.Errorf("templates: Config.Dir %q: %w: set it to an existing directory of templates", cfg.Dir, err)
		}
		e.user, e.userAt = os.DirFS(abs), abs
	case cfg.FS != nil:
		e.user, e.userAt = cfg.FS, "Config.FS"
	}
	e.funcs = map[string]any{"url": e.url, "kwargs": kwargs, embedFunc: embedOutsideLayout}
	maps.Copy(e.funcs, cfg.Funcs)
	if err := e.load(); err != nil {
		return nil, err
	}
	return e, nil
}

// Must returns e, or panics with err: for package-level engines.
func Must(e *Engine, err error) *Engine {
	if err != nil {
		panic(err)
	}
	return e
}

var defaultEngine = sync.OnceValue(func() *Engine {
	return Must(New(Config{}))
})

// Default returns the shared engine of the embedded defaults alone (no url
// table). Render uses it when the Fiber app has no Views.
func Default() *Engine { return defaultEngine() }

// Load (re)reads the templates. Fiber calls it when the app starts; New has
// already loaded them, so it only reloads when Config.Reload is set.
func (e *Engine) Load() error {
	if e.state.Load() != nil && !e.cfg.Reload {
		return nil
	}
	return e.load()
}

// load parses the site's templates with html/v2 (or the embedded defaults
// when there is no site layer), then adds each embedded default the site
// does not shadow.
func (e *Engine) load() error {
	e.loadMu.Lock()
	defer e.loadMu.Unlock()
	first := e.user
	if first == nil {
		first = defaultsFS
	}
	h := html.NewFileSystem(http.FS(first), e.ext)
	h.AddFuncMap(e.funcs)
	if err := h.Load(); err != nil {
		return fmt.Errorf("templates: loading templates: %w", err)
	}
	st := &state{master: h.Templates, pages: make(map[string]bool)}
	for _, t := range h.Templates.Templates() {
		if t.Tree != nil {
			st.pages[t.Name()] = false
		}
	}
	err := fs.WalkDir(defaultsFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, e.ext) {
			return err
		}
		name := strings.TrimSuffix(p, e.ext)
		if e.user != nil {
			if _, err := fs.Stat(e.user, p); err == nil {
				return nil // shadowed by the site's template
			}
			src, err := fs.ReadFile(defaultsFS, p)
			if err != nil {
				return err
			}
			if _, err := h.Templates.New(name).Parse(string(src)); err != nil {
				return err
			}
		}
		st.pages[name] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	if e.cfg.Resolver != nil {
		trees := map[string]*parse.Tree{}
		for _, t := range h.Templates.Templates() {
			if t.Tree != nil {
				trees[t.Name()] = t.Tree
			}
		}
		if err := errors.Join(checkURLNames(e.cfg.Resolver, trees), e.checkViewTemplates(st)); err != nil {
			return err
		}
	}
	e.state.Store(st)
	return nil
}

// current returns the loaded templates, reloading them first when
// Config.Reload is set.
func (e *Engine) current() (*state, error) {
	if e.cfg.Reload {
		if err := e.load(); err != nil {
			return nil, err
		}
	}
	return e.state.Load(), nil
}

// name turns a template name as users write it ("registration/login.html")
// into the name html/v2 gives the template ("registration/login").
func (e *Engine) name(name string) string {
	name = strings.TrimPrefix(name, "/")
	return strings.TrimSuffix(name, e.ext)
}

// Has reports whether a template of that name exists.
func (e *Engine) Has(name string) bool {
	_, err := e.Select(name)
	return err == nil
}

// Select returns the first of names that exists (Django's select_template),
// or a *TemplateDoesNotExist listing every place searched.
func (e *Engine) Select(names ...string) (string, error) {
	if len(names) == 0 {
		return "", errNoNames
	}
	st, err := e.current()
	if err != nil {
		return "", err
	}
	for _, n := range names {
		if _, ok := st.pages[e.name(n)]; ok {
			return n, nil
		}
	}
	return "", e.notFound(names...)
}

var errNoNames = errors.New("templates: Select needs at least one template name")

// notFound builds the error for templates that do not exist.
func (e *Engine) notFound(names ...string) error {
	err := &TemplateDoesNotExist{Name: strings.Join(names, ", ")}
	for _, n := range names {
		file := e.name(n) + e.ext
		switch {
		case e.userAt == "Config.FS":
			err.Tried = append(err.Tried, "Config.FS:"+file)
		case e.user != nil:
			err.Tried = append(err.Tried, filepath.Join(e.userAt, filepath.FromSlash(file)))
		}
		err.Tried = append(err.Tried, "embedded defaults:"+file)
	}
	return err
}

// Render executes the template name with binding, writing to w (the
// fiber.Views method). With no layout argument the page renders inside
// Config.Layout, or, for an embedded default page, DefaultLayout; an explicit
// "" renders the page alone. With several layouts, each wraps the previous
// one, as in html/v2.
//
// Unlike html/v2, a render with a layout takes no lock: each page/layout
// combination gets its own template set, built on first use and cached.
func (e *Engine) Render(w io.Writer, name string, binding any, layout ...string) error {
	st, err := e.current()
	if err != nil {
		return err
	}
	page := e.name(name)
	builtin, ok := st.pages[page]
	if !ok {
		return e.notFound(name)
	}
	var chain string
	switch {
	case len(layout) > 0:
		for i, l := range layout {
			if l == "" {
				break
			}
			if i > 0 {
				chain += "\x00"
			}
			chain += e.name(l)
		}
	case e.cfg.Layout != "":
		chain = e.name(e.cfg.Layout)
	case builtin:
		chain = DefaultLayout
	}
	key := chainKey{page, chain}
	t, ok := st.sets.Load(key)
	if !ok {
		set, err := e.build(st, page, chain)
		if err != nil {
			return err
		}
		t, _ = st.sets.LoadOrStore(key, set)
	}
	return t.(*template.Template).Execute(w, binding)
}

// build clones the parsed set and adds each layout of chain under a private
// name, with its {{ embed }} calls rewritten to {{ template "<child>" $ }}, and
// returns the outermost, escaped and folded by escapeAndFold. The page then
// runs inside its layouts with no shared mutable function, which is what
// forces html/v2 to lock.
func (e *Engine) build(st *state, page, chain string) (*template.Template, error) {
	set, err := st.master.Clone()
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	child := page
	for i, l := range strings.Split(chain, "\x00") {
		if l == "" {
			break
		}
		src := st.master.Lookup(l)
		if src == nil || src.Tree == nil {
			return nil, e.notFound(l)
		}
		tree := src.Tree.Copy()
		tree.Name = fmt.Sprintf("fiberviews-layout-%d:%s", i, l)
		tree.ParseName = tree.Name
		replaceActions(tree.Root, embedAs(child))
		if _, err := set.AddParseTree(tree.Name, tree); err != nil {
			return nil, fmt.Errorf("templates: layout %q: %w", l, err)
		}
		child = tree.Name
	}
	t := set.Lookup(child)
	e.escapeAndFold(set, t)
	return t, nil
}

// url is the url template function.
func (e *Engine) url(name string, args ...any) (string, error) {
	if e.cfg.Resolver == nil {
		return "", fmt.Errorf("url %q: no url table: set templates.Config.Resolver to the compiled *urls.Resolver", name)
	}
	u, err := e.cfg.Resolver.Reverse(name, args...)
	if err != nil {
		return "", fmt.Errorf("url %q: %w", name, err)
	}
	return u, nil
}

// embedOutsideLayout is the embed function of templates rendered as pages:
// in a layout, Render replaces every {{ embed }} before it runs.
func embedOutsideLayout() (string, error) {
	return "", errors.New("{{ embed }} outside a layout: this template is a layout; render a page " +
		"with it as the layout (Config.Layout or a layout argument) instead of rendering it")
}

// kwargs is the kwargs template function: {{ url "post" (kwargs "year" 2024 "slug" .Slug) }}.
func kwargs(pairs ...any) (urls.Kwargs, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("kwargs: odd number of arguments (%d): want name, value pairs", len(pairs))
	}
	kw := make(urls.Kwargs, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("kwargs: argument %d is %T, want a string name", i, pairs[i])
		}
		kw[k] = pairs[i+1]
	}
	return kw, nil
}

// Source returns the unparsed text of the template file name, such as
// "registration/password_reset_subject.txt": the site's file of that name
// (Config.Dir or Config.FS), else the embedded default; a name without an
// extension gets Config.Extension. It is for the templates a caller parses
// with text/template, as emails are, whose text must not be HTML-escaped.
func (e *Engine) Source(name string) (string, error) {
	file := strings.TrimPrefix(name, "/")
	if path.Ext(file) == "" {
		file += e.ext
	}
	err := &TemplateDoesNotExist{Name: name}
	for _, layer := range []struct {
		fsys fs.FS
		at   string
	}{{e.user, e.userAt}, {defaultsFS, "embedded defaults"}} {
		if layer.fsys == nil {
			continue
		}
		src, rerr := fs.ReadFile(layer.fsys, file)
		if rerr == nil {
			return string(src), nil
		}
		if layer.at == "Config.FS" || layer.at == "embedded defaults" {
			err.Tried = append(err.Tried, layer.at+":"+file)
		} else {
			err.Tried = append(err.Tried, filepath.Join(layer.at, filepath.FromSlash(file)))
		}
	}
	return "", err
}

// Names lists the templates the engine knows, sorted, without extension.
func (e *Engine) Names() []string {
	st, err := e.current()
	if err != nil {
		return nil
	}
	return slices.Sorted(maps.Keys(st.pages))
}

// TemplateDoesNotExist is the error for a template that is not found (Django's
// TemplateDoesNotExist). errors.Is(err, fs.ErrNotExist) is true for it.
type TemplateDoesNotExist struct {
	// Name is the name asked for (several, comma-separated, for Select).
	Name string
	// Tried lists the places searched, in order.
	Tried []string
}

// Error names the template and the places searched.
func (e *TemplateDoesNotExist) Error() string {
	return fmt.Sprintf("templates: template %q does not exist (searched %s)", e.Name, strings.Join(e.Tried, ", "))
}

// Unwrap returns fs.ErrNotExist.
func (e *TemplateDoesNotExist) Unwrap() error { return fs.ErrNotExist }
