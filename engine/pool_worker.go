package engine

import (
	"slices"
	"sync"

	"github.com/spindle-tui/spindle/engine/internal/ring"
	"github.com/spindle-tui/spindle/model"
)

// worker is one worker goroutine and what its work needs, reused from one task
// to the next: the live task's record (task, run, pool job), so running a task
// allocates nothing, and its share of the pool's counters and history.
//
// The worker writes its record under its own lock, mu, which nobody else takes
// without Pool.mu (snapshots, Apply, close: rare); Pool.mu it takes once per
// task, briefly, to take the next task from the queue. So the pool's lock is
// held for a few instructions at a time, and submitters hardly wait for it.
type worker struct {
	p *Pool

	// mu guards everything below. The worker writes it holding mu alone;
	// anyone else holds Pool.mu and mu (see Pool.lockWorkersLocked).
	mu sync.Mutex
	// slot: the worker holds one of the pool's MaxWorkers slots (Pool.busy
	// counts them); written with Pool.mu held as well.
	slot   bool
	t      task // the live (or last) task
	r      run  // its run
	job    poolJob
	cur    *poolCtx // the context of the run in progress
	counts model.StateCounts
	done   int64
	failed int64
	recent ring.Ring[doneTask]

	// cancel is every run's run.cancel: one closure per worker.
	cancel func()
}

// newWorkerLocked registers a worker; the caller starts its goroutine.
func (p *Pool) newWorkerLocked() *worker {
	w := &worker{p: p, recent: ring.New[doneTask](p.e.cfg.history)}
	w.t.state = model.StateDone // not live until its first launch
	w.cancel = func() { w.cur.cancel() }
	// What stays the same from one task to the next is written once.
	w.t.own, w.t.run, w.t.pool = p, &w.r, &w.job
	w.job.w = w
	w.r.e, w.r.t, w.r.cancel = p.e, &w.t, w.cancel
	p.ws = append(p.ws, w)
	return w
}

