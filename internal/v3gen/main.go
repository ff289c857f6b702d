// Command v3gen writes fiberv3/, the copy of this module for Fiber v3 apps
// (module github.com/fiberviews/fiberviews/fiberv3), from the Fiber v2 source.
//
//	cd internal/v3gen && go run .            # regenerate ../../fiberv3
//	cd internal/v3gen && go run . -out DIR   # write elsewhere (CI diffs it)
//	cd internal/v3gen && go run . -uses      # list the Fiber v2 names the source uses
//
// It loads every package of the root module, tests included, with the type
// checker and rewrites by what an expression is, not by how it is spelled:
//
//   - imports of Fiber v2 become Fiber v3 (fiber/v2/utils: gofiber/utils/v2);
//     imports of this module get the /fiberv3 element;
//   - the type *fiber.Ctx becomes fiber.Ctx (an interface in v3); any other
//     use of the type fiber.Ctx (a value, a dereference) is an error;
//   - calls of v2 methods whose v3 counterpart differs are rewritten:
//     c.Redirect(url[, status]) → c.Redirect().Status(status|302).To(url),
//     c.Context() → c.RequestCtx(), c.UserContext() → c.Context(),
//     c.SetUserContext(x) → c.SetContext(x), c.Protocol() → c.Scheme(),
//     app.Test(req, ms) → app.Test(req, fiber.TestConfig{...}),
//     app.Listener(ln) → app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true})
//     (v3 takes that field there; it is dropped from fiber.Config literals);
//     such a method used as a value is an error;
//   - every other Fiber v2 name the source uses must be in auditedNames (checked
//     to do the same in v3): a new one fails the generator until someone checks it;
//   - in string literals, this module's import paths get the /fiberv3
//     element and "*fiber.Ctx" becomes "fiber.Ctx" (messages that name types),
//     in comments too (docs, and Examples' // Output:);
//   - the type fiber.Storage becomes session.Storage (this library's own
//     interface: any gofiber/storage driver fits it on both majors).
//
// What cannot be rewritten lives in seams: in a package directory,
// compat_fiber.go (and compat_fiber_test.go) hold the few v2 calls whose v3
// form differs, and compat_fiber3.go (compat_fiber3_test.go), kept out of the
// v2 build by "//go:build ignore", is written in their place; it must
// declare every name the v2 one does. A file whose package clause is preceded by the line
// "//fiberviews:v2only" is not carried (it compares with Fiber v2 itself).
//
// Non-Go files of the package directories (templates, testdata) are copied.
// go.mod takes the root's requirements with Fiber v3 in place of v2, then
// "go mod tidy" runs in the output. Last, the output is type-checked, tests
// included. Anything the tool cannot carry, and any error of the output, is
// printed as file:line and the exit status is 1.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/packages"
)

const (
	fiberV2        = "github.com/gofiber/fiber/v2"
	fiberV3        = "github.com/gofiber/fiber/v3"
	fiberV3Version = "v3.1.0"
	outName        = "fiberv3"
	seamV2         = "compat_fiber.go"
	seamV3         = "compat_fiber3.go"
	seamV2Test     = "compat_fiber_test.go"
	seamV3Test     = "compat_fiber3_test.go"
	v2only         = "//fiberviews:v2only"
	headerLines    = 2 // the "Code generated" line and a blank line
)

// importMap maps Fiber v2 import paths to their v3 counterparts. Any other
// Fiber v2 import (its middleware) cannot be carried.
var importMap = map[string]string{
	fiberV2:            fiberV3,
	fiberV2 + "/utils": "github.com/gofiber/utils/v2",
}

// renamed are Fiber v2 methods carried by a new name; the arguments stay.
var renamed = map[string]string{
	"Ctx.Context":        "RequestCtx",
	"Ctx.UserContext":    "Context",
	"Ctx.SetUserContext": "SetContext",
	"Ctx.Protocol":       "Scheme",
}

// special are Fiber v2 methods whose calls are rewritten by rewriteCall.
var special = map[string]bool{"Ctx.Redirect": true, "App.Test": true, "App.Listener": true}

// listenOnly are fields of v2's fiber.Config that v3 takes in ListenConfig:
// removed from fiber.Config literals (DisableStartupMessage: true only), and
// every App.Listener call without a config passes ListenConfig{DisableStartupMessage: true}.
var listenOnly = map[string]bool{"DisableStartupMessage": true}

// typeMap maps Fiber v2 types to types of this module (path relative to it).
var typeMap = map[string][2]string{
	"Storage": {"session", "Storage"},
}

