//go:build !linux && !darwin && !freebsd

package osproc

import (
	"syscall"
	"time"
)

// Supported reports whether Start can run children here: not on this OS.
const Supported = false

// The signals the engine would send (and a task file may name), defined so
// that it builds; none is ever sent here, since Start fails first.
const (
	SIGKILL = syscall.Signal(9)
	SIGTERM = syscall.Signal(15)
	SIGSTOP = syscall.Signal(19)
	SIGCONT = syscall.Signal(18)
	SIGUSR1 = syscall.Signal(10)
	SIGUSR2 = syscall.Signal(12)
)

// SignalName returns sig's description.
func SignalName(sig syscall.Signal) string { return sig.String() }

// Tree is a started child; there is none on this OS.
type Tree struct{}

// Start returns ErrUnsupported.
func Start(Spec) (*Tree, error) { return nil, ErrUnsupported }

// Pid returns 0.
func (*Tree) Pid() int { return 0 }

// Signal reports false.
func (*Tree) Signal(syscall.Signal) bool { return false }

// Wait returns ErrUnsupported.
func (*Tree) Wait() error { return ErrUnsupported }

// ExitStatus returns -1 and no signal.
func (*Tree) ExitStatus() (int, string) { return -1, "" }

// Sampler samples nothing here.
type Sampler struct{}

// NewSampler returns a Sampler.
func NewSampler() *Sampler { return &Sampler{} }

// Sample returns no usage for any tree.
func (*Sampler) Sample(trees []*Tree, _ time.Time) []Usage { return make([]Usage, len(trees)) }

// List returns ErrUnsupported.
func List() ([]Proc, error) { return nil, ErrUnsupported }
