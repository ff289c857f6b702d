package templates

import (
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

func isIdent(n parse.Node, name string) bool {
	id, ok := n.(*parse.IdentifierNode)
	return ok && id.Ident == name
}