type edit struct {
	start, end int
	text       string
}

type gen struct {
	root, modPath string
	errs          []string
	out           map[string][]byte // relative path → content
	seen          map[string]bool   // relative paths of the Go files handled
	uses          map[string]int    // Fiber v2 objects used
}

func (g *gen) errorf(pos token.Position, format string, args ...any) {
	name := pos.Filename
	if r, err := filepath.Rel(g.root, name); err == nil {
		name = r
	}
	g.errs = append(g.errs, fmt.Sprintf("%s:%d:%d: %s", name, pos.Line, pos.Column, fmt.Sprintf(format, args...)))
}

func main() {
	rootFlag := flag.String("root", "", "repository root (default: the git work tree around the current directory)")
	outFlag := flag.String("out", "", "output directory (default: ROOT/"+outName+")")
	verify := flag.Bool("verify", true, "type-check the output")
	listUses := flag.Bool("uses", false, "list the Fiber v2 objects the source uses (and whether audited), write nothing")
	flag.Parse()
	root := *rootFlag
	if root == "" {
		b, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
		if err != nil {
			fatal("cannot find the repository root: %v", err)
		}
		root = strings.TrimSpace(string(b))
	}
	root, _ = filepath.Abs(root)
	out := *outFlag
	if out == "" {
		out = filepath.Join(root, outName)
	}
	out, _ = filepath.Abs(out)

	modBytes, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		fatal("%v", err)
	}
	mf, err := modfile.Parse("go.mod", modBytes, nil)
	if err != nil {
		fatal("%v", err)
	}
	g := &gen{root: root, modPath: mf.Module.Mod.Path, out: map[string][]byte{}, seen: map[string]bool{}, uses: map[string]int{}}
	g.goFiles()
	g.otherFiles()
	if *listUses {
		keys := make([]string, 0, len(g.uses))
		for k := range g.uses {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("%s\t%d\t%v\n", k, g.uses[k], audited(k))
		}
		return
	}
	if len(g.errs) > 0 {
		failed(g.errs)
	}
	g.goMod(mf)
	if err := writeTree(out, g.out, g.modPath+"/"+outName); err != nil {
		fatal("%v", err)
	}
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir, tidy.Stdout, tidy.Stderr = out, os.Stderr, os.Stderr
	if err := tidy.Run(); err != nil {
		fatal("go mod tidy in %s: %v", out, err)
	}
	if *verify {
		if errs := check(root, out); len(errs) > 0 {
			failed(errs)
		}
	}
	if *outFlag == "" {
		if err := syncQuickStart(root, g.out["example/quickstart/main.go"]); err != nil {
			fatal("%v", err)
		}
	}
}

// syncQuickStart puts the generated quick start (without its generated-code
// line) in place of the package main block of docs/fiberv3.md, which the
// quick start's test compares with the program.
func syncQuickStart(root string, src []byte) error {
	if src == nil {
		return nil
	}
	if _, rest, ok := bytes.Cut(src, []byte("\n\n")); ok && bytes.HasPrefix(src, []byte("// Code generated ")) {
		src = rest
	}
	doc := filepath.Join(root, "docs", "fiberv3.md")
	b, err := os.ReadFile(doc)
	if err != nil {
		return err
	}
	parts := strings.Split(string(b), "```go\n")
	for i := 1; i < len(parts); i++ {
		end := strings.Index(parts[i], "```\n")
		if end >= 0 && strings.Contains(parts[i][:end], "package main") {
			parts[i] = string(src) + parts[i][end:]
			return os.WriteFile(doc, []byte(strings.Join(parts, "```go\n")), 0o644)
		}
	}
	return fmt.Errorf("%s has no ```go block with package main to hold the quick start", doc)
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "v3gen: "+format+"\n", args...)
	os.Exit(1)
}

func failed(errs []string) {
	sort.Strings(errs)
	for _, e := range errs {
		fmt.Fprintln(os.Stderr, e)
	}
	fmt.Fprintf(os.Stderr, "v3gen: %d problem(s); fiberv3 not carried\n", len(errs))
	os.Exit(1)
}

