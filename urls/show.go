package urls

import (
	"io"
	"text/tabwriter"
)

// WriteTable prints the table, one pattern a line in table order, like
// django-extensions' show_urls: the URL route (with the resolver's prefix),
// the name ("namespace:name", "-" when unnamed) and the handler: the view's
// type for a handler built by views.AsView ("*main.CustomLogoutView"), the
// decorated function for one wrapped in views decorators, else the
// function's name.
func (r *Resolver) WriteTable(w io.Writer) error {
	if r == nil {
		return nil
	}
	prefix := r.cur.Load().prefix
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if _, err := io.WriteString(tw, "ROUTE\tNAME\tHANDLER\n"); err != nil {
		return err
	}
	for _, p := range r.patterns {
		name := "-"
		if p.name != "" {
			name = p.viewName
		}
		if _, err := io.WriteString(tw, prefix+"/"+p.route+"\t"+name+"\t"+p.handlerName+"\n"); err != nil {
			return err
		}
	}
	return tw.Flush()
}
