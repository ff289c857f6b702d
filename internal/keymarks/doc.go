// Package keymarks keeps a small filter of storage keys in a memory-mapped file, shared at once by
// every process that opens the same file: a Bloom filter whose cells hold expiry times instead of
// bits. A caller marks a key with the time until which it may hold a value (Mark); later any process
// asks whether the key may hold one at a given time (MayHold). "No" is certain for a key every write
// of which was marked; "yes" may be wrong (another key shares the key's cells), and then the caller
// reads the storage as it would without the filter. Package session puts one beside a SQLite file so
// that the login throttle of views/security need not read its counters when nobody failed to log in.
//
// The file is created whole (1 MiB), with the permissions of the file it serves, and never changes
// size, so that a full disk fails at Open rather than at a write to the mapping. On systems other
// than Linux, macOS and the BSDs Open returns ErrUnsupported and callers go without the filter.
package keymarks
