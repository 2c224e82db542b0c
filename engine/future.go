package engine

import (
	"context"
	"fmt"

	"github.com/spindle-tui/spindle/model"
)

// Future is the result of work submitted to a Pool (Fandango's WorkerThread
// callbacks, Python's concurrent.futures). It resolves once, when the work ends
// for good: with what the function returned (a panic as an error), or with an
// error wrapping ErrHalted when the work never ran (halted while queued, dropped
// by Close) or was abandoned. A restarted task does not resolve it again.
//
// Its fields are guarded by its pool's lock (Pool.mu), which resolving holds
// anyway.
type Future struct {
	j    *poolJob
	done chan struct{} // made by the first Wait that has to block
	err  error
	cbs  []func(error)
	over bool
}

// ID returns the id of the task the future belongs to (for Apply).
func (f *Future) ID() model.TaskID { return f.j.t.id }

// Wait blocks until the work has ended, then returns its error, or until ctx is
// done and returns ctx's error. A task that waits for pool work should pass its
// own ctx so that halting it also ends the wait.
func (f *Future) Wait(ctx context.Context) error {
	p := f.j.t.grp.pool
	p.mu.Lock()
	if f.over {
		err := f.err
		p.mu.Unlock()
		return err
	}
	if f.done == nil {
		f.done = make(chan struct{})
	}
	done := f.done
	p.mu.Unlock()
	select {
	case <-done:
		return f.err // written before done was closed
	case <-ctx.Done():
		return fmt.Errorf("engine: wait for %s: %w", f.j.t.id, ctx.Err())
	}
}

// OnDone registers fn to be called once with the work's error when it ends. If
// it has already ended fn is called at once, in the caller's goroutine.
// Callbacks never run under the engine's or the pool's lock, so they may use the engine; they
// run in the goroutine that ended the work (a pool worker, usually) and should
// be quick, since the worker takes no new work until they return.
func (f *Future) OnDone(fn func(error)) {
	p := f.j.t.grp.pool
	p.mu.Lock()
	if f.over {
		err := f.err
		p.mu.Unlock()
		fn(err)
		return
	}
	f.cbs = append(f.cbs, fn)
	p.mu.Unlock()
}

// resolveLocked settles the future and returns the callbacks to run once the
// pool's lock is released. Only the first call counts.
func (f *Future) resolveLocked(err error) []func(error) {
	if f.over {
		return nil
	}
	f.over, f.err = true, err
	if f.done != nil {
		close(f.done)
	}
	cbs := f.cbs
	f.cbs = nil
	return cbs
}

// runCallbacks calls every callback with err; it is called without the lock.
func runCallbacks(cbs []func(error), err error) {
	for _, fn := range cbs {
		fn(err)
	}
}
