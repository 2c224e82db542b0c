package engine

import (
	"context"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/ring"
	"github.com/spindle-tui/spindle/model"
)

// A pool's side of its tasks' lives: the owner methods the lifecycle code
// calls (see owner). The caller holds Engine.mu, p.mu and the lock of the
// task's worker (lockLocked), or of every worker (Apply's lookup).

func (p *Pool) ownerName() string { return p.name }

// lockLocked takes p.mu and, for a worker's live record, that worker's lock;
// for any other task (queued, in backoff or finished, rebuilt for a command),
// every worker's, as Apply's lookup does.
func (p *Pool) lockLocked(t *task) func() {
	p.mu.Lock()
	w := t.pool.w
	if w == nil {
		unlock := p.lockWorkersLocked()
		return func() {
			unlock()
			p.mu.Unlock()
		}
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
	v.From = originOf(t.pool.fut.source())
}

// settleRetiredLocked settles the future of work that ends without its worker
// returning from it: halted while queued, or abandoned. (A worker settles its
// own runs first, so this is then a no-op.) The callbacks run on a goroutine
// of their own, since the locks are held here (Engine.mu and the pool's).
func (p *Pool) settleRetiredLocked(t *task) {
	j := t.pool
	if j.fut.over() {
		return
	}
	p.halted++ // halted while queued, or abandoned: asked for, not a failure
	var err error
	switch {
	case j.retrying: // halted or killed in its backoff (pool_restart.go)
		err = haltedInBackoff(t, j.lastErr)
	case t.state == model.StateAbandoned:
		err = errorf("%s abandoned: it did not return: %w", quote(t), ErrHalted)
	default:
		err = errorf("%s %s before it ran: %w", quote(t), t.state, ErrHalted)
	}
	if cbs := j.fut.settle(err); cbs != nil {
		p.e.callbacks.start(func() { runCallbacks(cbs, err) })
	}
}

// unqueueFutureLocked takes queued work f out of its batch or the shared
// queue. The caller holds p.mu and every worker's lock.
func (p *Pool) unqueueFutureLocked(f *Future) {
	for _, w := range p.ws {
		if w.removeQueuedLocked(f) {
			return
		}
	}
	p.q.Remove(f)
}

// requeueLocked puts finished (or abandoned) work t back at the head of the
// queue (see owner): its future is its queue entry again, with its restarts
// and log so far. The caller holds p.mu and every worker's lock.
func (p *Pool) requeueLocked(t *task) {
	p.forgetNumLocked(t.nid)
	f := t.pool.fut
	src := *f.source()
	src.restarts, src.proc, src.queued = t.restarts, t.proc, time.Now().UnixNano()
	if t.policy != nil { // its restart bookkeeping, from its backoff (pool_restart.go)
		src.policy = t.policy
	}
	if r := t.run; r != nil {
		src.log = r.logTail(-1)
	}
	f.restartFrom(&src)
	p.q.PushFront(f)
	p.wakeLocked()
}

// forgetNumLocked takes finished work with numeric id nid out of the pool's
// history. The caller holds p.mu and every worker's lock.
func (p *Pool) forgetNumLocked(nid uint64) {
	for _, r := range p.ringsLocked() {
		if i := r.Index(func(d *doneTask) bool { return d.fut.nid == nid }); i >= 0 {
			r.Remove(i)
			p.e.markDirty()
			return
		}
	}
}

// keepFinishedLocked puts t, finished, into the pool's history: the ring of
// the worker whose record it is, or the pool's own. The caller holds p.mu and
// t's worker's lock.
func (p *Pool) keepFinishedLocked(t *task) {
	if w := t.pool.w; w != nil && t == &w.t {
		w.retireLocked(p.now())
		return
	}
	d := doneTask{fut: t.pool.fut, state: t.state, restarts: t.restarts, at: p.now(), created: t.created}
	if r := t.run; r != nil {
		d.started, d.ended, d.asked, d.errText, d.stack = r.started, r.ended, r.asked, r.errText, r.stack
		d.log = r.logTail(-1)
	}
	p.recent.Push(d)
}

// ringsLocked returns the pool's history rings: its own and each worker's.
func (p *Pool) ringsLocked() []*ring.Ring[doneTask] {
	rings := make([]*ring.Ring[doneTask], 0, len(p.ws)+1)
	rings = append(rings, &p.recent)
	for _, w := range p.ws {
		rings = append(rings, &w.recent)
	}
	return rings
}

// haltLiveLocked halts every live task of the pool not already halting. The
// caller holds Engine.mu, p.mu and every worker's lock.
func (p *Pool) haltLiveLocked() int {
	n, _ := p.e.haltOwnerLocked(p, nil)
	return n
}

// abandonedLocked frees the slot of abandoned work t: its worker is stuck in
// it (counted in stuck until it returns) and its batch goes back to the
// queue. The caller holds p.mu and the worker's lock.
func (p *Pool) abandonedLocked(t *task) {
	w := t.pool.w
	if w.slot {
		w.slot = false
		p.busy--
	}
	p.stuck++
	p.handBackLocked(w)
}

// removeQueuedLocked takes f out of the batch and reports whether it was there.
func (w *worker) removeQueuedLocked(f *Future) bool {
	for i := range w.blen {
		if w.batch[(w.bhead+i)%batchMax] != f {
			continue
		}
		for j := i; j < w.blen-1; j++ {
			w.batch[(w.bhead+j)%batchMax] = w.batch[(w.bhead+j+1)%batchMax]
		}
		w.batch[(w.bhead+w.blen-1)%batchMax] = nil
		w.blen--
		w.nbatch.Store(int32(w.blen))
		return true
	}
	return false
}
