//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package keymarks

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Open maps the filter file at path, creating it when it does not exist. Several processes may open
// one file at the same time: the first one writes it, whole, under an exclusive flock, so that a
// full disk fails here and not at a later write to the mapping. A new file gets the permissions of
// like (and, for a process running as root, its owner), as SQLite gives its "-shm" file those of the
// database, so that every user who can write the database can open the filter; with like nil, 0600.
// A new file records since as the time from which every value was marked (Since): the caller's
// word, which is now unless it knows that nothing was stored before. An existing file that is not a
// filter of this layout is refused with ErrNotAFilter and left as it is.
func Open(path string, like os.FileInfo, since time.Time) (*Filter, error) {
	perm := os.FileMode(0o600)
	if like != nil {
		perm = like.Mode().Perm()
	}
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, perm)
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
	case info.Size() == 0 || ours && info.Size() < fileSize: // new, or left half made
		if err := create(file, like, since); err != nil {
			_ = file.Truncate(0) // a full disk: leave it no fuller
			return nil, fmt.Errorf("keymarks: creating %s: %w", path, err)
		}
	default:
		return nil, fmt.Errorf("%w: %s (%d bytes)", ErrNotAFilter, path, info.Size())
	}
	mem, err := syscall.Mmap(fd, 0, fileSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("keymarks: mapping %s: %w", path, err)
	}
	return newFilter(mem, syscall.Munmap), nil
}

// create writes a whole new filter into file: its header (magic, secret, since), then zero cells.
func create(file *os.File, like os.FileInfo, since time.Time) error {
	if like != nil {
		// The mode regardless of the umask; the owner only when running as root (others cannot).
		if err := file.Chmod(like.Mode().Perm()); err != nil {
			return err
		}
		if st, ok := like.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 {
			if err := file.Chown(int(st.Uid), int(st.Gid)); err != nil {
				return err
			}
		}
	}
	buf := make([]byte, fileSize)
	copy(buf, magic)
	_, _ = rand.Read(buf[offSecret : offSecret+secretSize])
	binary.NativeEndian.PutUint64(buf[offSince:], ceilSeconds(since)) // read by native atomics
	if err := file.Truncate(0); err != nil {
		return err
	}
	if _, err := file.WriteAt(buf, 0); err != nil {
		return err
	}
	return file.Sync()
}
