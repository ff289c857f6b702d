package urls

import (
	"iter"
	"slices"
)

// Views yields the namespace ("" or "accounts", "a:b") and the view of
// every pattern registered with View, in table order: what a framework
// checks at start-up.
func (r *Resolver) Views() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, p := range r.patterns {
			if p.view != nil && !yield(p.namespace, p.view) {
				return
			}
		}
	}
}

// Names returns every name the table can reverse, namespaces included
// ("accounts:login"), sorted.
func (r *Resolver) Names() []string {
	names := make([]string, 0, len(r.names))
	for n := range r.names {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Nearest returns the name of the table closest to name (by edit distance,
// a namespace difference counting little), for "did you mean …?" messages,
// or "" when none is close.
func (r *Resolver) Nearest(name string) string {
	best, bestD := "", len(name)/2+3
	for n := range r.names {
		d := editDistance(name, n)
		if suffixMatch(name, n) {
			d = 1 // "password_change_done" for "accounts:password_change_done"
		}
		if d < bestD || d == bestD && n < best {
			best, bestD = n, d
		}
	}
	return best
}

// suffixMatch reports whether a and b are the same name in different
// namespaces.
func suffixMatch(a, b string) bool {
	return a != b && lastName(a) == lastName(b)
}

func lastName(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return s[i+1:]
		}
	}
	return s
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
