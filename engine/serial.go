package engine

import (
	"context"
	"errors"
	"sync"

	"github.com/spindle-tui/spindle/model"
)

// CallFunc is work that hands back a result: a call of a Serial queue.
type CallFunc func(ctx context.Context) (any, error)

// Serial is a queue of calls that run one at a time, in the order they were
// made, each handing its result back to its caller (Fandango's
// WorkerProcess.command): a Manager with limit 1 that is always watching, so
// it shows, and is halted, paused and restarted, like any manager. Do blocks
// for a call's result; Go returns a Future at once. All methods are safe for
// concurrent use.
//
// A call that is halted before it runs, dropped by Close, or abandoned
// resolves with an error wrapping ErrHalted; one halted while it runs, with
// what its function returned (ErrHalted, from Checkpoint). A call restarted
// from the dashboard resolves when its last run ends.
type Serial struct {
	m *Manager
	n int // calls made, for their names; guarded by Engine.mu
}

// serialCall is one call: its Future and what its function returned.
type serialCall struct {
	fut *Future

	mu       sync.Mutex // the function writes, the end reads; an abandoned run may write late
	val      any
	err      error
	returned bool
}

// NewSerial registers a serial queue named name (a name already taken by a
// manager, pool or poller gets "-2", "-3" appended): a manager with limit 1,
// watching.
func (e *Engine) NewSerial(name string) *Serial {
	m := e.NewManager(name, 1)
	s := &Serial{m: m}
	e.mu.Lock()
	defer e.mu.Unlock()
	m.serial = true
	m.watching = true
	e.eventLocked(model.LevelInfo, nil, m.name, m.name+": serial queue")
	return s
}

// Name returns the queue's unique name, its manager's.
func (s *Serial) Name() string { return s.m.name }

// Manager returns the manager the calls run in.
func (s *Serial) Manager() *Manager { return s.m }

// Do queues fn and blocks until it has run, returning what it returned. If
// ctx is done first, the call is halted (taken out of the queue if it has not
// started) and Do returns ctx's error. Once Close has begun it returns an
// error wrapping ErrClosed.
func (s *Serial) Do(ctx context.Context, fn CallFunc) (any, error) {
	f := s.Go(fn)
	v, err := f.Result(ctx)
	if err != nil && !f.settled() {
		_ = s.m.e.Apply(context.WithoutCancel(ctx), model.Command{Op: model.OpHalt, Target: f.ID()})
	}
	return v, err
}

// Go queues fn and returns its Future at once; Future.Result gives what fn
// returned, Wait and OnDone its error. Once Close has begun the Future is
// resolved already, with an error wrapping ErrClosed; a nil fn resolves it with
// ErrNilFunc.
func (s *Serial) Go(fn CallFunc) *Future {
	c := &serialCall{fut: &Future{}}
	if fn == nil {
		c.fut.settle(errorf("serial %q: %w", s.m.name, ErrNilFunc))
		return c.fut
	}
	e := s.m.e
	e.mu.Lock()
	s.n++
	name := "call " + itoa(s.n)
	e.mu.Unlock()
	// append takes Engine.mu again, and puts the call in calls before it can start.
	_, err := s.m.append(name, c.run(fn), nil, nil, func(t *task) {
		c.fut.nid, _ = parseTaskID(t.id)
		s.m.whenEndedLocked(t, func(t *task) { s.endLocked(t, c) })
	})
	if err != nil {
		c.fut.settle(errorf("serial %q: %w", s.m.name, err))
	}
	return c.fut
}

// run wraps fn as the task's function, keeping what it returned.
func (c *serialCall) run(fn CallFunc) Func {
	return func(ctx context.Context) error {
		v, err := fn(ctx)
		c.mu.Lock()
		c.val, c.err, c.returned = v, err, true
		c.mu.Unlock()
		return err
	}
}

// endLocked resolves the Future of c, whose task t has ended for good. The
// caller holds Engine.mu: the callbacks run on goroutines of their own.
func (s *Serial) endLocked(t *task, c *serialCall) {
	c.mu.Lock()
	val, err, returned := c.val, c.err, c.returned
	c.mu.Unlock()
	switch {
	case t.state == model.StateAbandoned:
		val, err = nil, errorf("%s abandoned: it did not return: %w", quote(t), ErrHalted)
	case t.run == nil:
		err = errorf("%s %s before it ran: %w", quote(t), t.state, ErrHalted)
	case !returned && t.run.errText != "":
		err = errors.New(t.run.errText) // a panic or runtime.Goexit
	}
	if cbs := c.fut.settleValue(val, err); cbs != nil {
		s.m.e.callbacks.start(func() { runCallbacks(cbs, err) })
	}
}

// settleValue is settle for work that hands back a value.
func (f *Future) settleValue(v any, err error) []func(error) {
	if v != nil {
		st := f.waiter()
		st.mu.Lock()
		st.val = v
		st.mu.Unlock()
	}
	return f.settle(err)
}

// Result waits as Wait does and returns the work's value with its error: what
// a Serial call's function returned (nil for pool work, which returns none).
func (f *Future) Result(ctx context.Context) (any, error) {
	if err := f.Wait(ctx); err != nil && !f.settled() {
		return nil, err
	}
	st := f.st.Load()
	if st == nil {
		return nil, nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.val, st.err
}
