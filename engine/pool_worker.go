package engine

import (
	"errors"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// Worker bookkeeping, all under Pool.mu. A worker goroutine is always in one
// of these places: holding the lock in its loop; running a function (its task
// holds a slot in g.live); idle (counted in idle, waiting on cond); starting
// (spawned or signalled, counted in starting, not yet back under the lock); or
// stuck in a run that was abandoned (counted in stuck). wakeLocked hands queued
// work to idle workers first and spawns new ones only for what is left, so the
// pool never has more than MaxWorkers goroutines that are not stuck.

// worker is one worker goroutine's state.
type worker struct {
	p *Pool
	// cur is the context of the run in progress; written under Pool.mu by the
	// worker, read by cancel (always called under Pool.mu, on a live run).
	cur *poolCtx
	// cancel is every run's run.cancel: one closure per worker instead of one
	// per task.
	cancel func()
}

// wakeLocked makes sure there is a worker on its way for each queued task a free
// slot can take: it signals idle workers first, then spawns.
func (p *Pool) wakeLocked() {
	if !p.picking() {
		return
	}
	for p.g.queued > p.starting && len(p.g.live)+p.starting < p.g.limit {
		p.starting++
		if p.idle > 0 {
			p.idle--
			p.cond.Signal()
			continue
		}
		p.workers++
		go p.work()
	}
}

// broadcastLocked wakes every idle worker so that each looks again (stop, shrink).
func (p *Pool) broadcastLocked() {
	if p.idle > 0 {
		p.starting += p.idle
		p.idle = 0
		p.cond.Broadcast()
	}
}

// nextLocked returns the next task for a worker, waiting while there is none it
// may start, or nil when the worker should exit: the pool stopped (or is
// draining and the queue is empty), or the pool has enough workers without it.
// waited reports whether it slept (the caller's clock reading is then stale).
func (p *Pool) nextLocked() (t *task, waited bool) {
	g := &p.g
	for {
		if p.picking() && g.queued > 0 && len(g.live) < g.limit {
			t = g.queue.popFront()
			g.queued--
			return t, waited
		}
		if !p.accepting() && (p.state != model.PoolStopping || g.queued == 0) {
			return nil, waited
		}
		if len(g.live)+p.idle+p.starting >= g.limit {
			return nil, waited
		}
		p.idle++
		p.cond.Wait()
		p.starting--
		waited = true
	}
}

// work is a worker goroutine: it takes queued work and runs it until nextLocked
// lets it go. Finishing one task and taking the next happen in one critical
// section of the pool's lock (the engine's lock is taken only for what is not
// a plain successful return), and everything it can allocate it allocates
// outside the lock.
func (p *Pool) work() {
	e := p.e
	w := &worker{p: p}
	w.cancel = func() { w.cur.cancel() }
	var (
		t       *task
		r       *run
		running bool // t's function is executing: a deferred call means Goexit
	)
	defer func() {
		if !running {
			return
		}
		w.cur.cancel()
		e.mu.Lock() // no spare run below: this goroutine is going away, it cannot rerun t
		p.mu.Lock()
		cbs, err, _ := p.endSlowLocked(w, t, r, outcome{}, p.now(), nil)
		p.workers--
		p.wakeLocked()
		p.quietLocked()
		p.mu.Unlock()
		e.mu.Unlock()
		runCallbacks(cbs, err)
	}()

	spare := new(poolRun)
	now := p.now()
	p.mu.Lock()
	p.starting--
	for {
		var waited bool
		if t, waited = p.nextLocked(); t == nil {
			p.exitLocked()
			return
		}
		if waited {
			now = p.now()
		}
		r = p.launchLocked(w, t, spare, now)
		p.mu.Unlock()

		for {
			running = true
			o := call(r.ctx, t.fn)
			running = false
			w.cur.cancel()
			spare = new(poolRun)
			now = p.now()
			p.mu.Lock()
			cbs, err, next := p.endLocked(w, t, r, o, now, spare)
			if cbs != nil {
				p.mu.Unlock()
				runCallbacks(cbs, err)
				p.mu.Lock()
			}
			if next == nil {
				break
			}
			r, spare = next, new(poolRun) // a restart in place: same task, same slot
			p.mu.Unlock()
		}
	}
}

// exitLocked lets a worker go: called with p.mu held, it takes the engine lock
// (quietLocked may record the pool stopped) and releases both.
func (p *Pool) exitLocked() {
	e := p.e
	p.mu.Unlock()
	e.mu.Lock()
	p.mu.Lock()
	p.workers--
	p.quietLocked()
	p.mu.Unlock()
	e.mu.Unlock()
}

// launchLocked starts a run of t on worker w, in pr, at now (unix ns).
func (p *Pool) launchLocked(w *worker, t *task, pr *poolRun, now int64) *run {
	e := p.e
	r := &pr.r
	r.e, r.t, r.started = e, t, now
	if t.created == 0 { // taken at once: see SubmitNamed
		t.created = now
	}
	pr.c.values, pr.c.r = t.pool.parent, r
	r.ctx, r.cancel = &pr.c, w.cancel
	w.cur = &pr.c
	if prev := t.run; prev != nil { // a restart: the detail pane keeps the log
		prev.logMu.Lock()
		r.log = prev.log[:len(prev.log):len(prev.log)]
		prev.logMu.Unlock()
	}
	t.run = r
	e.setStateLocked(t, model.StateRunning)
	p.g.occupy(t, r)
	return r
}

// endLocked accounts for a returned function, as Engine.finish does for manager
// work, and settles the task's future (returning its callbacks, to be run after
// unlocking). When a restart was asked it launches the next run in the same slot
// on w (in spare) and returns it. It is called with p.mu held and returns with
// it held: a plain successful return, nothing asked of the run, is accounted
// under p.mu alone; anything else takes the slow path under the engine lock too.
func (p *Pool) endLocked(w *worker, t *task, r *run, o outcome, now int64, spare *poolRun) (cbs []func(error), err error, next *run) {
	if !o.returned || o.panicked || o.err != nil || r.abandoned || r.killed || r.restart ||
		r.killTimer != nil || r.flags.Load() != 0 {
		e := p.e
		p.mu.Unlock()
		e.mu.Lock()
		p.mu.Lock()
		cbs, err, next = p.endSlowLocked(w, t, r, o, now, spare)
		e.mu.Unlock()
		return cbs, err, next
	}
	r.over = true
	r.ended = now
	p.e.setStateLocked(t, model.StateDone)
	p.g.release(t)
	p.done++
	cbs = t.pool.fut.resolveLocked(nil)
	p.retireLocked(t)
	return cbs, nil, nil
}

// endSlowLocked is endLocked for everything but a plain successful return:
// failures, panics, halts, kills, restarts and abandoned runs coming back. The
// caller holds Engine.mu and p.mu.
func (p *Pool) endSlowLocked(w *worker, t *task, r *run, o outcome, now int64, spare *poolRun) (cbs []func(error), err error, next *run) {
	e := p.e
	r.over = true
	r.ended = now
	if r.killTimer != nil {
		r.killTimer.Stop()
	}
	if r.abandoned {
		p.stuck--
		e.leaked--
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" returned "+
			time.Duration(now-r.asked).Round(time.Millisecond).String()+
			" after being abandoned; no longer leaked")
		return nil, nil, nil
	}
	final := e.settleLocked(t, r, o)
	if r.restart && !e.closing && spare != nil {
		t.restarts++
		next = p.launchRestartLocked(w, t, r, spare, now)
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" restarted (restart "+itoa(int(t.restarts))+")")
		return nil, nil, next
	}
	e.setStateLocked(t, final)
	if final == model.StateHalted || final == model.StateKilled {
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" "+final.String())
	}
	p.g.release(t)
	if final == model.StateDone {
		p.done++
	} else {
		p.failed++
	}
	err = o.err
	if !o.returned {
		err = errors.New(r.errText)
	}
	cbs = t.pool.fut.resolveLocked(err)
	e.retireLocked(t)
	return cbs, err, nil
}

// retireLocked puts finished work in the pool's history ring (what
// Engine.retireLocked does for manager work, which calls it for pool work). A
// task evicted from the ring is forgotten but stays in the counters.
func (p *Pool) retireLocked(t *task) {
	if old := p.recent.push(t); old != nil {
		old.run, old.fn = nil, nil // its log and closure can go
	}
}

// launchRestartLocked reruns t on w: its slot passes from run r to the next.
func (p *Pool) launchRestartLocked(w *worker, t *task, r *run, pr *poolRun, now int64) *run {
	p.g.release(t)
	return p.launchLocked(w, t, pr, now)
}

// now is the clock in unix nanoseconds, the way tasks store times. It reads
// only the monotonic clock (time.Since on a base with a monotonic reading), which
// costs half of time.Now, and adds it to the base's wall time.
func (p *Pool) now() int64 { return p.epochWall + int64(time.Since(p.epoch)) }
