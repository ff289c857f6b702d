package mail

import (
	"fmt"
	"io"
	"strings"
)

// An Executor executes a named template, as *text/template.Template and
// *html/template.Template do.
type Executor interface {
	ExecuteTemplate(w io.Writer, name string, data any) error
}

// Templates renders a message's subject and bodies. Text renders the
// subject and the plain-text body, and should be a text/template so that
// nothing is HTML-escaped; HTML renders the HTML body and should be an
// html/template.
type Templates struct {
	Text Executor
	HTML Executor // nil if no message has an HTML body
}

// Render executes the templates named subject, text and html with data and
// sets m.Subject, m.Text and m.HTML; an empty name leaves its field as it
// is, and m is unchanged if one fails. As in Django, the subject's lines
// are joined into one.
func (t Templates) Render(m *Message, subject, text, html string, data any) error {
	out := *m
	for _, r := range []struct {
		name string
		exec Executor
		dst  *string
		kind string
	}{
		{subject, t.Text, &out.Subject, "Text"}, {text, t.Text, &out.Text, "Text"}, {html, t.HTML, &out.HTML, "HTML"},
	} {
		if r.name == "" {
			continue
		}
		if r.exec == nil {
			return fmt.Errorf("mail: template %q: Templates.%s is nil; set it to the templates that define it", r.name, r.kind)
		}
		var b strings.Builder
		if err := r.exec.ExecuteTemplate(&b, r.name, data); err != nil {
			return fmt.Errorf("mail: template %q: %w", r.name, err)
		}
		*r.dst = b.String()
	}
	m.Subject, m.Text, m.HTML = oneLine(out.Subject), out.Text, out.HTML
	return nil
}

// oneLine joins the lines of s, as Django's "".join(s.splitlines()).
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			return -1
		}
		return r
	}, s)
}
