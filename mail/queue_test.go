package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// clock records the backoffs a Queue waits for; each wait ends at once,
// or never if hold is set.
type clock struct {
	mu     sync.Mutex
	waits  []time.Duration
	hold   bool
	waited chan struct{} // receives once per wait
}

func newClock(hold bool) *clock { return &clock{hold: hold, waited: make(chan struct{}, 100)} }

func (c *clock) after(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.mu.Unlock()
	c.waited <- struct{}{}
	ch := make(chan time.Time, 1)
	if !c.hold {
		ch <- time.Time{}
	}
	return ch
}

func (c *clock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.waits)
}

// mailerFunc adapts a function to Mailer.
type mailerFunc func(ctx context.Context, m *Message) error

func (f mailerFunc) Send(ctx context.Context, m *Message) error { return f(ctx, m) }

func newQueue(m Mailer, c *clock) (*Queue, *logs) {
	l := &logs{}
	q := &Queue{Mailer: m, Backoff: time.Second, Logger: slog.New(l)}
	if c != nil {
		q.after = c.after
	}
	return q, l
}

func smtpFail(code int) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "test"}
}

// TestQueueSMTP runs a Queue over an SMTP mailer and a real server.
func TestQueueSMTP(t *testing.T) {
	tests := []struct {
		name      string
		data      func(ctx context.Context, n int) error
		attempts  int
		delivered int
		datas     int
		waits     []time.Duration
		logged    []string // a line with all of these
	}{
		{name: "accepted", datas: 1, delivered: 1},
		{name: "4xx twice, then accepted", attempts: 4, datas: 3, delivered: 1,
			data: func(_ context.Context, n int) error {
				if n <= 2 {
					return smtpFail(451)
				}
				return nil
			},
			waits: []time.Duration{time.Second, 2 * time.Second}, logged: []string{"WARN", "will retry", "451"}},
		{name: "5xx not retried", attempts: 4, datas: 1,
			data:   func(context.Context, int) error { return smtpFail(550) },
			logged: []string{"ERROR", "not sent", "permanent failure", "550", "ann@example.com"}},
		{name: "4xx until the attempts run out", attempts: 3, datas: 3,
			data:   func(context.Context, int) error { return smtpFail(421) },
			waits:  []time.Duration{time.Second, 2 * time.Second},
			logged: []string{"ERROR", "not sent", "giving up", "attempt=3", "421"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, serverConfig{mode: "plain", data: tt.data})
			c := newClock(false)
			q, l := newQueue(&SMTP{Addr: ts.addr, TLS: NoTLS, Timeout: 10 * time.Second}, c)
			q.Attempts = tt.attempts
			if err := q.Send(context.Background(), testMessage()); err != nil {
				t.Fatal(err)
			}
			if err := q.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := len(ts.messages()); n != tt.delivered {
				t.Errorf("delivered %d, want %d", n, tt.delivered)
			}
			if n := ts.dataCalls(); n != tt.datas {
				t.Errorf("%d DATA commands, want %d", n, tt.datas)
			}
			if w := c.recorded(); !slices.Equal(w, tt.waits) {
				t.Errorf("backoffs %v, want %v", w, tt.waits)
			}
			if tt.logged != nil && l.count(tt.logged...) == 0 {
				t.Errorf("no log line with %q in\n%q", tt.logged, l.lines())
			}
			if tt.delivered == 1 && l.count("ERROR") != 0 {
				t.Errorf("errors logged for a delivered message: %q", l.lines())
			}
		})
	}
}

// TestQueueSlowServer checks that a slow server never blocks Send: a
// full queue answers ErrQueueFull at once, and Close then delivers what
// waits.
func TestQueueSlowServer(t *testing.T) {
	entered := make(chan struct{}, 10)
	release := make(chan struct{})
	ts := startServer(t, serverConfig{mode: "plain", data: func(ctx context.Context, n int) error {
		entered <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}})
	q, l := newQueue(&SMTP{Addr: ts.addr, TLS: NoTLS, Timeout: 10 * time.Second}, newClock(false))
	q.Size = 1
	msg := func(i int) *Message {
		m := testMessage()
		m.Subject = fmt.Sprint("message ", i)
		return m
	}
	if err := q.Send(context.Background(), msg(1)); err != nil {
		t.Fatal(err)
	}
	<-entered // the worker is stuck in DATA with message 1
	if err := q.Send(context.Background(), msg(2)); err != nil {
		t.Fatalf("second Send: %v", err)
	}
	err := q.Send(context.Background(), msg(3))
	if !errors.Is(err, ErrQueueFull) {
		t.Fatalf("third Send: %v, want ErrQueueFull", err)
	}
	if l.count("ERROR", "not sent", "queue full", "message 3") != 1 {
		t.Errorf("the refused message is not logged: %q", l.lines())
	}
	close(release)
	if err := q.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, r := range ts.messages() {
		subjects = append(subjects, r.msg.Header.Get("Subject"))
	}
	if !slices.Equal(subjects, []string{"message 1", "message 2"}) {
		t.Errorf("delivered %q", subjects)
	}
}

