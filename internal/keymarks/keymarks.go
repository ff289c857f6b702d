package keymarks

import (
	"errors"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// ErrUnsupported is what Open returns on systems without shared memory-mapped files.
var ErrUnsupported = errors.New("keymarks: shared memory-mapped files are not supported on this system")

// ErrNotAFilter is what Open returns for an existing file that is not a filter of this package (or of
// another layout version): it is left untouched.
var ErrNotAFilter = errors.New("keymarks: the file exists and is not a key filter: move it away or choose another path")

// File layout: a header of headerSize bytes (magic with the layout's version, a random secret that
// keys the hash, so that nobody outside the processes sharing the file can choose keys that share
// cells, and the time from which every value was marked), then cells uint32 cells, each the Unix
// second (rounded up) until which some key hashed to it may hold a value. A new layout gets a new
// magic and a new file name, so that processes of two layouts never map one file.
const (
	magic      = "fvkeys01"
	offSecret  = 8
	secretSize = 16
	offSince   = offSecret + secretSize // uint64 in the machine's byte order (atomics), Unix seconds
	headerSize = 64
	cells      = 1 << 18 // 1 MiB: 0.9% false "yes" per key with 20,000 live keys, 12% with 60,000
	probes     = 3
	fileSize   = headerSize + 4*cells
)

// Filter is an open filter file. Its methods are safe for concurrent use, by goroutines and by
// processes; after Close, Mark does nothing and MayHold answers true.
type Filter struct {
	mu     sync.RWMutex // held for reading while the mapping is used; Close takes it to unmap
	mem    []byte       // the mapping; nil once closed
	secret [secretSize]byte
	unmap  func([]byte) error
}

func newFilter(mem []byte, unmap func([]byte) error) *Filter {
	f := &Filter{mem: mem, unmap: unmap}
	copy(f.secret[:], mem[offSecret:])
	return f
}

// Since returns the time from which every value was marked, as the processes sharing the file say
// (the file's creation, or later: RaiseSince): a value stored before may be unknown to MayHold, so a
// caller whose values live at most d trusts MayHold's false once Since is d ago. After Close, the
// far future.
func (f *Filter) Since() time.Time {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.mem == nil {
		return time.Unix(1<<62, 0)
	}
	return time.Unix(int64(atomic.LoadUint64(f.sincePtr())), 0)
}

// RaiseSince moves Since forward to t, for every process sharing the file: what a process that
// stored values without marking them (it could not open the file then) says once it can.
func (f *Filter) RaiseSince(t time.Time) {
	v := ceilSeconds(t)
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.mem == nil {
		return
	}
	p := f.sincePtr()
	for old := atomic.LoadUint64(p); old < v && !atomic.CompareAndSwapUint64(p, old, v); old = atomic.LoadUint64(p) {
	}
}

// ceilSeconds returns t in Unix seconds, rounded up (a Since must not precede a value written in
// its second), and 0 before 1970.
func ceilSeconds(t time.Time) uint64 {
	sec := t.Unix()
	if t.Nanosecond() > 0 {
		sec++
	}
	return uint64(max(sec, 0))
}

// sincePtr points at the header's since field (8-byte aligned in the page-aligned mapping).
func (f *Filter) sincePtr() *uint64 { return (*uint64)(unsafe.Pointer(&f.mem[offSince])) }

// positions returns the cells of key.
func (f *Filter) positions(key string) [probes]uint32 {
	h := fnv.New64a()
	_, _ = h.Write(f.secret[:])
	_, _ = h.Write(unsafe.Slice(unsafe.StringData(key), len(key)))
	sum := h.Sum64()
	h1, h2 := uint32(sum), uint32(sum>>32)|1 // odd: the probes differ for any number of cells
	var p [probes]uint32
	for i := range p {
		p[i] = (h1 + uint32(i)*h2) % cells
	}
	return p
}

// cell returns a pointer to cell i of the mapping (aligned: the header is a multiple of 4 bytes and
// mmap returns page-aligned memory).
func (f *Filter) cell(i uint32) *uint32 {
	return (*uint32)(unsafe.Pointer(&f.mem[headerSize+4*int(i)]))
}

// Mark records that key may hold a value until until, for every process sharing the file. Call it
// before the write it covers, so that no process can see the value without the mark.
func (f *Filter) Mark(key string, until time.Time) {
	v := uint32(min(ceilSeconds(until), 1<<32-1)) // rounded up: the mark never ends before the value does
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.mem == nil {
		return
	}
	for _, i := range f.positions(key) {
		c := f.cell(i)
		for old := atomic.LoadUint32(c); old < v && !atomic.CompareAndSwapUint32(c, old, v); old = atomic.LoadUint32(c) {
		}
	}
}

// MayHold reports whether key may hold a value at now. False is certain when every write of key was
// marked with Mark, by any process sharing the file.
func (f *Filter) MayHold(key string, now time.Time) bool {
	sec := now.Unix()
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.mem == nil {
		return true
	}
	for _, i := range f.positions(key) {
		if int64(atomic.LoadUint32(f.cell(i))) <= sec {
			return false
		}
	}
	return true
}

// Close unmaps the file; the file itself stays for the other processes (and the next start). Safe to
// call more than once.
func (f *Filter) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.mem == nil {
		return nil
	}
	err := f.unmap(f.mem)
	f.mem = nil
	return err
}
