package mail

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
)

// Console is a Mailer that prints each message to Out instead of sending
// it, headers first and bodies unencoded, followed by a line of dashes:
// the mailer to use while developing, like Django's console backend.
type Console struct {
	Out io.Writer // nil means os.Stdout

	mu sync.Mutex // one message at a time on Out
}

// Send prints m.
func (c *Console) Send(ctx context.Context, m *Message) error {
	if err := m.check(); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("From: " + m.From + "\n")
	for _, f := range []struct {
		name  string
		addrs []string
	}{{"To", m.To}, {"Cc", m.Cc}, {"Bcc", m.Bcc}, {"Reply-To", m.ReplyTo}} {
		if len(f.addrs) > 0 {
			b.WriteString(f.name + ": " + strings.Join(f.addrs, ", ") + "\n")
		}
	}
	b.WriteString("Subject: " + m.Subject + "\n")
	for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
		b.WriteString(k + ": " + m.Headers[k] + "\n")
	}
	b.WriteString("\n")
	writeBody(&b, m.Text)
	if m.HTML != "" {
		b.WriteString("--- HTML ---\n")
		writeBody(&b, m.HTML)
	}
	b.WriteString(strings.Repeat("-", 79) + "\n")

	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.Out
	if out == nil {
		out = os.Stdout
	}
	if _, err := io.WriteString(out, b.String()); err != nil {
		return fmt.Errorf("mail: console: %w", err)
	}
	return nil
}

func writeBody(b *strings.Builder, s string) {
	b.WriteString(s)
	if s != "" && !strings.HasSuffix(s, "\n") {
		b.WriteString("\n")
	}
}
