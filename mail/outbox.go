package mail

import (
	"context"
	"sync"
)

// Outbox is a Mailer for tests: it keeps a copy of each message it is
// given, like Django's mail.outbox. The zero value is ready to use.
type Outbox struct {
	mu   sync.Mutex
	sent []Message
}

// Send checks m as a real mailer would and keeps a copy of it.
func (o *Outbox) Send(ctx context.Context, m *Message) error {
	if err := m.check(); err != nil {
		return err
	}
	c := m.clone()
	o.mu.Lock()
	o.sent = append(o.sent, *c)
	o.mu.Unlock()
	return nil
}

// Messages returns copies of the messages sent so far, oldest first.
func (o *Outbox) Messages() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Message, len(o.sent))
	for i := range o.sent {
		out[i] = *o.sent[i].clone()
	}
	return out
}
