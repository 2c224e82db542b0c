package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// task is one unit of work for its whole life, across restarts. A queued task is
// only this struct (plus its map entry and queue slot), so a million queued tasks
// stay small; everything a run needs lives in run, allocated when it starts.
//
// All fields are guarded by Engine.mu; for pool work, by its pool's lock
// (Pool.mu) instead.
type task struct {
	id       model.TaskID // empty for pool work, which has nid: see ident
	nid      uint64       // pool work's id as a number (formatTaskID)
	name     string
	fn       Func
	grp      *group
	run      *run  // the current or last run; nil until first started
	created  int64 // unix nanoseconds (a time.Time would cost 16 more bytes)
	restarts int32
	state    model.State
	pool     *poolJob // pool work: its submitter, type and future (pool.go); nil for manager work
	proc     *process // a child process: its spec, child and restarts (process.go); nil for a goroutine
}

// Flags a task function reads without the engine lock (Checkpoint's fast path).
const (
	runHalt  uint32 = 1 << iota // halted, killed, or the engine is closing
	runPause                    // a pause was asked and not yet resumed
)

// run is one execution of a task's function.
type run struct {
	e *Engine
	t *task

	ctx    context.Context // the task context handed to the function
	cancel context.CancelFunc

	flags       atomic.Uint32 // runHalt | runPause
	done, total atomic.Int64  // progress

	// Pool work only: a worker reuses its run record, so a count of runs (a
	// kill timer checks it) tells the runs apart; a run's poolCtx is finished
	// when it ends, so its Value no longer leads here.
	gen uint64
	// haslog is set once log is not empty, so that a worker resetting its run
	// record takes logMu only when there is a log to drop.
	haslog atomic.Bool

	// Guarded by Engine.mu.
	slot      int           // index in the group's live slice
	started   int64         // unix nanoseconds
	ended     int64         // unix nanoseconds; 0 while the function runs
	asked     int64         // when a pending pause/halt/kill was asked; 0 if none
	resume    chan struct{} // closed by resume; made by pause
	returned  chan struct{} // closed once the function returned and was accounted for
	killTimer *time.Timer   // abandons the run when the kill grace ends
	over      bool          // the function has returned
	killed    bool          // a kill was asked
	abandoned bool          // given up on; its goroutine is counted in Leaked
	restart   bool          // run again in the same slot once the function returns
	byRun     bool          // started by Manager.Run (for ErrAlreadyRunning)
	errText   string
	stack     string

	logMu sync.Mutex
	log   []model.LogLine // append-only; see appendLog
}

// runKey is the context key under which a task context carries its *run.
type runKey struct{}

// runFrom returns the run ctx belongs to, or nil for a context with no task.
func runFrom(ctx context.Context) *run {
	r, _ := ctx.Value(runKey{}).(*run)
	return r
}

// newTaskContext returns a context for a task submitted from parent: it keeps
// parent's values (the lineage a pool passes) but not its cancellation, so a
// task outlives the call that submitted it; its own cancel and Close end it.
func (e *Engine) newTaskContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	stop := context.AfterFunc(e.base, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// newRootTaskContext returns a context for work with no parent of its own
// (manager tasks, poller runs): cancelled by its own cancel and by Close.
func (e *Engine) newRootTaskContext() (context.Context, context.CancelFunc) {
	return context.WithCancel(e.base)
}

// launchLocked starts a new run of t (whose state is queued, or live with a
// restart pending). The caller puts t in a slot. prev, the previous run if any,
// hands over its log so the detail pane shows what happened before a restart.
func (e *Engine) launchLocked(t *task, prev *run) *run {
	r := &run{e: e, t: t, returned: make(chan struct{}), started: time.Now().UnixNano()}
	ctx, cancel := e.newRootTaskContext()
	r.ctx, r.cancel = context.WithValue(ctx, runKey{}, r), cancel
	if prev != nil {
		prev.logMu.Lock()
		r.log = prev.log[:len(prev.log):len(prev.log)] // full slice: the next append copies
		prev.logMu.Unlock()
	}
	t.run = r
	e.setStateLocked(t, model.StateRunning)
	go e.execute(t, r)
	return r
}

// outcome is how a function call ended.
type outcome struct {
	returned bool // false: runtime.Goexit (t.FailNow in a task, say)
	panicked bool
	err      error
	stack    string
}

// execute runs the function and accounts for how it ended, whatever the way.
func (e *Engine) execute(t *task, r *run) {
	var o outcome
	defer func() { e.finish(t, r, o) }()
	o = call(r.ctx, t.fn)
}

// finish accounts for a returned function: the task's final state, its slot, the
// history ring, events, a pending restart and the manager's next work.
func (e *Engine) finish(t *task, r *run, o outcome) {
	r.cancel()
	now := time.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	defer close(r.returned)
	r.over = true
	r.ended = now.UnixNano()
	if r.killTimer != nil {
		r.killTimer.Stop()
	}
	if r.abandoned {
		e.leaked--
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" returned "+
			now.Sub(time.Unix(0, r.asked)).Round(time.Millisecond).String()+
			" after being abandoned; no longer leaked")
		return
	}

	final := e.settleLocked(t, r, o)
	g := t.grp
	if r.restart && !e.closing {
		t.restarts++
		next := e.launchLocked(t, r)
		next.slot, next.byRun = r.slot, r.byRun
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" restarted (restart "+itoa(int(t.restarts))+")")
		return
	}
	if t.proc != nil {
		final = e.restartPolicyLocked(t, r, final) // restart.go: backoff or fatal
	}
	e.setStateLocked(t, final)
	if final == model.StateHalted || final == model.StateKilled {
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" "+final.String())
	}
	g.release(t)
	if r.byRun {
		g.runLive--
	}
	if final != model.StateBackoff { // a task in backoff is listed in e.backoff
		e.retireLocked(t)
	}
	e.fillLocked(g)
}

