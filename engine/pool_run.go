package engine

import (
	"errors"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// One run of pool work on a worker's reused record: its launch, the end of a
// plain successful return and of everything else. The caller holds w.mu.

// launchLocked starts a run of queued work f on w at now (unix ns).
func (w *worker) launchLocked(f *Future, now int64) {
	p, t, j := w.p, &w.t, &w.job
	created := f.created
	if created == 0 { // taken at once: see submit
		created = now
	}
	src := f.source()
	name := src.name
	if name == "" {
		name = p.cfg.NamePrefix
	}
	t.nid, t.name, t.created, t.restarts, t.proc = f.nid, name, created, src.restarts, src.proc
	t.state = model.StateRunning
	j.fut, j.typ, j.parentID = f, src.typ, src.parentID
	w.counts[model.StateRunning]++
	pc := &f.ctx
	if pc.r != nil { // it ran before (a restart): that context is spent
		pc = &poolCtx{src: src}
	}
	w.startRunLocked(pc, now, src.log)
	p.e.markDirty()
}

// startRunLocked resets w's run record for a new run with context pc.
func (w *worker) startRunLocked(pc *poolCtx, now int64, log []model.LogLine) {
	r := &w.r
	pc.r = r
	r.gen++
	r.ctx = pc
	if r.flags.Load() != 0 {
		r.flags.Store(0)
	}
	if r.done.Load() != 0 || r.total.Load() != 0 {
		r.done.Store(0)
		r.total.Store(0)
	}
	r.started, r.ended, r.asked = now, 0, 0
	r.over, r.killed, r.abandoned, r.restart = false, false, false, false
	r.resume, r.killTimer = nil, nil
	r.errText, r.stack = "", ""
	if log != nil || r.haslog.Load() {
		r.logMu.Lock()
		r.log = log
		r.haslog.Store(len(log) > 0)
		r.logMu.Unlock()
	}
	w.cur = pc
}

// slowEndLocked reports whether the run that returned with o needs more than
// endLocked: a failure, a panic, or anything asked of it.
func (w *worker) slowEndLocked(o outcome) bool {
	r := &w.r
	return !o.returned || o.panicked || o.err != nil || r.abandoned || r.killed || r.restart ||
		r.killTimer != nil || r.flags.Load() != 0 || w.t.state != model.StateRunning
}

// endLocked accounts for a plain successful return and settles the future,
// returning its callbacks (to run after unlocking).
func (w *worker) endLocked(now int64) []func(error) {
	t, r := &w.t, &w.r
	r.over, r.ended = true, now
	t.state = model.StateDone
	w.counts[model.StateRunning]--
	w.counts[model.StateDone]++
	w.done++
	w.keepLocked()
	w.p.e.markDirty()
	if f := w.job.fut; w.cur == &f.ctx {
		return f.finishOK() // the first run: one atomic operation for both
	}
	w.cur.finish()
	return w.job.fut.settle(nil)
}

// endSlowLocked is endLocked for everything else: failures, panics, halts,
// kills, restarts and abandoned runs coming back. With mayRestart a restart
// asked of the run reruns the task in place (restarted). The caller holds
// Engine.mu, p.mu and w.mu.
func (w *worker) endSlowLocked(o outcome, now int64, mayRestart bool) (cbs []func(error), err error, restarted bool) {
	p, e := w.p, w.p.e
	t, r := &w.t, &w.r
	w.cur.finish()
	r.over, r.ended = true, now
	if r.killTimer != nil {
		r.killTimer.Stop()
	}
	if r.abandoned { // accounted for when it was abandoned
		p.stuck--
		e.leaked--
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" returned "+
			time.Duration(now-r.asked).Round(time.Millisecond).String()+
			" after being abandoned; no longer leaked")
		return nil, nil, false
	}
	final := e.settleLocked(t, r, o)
	if r.restart && !e.closing && mayRestart {
		t.restarts++
		r.logMu.Lock()
		log := r.log[:len(r.log):len(r.log)] // full slice: the next append copies
		r.logMu.Unlock()
		w.startRunLocked(&poolCtx{src: w.job.fut.source()}, now, log)
		e.setStateLocked(t, model.StateRunning)
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" restarted (restart "+itoa(int(t.restarts))+")")
		return nil, nil, true
	}
	e.setStateLocked(t, final)
	if final == model.StateHalted || final == model.StateKilled {
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" "+final.String())
	}
	if final == model.StateDone {
		w.done++
	} else {
		w.failed++
	}
	err = o.err
	if !o.returned {
		err = errors.New(r.errText)
	}
	cbs = w.job.fut.settle(err)
	w.keepLocked()
	return cbs, err, false
}
