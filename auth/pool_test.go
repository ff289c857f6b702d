package auth

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingHasher encodes "counting$<iterations>" and counts the work HardenRuntime does.
type countingHasher struct {
	iterations int
	hardened   int
}

func (*countingHasher) Algorithm() string { return "counting" }
func (c *countingHasher) Encode(string) (string, error) {
	return "counting$" + strconv.Itoa(c.iterations), nil
}
func (*countingHasher) Verify(password, encoded string) (bool, error) {
	return password == "right", nil
}
func (c *countingHasher) MustUpdate(encoded string) bool {
	return encoded != "counting$"+strconv.Itoa(c.iterations)
}
func (c *countingHasher) HardenRuntime(_, encoded string) {
	n, _ := strconv.Atoi(strings.TrimPrefix(encoded, "counting$"))
	c.hardened += c.iterations - n
}

// blockingHasher's Encode and Verify tell started, then wait for release: the test decides when
// each hash ends.
type blockingHasher struct {
	started chan struct{}
	release chan struct{}
	running atomic.Int32
	most    atomic.Int32
}

func newBlockingHasher() *blockingHasher {
	return &blockingHasher{started: make(chan struct{}, 100), release: make(chan struct{})}
}

func (*blockingHasher) Algorithm() string { return "blocking" }
func (b *blockingHasher) work() {
	n := b.running.Add(1)
	for {
		m := b.most.Load()
		if n <= m || b.most.CompareAndSwap(m, n) {
			break
		}
	}
	b.started <- struct{}{}
	<-b.release
	b.running.Add(-1)
}
func (b *blockingHasher) Encode(string) (string, error) { b.work(); return "blocking$x", nil }
func (b *blockingHasher) Verify(p, _ string) (bool, error) {
	b.work()
	return p == "right", nil
}
func (*blockingHasher) MustUpdate(string) bool       { return false }
func (*blockingHasher) HardenRuntime(string, string) {}

// manualTimer replaces the pool's timer: the test fires the wait limit itself.
type manualTimer struct {
	started chan time.Duration
	fire    chan time.Time
}

func newManualTimer(p *Pool) *manualTimer {
	m := &manualTimer{started: make(chan time.Duration, 100), fire: make(chan time.Time)}
	p.timer = func(d time.Duration) (<-chan time.Time, func() bool) {
		m.started <- d
		return m.fire, func() bool { return true }
	}
	return m
}

func TestPoolDefaults(t *testing.T) {
	p := NewPool(0, 0)
	if p.Size() != DefaultPoolSize() || p.Size() < 1 || p.Wait() != DefaultPoolWait {
		t.Fatalf("size %d wait %v", p.Size(), p.Wait())
	}
	if a, b := DefaultPool(), DefaultPool(); a != b {
		t.Fatal("DefaultPool is not one pool")
	}
}

func TestPoolBoundsConcurrency(t *testing.T) {
	for _, size := range []int{1, 3} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			b := newBlockingHasher()
			p := NewPool(size, time.Hour)
			timers := newManualTimer(p)
			hs := &Hashing{Hashers: []Hasher{b}, Pool: p}
			const calls = 7
			errs := make(chan error, calls)
			for range calls {
				go func() {
					_, _, err := hs.CheckPassword(context.Background(), "right", "blocking$x")
					errs <- err
				}()
			}
			// size hashes start; the others wait (each starts its wait timer).
			for range size {
				<-b.started
			}
			for range calls - size {
				<-timers.started
			}
			if got := b.running.Load(); got != int32(size) {
				t.Fatalf("%d running, want %d", got, size)
			}
			// Release one at a time: each frees a slot for one waiter.
			for i := range calls {
				b.release <- struct{}{}
				if i+size < calls {
					<-b.started
				}
			}
			for range calls {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if most := b.most.Load(); most != int32(size) {
				t.Errorf("at most %d ran at once, want %d", most, size)
			}
		})
	}
}

func TestPoolBusyAndCancel(t *testing.T) {
	b := newBlockingHasher()
	p := NewPool(1, 5*time.Second)
	timers := newManualTimer(p)
	hs := &Hashing{Hashers: []Hasher{b}, Pool: p}
	ctx := context.Background()

	first := make(chan error, 1)
	go func() { _, err := hs.MakePassword(ctx, "x"); first <- err }()
	<-b.started

	// A waiter whose wait limit expires gets ErrBusy, without running its hash.
	busy := make(chan error, 1)
	go func() { _, _, err := hs.CheckPassword(ctx, "right", "blocking$x"); busy <- err }()
	if d := <-timers.started; d != 5*time.Second {
		t.Errorf("waited %v, want the pool's 5s", d)
	}
	timers.fire <- time.Time{}
	if err := <-busy; !errors.Is(err, ErrBusy) {
		t.Fatalf("got %v, want ErrBusy", err)
	}

	// A waiter whose context ends gets its error.
	cctx, cancel := context.WithCancel(ctx)
	cancelled := make(chan error, 1)
	go func() { _, err := hs.MakePassword(cctx, "x"); cancelled <- err }()
	<-timers.started
	cancel()
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	// An ended context does not even queue.
	if _, err := hs.MakePassword(cctx, "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}

	b.release <- struct{}{}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if n := b.most.Load(); n != 1 {
		t.Errorf("%d ran at once", n)
	}
	// The slot is free again: no wait, no timer.
	go func() { b.release <- struct{}{} }()
	if _, err := hs.MakePassword(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	<-b.started
	select {
	case <-timers.started:
		t.Error("a free slot started a wait")
	default:
	}
}

// TestPoolRealTimer checks the real timer path with a tiny wait (only that ErrBusy comes back).
func TestPoolRealTimer(t *testing.T) {
	b := newBlockingHasher()
	p := NewPool(1, time.Millisecond)
	hs := &Hashing{Hashers: []Hasher{b}, Pool: p}
	done := make(chan struct{})
	go func() { _, _ = hs.MakePassword(context.Background(), "x"); close(done) }()
	<-b.started
	if _, err := hs.MakePassword(context.Background(), "x"); !errors.Is(err, ErrBusy) {
		t.Fatalf("got %v, want ErrBusy", err)
	}
	b.release <- struct{}{}
	<-done
}
