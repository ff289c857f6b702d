package templates

import (
	"errors"
	"io"
	"io/fs"
	"sort"
)

// unionFS overlays file systems: a file is taken from the first layer that
// has it, and a directory lists the entries of every layer that has it (the
// first layer wins a name). It is what lets a user's template directory
// shadow the embedded defaults file by file. It is only read while loading.
type unionFS []fs.FS

func (u unionFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	var (
		dirInfo fs.FileInfo
		entries []fs.DirEntry
		seen    map[string]bool
	)
	for _, layer := range u {
		info, err := fs.Stat(layer, name)
		if err != nil {
			continue
		}
		if !info.IsDir() {
			if dirInfo != nil {
				continue // a directory in an earlier layer shadows this file
			}
			return layer.Open(name)
		}
		if dirInfo == nil {
			dirInfo = info
			seen = make(map[string]bool)
		}
		list, err := fs.ReadDir(layer, name)
		if err != nil {
			return nil, err
		}
		for _, e := range list {
			if !seen[e.Name()] {
				seen[e.Name()] = true
				entries = append(entries, e)
			}
		}
	}
	if dirInfo == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return &unionDir{info: dirInfo, entries: entries}, nil
}

// unionDir is a merged directory listing.
type unionDir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	off     int
}

func (d *unionDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *unionDir) Close() error               { return nil }
func (d *unionDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: errors.New("is a directory")}
}

func (d *unionDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return rest[:n], nil
}
