//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package keymarks

import (
	"crypto/rand"
	"fmt"
	"os"
	"syscall"
)

// Open maps the filter file at path, creating it (mode 0600, 512 KiB) when it does not exist. Several
// processes may open one file at the same time: the first one writes the header, under an exclusive
// flock. An existing file that is not a filter is refused with ErrNotAFilter and left as it is.
func Open(path string) (*Filter, error) {
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("keymarks: %w", err)
	}
	defer func() { _ = file.Close() }() // the mapping outlives the descriptor
	fd := int(file.Fd())
	if err := syscall.Flock(fd, syscall.LOCK_EX); err != nil {
		return nil, fmt.Errorf("keymarks: locking %s: %w", path, err)
	}
	defer func() { _ = syscall.Flock(fd, syscall.LOCK_UN) }()
	info, err := file.Stat()
	if err != nil {
		return nil, fmt.Errorf("keymarks: %w", err)
	}
	head := make([]byte, len(magic))
	n, _ := file.ReadAt(head, 0)
	ours := string(head[:n]) == magic
	switch {
	case info.Size() == fileSize && ours:
	case info.Size() == 0, ours: // new, or left half made by a process that stopped while creating it
		header := make([]byte, headerSize)
		copy(header, magic)
		_, _ = rand.Read(header[len(magic) : len(magic)+secretSize])
		if err := file.Truncate(0); err != nil {
			return nil, fmt.Errorf("keymarks: sizing %s: %w", path, err)
		}
		if _, err := file.WriteAt(header, 0); err != nil {
			return nil, fmt.Errorf("keymarks: writing %s: %w", path, err)
		}
		if err := file.Truncate(fileSize); err != nil {
			return nil, fmt.Errorf("keymarks: sizing %s: %w", path, err)
		}
	default:
		return nil, fmt.Errorf("%w: %s (%d bytes)", ErrNotAFilter, path, info.Size())
	}
	mem, err := syscall.Mmap(fd, 0, fileSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("keymarks: mapping %s: %w", path, err)
	}
	f := &Filter{mem: mem, unmap: syscall.Munmap}
	copy(f.secret[:], mem[len(magic):])
	return f, nil
}
