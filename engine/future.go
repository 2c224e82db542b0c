package engine

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/spindle-tui/spindle/model"
)

// Future is the result of work submitted to a Pool (Fandango's WorkerThread
// callbacks, Python's concurrent.futures). It resolves once, when the work ends
// for good: with what the function returned (a panic as an error), or with an
// error wrapping ErrHalted when the work never ran (halted while queued, dropped
// by Close) or was abandoned. A restarted task does not resolve it again.
//
// A Future is also the queued form of its work: the one allocation Submit makes
// holds what a worker needs to start it (the function, the submitter's values,
// its id and type) and the context of its first run, so a long queue is one
// pointer per task plus this. Settling takes no lock: a waiter (Wait blocking,
// OnDone) is created only when someone asks before the work has ended.
type Future struct {
	nid     uint64  // the task id as a number (formatTaskID)
	typ     *string // shared by the pool's work of one type (Pool.typeLocked)
	fn      Func
	created int64     // unix ns; 0: taken at once, the start time stands for it
	x       *jobExtra // the rarely set parts; nil when all are defaults
	ctx     poolCtx   // the first run's context (its values are the submitter's)

	// settled is futurePending, futureSettling (err being written) or
	// futureSettled (err may be read).
	settled atomic.Uint32
	err     error
	w       atomic.Pointer[futureWait]
}

// jobExtra is what only some pool work has: a display name of its own, a parent
// task, a process, or restarts (with the log of the runs before).
type jobExtra struct {
	name     string // empty: the pool's NamePrefix
	parentID model.TaskID
	proc     *process
	restarts int32
	log      []model.LogLine // the log so far, for a restart
}

// The settled states of a Future.
const (
	futurePending uint32 = iota
	futureSettling
	futureSettled
)

// futureWait is what waiters of an unsettled Future share: the channel Wait
// blocks on (made by the first that has to block) and the OnDone callbacks.
type futureWait struct {
	mu    sync.Mutex
	fired bool // settle took the callbacks and closed done
	done  chan struct{}
	cbs   []func(error)
}

// ID returns the id of the task the future belongs to (for Apply).
func (f *Future) ID() model.TaskID { return formatTaskID(f.nid) }

// waiter returns f's waiter, creating it.
func (f *Future) waiter() *futureWait {
	if w := f.w.Load(); w != nil {
		return w
	}
	w := new(futureWait)
	if f.w.CompareAndSwap(nil, w) {
		return w
	}
	return f.w.Load()
}

// Wait blocks until the work has ended, then returns its error, or until ctx is
// done and returns ctx's error. A task that waits for pool work should pass its
// own ctx so that halting it also ends the wait.
func (f *Future) Wait(ctx context.Context) error {
	if f.settled.Load() == futureSettled {
		return f.err
	}
	w := f.waiter()
	w.mu.Lock()
	// settle publishes settled before it looks for a waiter; we published the
	// waiter before looking at settled: at least one of us sees the other.
	if w.fired || f.settled.Load() == futureSettled {
		w.mu.Unlock()
		return f.err // fired is set only once settled is
	}
	if w.done == nil {
		w.done = make(chan struct{})
	}
	done := w.done
	w.mu.Unlock()
	select {
	case <-done:
		return f.err // written before done was closed
	case <-ctx.Done():
		return fmt.Errorf("engine: wait for %s: %w", f.ID(), ctx.Err())
	}
}

// OnDone registers fn to be called once with the work's error when it ends. If
// it has already ended fn is called at once, in the caller's goroutine.
// Callbacks never run under the engine's or the pool's lock, so they may use the engine; they
// run in the goroutine that ended the work (a pool worker, usually) and should
// be quick, since the worker takes no new work until they return.
func (f *Future) OnDone(fn func(error)) {
	if f.settled.Load() == futureSettled {
		fn(f.err)
		return
	}
	w := f.waiter()
	w.mu.Lock()
	if w.fired || f.settled.Load() == futureSettled {
		w.mu.Unlock()
		fn(f.err)
		return
	}
	w.cbs = append(w.cbs, fn)
	w.mu.Unlock()
}

// settle resolves the future with err and returns the callbacks to run once no
// lock is held. Only the first call counts. It takes no lock unless someone is
// waiting.
func (f *Future) settle(err error) []func(error) {
	if !f.settled.CompareAndSwap(futurePending, futureSettling) {
		return nil
	}
	f.err = err
	f.settled.Store(futureSettled)
	w := f.w.Load()
	if w == nil {
		return nil
	}
	w.mu.Lock()
	w.fired = true
	if w.done != nil {
		close(w.done)
	}
	cbs := w.cbs
	w.cbs = nil
	w.mu.Unlock()
	return cbs
}

// over reports whether the future has been settled (or is being).
func (f *Future) over() bool { return f.settled.Load() != futurePending }

// runCallbacks calls every callback with err; it is called without the lock.
func runCallbacks(cbs []func(error), err error) {
	for _, fn := range cbs {
		fn(err)
	}
}
