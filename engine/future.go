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
// holds what a worker needs to start it (the function, its id, its source) and
// the context of its first run, in 64 bytes, one cache line: the line the
// submitter writes and the worker reads is all that crosses between them per
// task. What submissions share (type, the submitter's values, name, parent) is
// one jobSource for a run of alike submissions. Settling takes no lock and,
// for a plain success, allocates nothing: a futureState is made only for an
// error or when someone waits before the work has ended.
type Future struct {
	ctx     poolCtx // the first run's context; its source is the work's
	nid     uint64  // the task id as a number (formatTaskID)
	fn      Func
	created int64 // unix ns; 0: taken at once, the start time stands for it
	// st is nil while pending with nobody waiting; futureOK once settled
	// with a nil error; else a futureState (waiters, or the error).
	st atomic.Pointer[futureState]
}

// jobSource is what a run of alike submissions shares (Pool.sourceLocked): the
// work's type, the submitter's context (its values), display name, parent
// task and process. A restart gets a copy of its own with its restarts and
// the log of the runs before.
type jobSource struct {
	typ      string
	values   context.Context
	name     string // empty: the pool's NamePrefix
	parentID model.TaskID
	proc     *process
	restarts int32
	log      []model.LogLine // the log so far, for a restart
}

// futureState is a Future's waiters and, once fired, its result.
type futureState struct {
	mu    sync.Mutex
	fired atomic.Bool // settled: err is final (written before fired)
	err   error
	done  chan struct{} // made by the first Wait that has to block
	cbs   []func(error)
}

// futureOK is the state of every Future settled with a nil error that nobody
// waited for: read-only, never locked.
var futureOK = func() *futureState {
	s := new(futureState)
	s.fired.Store(true)
	return s
}()

// ID returns the id of the task the future belongs to (for Apply).
func (f *Future) ID() model.TaskID { return formatTaskID(f.nid) }

// src is the work's source.
func (f *Future) src() *jobSource { return f.ctx.src.Load() }

// result returns the error and true once f has been settled.
func (f *Future) result() (error, bool) {
	if s := f.st.Load(); s != nil && s.fired.Load() {
		return s.err, true
	}
	return nil, false
}

// waiter returns f's state for a waiter to register in, creating it; it may
// turn out to be fired already.
func (f *Future) waiter() *futureState {
	if s := f.st.Load(); s != nil {
		return s
	}
	s := new(futureState)
	if f.st.CompareAndSwap(nil, s) {
		return s
	}
	return f.st.Load()
}

// Wait blocks until the work has ended, then returns its error, or until ctx is
// done and returns ctx's error. A task that waits for pool work should pass its
// own ctx so that halting it also ends the wait.
func (f *Future) Wait(ctx context.Context) error {
	if err, ok := f.result(); ok {
		return err
	}
	s := f.waiter()
	if s.fired.Load() { // never locks futureOK
		return s.err
	}
	s.mu.Lock()
	if s.fired.Load() {
		s.mu.Unlock()
		return s.err
	}
	if s.done == nil {
		s.done = make(chan struct{})
	}
	done := s.done
	s.mu.Unlock()
	select {
	case <-done:
		return s.err // written before done was closed
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
	if err, ok := f.result(); ok {
		fn(err)
		return
	}
	s := f.waiter()
	if s.fired.Load() {
		fn(s.err)
		return
	}
	s.mu.Lock()
	if s.fired.Load() {
		s.mu.Unlock()
		fn(s.err)
		return
	}
	s.cbs = append(s.cbs, fn)
	s.mu.Unlock()
}

// settle resolves the future with err and returns the callbacks to run once no
// lock is held. Only the first call counts. A plain success nobody waits for
// is one compare-and-swap.
func (f *Future) settle(err error) []func(error) {
	for {
		s := f.st.Load()
		if s == nil {
			final := futureOK
			if err != nil {
				final = &futureState{err: err}
				final.fired.Store(true)
			}
			if f.st.CompareAndSwap(nil, final) {
				return nil
			}
			continue // a waiter came first
		}
		if s.fired.Load() {
			return nil
		}
		s.mu.Lock()
		if s.fired.Load() {
			s.mu.Unlock()
			return nil
		}
		s.err = err
		s.fired.Store(true)
		if s.done != nil {
			close(s.done)
		}
		cbs := s.cbs
		s.cbs = nil
		s.mu.Unlock()
		return cbs
	}
}

// over reports whether the future has been settled.
func (f *Future) over() bool {
	_, ok := f.result()
	return ok
}

// runCallbacks calls every callback with err; it is called without the lock.
func runCallbacks(cbs []func(error), err error) {
	for _, fn := range cbs {
		fn(err)
	}
}
