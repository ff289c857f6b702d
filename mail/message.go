package mail

import (
	"context"
	"errors"
	"fmt"
	"maps"
	netmail "net/mail"
	"slices"
	"strings"
)

// A Mailer delivers messages. Implementations are safe for concurrent use.
type Mailer interface {
	// Send delivers m, or returns why it could not. It does not keep m
	// after it returns.
	Send(ctx context.Context, m *Message) error
}

// A Message is an email: one text body and an optional HTML alternative.
//
// Addresses are written as in a From header, "ann@example.com" or
// "Ann <ann@example.com>". Every mailer checks a message before it sends it
// and rejects it with [ErrInvalidMessage] if a field would break or add a
// header (a line break in the subject, an address or a header) or an address
// does not parse.
type Message struct {
	From    string   // required
	To      []string // at least one recipient in To, Cc or Bcc
	Cc      []string
	Bcc     []string // recipients not shown in the message
	ReplyTo []string
	Subject string // one line
	Text    string // the plain-text body
	HTML    string // an HTML alternative to Text; "" for none

	// Headers are extra header fields, such as "List-Unsubscribe". The
	// fields above are not set here.
	Headers map[string]string
}

var (
	// ErrInvalidMessage is returned for a message that cannot be sent as it is;
	// the error says which field is wrong.
	ErrInvalidMessage = errors.New("mail: invalid message")

	// ErrTemporary marks a failure that may pass if the message is sent
	// again later, such as an SMTP 4xx reply or a lost connection. A
	// [Queue] retries such failures; a Mailer of a site's own wraps its
	// errors with it to have them retried.
	ErrTemporary = errors.New("mail: temporary failure")
)

// reserved are the header fields a Message sets from its own fields or the
// mailer sets from its bodies.
var reserved = map[string]string{
	"from":                      "From",
	"to":                        "To",
	"cc":                        "Cc",
	"bcc":                       "Bcc",
	"reply-to":                  "ReplyTo",
	"subject":                   "Subject",
	"mime-version":              "",
	"content-type":              "",
	"content-transfer-encoding": "",
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidMessage}, args...)...)
}

// check reports why m cannot be sent, or nil.
func (m *Message) check() error {
	if m == nil {
		return invalid("nil message")
	}
	if m.From == "" {
		return invalid("From is empty; set it to the sender's address")
	}
	if err := checkAddrs("From", m.From); err != nil {
		return err
	}
	if len(m.To)+len(m.Cc)+len(m.Bcc) == 0 {
		return invalid("no recipients; set To, Cc or Bcc")
	}
	for _, f := range []struct {
		name  string
		addrs []string
	}{{"To", m.To}, {"Cc", m.Cc}, {"Bcc", m.Bcc}, {"ReplyTo", m.ReplyTo}} {
		if err := checkAddrs(f.name, f.addrs...); err != nil {
			return err
		}
	}
	if hasBreak(m.Subject) {
		return invalid("Subject contains a line break; put it on one line")
	}
	for _, name := range slices.Sorted(maps.Keys(m.Headers)) {
		if !validFieldName(name) {
			return invalid("header name %q is not a field name (printable ASCII, no colon or space)", name)
		}
		if field, ok := reserved[strings.ToLower(name)]; ok {
			if field == "" {
				return invalid("header %q is set by the mailer; remove it from Headers", name)
			}
			return invalid("header %q is set from Message.%s; remove it from Headers", name, field)
		}
		if hasBreak(m.Headers[name]) {
			return invalid("header %q contains a line break; put its value on one line", name)
		}
	}
	return nil
}

func checkAddrs(field string, addrs ...string) error {
	for _, a := range addrs {
		if hasBreak(a) {
			return invalid("%s address %q contains a line break", field, a)
		}
		if _, err := netmail.ParseAddress(a); err != nil {
			return invalid("%s address %q: %v; write it as name@example.com or Name <name@example.com>", field, a, err)
		}
	}
	return nil
}

// hasBreak reports whether s holds a byte that ends a header line or that
// no header may carry.
func hasBreak(s string) bool {
	return strings.ContainsAny(s, "\r\n\x00")
}

// validFieldName reports whether name is an RFC 5322 field name.
func validFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// clone returns a copy of m that shares no slice or map with it.
func (m *Message) clone() *Message {
	c := *m
	c.To = slices.Clone(m.To)
	c.Cc = slices.Clone(m.Cc)
	c.Bcc = slices.Clone(m.Bcc)
	c.ReplyTo = slices.Clone(m.ReplyTo)
	c.Headers = maps.Clone(m.Headers)
	return &c
}

// recipients lists every recipient of m, for logs.
func (m *Message) recipients() []string {
	return slices.Concat(m.To, m.Cc, m.Bcc)
}
