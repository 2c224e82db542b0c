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
// newTaskContext: no allocation and no registration with a parent until someone
// asks for Done. The first run's lives in its Future; a restart gets a new one.
//
// A worker reuses one run record for all its tasks, so a context that outlives
// its work (kept by a goroutine the work started) must stop leading to that
// record: Value hands out the run only while the run's current context is this
// one.
type poolCtx struct {
	values context.Context // the submitter's context
	r      *run            // written once, when the run it belongs to starts

	done      atomic.Pointer[chan struct{}] // made by the first Done
	cancelled atomic.Bool                   // the engine cancelled the work
	closed    atomic.Bool                   // done was closed (whoever wins this closes it)
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
	if c.cancelled.Load() && c.closed.CompareAndSwap(false, true) {
		close(d)
	}
	return d
}

// Err returns context.Canceled once the engine cancelled the work.
func (c *poolCtx) Err() error {
	if c.cancelled.Load() {
		return context.Canceled
	}
	return nil
}

// Value returns the work's run for runKey (nil once the run is over) and the
// submitter's values otherwise.
func (c *poolCtx) Value(key any) any {
	if key == (runKey{}) {
		if r := c.r; r != nil && r.pctx.Load() == c {
			return r
		}
		return nil
	}
	return c.values.Value(key)
}

// String names the context in panics and debug output.
func (c *poolCtx) String() string { return "engine.poolCtx" }

// cancel marks the context done; it is idempotent and cheap when no one asked
// for Done (the usual case for short work).
func (c *poolCtx) cancel() {
	if c.cancelled.Load() {
		return
	}
	c.cancelled.Store(true)
	if d := c.done.Load(); d != nil && c.closed.CompareAndSwap(false, true) {
		close(*d)
	}
}