// goFiles rewrites every Go file of the root module's packages.
func (g *gen) goFiles() {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax |
			packages.NeedTypes | packages.NeedTypesInfo,
		Dir:   g.root,
		Tests: true,
	}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		fatal("loading packages: %v", err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		fatal("the v2 source does not type-check")
	}
	done := map[string]bool{}
	ignored := map[string]bool{}
	for _, p := range pkgs {
		if strings.HasSuffix(p.ID, ".test") {
			continue // the generated test main
		}
		if len(p.CompiledGoFiles) != len(p.GoFiles) {
			g.errs = append(g.errs, fmt.Sprintf("%s: cgo in the package: not carried", p.PkgPath))
			continue
		}
		for i, f := range p.Syntax {
			name := p.CompiledGoFiles[i]
			if done[name] {
				continue
			}
			done[name] = true
			g.seen[g.rel(name)] = true
			g.goFile(p, f, name)
		}
		for _, name := range p.IgnoredFiles {
			ignored[name] = true
		}
	}
	names := make([]string, 0, len(ignored))
	for name := range ignored {
		if !done[name] && strings.HasSuffix(name, ".go") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		g.ignoredFile(name, done)
	}
}

func (g *gen) rel(name string) string {
	r, err := filepath.Rel(g.root, name)
	if err != nil {
		fatal("%v", err)
	}
	return filepath.ToSlash(r)
}

// goFile rewrites one type-checked file.
func (g *gen) goFile(p *packages.Package, f *ast.File, name string) {
	base := filepath.Base(name)
	if base == seamV2 || base == seamV2Test {
		return // replaced by its v3 seam (see ignoredFile)
	}
	src, err := os.ReadFile(name)
	if err != nil {
		fatal("%v", err)
	}
	if isV2Only(f) {
		return
	}
	fset := p.Fset
	info := p.TypesInfo
	tf := fset.File(f.Pos())
	off := func(pos token.Pos) int { return tf.Offset(pos) }
	text := func(n ast.Node) string { return string(src[off(n.Pos()):off(n.End())]) }
	var edits []edit
	n0 := len(g.errs)

	// Imports.
	fiberName := ""
	imported := map[string]string{} // path → local name
	for _, spec := range f.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		local := ""
		if spec.Name != nil {
			local = spec.Name.Name
		} else if pn, ok := info.Implicits[spec].(*types.PkgName); ok {
			local = pn.Name()
		}
		imported[path] = local
		if path == fiberV2 {
			fiberName = local
		}
		if np, ok := g.importPath(path); ok {
			if np != path {
				edits = append(edits, edit{off(spec.Path.Pos()), off(spec.Path.End()), strconv.Quote(np)})
			}
		} else {
			g.errorf(fset.Position(spec.Pos()), "import of %s: no Fiber v3 counterpart known (give the file a seam, or mark it %s)", path, v2only)
		}
	}

	// Expressions.
	okCtx := map[*ast.Ident]bool{}     // the Ctx of *fiber.Ctx
	called := map[ast.Expr]bool{}      // method selectors in call position
	qualified := map[*ast.Ident]bool{} // Sel of a rewritten pkg.Type
	var addImports []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ImportSpec:
			return false
		case *ast.StarExpr:
			if tv, ok := info.Types[n]; ok && tv.IsType() {
				if isFiber(info.TypeOf(n.X), "Ctx") {
					edits = append(edits, edit{off(n.Star), off(n.Star) + 1, ""})
					okCtx[typeIdent(n.X)] = true
				}
			} else if t, ok := info.TypeOf(n.X).(*types.Pointer); ok && isFiber(t.Elem(), "Ctx") {
				g.errorf(fset.Position(n.Pos()), "dereference of a *fiber.Ctx: fiber.Ctx is an interface in v3")
			}
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				called[sel] = true
				if key := fiberMethod(info, sel); special[key] {
					e := g.rewriteCall(fset, info, n, sel, key, fiberName, imported, text, off)
					if len(e) > 0 && fiberName == "" && !slices.Contains(addImports, fiberV2) {
						addImports = append(addImports, fiberV2)
					}
					edits = append(edits, e...)
				}
			}
		case *ast.SelectorExpr:
			if key := fiberMethod(info, n); key != "" {
				if nn, ok := renamed[key]; ok {
					if !called[n] {
						g.errorf(fset.Position(n.Pos()), "method value %s: write a call", key)
					}
					edits = append(edits, edit{off(n.Sel.Pos()), off(n.Sel.End()), nn})
				} else if special[key] && !called[n] {
					g.errorf(fset.Position(n.Pos()), "method value %s: write a call", key)
				}
				return true
			}
			if x, ok := n.X.(*ast.Ident); ok {
				if pn, ok := info.Uses[x].(*types.PkgName); ok && pn.Imported().Path() == fiberV2 {
					if to, ok := typeMap[n.Sel.Name]; ok {
						qualified[n.Sel] = true
						target := g.modPath + "/" + to[0]
						repl := to[1]
						if p.Types.Path() != target {
							local, ok := imported[target]
							if !ok || local == "" {
								local = filepath.Base(target)
								if _, have := imported[target]; !have && !slices.Contains(addImports, target) {
									addImports = append(addImports, target)
								}
							}
							repl = local + "." + to[1]
						}
						edits = append(edits, edit{off(n.Pos()), off(n.End()), repl})
					}
				}
			}
		case *ast.Ident:
			if key := fiberObject(info.Uses[n]); key != "" {
				g.uses[key]++
				if !audited(key) {
					g.errorf(fset.Position(n.Pos()), "Fiber v2's %s is not in the audited list of internal/v3gen: check what Fiber v3 does "+
						"with it (same behaviour: add it to audited; else add a rewrite or a seam)", key)
				}
			}
			if obj, ok := info.Uses[n].(*types.TypeName); ok && obj.Pkg() != nil && obj.Pkg().Path() == fiberV2 &&
				obj.Name() == "Ctx" && !okCtx[n] {
				g.errorf(fset.Position(n.Pos()), "the type fiber.Ctx not behind a pointer: fiber.Ctx is an interface in v3")
			}
		case *ast.CompositeLit:
			if isFiber(info.TypeOf(n), "Ctx") {
				g.errorf(fset.Position(n.Pos()), "a fiber.Ctx literal cannot be carried")
			}
			if isFiber(info.TypeOf(n), "Config") {
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if k, ok := kv.Key.(*ast.Ident); ok && listenOnly[k.Name] {
						// v3 takes it in ListenConfig: every Listener call is quiet (see rewriteCall).
						if tv := info.Types[kv.Value]; tv.Value == nil || tv.Value.ExactString() != "true" {
							g.errorf(fset.Position(kv.Pos()), "fiber.Config.%s: only the constant true can be carried", k.Name)
						}
						end := off(kv.End())
						for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
							end++
						}
						if end < len(src) && src[end] == ',' {
							end++
						}
						edits = append(edits, edit{off(kv.Pos()), end, ""})
					}
				}
			}
		case *ast.BasicLit:
			// This module's import paths, and the type *fiber.Ctx spelt in messages (and in the tests' expected messages).
			if v := strings.ReplaceAll(g.modPaths(n.Value), "*fiber.Ctx", "fiber.Ctx"); n.Kind == token.STRING && v != n.Value {
				edits = append(edits, edit{off(n.Pos()), off(n.End()), v})
			}
		}
		return true
	})
	// Comments speak of v3's type too: the docs, and the // Output: of
	// Examples, which print registration errors that name it.
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if v := strings.ReplaceAll(c.Text, "*fiber.Ctx", "fiber.Ctx"); v != c.Text {
				edits = append(edits, edit{off(c.Pos()), off(c.End()), v})
			}
		}
	}
	for _, path := range addImports {
		edits = append(edits, g.importEdit(fset, f, off, path)...)
	}
	if len(g.errs) > n0 {
		return
	}
	res, err := apply(src, edits)
	if err != nil {
		g.errorf(fset.Position(f.Pos()), "%v", err)
		return
	}
	g.emit(name, res, fset.Position(f.Pos()))
}

