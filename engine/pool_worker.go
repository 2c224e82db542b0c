package engine

import (
	"slices"

	"github.com/spindle-tui/spindle/model"
)

// worker is one worker goroutine and the record of the work it runs, reused
// from one task to the next: the live (or last) task, its run and its pool
// job, so that running a task allocates nothing. Everything in it is guarded
// by Pool.mu, except what its own goroutine reads while the function runs
// (the run's context and function), which only that goroutine writes.
type worker struct {
	p   *Pool
	t   task // the live (or last) task
	r   run  // its run
	job poolJob
	cur *poolCtx // the context of the run in progress
	// slot: the worker holds one of the pool's MaxWorkers slots (Pool.busy
	// counts them).
	slot bool
	// cancel is every run's run.cancel: one closure per worker.
	cancel func()
}

// newWorkerLocked registers a worker; the caller starts its goroutine.
func (p *Pool) newWorkerLocked() *worker {
	w := &worker{p: p}
	w.t.state = model.StateDone // not live until its first launch
	w.cancel = func() { w.cur.cancel() }
	// What stays the same from one task to the next is written once.
	w.t.own, w.t.run, w.t.pool = p, &w.r, &w.job
	w.job.w = w
	w.r.e, w.r.t, w.r.cancel = p.e, &w.t, w.cancel
	p.ws = append(p.ws, w)
	return w
}

// wakeLocked makes sure there is a worker on its way for each queued task a
// free slot can take.
func (p *Pool) wakeLocked() {
	if !p.picking() {
		return
	}
	for p.busy+p.starting < p.limit && p.q.Len() > p.starting {
		p.startWorkerLocked()
	}
}

// startWorkerLocked signals an idle worker, or spawns one, and counts it as
// starting.
func (p *Pool) startWorkerLocked() {
	p.starting++
	if p.idle > 0 {
		p.idle--
		p.cond.Signal()
		return
	}
	p.workers++
	go p.work(p.newWorkerLocked())
}

// broadcastLocked wakes every idle worker so that each looks again (stop,
// shrink).
func (p *Pool) broadcastLocked() {
	if p.idle > 0 {
		p.starting += p.idle
		p.idle = 0
		p.cond.Broadcast()
	}
}

// nextLocked returns the next work for w with a slot held, waiting while there
// is none it may start, or nil when w should exit: the pool stopped (or is
// draining and the queue is empty), or it has enough workers without w. The
// caller holds p.mu. waited reports whether it slept (the caller's clock
// reading is then stale).
func (p *Pool) nextLocked(w *worker) (f *Future, waited bool) {
	for {
		if w.slot && (p.busy > p.limit || !p.picking()) {
			w.slot = false
			p.busy--
		}
		if p.picking() && (w.slot || p.busy < p.limit) && p.q.Len() > 0 {
			f = p.q.PopFront()
			if !w.slot {
				w.slot = true
				p.busy++
			}
			if p.starting == 0 && p.busy < p.limit && p.q.Len() > 0 {
				// One worker wakes the next while work is left, so that a burst
				// of submissions wakes one worker, not every idle one.
				p.startWorkerLocked()
			}
			return f, waited
		}
		if w.slot {
			w.slot = false
			p.busy--
		}
		// Not taking work: a stopping pool lets w go (what is queued waits for
		// workers that hold a slot), so does a pool with workers enough.
		if !p.accepting() || p.busy+p.idle+p.starting >= p.limit {
			return nil, waited
		}
		p.idle++
		p.cond.Wait()
		p.starting--
		waited = true
	}
}

// work is a worker goroutine: it runs queued work until nextLocked lets it go.
// It takes the pool's lock once per task, between two tasks (the end of one
// and the start of the next), and the engine's only for what is not a plain
// successful return.
func (p *Pool) work(w *worker) {
	e := p.e
	running := false // the function is executing: a deferred call means Goexit
	defer func() {
		if !running {
			return
		}
		// This goroutine is going away: it cannot rerun the task.
		w.cur.finish()
		now := p.now()
		e.mu.Lock()
		p.mu.Lock()
		cbs, err, _ := w.endSlowLocked(outcome{}, now, false)
		p.exitLocked(w)
		p.wakeLocked()
		p.quietLocked()
		p.mu.Unlock()
		e.mu.Unlock()
		runCallbacks(cbs, err)
	}()

	now := p.now()
	p.mu.Lock()
	p.starting--
	for {
		f, waited := p.nextLocked(w)
		if f == nil {
			p.exitLocked(w)
			p.quietAfterExit()
			return
		}
		if waited {
			now = p.now()
		}
		w.launchLocked(f, now)
		for restarted := true; restarted; {
			ctx, fn := w.r.ctx, w.job.fut.fn // the worker's task record keeps no fn
			p.mu.Unlock()
			running = true
			o := call(ctx, fn)
			running = false
			now = p.now() // the end of this task, the start of the next
			var (
				cbs []func(error)
				err error
			)
			p.mu.Lock()
			if w.slowEndLocked(o) {
				p.mu.Unlock()
				e.mu.Lock() // the lock order: Engine.mu, then Pool.mu
				p.mu.Lock()
				cbs, err, restarted = w.endSlowLocked(o, now, true)
				e.mu.Unlock()
			} else {
				cbs, restarted = w.endLocked(now), false
			}
			if cbs != nil {
				p.mu.Unlock()
				runCallbacks(cbs, err)
				p.mu.Lock()
			}
		}
	}
}

// exitLocked unregisters w, which is going away, and frees its slot.
func (p *Pool) exitLocked(w *worker) {
	if w.slot {
		w.slot = false
		p.busy--
	}
	p.ws = slices.DeleteFunc(p.ws, func(o *worker) bool { return o == w })
	p.workers--
}

// quietAfterExit is the end of a worker that leaves with p.mu held: a pool
// that was draining may be stopped now, which is an event, so it takes the
// engine's lock (before p.mu, the lock order) and releases both.
func (p *Pool) quietAfterExit() {
	if p.state != model.PoolStopping {
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.e.mu.Lock()
	p.mu.Lock()
	p.wakeLocked()
	p.quietLocked()
	p.mu.Unlock()
	p.e.mu.Unlock()
}
