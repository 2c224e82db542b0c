package engine

import (
	"context"

	"github.com/spindle-tui/spindle/model"
)

// A pool's side of its tasks' lives: the owner methods the lifecycle code
// calls (see owner). The caller holds Engine.mu, p.mu and the lock of the
// task's worker (lockLocked), or of every worker (Apply's lookup).

func (p *Pool) ownerName() string { return p.name }

// lockLocked takes p.mu and, for a worker's live record, that worker's lock.
func (p *Pool) lockLocked(t *task) func() {
	p.mu.Lock()
	w := t.pool.w
	if w == nil {
		return p.mu.Unlock
	}
	w.mu.Lock()
	return func() {
		w.mu.Unlock()
		p.mu.Unlock()
	}
}

// countLocked counts a worker's record in the worker's counters (the pool sums
// them), any other task in the pool's.
func (p *Pool) countLocked(t *task, s model.State) {
	c := &p.counts
	if w := t.pool.w; w != nil && t == &w.t {
		c = &w.counts
	}
	c[t.state]--
	c[s]++
}

func (p *Pool) unqueueLocked(t *task) { p.unqueueFutureLocked(t.pool.fut) }

func (p *Pool) releaseLocked(t *task) { p.abandonedLocked(t) }

// retireLocked settles t's future if its worker did not (halted while queued,
// abandoned) and keeps t in the pool's history.
func (p *Pool) retireLocked(t *task) {
	p.settleRetiredLocked(t)
	p.keepFinishedLocked(t)
}

func (p *Pool) fillLocked() { p.wakeLocked() }

func (p *Pool) forgetLocked(t *task) {
	p.forgetNumLocked(t.nid)
}

func (p *Pool) eachLiveLocked(fn func(*task)) {
	for _, w := range p.ws {
		if w.t.state.Live() {
			fn(&w.t)
		}
	}
}

// returnedLocked waits for t's future: a worker reuses its run record, so a
// pool run has no channel of its own, and its future settles once it ends.
func (p *Pool) returnedLocked(t *task) func(context.Context) error {
	fut := t.pool.fut
	return func(ctx context.Context) error {
		err := fut.Wait(ctx)
		if ctx.Err() != nil {
			return err
		}
		return nil
	}
}

// describe adds what pool work shows beyond a manager task: its type and parent.
func (p *Pool) describe(t *task, v *model.Task) {
	v.Type, v.Parent = t.pool.typ, t.pool.parentID
}