// fiberObject names ("Ctx.Redirect", "Config.Views", "New") an object of
// Fiber v2 (or of its utils package), or "".
func fiberObject(obj types.Object) string {
	if obj == nil || obj.Pkg() == nil || (obj.Pkg().Path() != fiberV2 && obj.Pkg().Path() != fiberV2+"/utils") {
		return ""
	}
	prefix := ""
	if obj.Pkg().Path() != fiberV2 {
		prefix = "utils."
	}
	switch o := obj.(type) {
	case *types.Func:
		if recv := o.Signature().Recv(); recv != nil {
			return prefix + recvName(recv.Type()) + "." + o.Name()
		}
	case *types.Var:
		if o.IsField() {
			return prefix + fieldOwner(o) + "." + o.Name()
		}
	}
	return prefix + obj.Name()
}

var fieldOwners = map[*types.Var]string{}

// fieldOwner names the struct type of Fiber v2 that declares field v.
func fieldOwner(v *types.Var) string {
	if name, ok := fieldOwners[v]; ok {
		return name
	}
	scope := v.Pkg().Scope()
	for _, name := range scope.Names() {
		if tn, ok := scope.Lookup(name).(*types.TypeName); ok {
			if st, ok := tn.Type().Underlying().(*types.Struct); ok {
				for i := range st.NumFields() {
					fieldOwners[st.Field(i)] = name
				}
			}
		}
	}
	if name, ok := fieldOwners[v]; ok {
		return name
	}
	return "?"
}

