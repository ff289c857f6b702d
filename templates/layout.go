package templates

import (
	"sync"
	"text/template/parse"
)

// templateCall is a parsed {{ template "x" $ }} node, copied for each rewrite.
var templateCall = sync.OnceValue(func() *parse.TemplateNode {
	trees, err := parse.Parse("call", `{{template "x" $}}`, "", "")
	if err != nil {
		panic(err) // constant input: cannot happen
	}
	return trees["call"].Root.Nodes[0].(*parse.TemplateNode)
})

// rewriteEmbed replaces every {{ embed }} action in list (and in the branches
// of if, range and with) by {{ template child $ }}, and reports how many it
// replaced. $ is the data the layout was executed with, which is what html/v2
// hands the embedded page.
func rewriteEmbed(list *parse.ListNode, child string) int {
	if list == nil {
		return 0
	}
	n := 0
	for i, node := range list.Nodes {
		switch x := node.(type) {
		case *parse.ActionNode:
			if isEmbedCall(x) {
				call := templateCall().Copy().(*parse.TemplateNode)
				call.Name, call.Pos, call.Line = child, x.Pos, x.Line
				list.Nodes[i] = call
				n++
			}
		case *parse.IfNode:
			n += rewriteEmbed(x.List, child) + rewriteEmbed(x.ElseList, child)
		case *parse.RangeNode:
			n += rewriteEmbed(x.List, child) + rewriteEmbed(x.ElseList, child)
		case *parse.WithNode:
			n += rewriteEmbed(x.List, child) + rewriteEmbed(x.ElseList, child)
		case *parse.ListNode:
			n += rewriteEmbed(x, child)
		}
	}
	return n
}

// isEmbedCall reports whether a is exactly {{ embed }}.
func isEmbedCall(a *parse.ActionNode) bool {
	p := a.Pipe
	if p == nil || len(p.Decl) != 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	id, ok := p.Cmds[0].Args[0].(*parse.IdentifierNode)
	return ok && id.Ident == embedFunc
}
