//go:build ignore

// The Fiber v3 form of compat_fiber.go: internal/v3gen writes it in its place.

package fiberversion

// Major is the major version of Fiber this copy of the module is built on.
const Major = 3
