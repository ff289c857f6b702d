package templates

import (
	"errors"
	"html/template"
	"slices"
	"strings"
	"text/template/parse"
)

// replaceActions replaces each action of list, and of the branches of if,
// range and with within it, by what f returns for it, unless that is nil.
func replaceActions(list *parse.ListNode, f func(*parse.ActionNode) parse.Node) {
	if list == nil {
		return
	}
	for i, n := range list.Nodes {
		switch x := n.(type) {
		case *parse.ActionNode:
			if r := f(x); r != nil {
				list.Nodes[i] = r
			}
		case *parse.IfNode:
			replaceActions(x.List, f)
			replaceActions(x.ElseList, f)
		case *parse.RangeNode:
			replaceActions(x.List, f)
			replaceActions(x.ElseList, f)
		case *parse.WithNode:
			replaceActions(x.List, f)
			replaceActions(x.ElseList, f)
		case *parse.ListNode:
			replaceActions(x, f)
		}
	}
}

// embedAs returns the replaceActions function that turns {{ embed }} into
// {{ template child $ }}. $ is the data the layout was executed with, which
// is what html/v2 hands the embedded page.
func embedAs(child string) func(*parse.ActionNode) parse.Node {
	return func(a *parse.ActionNode) parse.Node {
		if len(a.Pipe.Decl) != 0 || len(a.Pipe.Cmds) != 1 || len(a.Pipe.Cmds[0].Args) != 1 ||
			ident(a.Pipe.Cmds[0].Args[0]) != embedFunc {
			return nil
		}
		dollar := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: a.Pos,
			Args: []parse.Node{&parse.VariableNode{NodeType: parse.NodeVariable, Pos: a.Pos, Ident: []string{"$"}}}}
		return &parse.TemplateNode{NodeType: parse.NodeTemplate, Pos: a.Pos, Line: a.Line, Name: child,
			Pipe: &parse.PipeNode{NodeType: parse.NodePipe, Pos: a.Pos, Line: a.Line, Cmds: []*parse.CommandNode{dollar}}}
	}
}

// escapeAndFold escapes t now, without running any action, then turns each
// action of t's set that prints a constant which html/template's escaping
// leaves as it is (a resolved url in an href, say) into plain text, so that
// rendering t neither reverses it nor calls the escapers.
//
// t gets an empty text node in front, so that executing it with stopWriter
// ends at its first write: html/template escapes every template reachable
// from t before it executes, and no action runs. If escaping fails, nothing
// is folded and every render of t returns the escaping error, as it would
// have anyway.
func (e *Engine) escapeAndFold(set, t *template.Template) {
	t.Tree.Root.Nodes = slices.Insert(t.Tree.Root.Nodes, 0, parse.Node(&parse.TextNode{NodeType: parse.NodeText}))
	if t.Execute(stopWriter{}, nil) != errStop {
		return
	}
	for _, x := range set.Templates() {
		if x.Tree != nil {
			replaceActions(x.Tree.Root, e.fold)
		}
	}
}

var errStop = errors.New("stop")

type stopWriter struct{}

func (stopWriter) Write([]byte) (int, error) { return 0, errStop }

// identityEscapers are the html/template escapers that leave a string of
// ASCII letters, digits and -._~/ unchanged.
var identityEscapers = map[string]bool{
	"_html_template_attrescaper": true, "_html_template_htmlescaper": true, "_html_template_nospaceescaper": true,
	"_html_template_rcdataescaper": true, "_html_template_urlfilter": true, "_html_template_urlnormalizer": true,
}

// fold is the replaceActions function of escapeAndFold: an escaped
// {{ url "accounts:login" | _html_template_attrescaper ... }} becomes the
// text /accounts/login/.
func (e *Engine) fold(a *parse.ActionNode) parse.Node {
	if len(a.Pipe.Decl) != 0 || len(a.Pipe.Cmds) < 2 || slices.ContainsFunc(a.Pipe.Cmds[1:], func(c *parse.CommandNode) bool {
		return len(c.Args) != 1 || !identityEscapers[ident(c.Args[0])]
	}) {
		return nil
	}
	s, ok := e.constant(a.Pipe.Cmds[0])
	if !ok || strings.ContainsFunc(s, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~/", r))
	}) {
		return nil
	}
	return &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(s)}
}

// constant returns what cmd evaluates to when that cannot change: a string
// constant, or a call of the built-in url with string and integer constants
// that reverses (the table is immutable once compiled). A call that does
// not reverse is left to fail the render with its error.
func (e *Engine) constant(cmd *parse.CommandNode) (string, bool) {
	if s, ok := cmd.Args[0].(*parse.StringNode); ok && len(cmd.Args) == 1 {
		return s.Text, true
	}
	if _, custom := e.cfg.Funcs["url"]; custom || e.cfg.Resolver == nil || len(cmd.Args) < 2 || ident(cmd.Args[0]) != "url" {
		return "", false
	}
	name, ok := cmd.Args[1].(*parse.StringNode)
	if !ok {
		return "", false
	}
	args := make([]any, len(cmd.Args)-2)
	for i, n := range cmd.Args[2:] {
		switch x := n.(type) {
		case *parse.StringNode:
			args[i] = x.Text
		case *parse.NumberNode:
			// text/template passes an integer constant to an any as an int
			// (written with . e or p, as a float64).
			if !x.IsInt || strings.ContainsAny(x.Text, ".eEpP") || int64(int(x.Int64)) != x.Int64 {
				return "", false
			}
			args[i] = int(x.Int64)
		default:
			return "", false
		}
	}
	u, err := e.cfg.Resolver.Reverse(name.Text, args...)
	return u, err == nil
}

// ident returns the name of a function identifier, or "".
func ident(n parse.Node) string {
	if id, ok := n.(*parse.IdentifierNode); ok {
		return id.Ident
	}
	return ""
}
