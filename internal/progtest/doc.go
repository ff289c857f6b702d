// Package progtest runs a Go program for a test as a newcomer runs it: built
// with go build, started in an empty folder with ADDR naming a free loopback
// port, and stopped at the test's end. The example's tests run the quick
// start (example/quickstart) with it; Buffer is a log sink tests read while
// it is written.
package progtest
