// Package fiberversion tells which major version of Fiber this copy of the
// module is built on, for the few tests whose answer differs between them
// (Fiber v3 answers 501 to an unknown method where v2 answers 400, ...). The
// module for Fiber v3 (fiberv3/) is generated from this source by
// internal/v3gen, which writes compat_fiber3.go in place of compat_fiber.go.
package fiberversion
