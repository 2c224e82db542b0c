package engine

import (
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/ring"
	"github.com/spindle-tui/spindle/model"
)

// batchMax is the most queued work a worker claims from the shared queue at
// once (fewer when the queue is short: a fair share of it).
const batchMax = 64

// worker is one worker goroutine and everything its work needs, reused from
// one task to the next: the live task's record (task, run, pool job), the
// batch of queued work it has claimed, its share of the pool's counters and
// its ring of recently finished work.
//
// The hot path (finish a task, start the next one from the batch) takes only
// mu, which nobody else takes except with Pool.mu held (snapshots, Apply,
// pause, resize, close: rare), so workers do not contend with Submit or with
// each other. Pool.mu is taken once per batch.
type worker struct {
	p *Pool

	// mu guards everything below up to nbatch. The worker writes them holding
	// mu alone; anyone else holds Pool.mu and mu (see Pool.lockWorkersLocked).
	mu sync.Mutex
	// batch is the claimed work, oldest first from bhead: still queued (it shows
	// in snapshots and Apply finds it), handed back to the shared queue on
	// pause, abandon and exit, and stolen from by workers with none.
	batch       [batchMax]*Future
	bhead, blen int
	// slot: the worker holds one of the pool's MaxWorkers slots (Pool.busy
	// counts them); written with Pool.mu held as well.
	slot bool
	// recheck makes the worker go through Pool.mu before starting more work
	// (Resize shrank the pool: it may have to give its slot up).
	recheck bool
	prefix  string // the pool's NamePrefix, copied under Pool.mu
	t       task   // the live (or last) task
	r       run    // its run
	job     poolJob
	cur     *poolCtx // the context of the run in progress
	counts  model.StateCounts
	done    int64
	failed  int64
	halted  int64
	recent  ring.Ring[doneTask]

	// nbatch is blen as of the last claim, steal or hand-back, or 0 once the
	// batch is empty (popLocked), readable under Pool.mu alone: it can
	// overstate the batch by what the worker has started since, which only
	// wakes a worker that then finds the batch smaller (stealLocked reads
	// blen under the victim's lock). Counts shown to people come from counts.
	nbatch atomic.Int32

	// cancel is every run's run.cancel: one closure per worker.
	cancel func()
	// label numbers the worker within its pool (its LabelWorker, labels.go).
	label workerLabel
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
	w.label = p.takeLabelLocked()
	p.ws = append(p.ws, w)
	return w
}

// lockWorkersLocked locks every worker (the caller holds p.mu) and returns
// the unlock. Workers registered meanwhile (wakeLocked) are not locked.
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

// wakeLocked makes sure there is a worker on its way for each queued task a free
// slot can take.
func (p *Pool) wakeLocked() {
	if !p.picking() {
		return
	}
	for p.busy+p.starting < p.limit && p.queuedLocked() > p.starting {
		p.startWorkerLocked()
	}
}

