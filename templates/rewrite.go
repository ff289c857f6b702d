package templates

import (
	"errors"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
)

// walk calls f on n and on every node beneath it: lists, the branches of if,
// range and with, pipelines, commands and their arguments.
func walk(n parse.Node, f func(parse.Node)) {
	f(n)
	switch x := n.(type) {
	case *parse.ListNode:
		if x != nil {
			for _, c := range x.Nodes {
				walk(c, f)
			}
		}
	case *parse.ActionNode:
		walk(x.Pipe, f)
	case *parse.TemplateNode:
		walk(x.Pipe, f)
	case *parse.IfNode:
		walkBranch(&x.BranchNode, f)
	case *parse.RangeNode:
		walkBranch(&x.BranchNode, f)
	case *parse.WithNode:
		walkBranch(&x.BranchNode, f)
	case *parse.PipeNode:
		if x != nil {
			for _, c := range x.Cmds {
				walk(c, f)
			}
		}
	case *parse.CommandNode:
		for _, a := range x.Args {
			walk(a, f)
		}
	}
}

func walkBranch(b *parse.BranchNode, f func(parse.Node)) {
	walk(b.Pipe, f)
	walk(b.List, f)
	walk(b.ElseList, f)
}

// embedAs returns the walk function that replaces every {{ embed }} action
// by {{ template child $ }}. $ is the data the layout was executed with, which
// is what html/v2 hands the embedded page.
func embedAs(child string) func(parse.Node) {
	return func(n parse.Node) {
		list, ok := n.(*parse.ListNode)
		if !ok || list == nil {
			return
		}
		for i, node := range list.Nodes {
			a, ok := node.(*parse.ActionNode)
			if !ok || len(a.Pipe.Decl) != 0 || len(a.Pipe.Cmds) != 1 || len(a.Pipe.Cmds[0].Args) != 1 ||
				!isIdent(a.Pipe.Cmds[0].Args[0], embedFunc) {
				continue
			}
			dollar := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: a.Pos,
				Args: []parse.Node{&parse.VariableNode{NodeType: parse.NodeVariable, Pos: a.Pos, Ident: []string{"$"}}}}
			list.Nodes[i] = &parse.TemplateNode{NodeType: parse.NodeTemplate, Pos: a.Pos, Line: a.Line, Name: child,
				Pipe: &parse.PipeNode{NodeType: parse.NodePipe, Pos: a.Pos, Line: a.Line, Cmds: []*parse.CommandNode{dollar}}}
		}
	}
}

// foldURL replaces a pipeline's leading {{ url "name" arg... }} whose
// arguments are constants (strings, integers, or a kwargs call of them) by
// the URL it reverses to, so that it costs nothing per render. The table is
// immutable once compiled, so the answer cannot change. A call that does not
// reverse is left as it is, to fail the render with its error as before.
func (e *Engine) foldURL(n parse.Node) {
	p, ok := n.(*parse.PipeNode)
	if !ok || p == nil || len(p.Cmds) == 0 {
		return
	}
	cmd := p.Cmds[0]
	if len(cmd.Args) < 2 || !isIdent(cmd.Args[0], "url") {
		return
	}
	name, ok := cmd.Args[1].(*parse.StringNode)
	if !ok {
		return
	}
	args, ok := e.constants(cmd.Args[2:])
	if !ok {
		return
	}
	u, err := e.cfg.Resolver.Reverse(name.Text, args...)
	if err != nil {
		return
	}
	cmd.Args = []parse.Node{&parse.StringNode{NodeType: parse.NodeString, Pos: cmd.Pos, Quoted: strconv.Quote(u), Text: u}}
}

// constants returns the values text/template would pass for nodes, if all
// are constants.
func (e *Engine) constants(nodes []parse.Node) ([]any, bool) {
	vals := make([]any, len(nodes))
	for i, n := range nodes {
		switch x := n.(type) {
		case *parse.StringNode:
			vals[i] = x.Text
		case *parse.NumberNode:
			// text/template passes an integer constant to an any as an int
			// (a constant written with . e or p becomes a float64).
			if !x.IsInt || strings.ContainsAny(x.Text, ".eEpP") || int64(int(x.Int64)) != x.Int64 {
				return nil, false
			}
			vals[i] = int(x.Int64)
		case *parse.PipeNode: // (kwargs "name" value ...)
			if _, custom := e.cfg.Funcs["kwargs"]; custom || len(x.Decl) != 0 || len(x.Cmds) != 1 ||
				len(x.Cmds[0].Args) == 0 || !isIdent(x.Cmds[0].Args[0], "kwargs") {
				return nil, false
			}
			pairs, ok := e.constants(x.Cmds[0].Args[1:])
			if !ok {
				return nil, false
			}
			kw, err := kwargs(pairs...)
			if err != nil {
				return nil, false
			}
			vals[i] = kw
		default:
			return nil, false
		}
	}
	return vals, true
}

// escapeAndFold escapes t now, without running any action, and turns every
// action of t's set that prints a constant html/template would leave as it
// is (a resolved url, say) into plain text, so that rendering t calls
// neither the escapers nor anything else for it.
//
// t gets an empty text node in front, so that executing it with stopWriter
// ends at its first write: html/template escapes the whole set reachable
// from t before executing, and no action is evaluated. If escaping fails,
// nothing is folded and every render of t returns the escaping error, as it
// would have anyway.
func escapeAndFold(set, t *template.Template) {
	t.Tree.Root.Nodes = slices.Insert(t.Tree.Root.Nodes, 0, parse.Node(&parse.TextNode{NodeType: parse.NodeText}))
	if t.Execute(stopWriter{}, nil) != errStop {
		return
	}
	for _, x := range set.Templates() {
		if x.Tree != nil {
			walk(x.Tree.Root, foldText)
		}
	}
}

var errStop = errors.New("stop")

type stopWriter struct{}

func (stopWriter) Write([]byte) (int, error) { return 0, errStop }

// identityEscapers are the html/template escapers that leave a string of
// letters, digits and -._~/ unchanged.
var identityEscapers = map[string]bool{
	"_html_template_attrescaper": true, "_html_template_htmlescaper": true, "_html_template_nospaceescaper": true,
	"_html_template_rcdataescaper": true, "_html_template_urlfilter": true, "_html_template_urlnormalizer": true,
}

// foldText is the walk function of escapeAndFold: {{ "/accounts/login/" |
// _html_template_attrescaper ... }} becomes the text /accounts/login/.
func foldText(n parse.Node) {
	list, ok := n.(*parse.ListNode)
	if !ok || list == nil {
		return
	}
	for i, node := range list.Nodes {
		a, ok := node.(*parse.ActionNode)
		if !ok || len(a.Pipe.Decl) != 0 || len(a.Pipe.Cmds) < 2 || len(a.Pipe.Cmds[0].Args) != 1 {
			continue
		}
		str, ok := a.Pipe.Cmds[0].Args[0].(*parse.StringNode)
		if !ok || strings.ContainsFunc(str.Text, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~/", r))
		}) {
			continue
		}
		if !slices.ContainsFunc(a.Pipe.Cmds[1:], func(c *parse.CommandNode) bool {
			if len(c.Args) != 1 {
				return true
			}
			id, ok := c.Args[0].(*parse.IdentifierNode)
			return !ok || !identityEscapers[id.Ident]
		}) {
			list.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(str.Text)}
		}
	}
}

func isIdent(n parse.Node, name string) bool {
	id, ok := n.(*parse.IdentifierNode)
	return ok && id.Ident == name
}