// lockWorkersLocked locks every worker (the caller holds p.mu) and returns
// the unlock.
func (p *Pool) lockWorkersLocked() (unlock func()) {
	ws := slices.Clone(p.ws)
	for _, w := range ws {
		w.mu.Lock()
	}
	return func() {
		for _, w := range ws {
			w.mu.Unlock()
		}
	}
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

// popLocked returns the next work for w with a slot held, or nil when there is
// none w may start now (its slot is then given up). The caller holds p.mu and
// w.mu.
func (p *Pool) popLocked(w *worker) *Future {
	if w.slot && (p.busy > p.limit || !p.picking()) {
		w.slot = false
		p.busy--
	}
	if !p.picking() || (!w.slot && p.busy >= p.limit) || p.q.Len() == 0 {
		if w.slot {
			w.slot = false
			p.busy--
		}
		return nil
	}
	if !w.slot {
		w.slot = true
		p.busy++
	}
	f := p.q.PopFront()
	p.counts[model.StateQueued]-- // counted by w from its launch on (see countLocked)
	if p.starting == 0 && p.busy < p.limit && p.q.Len() > 0 {
		// One worker wakes the next while work is left, so that a burst of
		// submissions wakes one worker, not every idle one.
		p.startWorkerLocked()
	}
	return f
}

// nextLocked is popLocked that waits while there is nothing to start, or
// returns nil when w should exit: the pool stopped (or is draining and the
// queue is empty), or it has enough workers without w. The caller holds p.mu
// and w.mu (given up while it waits). waited reports whether it slept (the
// caller's clock reading is then stale).
func (p *Pool) nextLocked(w *worker) (f *Future, waited bool) {
	for {
		if f = p.popLocked(w); f != nil {
			return f, waited
		}
		// A stopping pool lets w go (what is queued waits for workers that
		// hold a slot), so does a pool with workers enough.
		if !p.accepting() || p.busy+p.idle+p.starting >= p.limit {
			return nil, waited
		}
		p.idle++
		w.mu.Unlock()
		p.cond.Wait()
		w.mu.Lock()
		p.starting--
		waited = true
	}
}

// exitLocked lets a worker go: it folds w's counters and history into the
// pool's and unregisters it. The caller holds Engine.mu, p.mu and w.mu.
func (p *Pool) exitLocked(w *worker) {
	if w.slot {
		w.slot = false
		p.busy--
	}
	p.done += w.done
	p.failed += w.failed
	for s, n := range w.counts {
		p.counts[s] += n
	}
	w.counts = model.StateCounts{}
	if w.recent.Len() > 0 {
		merged := ring.New[doneTask](p.recent.Cap())
		entries := make([]doneTask, 0, p.recent.Cap())
		mergeNewest([]*ring.Ring[doneTask]{&p.recent, &w.recent}, p.recent.Cap(), func(d *doneTask) { entries = append(entries, *d) })
		for i := len(entries) - 1; i >= 0; i-- {
			merged.Push(entries[i])
		}
		p.recent, w.recent = merged, ring.Ring[doneTask]{}
	}
	p.ws = slices.DeleteFunc(p.ws, func(o *worker) bool { return o == w })
	p.workers--
	p.wakeLocked()
	p.quietLocked()
}

// work is a worker goroutine: it runs queued work until nextLocked lets it go.
// Per task it takes the pool's lock once, to pop the next task, and its own;
// the engine's only for what is not a plain successful return.
func (p *Pool) work(w *worker) {
	e := p.e
	running := false // the function is executing: a deferred call means Goexit
	defer func() {
		if !running {
			return
		}
		now := p.now() // this goroutine is going away: it cannot rerun the task
		e.mu.Lock()
		p.mu.Lock()
		w.mu.Lock()
		cbs, err, _ := w.endSlowLocked(outcome{}, now, false)
		p.exitLocked(w)
		w.mu.Unlock()
		p.mu.Unlock()
		e.mu.Unlock()
		runCallbacks(cbs, err)
	}()

	now := p.now()
	p.mu.Lock()
	p.starting--
	w.mu.Lock()
	for {
		// p.mu and w.mu held; w's record holds no live task.
		f, waited := p.nextLocked(w)
		if f == nil {
			p.quitLocked(w)
			return
		}
		p.mu.Unlock()
		if waited {
			now = p.now()
		}
		w.launchLocked(f, now)
		for f != nil { // w.mu held, f launched
			ctx, fn := w.r.ctx, f.fn
			w.mu.Unlock()
			running = true
			o := call(ctx, fn)
			running = false
			now = p.now() // the end of this task, the start of the next
			var (
				cbs []func(error)
				err error
			)
			p.mu.Lock()
			w.mu.Lock()
			if w.slowEndLocked(o) {
				w.mu.Unlock()
				p.mu.Unlock()
				e.mu.Lock() // the lock order: Engine.mu, Pool.mu, worker.mu
				p.mu.Lock()
				w.mu.Lock()
				var restarted bool
				cbs, err, restarted = w.endSlowLocked(o, now, true)
				e.mu.Unlock()
				if restarted {
					p.mu.Unlock()
					continue
				}
				f = nil
			} else if f = p.popLocked(w); f != nil {
				p.mu.Unlock() // the next is ours: end this one and start it under w.mu alone
				cbs = w.endLocked(now)
				w.launchLocked(f, now)
			} else {
				cbs = w.endLocked(now)
			}
			if cbs != nil { // OnDone callbacks: rare, and never under a lock
				if f == nil {
					p.mu.Unlock()
				}
				w.mu.Unlock()
				runCallbacks(cbs, err)
				if f == nil {
					p.mu.Lock()
				}
				w.mu.Lock()
			}
		}
	}
}

// quitLocked is the end of a worker that nextLocked let go: it takes the
// engine's lock (exitLocked may record the pool stopped), keeping the lock
// order, and releases every lock.
func (p *Pool) quitLocked(w *worker) {
	w.mu.Unlock()
	p.mu.Unlock()
	e := p.e
	e.mu.Lock()
	p.mu.Lock()
	w.mu.Lock()
	p.exitLocked(w)
	w.mu.Unlock()
	p.mu.Unlock()
	e.mu.Unlock()
}
