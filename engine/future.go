package engine

import (
	"context"
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
// one jobSource for a run of alike submissions.
//
// Settling is a flag in the first run's context (futSettled), the word the
// Future already has: a futureState is made only for an error, or when
// someone waits before the work has ended.
type Future struct {
	ctx     poolCtx // the first run's context; its source is the work's
	nid     uint64  // the task id as a number (formatTaskID)
	fn      Func
	created int64 // unix ns; 0: taken at once, the start time stands for it
	// st holds the waiters and the error: nil until someone waits or the
	// work fails. Its err is written before futSettled is set.
	st atomic.Pointer[futureState]
}

// The settling flags of a Future, in ctx.flags beside the context's own.
const (
	futSettling uint32 = 1 << (iota + 8) // an error is being written (settle won)
	futSettled                           // the result is final
)

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
	// restart is the work's restart policy (with defaults; nil: none), shared
	// by alike submissions; policy is its bookkeeping for one task, made when
	// the task first backs off and carried by its restarts' sources.
	restart *RestartSpec
	policy  *restarter
	queued  int64           // when a restart queued the work again (unix ns); 0: queued when submitted
	log     []model.LogLine // the log so far, for a restart
	// comparable: values' dynamic type is comparable (sameContext).
	comparable bool
}

// sameContext reports whether ctx is s's context, without comparing two
// interfaces whose dynamic type is not comparable (that panics). Once values'
// type is known to be comparable, == is safe whatever ctx is: interfaces of
// different dynamic types compare unequal without looking further, and
// interfaces of the same type compare as values of that (comparable) type.
func (s *jobSource) sameContext(ctx context.Context) bool {
	return s.comparable && s.values == ctx
}

// futureState is a Future's waiters and error. Guarded by mu, except err
// once the Future is settled.
type futureState struct {
	mu    sync.Mutex
	fired bool // the waiters were woken
	err   error
	val   any           // a Serial call's result (settleValue), written before settled
	done  chan struct{} // made by the first Wait that has to block
	cbs   []func(error)
	// restart is the source of a restarted task's next run (restartFrom),
	// guarded by the pool's lock.
	restart *jobSource
}

// ID returns the id of the task the future belongs to (for Apply).
func (f *Future) ID() model.TaskID { return formatTaskID(f.nid) }

// source is the work's source: the submission's, or the restart's (see
// restartFrom). The caller holds the pool's lock.
func (f *Future) source() *jobSource {
	if s := f.st.Load(); s != nil && s.restart != nil {
		return s.restart
	}
	return f.ctx.src
}

// restartFrom makes src (a copy of the source with the restarts and the log
// so far) the source of f's next run. The first run's context keeps its own,
// for what still holds it. The caller holds the pool's lock.
func (f *Future) restartFrom(src *jobSource) { f.waiter().restart = src }

// settled reports whether the result is final.
func (f *Future) settled() bool { return f.ctx.flags.Load()&futSettled != 0 }

// err is the result of a settled Future.
func (f *Future) err() error {
	if s := f.st.Load(); s != nil {
		return s.err
	}
	return nil
}

// waiter returns f's state for a waiter to register in, creating it.
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
	if f.settled() {
		return f.err()
	}
	// The waiter is published before settled is looked at, and settle sets
	// settled before it looks for a waiter: at least one sees the other.
	s := f.waiter()
	s.mu.Lock()
	if s.fired || f.settled() {
		s.mu.Unlock()
		return f.err()
	}
	if s.done == nil {
		s.done = make(chan struct{})
	}
	done := s.done
	s.mu.Unlock()
	select {
	case <-done:
		return f.err() // written before done was closed
	case <-ctx.Done():
		return errorf("wait for %s: %w", f.ID(), ctx.Err())
	}
}

// OnDone registers fn to be called once with the work's error when it ends. If
// it has already ended fn is called at once, in the caller's goroutine.
// Callbacks never run under the engine's or the pool's lock, so they may use the engine; they
// run in the goroutine that ended the work (a pool worker, usually) and should
// be quick, since the worker takes no new work until they return.
func (f *Future) OnDone(fn func(error)) {
	if f.settled() {
		fn(f.err())
		return
	}
	s := f.waiter()
	s.mu.Lock()
	if s.fired || f.settled() {
		s.mu.Unlock()
		fn(f.err())
		return
	}
	s.cbs = append(s.cbs, fn)
	s.mu.Unlock()
}

// settle resolves the future with err and returns the callbacks to run once no
// lock is held. Only the first call counts.
func (f *Future) settle(err error) []func(error) {
	flags := &f.ctx.flags
	claim := futSettled
	if err != nil {
		claim = futSettling // settled only once err is where readers look
	}
	for {
		old := flags.Load()
		if old&(futSettling|futSettled) != 0 {
			return nil
		}
		if flags.CompareAndSwap(old, old|claim) {
			break
		}
	}
	if err != nil {
		// Put err where readers look, then publish settled. A waiter may
		// register in the state between the two: fire wakes it.
		if !f.st.CompareAndSwap(nil, &futureState{err: err}) {
			s := f.st.Load()
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
		}
		flags.Or(futSettled)
	}
	return f.fire()
}

// fire wakes the waiters of a just settled f, if any, and returns the
// callbacks.
func (f *Future) fire() []func(error) {
	s := f.st.Load()
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fired {
		return nil
	}
	s.fired = true
	if s.done != nil {
		close(s.done)
	}
	cbs := s.cbs
	s.cbs = nil
	return cbs
}

// over reports whether the future has been settled (or is being).
func (f *Future) over() bool { return f.ctx.flags.Load()&(futSettling|futSettled) != 0 }

// asyncCalls runs callbacks that cannot run where their Future settled (the
// engine's locks are held there) on goroutines of their own, and counts them,
// so that Close waits for them too.
type asyncCalls struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to 0; nil while n is 0
}

// start runs fn on a goroutine of its own.
func (a *asyncCalls) start(fn func()) {
	a.mu.Lock()
	if a.n == 0 {
		a.idle = make(chan struct{})
	}
	a.n++
	a.mu.Unlock()
	go func() {
		defer a.finish()
		fn()
	}()
}

func (a *asyncCalls) finish() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.n--; a.n == 0 {
		close(a.idle)
		a.idle = nil
	}
}

// wait waits until no call is running or ctx is done, and reports how many
// were still running then.
func (a *asyncCalls) wait(ctx context.Context) int {
	for {
		a.mu.Lock()
		n, idle := a.n, a.idle
		a.mu.Unlock()
		if n == 0 {
			return 0
		}
		select {
		case <-idle:
		case <-ctx.Done():
			a.mu.Lock()
			defer a.mu.Unlock()
			return a.n
		}
	}
}

// runCallbacks calls every callback with err; it is called without the lock.
func runCallbacks(cbs []func(error), err error) {
	for _, fn := range cbs {
		fn(err)
	}
}
