package engine

import (
	"context"
	"sync/atomic"
	"time"
)

// poolCtx is the context of pool work. It keeps the values of the submitter's
// context (the lineage: pools bound there are found by the work and by what it
// submits) but not its cancellation or deadline; only the engine cancels it, on
// halt, kill, Close, or when the function returns. It is the lean equivalent of
// context.WithCancel(context.WithoutCancel(submitter's ctx)): no allocation and
// no registration with a parent until someone asks for Done. The first run's
// lives in its Future; a restart gets a new one.
//
// A worker reuses one run record for all its tasks, so a context that outlives
// its work (kept by a goroutine the work started) must stop leading to that
// record: Value hands out the run only until the run is finished (ctxFinished,
// set when the function returns). The first run's context also carries its
// Future's settling flags (futSettling, futSettled) in its flag word.
type poolCtx struct {
	// src leads to the submitter's context (values). Written before the
	// context is published (under the pool's lock) and never again: a restart
	// runs with a context of its own (Future.restartFrom).
	src  *jobSource
	r    *run                          // written once, when the run it belongs to starts
	done atomic.Pointer[chan struct{}] // made by the first Done
	// flags: ctxCancelled (the engine cancelled the work), ctxFinished (its
	// run is over: the worker's run record moves on), ctxClosed (done was
	// closed; whoever sets it closes it) and, in a Future's, its settling.
	flags atomic.Uint32
}

// The flags of a poolCtx.
const (
	ctxCancelled uint32 = 1 << iota
	ctxFinished
	ctxClosed
)

// closeDone closes done once, whoever calls it first.
func (c *poolCtx) closeDone(d chan struct{}) {
	for {
		old := c.flags.Load()
		if old&ctxClosed != 0 {
			return
		}
		if c.flags.CompareAndSwap(old, old|ctxClosed) {
			close(d)
			return
		}
	}
}

var _ context.Context = (*poolCtx)(nil)

// Deadline reports none: the submitter's deadline is not the work's.
func (c *poolCtx) Deadline() (time.Time, bool) { return time.Time{}, false }

// Done returns a channel closed once the engine cancels the work. It is made
// on first use, lock-free: cancel and Done each publish first and look second,
// so at least one of them sees the other and the closed flag picks who closes.
func (c *poolCtx) Done() <-chan struct{} {
	if d := c.done.Load(); d != nil {
		return *d
	}
	d := make(chan struct{})
	if !c.done.CompareAndSwap(nil, &d) {
		return *c.done.Load()
	}
	if c.flags.Load()&ctxCancelled != 0 {
		c.closeDone(d)
	}
	return d
}

// Err returns context.Canceled once the engine cancelled the work.
func (c *poolCtx) Err() error {
	if c.flags.Load()&ctxCancelled != 0 {
		return context.Canceled
	}
	return nil
}

// Value returns the work's run for runKey (nil once the run is over) and the
// submitter's values otherwise.
func (c *poolCtx) Value(key any) any {
	if key == (runKey{}) {
		if r := c.r; r != nil && c.flags.Load()&ctxFinished == 0 {
			return r
		}
		return nil
	}
	return c.src.values.Value(key)
}

// String names the context in panics and debug output.
func (c *poolCtx) String() string { return "engine.poolCtx" }

// cancel marks the context done; it is idempotent and cheap when no one asked
// for Done (the usual case for short work).
func (c *poolCtx) cancel() {
	if c.flags.Load()&ctxCancelled != 0 {
		return
	}
	c.end(ctxCancelled)
}

// finish marks the run over (and the context done): one atomic operation
// when no one asked for Done.
func (c *poolCtx) finish() { c.end(ctxCancelled | ctxFinished) }

// end sets flags and closes done if it was made.
func (c *poolCtx) end(flags uint32) {
	c.flags.Or(flags)
	if d := c.done.Load(); d != nil {
		c.closeDone(*d)
	}
}
