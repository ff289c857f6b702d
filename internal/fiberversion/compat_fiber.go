package fiberversion

// Major is the major version of Fiber this copy of the module is built on.
const Major = 2
