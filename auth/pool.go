package auth

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"
)

// ErrBusy is returned when a password hash waited longer than its Pool's wait limit for a free
// slot. A view should answer 503 Service Unavailable with a Retry-After header (a few seconds)
// rather than queue more work.
var ErrBusy = errors.New("auth: password hashing is busy, try again shortly")

// DefaultPoolWait is how long a hash waits for a free slot before failing with ErrBusy.
const DefaultPoolWait = 2 * time.Second

// DefaultPoolSize is max(1, NumCPU-1): one core is left for the rest of the site, so that a burst of
// logins does not stall every page.
func DefaultPoolSize() int { return max(1, runtime.NumCPU()-1) }

// Pool bounds how many password hashes run at once. Hashing is deliberately slow (hundreds of
// milliseconds of CPU) and argon2 takes about 100 MiB per hash, so without a bound a burst of logins
// would take every core and as much memory as requests. A hash that finds every slot taken waits at
// most the pool's wait limit, then fails with ErrBusy. A Pool is safe for concurrent use.
type Pool struct {
	slots chan struct{}
	wait  time.Duration
	// timer starts the wait limit; tests replace it with one they fire themselves.
	timer func(time.Duration) (<-chan time.Time, func() bool)
}

// NewPool returns a pool running at most size hashes at once (size <= 0: DefaultPoolSize()) in which
// a hash waits at most wait for a slot (wait <= 0: DefaultPoolWait).
func NewPool(size int, wait time.Duration) *Pool {
	if size <= 0 {
		size = DefaultPoolSize()
	}
	if wait <= 0 {
		wait = DefaultPoolWait
	}
	return &Pool{slots: make(chan struct{}, size), wait: wait, timer: realTimer}
}

func realTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}

var defaultPool = sync.OnceValue(func() *Pool { return NewPool(0, 0) })

// DefaultPool returns the process-wide pool used by a Hashing without its own: DefaultPoolSize()
// slots, DefaultPoolWait.
func DefaultPool() *Pool { return defaultPool() }

// Size returns how many hashes the pool runs at once.
func (p *Pool) Size() int { return cap(p.slots) }

// Wait returns how long a hash waits for a slot before ErrBusy.
func (p *Pool) Wait() time.Duration { return p.wait }

// Do runs f in a slot of the pool. It fails without running f with ErrBusy if no slot freed within
// the wait limit, or with ctx's error if ctx ends first.
func (p *Pool) Do(ctx context.Context, f func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case p.slots <- struct{}{}:
	default:
		expired, stop := p.timer(p.wait)
		defer stop()
		select {
		case p.slots <- struct{}{}:
		case <-expired:
			return ErrBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-p.slots }()
	f()
	return nil
}
