package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// rejectEvery is how often a pool records a rejection event at most; the ones
// in between are counted into the next event, so a flood of bad submissions
// does not push everything else out of the event ring.
const rejectEvery = time.Second

// Submit queues fn as work of type taskType, named after the pool's NamePrefix,
// and returns its Future. See SubmitNamed.
func (p *Pool) Submit(ctx context.Context, taskType string, fn Func, opts ...TaskOption) (*Future, error) {
	return p.SubmitNamed(ctx, "", taskType, fn, opts...)
}

// SubmitNamed queues fn as work of type taskType under a display name (empty:
// the pool's NamePrefix) and returns its Future. The work starts as soon as a
// worker is free, unless the pool is paused.
//
// ctx is the submitter's: the work's context keeps its values (so pools bound
// there are found by the work and what it submits) but not its cancellation,
// and the task it belongs to becomes the work's Parent.
//
// The one option pool work takes is WithRestart (see pool_restart.go): a
// failed run is queued again after its backoff, and the Future resolves once
// no more restarts will happen. Without it the pool's PoolConfig.Restart
// applies, if any. Any other option is an error wrapping errors.ErrUnsupported.
//
// It refuses work, counting it as rejected, with a *UnknownTaskError when
// taskType is not the pool's TaskType, an error wrapping ErrPoolStopped when the
// pool is not running or paused, and ErrClosed once the engine is closing.
func (p *Pool) SubmitNamed(ctx context.Context, name, taskType string, fn Func, opts ...TaskOption) (*Future, error) {
	return p.submit(ctx, name, taskType, fn, nil, opts)
}

// submit is SubmitNamed, for a process too (SubmitProcess). The Future, the
// one allocation, is made outside the lock; under it the work gets its id and
// its place in the queue, and a worker is woken only if a slot is free. Work
// without options costs nothing more for them than a length check.
func (p *Pool) submit(ctx context.Context, name, taskType string, fn Func, proc *process, opts []TaskOption) (*Future, error) {
	if fn == nil {
		return nil, ErrNilFunc
	}
	var (
		restart *RestartSpec
		own     bool // the submission says its policy: the pool's default does not apply
	)
	if len(opts) > 0 || proc != nil {
		var err error
		if restart, own, err = submitRestart(proc, opts); err != nil { // pool_restart.go
			return nil, errorf("submit %q to pool %q: %w", name, p.name, err)
		}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	f := &Future{fn: fn}
	var parentID model.TaskID
	if pr := runFrom(ctx); pr != nil {
		parentID = pr.t.ident()
	}
	p.lockSpinning()
	switch {
	case p.closing:
		return nil, p.reject(poolError(p.name, ErrClosed))
	case !p.accepting():
		return nil, p.reject(poolError(p.name, ErrPoolStopped))
	case p.cfg.TaskType != "" && taskType != p.cfg.TaskType:
		return nil, p.reject(&UnknownTaskError{TaskType: taskType, PoolType: p.cfg.TaskType, Pool: p.name})
	}
	if !own {
		restart = p.restart // nil unless the pool has a default policy
	}
	f.ctx.src = p.sourceLocked(ctx, name, taskType, parentID, proc, restart)
	f.nid = p.newIDLocked()
	// Work a worker takes at once gets its start time as its creation time
	// (launchLocked), which saves a clock reading per task when the pool keeps
	// up; work that will wait reads the clock now, or shares a recent reading
	// when it waits behind a long queue (queueStamp).
	free := p.picking() && p.busy+p.starting < p.limit
	if !free || p.q.Len() > 0 {
		f.created = p.stamp.timeLocked(p)
	}
	p.counts[model.StateQueued]++
	p.q.PushBack(f)
	p.submitted++
	p.e.markDirty()
	if free && p.starting == 0 {
		// One worker on its way is enough for a burst: each one that claims
		// work wakes the next while work is left (nextLocked).
		p.wakeOneLocked()
	}
	p.mu.Unlock()
	return f, nil
}

// sourceLocked returns the source of a submission: the last one's when they
// are alike (a process is never shared), so that a run of alike submissions
// costs one jobSource, not one each.
func (p *Pool) sourceLocked(ctx context.Context, name, taskType string, parentID model.TaskID, proc *process, restart *RestartSpec) *jobSource {
	if s := p.lastSrc; s != nil && proc == nil && s.proc == nil && s.sameContext(ctx) &&
		s.typ == taskType && s.name == name && s.parentID == parentID && sameRestart(s.restart, restart) {
		return s
	}
	s := &jobSource{typ: taskType, values: ctx, name: name, parentID: parentID, proc: proc, restart: restart}
	// Comparing two interfaces panics when their dynamic type is not
	// comparable (a context that is a struct holding a slice); contexts are
	// pointers nearly always.
	s.comparable = reflect.TypeOf(ctx).Comparable()
	p.lastSrc = s
	return s
}

// reject is Submit's refusal: called with p.mu held, it releases it, takes the
// engine lock (for the event) and p.mu again, counts the rejection and returns
// err with both locks released.
func (p *Pool) reject(err error) error {
	p.mu.Unlock()
	e := p.e
	e.mu.Lock()
	p.mu.Lock()
	err = p.rejectLocked(err)
	p.mu.Unlock()
	e.mu.Unlock()
	return err
}

// rejectLocked counts a refused submission and records an event about it, at
// most one per rejectEvery (with the count of those in between). It returns err.
// The caller holds Engine.mu and p.mu.
func (p *Pool) rejectLocked(err error) error {
	p.rejected++
	now := p.now()
	e := p.e
	e.markDirty()
	if now-p.rejectedAt < int64(rejectEvery) {
		p.rejectedQuiet++
		return err
	}
	text := "pool " + p.name + ": rejected: " + err.Error()
	if p.rejectedQuiet > 0 {
		text += fmt.Sprintf(" (and %d more since the last report)", p.rejectedQuiet)
	}
	p.rejectedAt, p.rejectedQuiet = now, 0
	e.eventLocked(model.LevelWarn, nil, p.name, text)
	return err
}

// errNotRun is the error of work dropped when its pool was closed.
var errNotRun = errors.New("dropped before it ran")

// dropQueueLocked halts every queued task of the pool without running it,
// settling the futures; the callbacks are returned to run after unlocking.
// Dropped tasks are counted, not kept in the history ring. The caller holds
// Engine.mu, p.mu and every worker's lock.
func (p *Pool) dropQueueLocked() (n int, calls []func()) {
	for _, w := range p.ws {
		p.handBackLocked(w)
	}
	p.q.Each(func(f *Future) bool {
		p.counts[model.StateQueued]--
		p.counts[model.StateHalted]++
		p.halted++
		err := errorf("%s %q %w: %w", f.ID(), p.nameOf(f), errNotRun, ErrHalted)
		if cbs := f.settle(err); cbs != nil {
			calls = append(calls, func() { runCallbacks(cbs, err) })
		}
		n++
		return true
	})
	p.q.Reset()
	p.e.markDirty()
	return n, calls
}

// nameOf is the display name of queued work f.
func (p *Pool) nameOf(f *Future) string {
	if n := f.source().name; n != "" {
		return n
	}
	return p.cfg.NamePrefix
}
