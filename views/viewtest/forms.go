package viewtest

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// form is a <form method="post"> of a page: where it posts and its hidden
// inputs.
type form struct {
	action *url.URL
	hidden url.Values
}

// formFor returns the page's POST form whose action is u (the path, and the
// query when u has one).
func (r *Response) formFor(u *url.URL) (form, error) {
	r.formsOnce.Do(r.parseForms)
	var actions []string
	for _, f := range r.forms {
		if f.action.Path == u.Path && (u.RawQuery == "" || f.action.RawQuery == u.RawQuery) {
			return f, nil
		}
		actions = append(actions, f.action.RequestURI())
	}
	if len(actions) == 0 {
		return form{}, fmt.Errorf("%w: the last page (%s, status %d) has no <form method=\"post\">",
			ErrNoForm, r.URL.RequestURI(), r.StatusCode)
	}
	return form{}, fmt.Errorf("%w: the last page (%s) has no <form method=\"post\"> whose action is %s; its forms post to %s",
		ErrNoForm, r.URL.RequestURI(), u.RequestURI(), strings.Join(actions, ", "))
}

// parseForms finds the POST forms of the body with the HTML5 tokenizer of
// golang.org/x/net/html: attribute quoting, entities and self-closing tags
// are read as a browser reads them.
func (r *Response) parseForms() {
	z := html.NewTokenizer(strings.NewReader(r.Body))
	var cur *form
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.Data {
			case "form":
				if !strings.EqualFold(attr(t, "method"), "post") {
					cur = nil
					continue
				}
				action, err := r.URL.Parse(attr(t, "action")) // "" is the page itself
				if err != nil {
					cur = nil
					continue
				}
				r.forms = append(r.forms, form{action: action, hidden: url.Values{}})
				cur = &r.forms[len(r.forms)-1]
			case "input":
				if cur != nil && strings.EqualFold(attr(t, "type"), "hidden") && attr(t, "name") != "" {
					cur.hidden.Add(attr(t, "name"), attr(t, "value"))
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "form" {
				cur = nil
			}
		}
	}
}

func attr(t html.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}