func recvName(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return n.Obj().Name()
	}
	return types.TypeString(t, nil)
}

// audited tells whether the use of a Fiber v2 object was checked against
// Fiber v3: the same name does the same there, or a rewrite above carries it.
func audited(key string) bool {
	for _, p := range []string{"Status", "Header", "Method", "MIME", "CookieSameSite", "Err"} {
		if strings.HasPrefix(key, p) {
			return true // constants and errors: same values
		}
	}
	if _, ok := renamed[key]; ok {
		return true
	}
	return special[key] || auditedNames[key]
}

// auditedNames are the Fiber v2 objects that this source uses and that
// Fiber v3 has with the same behaviour (where the type differs, the output's
// type check says so). A use of any other fails the generator.
// Checked against Fiber v3.1.0. (Ctx: see the *fiber.Ctx rewrite; Storage:
// typeMap; DisableStartupMessage: listenOnly.)
var auditedNames = map[string]bool{
	"Ctx": true, "Storage": true, "Storage.Close": true, "Storage.Delete": true, "Storage.Get": true,
	"Storage.Reset": true, "Storage.Set": true, "Config.DisableStartupMessage": true,
	"App":                     true,
	"App.AcquireCtx":          true,
	"App.All":                 true,
	"App.Config":              true,
	"App.Get":                 true,
	"App.Group":               true,
	"App.Handler":             true,
	"App.Listen":              true,
	"App.Post":                true,
	"App.ReleaseCtx":          true,
	"App.Shutdown":            true,
	"App.ShutdownWithContext": true,
	"App.Use":                 true,
	"Config":                  true,
	"Config.CaseSensitive":    true,
	"Config.ErrorHandler":     true,
	"Config.IdleTimeout":      true,
	"Config.ReadBufferSize":   true,
	"Config.ReadTimeout":      true,
	"Config.StrictRouting":    true,
	"Config.UnescapePath":     true,
	"Config.Views":            true,
	"Config.ViewsLayout":      true,
	"Config.WriteTimeout":     true,
	"Cookie":                  true,
	"Cookie.Domain":           true,
	"Cookie.Expires":          true,
	"Cookie.HTTPOnly":         true,
	"Cookie.MaxAge":           true,
	"Cookie.Name":             true,
	"Cookie.Path":             true,
	"Cookie.SameSite":         true,
	"Cookie.Secure":           true,
	"Cookie.SessionOnly":      true,
	"Cookie.Value":            true,
	"Ctx.Accepts":             true,
	"Ctx.App":                 true,
	"Ctx.Append":              true,
	"Ctx.Cookie":              true,
	"Ctx.Cookies":             true,
	"Ctx.FormValue":           true,
	"Ctx.Get":                 true,
	"Ctx.GetRespHeader":       true,
	"Ctx.GetRouteURL":         true,
	"Ctx.IP":                  true,
	"Ctx.JSON":                true,
	"Ctx.Locals":              true,
	"Ctx.Method":              true,
	"Ctx.MultipartForm":       true,
	"Ctx.Next":                true,
	"Ctx.OriginalURL":         true,
	"Ctx.Params":              true,
	"Ctx.Path":                true,
	"Ctx.Queries":             true,
	"Ctx.Query":               true,
	"Ctx.Render":              true,
	"Ctx.Request":             true,
	"Ctx.Response":            true,
	"Ctx.Route":               true,
	"Ctx.SendStatus":          true,
	"Ctx.SendString":          true,
	"Ctx.Set":                 true,
	"Ctx.Status":              true,
	"Ctx.Type":                true,
	"Ctx.Vary":                true,
	"DefaultErrorHandler":     true,
	"Group":                   true,
	"Group.Prefix":            true,
	"Handler":                 true,
	"Map":                     true,
	"New":                     true,
	"NewError":                true,
	"Route.Params":            true,
	"RoutePatternMatch":       true,
	"Router":                  true,
	"Router.All":              true,
	"Router.Name":             true,
	"Router.Use":              true,
	"utils.UnsafeString":      true,
}

// fiberMethod names ("Ctx.Redirect") the Fiber v2 method that sel selects, or "".
func fiberMethod(info *types.Info, sel *ast.SelectorExpr) string {
	s, ok := info.Selections[sel]
	if !ok || (s.Kind() != types.MethodVal && s.Kind() != types.MethodExpr) {
		return ""
	}
	fn, ok := s.Obj().(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != fiberV2 {
		return ""
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return ""
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := t.(*types.Named)
	if !ok {
		return ""
	}
	return named.Obj().Name() + "." + fn.Name()
}

func isFiber(t types.Type, name string) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == fiberV2 && n.Obj().Name() == name
}

func typeIdent(e ast.Expr) *ast.Ident {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return e.Sel
	}
	return nil
}

