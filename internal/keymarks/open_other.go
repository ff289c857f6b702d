//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package keymarks

// Open returns ErrUnsupported on this system: callers go without the filter.
func Open(path string) (*Filter, error) { return nil, ErrUnsupported }
