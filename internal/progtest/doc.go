// Package progtest runs a Go program for a test as a newcomer runs it: built
// with go build, started in an empty folder with ADDR naming a free loopback
// port, and stopped at the test's end. The example's tests run the quick
// start (example/quickstart) with it.
package progtest