// rewriteCall rewrites a call of a method in special.
func (g *gen) rewriteCall(fset *token.FileSet, info *types.Info, call *ast.CallExpr, sel *ast.SelectorExpr, key,
	fiberName string, imported map[string]string, text func(ast.Node) string, off func(token.Pos) int) []edit {
	pos := fset.Position(call.Pos())
	if call.Ellipsis.IsValid() {
		g.errorf(pos, "%s called with ...: cannot be carried", key)
		return nil
	}
	if fiberName == "_" || fiberName == "." {
		g.errorf(pos, "%s: the file must import %s by a name", key, fiberV2)
		return nil
	}
	if fiberName == "" {
		fiberName = "fiber" // imported by goFile
	}
	switch key {
	case "Ctx.Redirect":
		// v2: Redirect(location string, status ...int), 302 by default; v3: Redirect().Status(s).To(location), 303 by default.
		status := fiberName + ".StatusFound"
		var e []edit
		switch len(call.Args) {
		case 1:
		case 2:
			status = text(call.Args[1])
			e = append(e, edit{off(call.Args[0].End()), off(call.Rparen), ""})
		default:
			g.errorf(pos, "%s with %d arguments", key, len(call.Args))
			return nil
		}
		return append(e, edit{off(sel.Sel.Pos()), off(call.Lparen) + 1, "Redirect().Status(" + status + ").To("})
	case "App.Listener":
		// v2: Listener(ln) prints a banner unless fiber.Config.DisableStartupMessage; v3: Listener(ln, ListenConfig{...}).
		if len(call.Args) != 1 {
			g.errorf(pos, "%s with %d arguments", key, len(call.Args))
			return nil
		}
		return []edit{{off(call.Args[0].End()), off(call.Args[0].End()), ", " + fiberName + ".ListenConfig{DisableStartupMessage: true}"}}
	case "App.Test":
		// v2: Test(req, msTimeout ...int), -1: none; v3: Test(req, TestConfig{Timeout, FailOnTimeout}), 0: none.
		if len(call.Args) == 1 {
			return nil
		}
		if len(call.Args) != 2 {
			g.errorf(pos, "%s with %d arguments", key, len(call.Args))
			return nil
		}
		tv := info.Types[call.Args[1]]
		if tv.Value == nil {
			g.errorf(pos, "%s: the timeout must be a constant to be carried", key)
			return nil
		}
		ms, _ := strconv.Atoi(tv.Value.ExactString())
		var cfg string
		switch {
		case ms < 0:
			cfg = fiberName + ".TestConfig{Timeout: 0}"
		case ms > 0:
			tn, ok := imported["time"]
			if !ok || tn == "" || tn == "_" {
				g.errorf(pos, "%s with a timeout: the file must import time", key)
				return nil
			}
			cfg = fmt.Sprintf("%s.TestConfig{Timeout: %d * %s.Millisecond, FailOnTimeout: true}", fiberName, ms, tn)
		default:
			g.errorf(pos, "%s with timeout 0 has no v3 counterpart", key)
			return nil
		}
		return []edit{{off(call.Args[1].Pos()), off(call.Args[1].End()), cfg}}
	}
	return nil
}

// importEdit adds an import of path to f's first parenthesised import declaration.
func (g *gen) importEdit(fset *token.FileSet, f *ast.File, off func(token.Pos) int, path string) []edit {
	np, _ := g.importPath(path)
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && gd.Rparen.IsValid() {
			return []edit{{off(gd.Rparen), off(gd.Rparen), "\t" + strconv.Quote(np) + "\n"}}
		}
	}
	g.errorf(fset.Position(f.Pos()), "needs an import of %s but has no import ( ... ) block", path)
	return nil
}

// importPath maps an import path of the v2 source to the output's; false
// when it cannot be carried.
func (g *gen) importPath(path string) (string, bool) {
	if np, ok := importMap[path]; ok {
		return np, true
	}
	if strings.HasPrefix(path, fiberV2+"/") {
		return "", false
	}
	if path == g.modPath || strings.HasPrefix(path, g.modPath+"/") {
		return g.modPath + "/" + outName + strings.TrimPrefix(path, g.modPath), true
	}
	return path, true
}

