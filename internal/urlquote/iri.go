package urlquote

// iriSafe holds the bytes Django's iri_to_uri leaves as they are: letters,
// digits, "_.-~" and the reserved characters of RFC 3986 with "%" (so that
// what is already escaped stays as it is), as quote(iri,
// safe="/#%[]=:;$&()+,!?*@'~") keeps them.
var iriSafe = func() (t [256]bool) {
	for _, b := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/#%[]=:;$&()+,!?*@'") {
		t[b] = true
	}
	return t
}()

// IRIToURI returns iri with every byte that may not stand in a URI
// percent-encoded (Django's iri_to_uri): the UTF-8 bytes of non-ASCII
// characters, spaces, controls, and `"<>\^`+"`"+`{|}`. An already escaped
// "%XX" stays as it is; a URI comes back unchanged, without allocating.
func IRIToURI(iri string) string {
	n := 0
	for i := 0; i < len(iri); i++ {
		if !iriSafe[iri[i]] {
			n++
		}
	}
	if n == 0 {
		return iri
	}
	b := make([]byte, 0, len(iri)+2*n)
	for i := 0; i < len(iri); i++ {
		if c := iri[i]; iriSafe[c] {
			b = append(b, c)
		} else {
			b = append(b, '%', upperhex[c>>4], upperhex[c&15])
		}
	}
	return string(b)
}
