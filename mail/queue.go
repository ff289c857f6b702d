package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

var (
	// ErrQueueFull is returned by [Queue.Send] when Size messages are
	// already waiting; the message is logged and not sent.
	ErrQueueFull = errors.New("mail: queue full")

	// ErrQueueClosed is returned by [Queue.Send] after [Queue.Close].
	ErrQueueClosed = errors.New("mail: queue closed")
)

// Queue is a Mailer that sends off the request path: Send puts a copy of
// the message in a bounded queue and returns at once, and Workers
// goroutines hand each message to Mailer, retrying failures that wrap
// [ErrTemporary] with exponential backoff. A message that is not sent in
// the end is logged, never dropped silently.
//
// Set the fields before the first Send and do not change them after; the
// workers start with the first Send. Call Close when the site stops.
type Queue struct {
	Mailer   Mailer        // delivers each message, such as an *SMTP
	Size     int           // messages waiting at most; 0 means 100
	Workers  int           // messages sent at once; 0 means 1
	Attempts int           // tries per message; 0 means 4
	Backoff  time.Duration // wait before the second try, doubled before each next (up to an hour); 0 means 2s
	Logger   *slog.Logger  // nil means slog.Default()

	// after waits for backoffs; nil means time.After. Tests set it.
	after func(time.Duration) <-chan time.Time

	once   sync.Once
	mu     sync.RWMutex // guards closed against Send's channel send
	closed bool
	jobs   chan job
	stop   context.Context // done when Close gives up waiting
	cancel context.CancelFunc
	wg     sync.WaitGroup

	lostMu sync.Mutex
	lost   int // messages not sent because Close gave up
}

type job struct {
	ctx context.Context // Send's, without its cancellation
	m   *Message
}

func (q *Queue) start() {
	q.once.Do(func() {
		size, workers := q.Size, q.Workers
		if size <= 0 {
			size = 100
		}
		if workers <= 0 {
			workers = 1
		}
		q.jobs = make(chan job, size)
		q.stop, q.cancel = context.WithCancel(context.Background())
		for range workers {
			q.wg.Add(1)
			go q.work()
		}
	})
}

func (q *Queue) logger() *slog.Logger {
	if q.Logger != nil {
		return q.Logger
	}
	return slog.Default()
}

// Send queues a copy of m and returns without waiting for it to be sent.
// It returns an error wrapping [ErrInvalidMessage], [ErrQueueFull] or
// [ErrQueueClosed] if m is not queued. Cancelling ctx once Send has
// returned does not stop the delivery; ctx's values are kept.
func (q *Queue) Send(ctx context.Context, m *Message) error {
	if err := m.check(); err != nil {
		return err
	}
	if q.Mailer == nil {
		return errors.New("mail: Queue.Mailer is nil; set it to the mailer that delivers, such as an *SMTP")
	}
	q.start()
	j := job{ctx: context.WithoutCancel(ctx), m: m.clone()}
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		q.notSent(ctx, j.m, "queue closed", ErrQueueClosed)
		return fmt.Errorf("%w: the message was not sent; send before Close", ErrQueueClosed)
	}
	select {
	case q.jobs <- j:
		return nil
	default:
		err := fmt.Errorf("%w: %d messages waiting; raise Queue.Size or Queue.Workers, or check the mail server",
			ErrQueueFull, cap(q.jobs))
		q.notSent(ctx, j.m, "queue full", err)
		return err
	}
}

// Close stops accepting messages and waits until those queued are sent or
// have failed. If ctx ends first, it cancels the deliveries under way,
// logs each message not sent, and returns an error wrapping ctx.Err().
func (q *Queue) Close(ctx context.Context) error {
	q.start()
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.jobs)
	}
	q.mu.Unlock()

	done := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	q.cancel()
	<-done // the workers now log what is left without sending it
	q.lostMu.Lock()
	n := q.lost
	q.lostMu.Unlock()
	return fmt.Errorf("mail: queue closed with %d messages not sent (logged): %w", n, ctx.Err())
}

func (q *Queue) work() {
	defer q.wg.Done()
	for j := range q.jobs {
		q.deliver(j)
	}
}

// deliver sends j's message, retrying temporary failures, and logs the
// outcome of a failure.
func (q *Queue) deliver(j job) {
	attempts, backoff := q.Attempts, q.Backoff
	if attempts <= 0 {
		attempts = 4
	}
	if backoff <= 0 {
		backoff = 2 * time.Second
	}
	after := q.after
	if after == nil {
		after = time.After
	}
	ctx, cancel := context.WithCancel(j.ctx)
	defer cancel()
	defer context.AfterFunc(q.stop, cancel)()

	stopped := func() bool { return q.stop.Err() != nil || ctx.Err() != nil }
	var err error
	for attempt := 1; ; attempt++ {
		if stopped() {
			q.lose(j, err)
			return
		}
		err = q.Mailer.Send(ctx, j.m)
		switch {
		case err == nil:
			return
		case stopped():
			q.lose(j, err)
			return
		case !errors.Is(err, ErrTemporary):
			q.notSent(j.ctx, j.m, "permanent failure, not retried", err, slog.Int("attempt", attempt))
			return
		case attempt >= attempts:
			q.notSent(j.ctx, j.m, "temporary failures, giving up", err, slog.Int("attempt", attempt))
			return
		}
		wait := backoff << (attempt - 1)
		if wait > time.Hour || wait <= 0 {
			wait = time.Hour
		}
		q.logger().LogAttrs(j.ctx, slog.LevelWarn, "mail: send failed, will retry",
			slog.Any("to", j.m.recipients()), slog.String("subject", j.m.Subject),
			slog.Int("attempt", attempt), slog.Duration("retry_in", wait), slog.Any("error", err))
		select {
		case <-after(wait):
		case <-ctx.Done():
		case <-q.stop.Done():
		}
	}
}

// lose logs a message that Close gave up on.
func (q *Queue) lose(j job, last error) {
	q.lostMu.Lock()
	q.lost++
	q.lostMu.Unlock()
	err := errors.New("mail: Close's deadline passed before it was sent")
	if last != nil {
		err = fmt.Errorf("%w; last error: %w", err, last)
	}
	q.notSent(j.ctx, j.m, "queue closed", err)
}

func (q *Queue) notSent(ctx context.Context, m *Message, why string, err error, attrs ...slog.Attr) {
	attrs = append([]slog.Attr{
		slog.Any("to", m.recipients()), slog.String("subject", m.Subject),
		slog.String("reason", why), slog.Any("error", err),
	}, attrs...)
	q.logger().LogAttrs(ctx, slog.LevelError, "mail: message not sent", attrs...)
}