// modPaths adds the output's element to this module's import paths in s.
func (g *gen) modPaths(s string) string {
	return strings.ReplaceAll(s, g.modPath+"/", g.modPath+"/"+outName+"/")
}

func isV2Only(f *ast.File) bool {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, v2only) {
				return true
			}
		}
	}
	return false
}

// ignoredFile carries a file the build left out: a v3 seam, or a file
// for another platform (its imports are rewritten; it must not use Fiber).
func (g *gen) ignoredFile(name string, done map[string]bool) {
	g.seen[g.rel(name)] = true
	fset := token.NewFileSet()
	src, err := os.ReadFile(name)
	if err != nil {
		fatal("%v", err)
	}
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		g.errs = append(g.errs, err.Error())
		return
	}
	if isV2Only(f) {
		return
	}
	base := filepath.Base(name)
	dir := filepath.Dir(name)
	seam := base == seamV3 || base == seamV3Test
	if seam {
		v2 := seamV2
		if base == seamV3Test {
			v2 = seamV2Test
		}
		if !done[filepath.Join(dir, v2)] {
			g.errorf(fset.Position(f.Package), "%s without %s beside it", base, v2)
			return
		}
		if err := sameNames(filepath.Join(dir, v2), f); err != nil {
			g.errorf(fset.Position(f.Package), "%v", err)
			return
		}
	}
	tf := fset.File(f.Pos())
	off := func(pos token.Pos) int { return tf.Offset(pos) }
	var edits []edit
	if seam {
		// Drop the build constraint that keeps the seam out of the v2 build.
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if c.Text == "//go:build ignore" {
					end := off(c.End())
					for end < len(src) && src[end] == '\n' {
						end++
					}
					edits = append(edits, edit{off(c.Pos()), end, ""})
				}
			}
		}
	}
	for _, spec := range f.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		if !seam && (path == fiberV2 || strings.HasPrefix(path, fiberV2+"/")) {
			g.errorf(fset.Position(spec.Pos()), "a file left out of this build uses Fiber: it cannot be type-checked here, so it cannot be carried (build it on this platform, or give it a seam)")
			continue
		}
		if np, ok := g.importPath(path); ok && np != path {
			edits = append(edits, edit{off(spec.Path.Pos()), off(spec.Path.End()), strconv.Quote(np)})
		}
	}
	res, err := apply(src, edits)
	if err != nil {
		g.errorf(fset.Position(f.Pos()), "%v", err)
		return
	}
	target := name
	if seam {
		target = filepath.Join(dir, strings.Replace(base, "fiber3", "fiber", 1))
	}
	g.emitAs(target, name, res, fset.Position(f.Pos()))
}

// sameNames checks that the v3 seam declares the names the v2 seam does.
func sameNames(v2 string, f3 *ast.File) error {
	f2, err := parser.ParseFile(token.NewFileSet(), v2, nil, 0)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, n := range declNames(f3) {
		have[n] = true
	}
	var missing []string
	for _, n := range declNames(f2) {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the v3 seam lacks what %s declares: %s", filepath.Base(v2), strings.Join(missing, " "))
	}
	return nil
}

func declNames(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			n := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) > 0 {
				n = types.ExprString(d.Recv.List[0].Type) + "." + n
			}
			names = append(names, n)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				case *ast.ValueSpec:
					for _, id := range s.Names {
						names = append(names, id.Name)
					}
				}
			}
		}
	}
	return names
}

