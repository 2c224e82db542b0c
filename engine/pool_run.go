package engine

import (
	"errors"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/tail"
	"github.com/spindle-tui/spindle/model"
)

// One run of pool work on a worker's reused record: launch, the end of a plain
// successful return (under the worker's lock alone) and of everything else.

// launchLocked starts a run of queued work f on w at now (unix ns). The caller
// holds w.mu.
func (w *worker) launchLocked(f *Future, now int64) {
	t, j := &w.t, &w.job
	name, created := w.prefix, f.created
	if created == 0 { // taken at once: see SubmitNamed
		created = now
	}
	src := f.source()
	if src.name != "" {
		name = src.name
	}
	restarts, proc, parentID, log := src.restarts, src.proc, src.parentID, src.log
	t.nid, t.created, t.restarts, t.state = f.nid, created, restarts, model.StateRunning
	t.name, t.proc = name, proc
	j.fut, j.typ, j.parentID, j.restart = f, src.typ, parentID, src.restart
	w.counts[model.StateQueued]--
	w.counts[model.StateRunning]++
	pc := &f.ctx
	if pc.r != nil { // run before (a restart): that context is spent
		pc = &poolCtx{src: src}
	}
	w.startRunLocked(pc, now, log)
	w.p.e.markDirty()
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
	if r.resume != nil || r.killTimer != nil {
		r.resume, r.killTimer = nil, nil
	}
	if r.errText != "" || r.stack != "" {
		r.errText, r.stack = "", ""
	}
	if log != nil || r.haslog.Load() {
		r.logMu.Lock()
		r.log = tail.Continue(w.p.e.cfg.logLines, log)
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
		r.killTimer != nil || r.flags.Load() != 0 || w.t.state != model.StateRunning ||
		(w.job.restart != nil && w.job.restart.Policy == RestartAlways) // pool_restart.go
}

// endLocked accounts for a plain successful return under w.mu alone and
// settles the future, returning its callbacks (to run after unlocking).
func (w *worker) endLocked(now int64) []func(error) {
	t, r := &w.t, &w.r
	r.over, r.ended = true, now
	t.state = model.StateDone
	w.counts[model.StateRunning]--
	w.counts[model.StateDone]++
	w.done++
	w.retireLocked(now)
	w.p.e.markDirty()
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
		log := r.logTail(-1)
		w.startRunLocked(&poolCtx{src: w.job.fut.source()}, now, log)
		e.setStateLocked(t, model.StateRunning)
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" restarted (restart "+itoa(int(t.restarts))+")")
		return nil, nil, true
	}
	err = o.err
	if !o.returned {
		err = errors.New(r.errText)
	}
	if w.job.restart != nil { // pool_restart.go
		if final, err = w.policyLocked(final, err); final == model.StateBackoff {
			return nil, nil, false // the Future waits for the restarts
		}
	}
	e.setStateLocked(t, final)
	if final == model.StateHalted || final == model.StateKilled {
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" "+final.String())
	}
	switch final {
	case model.StateDone:
		w.done++
	case model.StateFailed, model.StateFatal:
		w.failed++
	default: // halted or killed: asked for, not a failure
		w.halted++
	}
	cbs = w.job.fut.settle(err)
	w.retireLocked(now)
	return cbs, err, false
}

// retireLocked copies w's task, just finished (or abandoned), into w's ring.
func (w *worker) retireLocked(at int64) {
	s := w.recent.Slot()
	if s == nil {
		return
	}
	t, r := &w.t, &w.r
	// Field by field, not as one struct value: a struct copy is a bulk move
	// with a write barrier on every pointer word while the collector runs,
	// and the pointers after fut (error, stack, log) are nil in the slot and
	// in the run for nearly all work, so they are written only when either
	// is not.
	s.fut, s.state, s.restarts, s.at, s.created = w.job.fut, t.state, t.restarts, at, t.created
	s.started, s.ended, s.asked, s.done, s.total = r.started, r.ended, r.asked, r.done.Load(), r.total.Load()
	if s.errText != "" || r.errText != "" || s.stack != "" || r.stack != "" {
		s.errText, s.stack = r.errText, r.stack
	}
	if r.haslog.Load() {
		s.log = r.logTail(-1)
	} else if s.log != nil {
		s.log = nil
	}
}