// settleLocked works out the final state of a returned run from how it ended,
// records its error and stack and the failure events. Manager work (finish) and
// pool work (Pool.endLocked) share it.
func (e *Engine) settleLocked(t *task, r *run, o outcome) model.State {
	halting := r.flags.Load()&runHalt != 0
	final := model.StateDone
	switch {
	case r.killed:
		final = model.StateKilled
	case halting:
		final = model.StateHalted
	case !o.returned:
		final = model.StateFailed
		r.errText = "exited without returning (runtime.Goexit)"
	case o.err != nil:
		final = model.StateFailed
	}
	if final == model.StateFailed || o.panicked {
		if o.err != nil {
			r.errText = o.err.Error()
		}
		r.stack = o.stack
	}
	switch {
	case o.panicked && !halting:
		e.eventLocked(model.LevelError, t, "", quote(t)+" panicked: "+firstLine(r.errText))
	case final == model.StateFailed:
		e.eventLocked(model.LevelError, t, "", quote(t)+" failed: "+r.errText)
	}
	return final
}

// abandonLocked gives up on a live run whose function has not returned: the task
// is abandoned, its goroutine counted as leaked and its slot freed so the manager
// goes on. A pending restart still happens (from the head of the queue). For
// pool work the caller holds the pool's lock too.
func (e *Engine) abandonLocked(t *task, r *run, why string) {
	if r.over || r.abandoned {
		return
	}
	r.abandoned = true
	if r.killTimer != nil {
		r.killTimer.Stop()
	}
	r.flags.Or(runHalt)
	r.cancel()
	r.asked = time.Now().UnixNano()
	e.leaked++
	e.setStateLocked(t, model.StateAbandoned)
	e.eventLocked(model.LevelWarn, t, "", quote(t)+" "+why+"; goroutine leaked")
	g := t.grp
	if g.pool != nil {
		g.pool.abandonedLocked(t) // its worker is stuck in r; the pool may start another
	} else {
		g.release(t)
	}
	if r.byRun {
		g.runLive--
	}
	if r.restart && !e.closing {
		e.requeueLocked(t)
	} else {
		e.retireLocked(t)
	}
	e.fillLocked(g)
}

// retireLocked puts a finished task in the history ring. A task evicted from the
// ring is forgotten (Apply no longer finds it) but stays in the counters.
//
// Pool work (whose pool's lock the caller holds too) goes to its pool's ring.
func (e *Engine) retireLocked(t *task) {
	if t.pool != nil {
		t.pool.retiredLocked(t)
		t.grp.pool.retireTaskLocked(t)
		return
	}
	old := e.history.push(t)
	if old == nil {
		return
	}
	delete(e.tasks, old.ident())
	old.run, old.fn = nil, nil // its log and closure can go
}

// requeueLocked restarts a finished task (for pool work the caller holds its
// pool's lock and every worker's): it leaves the history ring, goes to the
// head of its queue with one more restart, and starts at once if a slot is free,
// watching or not.
func (e *Engine) requeueLocked(t *task) {
	g := t.grp
	if g.pool != nil {
		g.pool.forgetLocked(t.ident())
	} else {
		e.history.remove(t)
	}
	t.restarts++
	e.setStateLocked(t, model.StateQueued)
	e.eventLocked(model.LevelInfo, t, "", quote(t)+" restarted (restart "+itoa(int(t.restarts))+")")
	if g.pool != nil { // its workers start it
		g.pool.requeueLocked(t)
		return
	}
	if len(g.live) < g.limit && !e.closing {
		g.occupy(t, e.launchLocked(t, t.run))
		return
	}
	g.queue.pushFront(t)
	g.queued++
}

// ident is t's id: pool work keeps it as a number and formats it on demand.
func (t *task) ident() model.TaskID {
	if t.id == "" && t.nid != 0 {
		return formatTaskID(t.nid)
	}
	return t.id
}
