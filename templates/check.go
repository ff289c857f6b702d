package templates

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"text/template/parse"

	"github.com/fiberviews/fiberviews/urls"
)

// ErrMissingTemplate is matched by the error New returns when a view of the
// url table (registered with urls.View, as views.Path does) names in its
// TemplateName field a template that does not exist.
var ErrMissingTemplate = errors.New("templates: a view names a template that does not exist")

// checkViewTemplates checks the TemplateName of every view of the url
// table against the loaded templates.
func (e *Engine) checkViewTemplates(st *state) error {
	var bad []string
	for _, v := range e.cfg.Resolver.Views() {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
			continue
		}
		f := rv.Elem().FieldByName("TemplateName")
		if !f.IsValid() || f.Kind() != reflect.String || f.String() == "" {
			continue
		}
		if _, ok := st.pages[e.name(f.String())]; !ok {
			var nf *TemplateDoesNotExist
			msg := fmt.Sprintf("%T: TemplateName %q does not exist", v, f.String())
			if errors.As(e.notFound(f.String()), &nf) {
				msg += " (searched " + strings.Join(nf.Tried, ", ") + ")"
			}
			bad = append(bad, msg)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%w:\n\t%s", ErrMissingTemplate, strings.Join(bad, "\n\t"))
}

// ErrUnknownURLName is matched by the error New returns when a template
// calls {{ url "name" }} with a constant name the url table does not have.
var ErrUnknownURLName = errors.New("templates: url names a route the table does not have")

// checkURLNames finds every {{ url "name" … }} with a constant name in the
// parsed templates and reports, in one error, each name r cannot reverse,
// with the nearest name of the table. Calls whose constant arguments do not
// fit are reported too.
func checkURLNames(r *urls.Resolver, trees map[string]*parse.Tree) error {
	var bad []string
	names := make([]string, 0, len(trees))
	for n := range trees {
		names = append(names, n)
	}
	slices.Sort(names)
	known := map[string]bool{}
	for _, n := range r.Names() {
		known[n] = true
	}
	for _, tn := range names {
		walkCommands(trees[tn].Root, func(cmd *parse.CommandNode) {
			if len(cmd.Args) < 2 || ident(cmd.Args[0]) != "url" {
				return
			}
			s, ok := cmd.Args[1].(*parse.StringNode)
			if !ok {
				return
			}
			line := lineOf(trees[tn], cmd)
			if !known[s.Text] {
				msg := fmt.Sprintf("%s:%d: {{ url %q }}: no route has that name", tn, line, s.Text)
				if near := r.Nearest(s.Text); near != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", near)
				}
				bad = append(bad, msg)
			}
		})
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%w:\n\t%s", ErrUnknownURLName, strings.Join(bad, "\n\t"))
}

func lineOf(t *parse.Tree, n parse.Node) int {
	if t == nil || t.Root == nil {
		return 0
	}
	defer func() { _ = recover() }() // ErrorContext needs the tree's text
	loc, _ := t.ErrorContext(n)
	if i := strings.LastIndexByte(loc, ':'); i > 0 {
		loc = loc[:i]
		if j := strings.LastIndexByte(loc, ':'); j >= 0 {
			var line int
			fmt.Sscan(loc[j+1:], &line)
			return line
		}
	}
	return 0
}

// walkCommands calls f for every command of every pipeline under n.
func walkCommands(n parse.Node, f func(*parse.CommandNode)) {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			walkCommands(c, f)
		}
	case *parse.ActionNode:
		walkCommands(x.Pipe, f)
	case *parse.PipeNode:
		if x == nil {
			return
		}
		for _, c := range x.Cmds {
			walkCommands(c, f)
		}
	case *parse.CommandNode:
		f(x)
		for _, a := range x.Args {
			walkCommands(a, f)
		}
	case *parse.IfNode:
		walkBranch(&x.BranchNode, f)
	case *parse.RangeNode:
		walkBranch(&x.BranchNode, f)
	case *parse.WithNode:
		walkBranch(&x.BranchNode, f)
	case *parse.TemplateNode:
		walkCommands(x.Pipe, f)
	}
}

func walkBranch(b *parse.BranchNode, f func(*parse.CommandNode)) {
	walkCommands(b.Pipe, f)
	walkCommands(b.List, f)
	walkCommands(b.ElseList, f)
}