// dropUnused removes the import of Fiber v3 where the rewrites left no use
// of it (fiber.Storage was its only use), and formats the file.
func dropUnused(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	name, used := "", false
	for _, spec := range f.Imports {
		if p, _ := strconv.Unquote(spec.Path.Value); p == fiberV3 {
			name = "fiber"
			if spec.Name != nil {
				name = spec.Name.Name
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == name {
				used = true
			}
		}
		return !used
	})
	if name == "" || name == "_" || used {
		return format.Source(src)
	}
	astutil.DeleteImport(fset, f, fiberV3)
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func apply(src []byte, edits []edit) ([]byte, error) {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b bytes.Buffer
	last := 0
	for _, e := range edits {
		if e.start < last {
			return nil, fmt.Errorf("overlapping rewrites at byte %d: rewrite the expression in two statements", e.start)
		}
		b.Write(src[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.Write(src[last:])
	return b.Bytes(), nil
}

func (g *gen) emit(name string, src []byte, pos token.Position) { g.emitAs(name, name, src, pos) }

func (g *gen) emitAs(target, from string, src []byte, pos token.Position) {
	out, err := dropUnused(src)
	if err != nil {
		g.errorf(pos, "the rewritten file does not parse: %v", err)
		return
	}
	header := fmt.Sprintf("// Code generated by internal/v3gen from %s; DO NOT EDIT.\n\n", g.rel(from))
	g.out[g.rel(target)] = append([]byte(header), out...)
}

// otherFiles copies the non-Go files of the packages' directories.
func (g *gen) otherFiles() {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = g.root
	b, err := cmd.Output()
	if err != nil {
		fatal("git ls-files: %v", err)
	}
	files := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	var nested []string // other modules' directories
	for _, f := range files {
		if strings.HasSuffix(f, "/go.mod") {
			nested = append(nested, strings.TrimSuffix(f, "go.mod"))
		}
	}
	nested = append(nested, outName+"/", ".ci/", "docs/", ".github/")
	for _, f := range files {
		if !strings.Contains(f, "/") || hasAnyPrefix(f, nested) {
			continue // the root's own files (go.mod, README.md, ...), other modules
		}
		if g.seen[f] {
			continue
		}
		if strings.HasSuffix(f, ".go") {
			if strings.Contains("/"+f, "/testdata/") {
				g.copyFile(f)
				continue
			}
			base := filepath.Base(f)
			if base == seamV2 || base == seamV2Test || base == seamV3 || base == seamV3Test {
				continue
			}
			if src, err := os.ReadFile(filepath.Join(g.root, f)); err == nil && bytes.Contains(src, []byte(v2only)) {
				continue
			}
			g.errs = append(g.errs, fmt.Sprintf("%s:1: a Go file in no package of this build: not carried", f))
			continue
		}
		g.copyFile(f)
	}
}

func (g *gen) copyFile(f string) {
	b, err := os.ReadFile(filepath.Join(g.root, f))
	if err != nil {
		if os.IsNotExist(err) {
			return // deleted, not yet committed
		}
		fatal("%v", err)
	}
	g.out[f] = b
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// goMod writes the output's go.mod: the root's requirements, Fiber v3 for v2.
func (g *gen) goMod(mf *modfile.File) {
	var b strings.Builder
	fmt.Fprintf(&b, "// Code generated by internal/v3gen from go.mod; DO NOT EDIT.\n\nmodule %s/%s\n\ngo %s\n\nrequire (\n", g.modPath, outName, mf.Go.Version)
	fmt.Fprintf(&b, "\t%s %s\n", fiberV3, fiberV3Version)
	for _, r := range mf.Require {
		if r.Mod.Path == fiberV2 {
			continue
		}
		fmt.Fprintf(&b, "\t%s %s\n", r.Mod.Path, r.Mod.Version)
	}
	b.WriteString(")\n")
	g.out["go.mod"] = []byte(b.String())
	if sum, err := os.ReadFile(filepath.Join(g.root, "go.sum")); err == nil {
		g.out["go.sum"] = sum
	}
}

// writeTree replaces dir's content with files; dir must be absent, empty or
// an earlier output (its go.mod names module).
func writeTree(dir string, files map[string][]byte, module string) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err != nil || !bytes.Contains(b, []byte("module "+module+"\n")) {
			return fmt.Errorf("%s is not empty and not an earlier output: not touched", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if fi, err := os.Stat(filepath.Join(filepath.Dir(dir), filepath.FromSlash(name))); err == nil && fi.Mode()&0o111 != 0 {
			mode = 0o755
		}
		if err := os.WriteFile(p, b, mode); err != nil {
			return err
		}
	}
	return nil
}

// check type-checks the output, tests included; an error names the
// generated file and line, and the source line it came from.
func check(root, out string) []string {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Dir:  out, Tests: true,
	}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		return []string{err.Error()}
	}
	seen := map[string]bool{}
	var errs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			msg := e.Error()
			if seen[msg] {
				continue
			}
			seen[msg] = true
			errs = append(errs, fromLine(root, out, e)+msg)
		}
	})
	return errs
}

// fromLine names the v2 source line of an error in a generated file.
func fromLine(root, out string, e packages.Error) string {
	parts := strings.SplitN(e.Pos, ":", 3)
	if len(parts) < 2 {
		return ""
	}
	line, err := strconv.Atoi(parts[1])
	if err != nil {
		return ""
	}
	b, err := os.ReadFile(parts[0])
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(string(b), "\n")
	_, from, ok := strings.Cut(first, "internal/v3gen from ")
	if !ok {
		return ""
	}
	from, _, _ = strings.Cut(from, ";")
	return fmt.Sprintf("%s:%d (generated): ", from, line-headerLines)
}
