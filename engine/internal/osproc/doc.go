// Package osproc is the engine's OS-specific process code: starting a child as
// the leader of a process group (and session) of its own, signalling that
// group and what else descends from the child, waiting for the child without
// pinning an OS thread, reading the process table, and sampling CPU and
// resident memory.
//
// One file per OS family:
//   - Linux: the process becomes a child subreaper, so every descendant of a
//     child stays in its subtree and is found and reaped when the child ends;
//     children are waited for through pidfds on the runtime's poller; /proc is
//     read for the process table and the samples; a small watchdog kills what
//     is left if the process itself is SIGKILLed.
//   - macOS and FreeBSD: one kqueue (EVFILT_PROC) waits for every child; the
//     process table and the samples come from sysctl (kinfo_proc) and, on
//     macOS, proc_info. A descendant that left its child's process group is
//     out of reach there.
//   - Elsewhere (Windows, ...): Supported is false and Start returns
//     ErrUnsupported.
package osproc

import (
	"errors"
	"io"
	"runtime"
)

// ErrUnsupported is returned by Start (and List) where child processes are not
// supported.
var ErrUnsupported = errors.New("processes are not supported on " + runtime.GOOS)

// Spec is what Start runs.
type Spec struct {
	Argv   []string  // Argv[0] is looked up in $PATH
	Dir    string    // the working directory; empty: the caller's
	Env    []string  // "K=V", added to the caller's environment
	Stdout io.Writer // gets the child's standard output; nil discards it
	Stderr io.Writer // the same for standard error
}

// Usage is what one child and its descendants use: CPU as a percentage of one
// core since the previous sample, resident memory in bytes.
type Usage struct {
	CPU float64
	RSS int64
}

// Proc is one entry of the process table, as List returns it.
type Proc struct {
	Pid, Ppid, Pgid, Sid int
	State                byte // R, S, D, T (stopped), Z (zombie), as ps shows it
}
