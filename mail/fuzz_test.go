package mail

import (
	"bytes"
	"maps"
	netmail "net/mail"
	"slices"
	"strings"
	"testing"
)

// FuzzHeaders checks that a message the mailers accept is written with
// exactly the header fields it asks for: no subject, address or header
// value adds a field or a recipient.
func FuzzHeaders(f *testing.F) {
	f.Add("Hello", "ann@example.com", "X-Tag", "value")
	f.Add("Hi\r\nBcc: eve@example.com", "ann@example.com", "X-A", "1")
	f.Add("Café", "Ann <ann@example.com>", "X-A", "1\nBcc: eve@example.com")
	f.Add("=?utf-8?q?x?=", "\"A\r\n\" <a@example.com>", "Bcc", "eve@example.com")
	f.Add(strings.Repeat("long subject ", 20), "a@example.com", "X-Long", strings.Repeat("v", 200))
	f.Fuzz(func(t *testing.T, subject, to, name, value string) {
		m := &Message{
			From: "site@example.com", To: []string{to}, Subject: subject, Text: "body",
			Headers: map[string]string{name: value},
		}
		if m.check() != nil {
			return
		}
		g, err := m.gomail()
		if err != nil {
			return
		}
		var b bytes.Buffer
		if _, err := g.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		msg, err := netmail.ReadMessage(&b)
		if err != nil {
			t.Fatalf("the message does not parse: %v\n%s", err, b.String())
		}
		want := []string{"Content-Transfer-Encoding", "Content-Type", "Date", "From", "Message-Id", "Mime-Version",
			"Subject", "To", netmailKey(name)}
		want = slices.Compact(slices.Sorted(slices.Values(want)))
		got := slices.Sorted(maps.Keys(msg.Header))
		if !slices.Equal(got, want) {
			t.Fatalf("header fields %q, want %q\n%s", got, want, b.String())
		}
		for _, k := range []string{"To", "Subject", netmailKey(name)} {
			if n := len(msg.Header[k]); n != 1 {
				t.Fatalf("%d %s fields", n, k)
			}
		}
		addrs, err := msg.Header.AddressList("To")
		if err != nil || len(addrs) != 1 {
			t.Fatalf("To %q: %v", msg.Header.Get("To"), err)
		}
	})
}

// netmailKey is the key net/mail files a field name under.
func netmailKey(name string) string {
	h := netmail.Header{}
	var b bytes.Buffer
	b.WriteString(name + ": x\r\n\r\n")
	if msg, err := netmail.ReadMessage(&b); err == nil {
		h = msg.Header
	}
	for k := range h {
		return k
	}
	return name
}
