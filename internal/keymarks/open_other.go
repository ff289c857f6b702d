//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package keymarks

import (
	"os"
	"time"
)

// Open returns ErrUnsupported on this system: callers go without the filter.
func Open(path string, like os.FileInfo, since time.Time) (*Filter, error) {
	return nil, ErrUnsupported
}