// TestQueueCloseDelivers checks that Close sends every queued message
// before it returns, over several workers.
func TestQueueCloseDelivers(t *testing.T) {
	ts := startServer(t, serverConfig{mode: "plain"})
	q, l := newQueue(&SMTP{Addr: ts.addr, TLS: NoTLS, Timeout: 10 * time.Second}, newClock(false))
	q.Workers = 3
	const n = 12
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			m := testMessage()
			m.To = []string{fmt.Sprintf("user%d@example.com", i)}
			if err := q.Send(context.Background(), m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := q.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(ts.messages()); got != n {
		t.Errorf("delivered %d, want %d; logs %q", got, n, l.lines())
	}
	if err := q.Send(context.Background(), testMessage()); !errors.Is(err, ErrQueueClosed) {
		t.Errorf("Send after Close: %v, want ErrQueueClosed", err)
	}
	if l.count("ERROR", "not sent", "queue closed") != 1 {
		t.Errorf("the message sent after Close is not logged: %q", l.lines())
	}
}

// TestQueueCloseDeadline checks that a Close whose context ends logs every
// message it could not send: the one being sent, the one waiting for a
// retry and those still queued.
func TestQueueCloseDeadline(t *testing.T) {
	tests := []struct {
		name string
		// send blocks or fails; started gets a value once it is called
		send func(started chan<- struct{}) mailerFunc
		hold bool
	}{
		{name: "stuck in Send", send: func(started chan<- struct{}) mailerFunc {
			return func(ctx context.Context, m *Message) error {
				started <- struct{}{}
				<-ctx.Done()
				return ctx.Err()
			}
		}},
		{name: "waiting to retry", hold: true, send: func(started chan<- struct{}) mailerFunc {
			return func(ctx context.Context, m *Message) error {
				started <- struct{}{}
				return fmt.Errorf("%w: test", ErrTemporary)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			started := make(chan struct{}, 10)
			c := newClock(tt.hold)
			q, l := newQueue(tt.send(started), c)
			for i := range 3 {
				m := testMessage()
				m.Subject = fmt.Sprint("message ", i)
				if err := q.Send(context.Background(), m); err != nil {
					t.Fatal(err)
				}
			}
			<-started
			if tt.hold {
				<-c.waited
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err := q.Close(ctx)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Close: %v, want context.Canceled", err)
			}
			t.Log(err)
			for i := range 3 {
				if l.count("ERROR", "not sent", "queue closed", fmt.Sprint("message ", i)) != 1 {
					t.Errorf("message %d not logged once: %q", i, l.lines())
				}
			}
		})
	}
}

func TestQueueSend(t *testing.T) {
	t.Run("invalid message", func(t *testing.T) {
		var o Outbox
		q, _ := newQueue(&o, nil)
		m := testMessage()
		m.To = []string{"ann@example.com\r\nBcc: eve@example.com"}
		if err := q.Send(context.Background(), m); !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("Send: %v, want ErrInvalidMessage", err)
		}
		q.Close(context.Background())
		if n := len(o.Messages()); n != 0 {
			t.Errorf("%d messages sent", n)
		}
	})
	t.Run("no mailer", func(t *testing.T) {
		q := &Queue{}
		if err := q.Send(context.Background(), testMessage()); err == nil {
			t.Error("Send without a Mailer succeeded")
		}
	})
	t.Run("the request's context ending does not stop delivery", func(t *testing.T) {
		var o Outbox
		gate := make(chan struct{})
		q, _ := newQueue(mailerFunc(func(ctx context.Context, m *Message) error {
			<-gate
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if ctx.Value(ctxKey{}) != "request" {
				return errors.New("the context lost its values")
			}
			return o.Send(ctx, m)
		}), nil)
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "request"))
		m := testMessage()
		if err := q.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		cancel()
		m.Subject = "changed after Send"
		close(gate)
		if err := q.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := o.Messages()
		if len(got) != 1 || got[0].Subject != testMessage().Subject {
			t.Errorf("sent %+v", got)
		}
	})
	t.Run("close twice, close unused", func(t *testing.T) {
		q, _ := newQueue(&Outbox{}, nil)
		if err := q.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := q.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

type ctxKey struct{}
