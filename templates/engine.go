package templates

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/gofiber/template/html/v2"
)

//go:embed defaults
var embedded embed.FS

// defaultsFS holds the default templates, rooted so that names read
// "registration/login.html".
var defaultsFS = func() fs.FS {
	sub, err := fs.Sub(embedded, "defaults")
	if err != nil {
		panic(err) // the directory is embedded above: cannot happen
	}
	return sub
}()

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
	// Render, after the built-in keys (Django's context processors).
	Processors []Processor
	// Reload re-reads the templates on every render: for development only
	// (renders then serialise on the reload).
	Reload bool
	// Logger receives render failures logged by Render; slog.Default() when
	// nil.
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

// state is one load of the templates. It is immutable once published,
// except for the cache of layout sets, which is copy-on-write.
type state struct {
	// master is the parsed set. It is never executed, so it can be cloned:
	// html/template refuses to clone a set after it has run.
	master *template.Template
	// pages are the templates of an executable clone of master, by name.
	pages map[string]*template.Template
	// builtin holds the names served from the embedded defaults.
	builtin map[string]bool

	mu      sync.Mutex // serialises building layout sets
	layouts atomic.Pointer[map[chainKey]*template.Template]
}

// chainKey names a page rendered in a chain of layouts.
type chainKey struct{ page, layouts string }

// New builds an Engine and loads its templates, so that every syntax error is
// reported here rather than on the first request.
func New(cfg Config) (*Engine, error) {
	e := &Engine{cfg: cfg, ext: cfg.Extension, logger: cfg.Logger}
	if e.ext == "" {
		e.ext = ".html"
	}
	if !strings.HasPrefix(e.ext, ".") {
		e.ext = "." + e.ext
	}
	if e.logger == nil {
		e.logger = slog.Default()
	}
	switch {
	case cfg.Dir != "" && cfg.FS != nil:
		return nil, errors.New("templates: both Config.Dir and Config.FS are set: set one of them")
	case cfg.Dir != "":
		abs, err := filepath.Abs(cfg.Dir)
		if err != nil {
			return nil, fmt.Errorf("templates: Config.Dir %q: %w", cfg.Dir, err)
		}
		info, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("templates: Config.Dir %q: %w (it must be an existing directory)", cfg.Dir, err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("templates: Config.Dir %q is not a directory", cfg.Dir)
		}
		e.user, e.userAt = os.DirFS(abs), abs
	case cfg.FS != nil:
		e.user, e.userAt = cfg.FS, "Config.FS"
	}
	e.funcs = map[string]any{
		"url":     e.url,
		"kwargs":  kwargs,
		embedFunc: embedOutsideLayout,
	}
	for name, fn := range cfg.Funcs {
		e.funcs[name] = fn
	}
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

func (e *Engine) load() error {
	e.loadMu.Lock()
	defer e.loadMu.Unlock()
	layers := unionFS{defaultsFS}
	if e.user != nil {
		layers = unionFS{e.user, defaultsFS}
	}
	h := html.NewFileSystem(http.FS(layers), e.ext)
	h.AddFuncMap(e.funcs)
	if err := h.Load(); err != nil {
		return fmt.Errorf("templates: loading templates: %w", err)
	}
	exec, err := h.Templates.Clone()
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	st := &state{
		master:  h.Templates,
		pages:   make(map[string]*template.Template),
		builtin: make(map[string]bool),
	}
	for _, t := range exec.Templates() {
		if t.Tree != nil {
			st.pages[t.Name()] = t
		}
	}
	err = fs.WalkDir(defaultsFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, e.ext) {
			return err
		}
		if e.user != nil {
			if _, err := fs.Stat(e.user, p); err == nil {
				return nil // shadowed by the site's template
			}
		}
		st.builtin[strings.TrimSuffix(p, e.ext)] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("templates: %w", err)
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
	st, err := e.current()
	if err != nil {
		return false
	}
	return st.pages[e.name(name)] != nil
}

// Select returns the first of names that exists (Django's select_template),
// or a *TemplateDoesNotExist listing every place searched.
func (e *Engine) Select(names ...string) (string, error) {
	if len(names) == 0 {
		return "", errors.New("templates: Select needs at least one template name")
	}
	st, err := e.current()
	if err != nil {
		return "", err
	}
	for _, n := range names {
		if st.pages[e.name(n)] != nil {
			return n, nil
		}
	}
	return "", e.notFound(names...)
}

// notFound builds the error for templates that do not exist.
func (e *Engine) notFound(names ...string) error {
	err := &TemplateDoesNotExist{Name: strings.Join(names, ", ")}
	for _, n := range names {
		file := e.name(n) + e.ext
		if e.user != nil {
			if e.userAt == "Config.FS" {
				err.Tried = append(err.Tried, "Config.FS:"+file)
			} else {
				err.Tried = append(err.Tried, filepath.Join(e.userAt, filepath.FromSlash(file)))
			}
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
	t := st.pages[page]
	if t == nil {
		return e.notFound(name)
	}
	var layouts string
	switch {
	case len(layout) == 1:
		layouts = e.name(layout[0])
	case len(layout) > 1:
		names := make([]string, 0, len(layout))
		for _, l := range layout {
			if l == "" {
				break
			}
			names = append(names, e.name(l))
		}
		layouts = strings.Join(names, "\x00")
	case e.cfg.Layout != "":
		layouts = e.name(e.cfg.Layout)
	case st.builtin[page]:
		layouts = DefaultLayout
	}
	if layouts != "" {
		if t, err = e.withLayouts(st, page, layouts); err != nil {
			return err
		}
	}
	return t.Execute(w, binding)
}

// withLayouts returns the template set rendering page inside layouts (names
// separated by NUL, innermost first), building it on first use.
func (e *Engine) withLayouts(st *state, page, layouts string) (*template.Template, error) {
	key := chainKey{page, layouts}
	if m := st.layouts.Load(); m != nil {
		if t := (*m)[key]; t != nil {
			return t, nil
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	old := st.layouts.Load()
	if old != nil {
		if t := (*old)[key]; t != nil {
			return t, nil
		}
	}
	t, err := e.buildLayouts(st, page, strings.Split(layouts, "\x00"))
	if err != nil {
		return nil, err
	}
	m := make(map[chainKey]*template.Template, 1)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[key] = t
	st.layouts.Store(&m)
	return t, nil
}

// buildLayouts clones the parsed set and adds each layout under a private
// name, with its {{ embed }} calls rewritten to {{ template "<child>" $ }}.
// The page then runs inside its layouts with no shared mutable function, which
// is what forces html/v2 to lock.
func (e *Engine) buildLayouts(st *state, page string, layouts []string) (*template.Template, error) {
	set, err := st.master.Clone()
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	child := page
	for i, l := range layouts {
		src := st.master.Lookup(l)
		if src == nil || src.Tree == nil {
			return nil, e.notFound(l)
		}
		tree := src.Tree.Copy()
		name := fmt.Sprintf("fiberviews-layout-%d:%s", i, l)
		tree.Name, tree.ParseName = name, name
		rewriteEmbed(tree.Root, child)
		if _, err := set.AddParseTree(name, tree); err != nil {
			return nil, fmt.Errorf("templates: layout %q: %w", l, err)
		}
		child = name
	}
	t := set.Lookup(child)
	if t == nil {
		return nil, e.notFound(layouts[len(layouts)-1])
	}
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

// Names lists the templates the engine knows, sorted, without extension.
func (e *Engine) Names() []string {
	st, err := e.current()
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(st.pages))
	for n := range st.pages {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
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