// wakeOneLocked puts one worker on its way to take queued work: the caller has
// checked that a slot is free, work is queued and no worker is on its way
// already. Waking one at a time (each wakes the next, see nextLocked) keeps a
// burst of submissions from waking every parked worker, most of which would
// find nothing left to claim.
func (p *Pool) wakeOneLocked() {
	if p.picking() {
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

// broadcastLocked wakes every idle worker so that each looks again (stop, shrink).
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
// caller holds p.mu; nextLocked returns with w.mu held too when it returns
// work. waited reports whether it slept (the caller's clock reading is then
// stale).
func (p *Pool) nextLocked(w *worker) (f *Future, waited bool) {
	for {
		w.mu.Lock()
		w.recheck = false
		w.prefix = p.cfg.NamePrefix
		if w.slot && (p.busy > p.limit || !p.picking()) {
			w.slot = false
			p.busy--
		}
		if p.picking() && (w.slot || p.busy < p.limit) {
			if f = p.claimLocked(w); f != nil {
				if !w.slot {
					w.slot = true
					p.busy++
				}
				if p.starting == 0 && p.busy < p.limit && p.queuedLocked() > 0 {
					p.wakeOneLocked() // the next of a burst (see submit)
				}
				return f, waited
			}
		}
		if w.slot {
			w.slot = false
			p.busy--
		}
		handed := p.handBackLocked(w) // over the limit: what it claimed is for others
		w.mu.Unlock()
		if handed > 0 {
			p.wakeLocked()
		}
		// Not taking work (or not accepting more): a stopping pool lets w go,
		// since what is still queued is claimed by workers that will run it,
		// or waits in the shared queue for workers that hold a slot.
		if !p.accepting() {
			return nil, waited
		}
		if p.busy+p.idle+p.starting >= p.limit {
			return nil, waited
		}
		p.idle++
		p.cond.Wait()
		p.starting--
		waited = true
	}
}

// exitLocked lets a worker go: called with p.mu held, it takes the engine lock
// (quietLocked may record the pool stopped), folds the worker's counters and
// history into the pool's and releases both locks.
func (p *Pool) exitLocked(w *worker) {
	e := p.e
	p.mu.Unlock()
	e.mu.Lock()
	p.mu.Lock()
	w.mu.Lock()
	p.foldLocked(w)
	w.mu.Unlock()
	p.workers--
	p.wakeLocked() // for what it handed back, if anything
	p.quietLocked()
	p.mu.Unlock()
	e.mu.Unlock()
}

// foldLocked moves what w counted and keeps into the pool and unregisters w.
func (p *Pool) foldLocked(w *worker) {
	p.handBackLocked(w)
	if w.slot {
		w.slot = false
		p.busy--
	}
	p.done += w.done
	p.failed += w.failed
	p.halted += w.halted
	for s, n := range w.counts {
		p.counts[s] += n
	}
	switch {
	case w.recent.Len() == 0:
	case p.recent.Len() == 0: // w's ring becomes the pool's as it is
		p.recent, w.recent = w.recent, p.recent
	default:
		// Merge into a scratch kept by the pool, then refill w's ring (it is
		// going away) and keep that: workers exiting together allocate nothing.
		newest := p.foldScratch[:0]
		mergeNewest([]*ring.Ring[doneTask]{&p.recent, &w.recent}, p.e.cfg.history, func(d *doneTask) { newest = append(newest, *d) })
		merged := w.recent
		merged.Clear()
		for i := len(newest) - 1; i >= 0; i-- {
			merged.Push(newest[i])
		}
		clear(newest)
		p.foldScratch = newest[:0]
		p.recent, w.recent = merged, ring.Ring[doneTask]{}
	}
	p.ws = slices.DeleteFunc(p.ws, func(o *worker) bool { return o == w })
	p.labels = append(p.labels, w.label)
}

// work is a worker goroutine: it runs queued work until nextLocked lets it go.
// Between two tasks of its batch it takes only its own lock; the pool's lock
// once per batch, the engine's only for what is not a plain successful return.
func (p *Pool) work(w *worker) {
	e := p.e
	pprof.SetGoroutineLabels(w.label.ctx) // labels.go: per worker, not per task
	running := false                      // the function is executing: a deferred call means Goexit
	defer func() {
		if !running {
			return
		}
		w.cur.finish()
		e.mu.Lock() // this goroutine is going away: it cannot rerun the task
		p.mu.Lock()
		w.mu.Lock()
		cbs, err, _ := w.endSlowLocked(outcome{}, p.now(), false)
		p.foldLocked(w)
		w.mu.Unlock()
		p.workers--
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
			return
		}
		p.mu.Unlock() // w.mu (held) covers the launch: submitters need not wait for it
		if waited {
			now = p.now()
		}
		w.launchLocked(f, now)
		for { // w.mu held, a task launched
			ctx, fn := w.r.ctx, w.job.fut.fn // the worker's task record keeps no fn
			w.mu.Unlock()
			running = true
			o := call(ctx, fn)
			running = false
			now = p.now() // the end of this task, the start of the next
			w.mu.Lock()
			var (
				cbs []func(error)
				err error
			)
			if w.slowEndLocked(o) {
				w.cur.finish() // endLocked finishes it with the future
				w.mu.Unlock()
				e.mu.Lock()
				p.mu.Lock()
				w.mu.Lock()
				var restarted bool
				cbs, err, restarted = w.endSlowLocked(o, now, true)
				e.mu.Unlock()
				p.mu.Unlock()
				if restarted {
					continue
				}
			} else {
				cbs = w.endLocked(now)
			}
			if cbs != nil {
				w.mu.Unlock()
				runCallbacks(cbs, err)
				w.mu.Lock()
			}
			if !w.slot || w.recheck || w.blen == 0 {
				w.mu.Unlock()
				p.lockSpinning()
				break
			}
			w.launchLocked(w.popLocked(), now)
		}
	}
}

// now is the clock in unix nanoseconds, the way tasks store times. It reads
// only the monotonic clock (time.Since on a base with a monotonic reading), which
// costs half of time.Now, and adds it to the base's wall time.
func (p *Pool) now() int64 { return p.epochWall + int64(time.Since(p.epoch)) }
