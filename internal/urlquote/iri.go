package urlquote

// iriSafe holds the bytes Django's iri_to_uri leaves as they are: letters,
// digits, "_.-~" and the reserved characters of RFC 3986 with "%" (so that
// what is already escaped stays as it is), as quote(iri,
// safe="/#%[]=:;$&()+,!?*@'~") keeps them.
var iriSafe = newByteSet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/#%[]=:;$&()+,!?*@'")

// IRIToURI returns iri with every byte that may not stand in a URI
// percent-encoded (Django's iri_to_uri): the UTF-8 bytes of non-ASCII
// characters, spaces, controls, and `"<>\^`+"`"+`{|}`. An already escaped
// "%XX" stays as it is; a URI comes back unchanged, without allocating.
func IRIToURI(iri string) string { return iriSafe.quote(iri) }
