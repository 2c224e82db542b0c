package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// Apply carries out a viewer's command. Task operations (halt, pause, resume,
// kill, restart) return an error wrapping ErrUnknownTask for an id the engine does
// not know and a *TransitionError when the task's state does not allow it; OpRun
// returns what Manager.Run returns, or ErrUnknownManager; OpResize naming a task
// (Target) scales the replica set it is a replica of (ErrNotReplica for one that
// is none: see ReplicaSet); OpHaltAll halts every
// live task and stops every watch; OpReload calls the reloader (SetReloader) or
// returns ErrNothingToReload. A relative OpResize or OpSetPeriod (Command.Step)
// reads and changes the value in one step; a Step on any other op returns an
// error wrapping errors.ErrUnsupported. Process tasks are signalled (see ProcessSpec): a
// pause takes effect at once. Once Close has begun Apply returns ErrClosed,
// except OpKill while Close is still draining (to kill what will not halt).
//
// Apply never waits for a task: a halt has been asked when it returns, and the
// task reaches halted when its function returns.
func (e *Engine) Apply(ctx context.Context, cmd model.Command) error {
	if err := ctx.Err(); err != nil {
		return errorf("%s: %w", cmd, err)
	}
	if !cmd.Op.Valid() {
		return &notFoundError{msg: fmt.Sprintf("engine: unknown op %q", cmd.Op), sentinel: ErrUnknownOp}
	}
	if cmd.Relative() && cmd.Op != model.OpResize && cmd.Op != model.OpSetPeriod {
		return errorf("%s: a step applies only to %s and %s: %w", cmd, model.OpResize, model.OpSetPeriod, errors.ErrUnsupported)
	}
	if cmd.Op == model.OpReload {
		return e.reload(ctx) // reload.go
	}
	if cmd.Op == model.OpResize && cmd.Target != "" {
		return e.resizeReplicas(cmd) // replicas.go: a replica's set
	}
	if cmd.Op == model.OpRun {
		m, ok := e.Manager(cmd.Group)
		if !ok {
			return errNoManager(cmd.Group, e.wrongKind(cmd.Group))
		}
		return m.Run()
	}
	if handled, err := e.applyPoller(cmd); handled {
		return err
	}
	if handled, err := e.applyPool(cmd); handled {
		return err
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || (e.closing && cmd.Op != model.OpKill) {
		return ErrClosed
	}
	if cmd.Op == model.OpHaltAll {
		e.haltAllLocked()
		return nil
	}
	t, unlock := e.taskLocked(cmd.Target)
	if t == nil {
		return errNoTask(cmd.Target)
	}
	defer unlock()
	var err error
	switch cmd.Op {
	case model.OpHalt:
		err = e.haltLocked(t)
	case model.OpPause:
		err = e.pauseLocked(t)
	case model.OpResume:
		err = e.resumeLocked(t)
	case model.OpKill:
		err = e.killLocked(t)
	case model.OpRestart:
		err = e.restartLocked(t)
	}
	if err != nil {
		return err
	}
	e.eventLocked(model.LevelInfo, t, "", string(cmd.Op)+" "+quote(t))
	return nil
}

// transitionError builds the error for op on t in its current state.
func transitionError(t *task, op model.Op) *TransitionError {
	return &TransitionError{ID: t.ident(), Name: t.name, Op: op, State: t.state}
}

// taskLocked finds the task with id: a manager's (in e.tasks) or a pool's
// (live, at the head of a queue, or in a pool's history). It returns the task
// with what guards it held beyond Engine.mu, and the unlock; or nil.
func (e *Engine) taskLocked(id model.TaskID) (*task, func()) {
	if t := e.tasks[id]; t != nil {
		return t, nothing
	}
	return e.poolTaskLocked(id) // pool work is not in e.tasks: submitting stays cheap
}

// haltAllLocked stops every watch and halts every live task, cancelling pending
// restarts.
func (e *Engine) haltAllLocked() {
	n, _ := e.haltOrderedLocked(nil) // shutdown.go: dependents first
	n += e.haltPoolsLocked()
	n += e.haltBackoffLocked(nil) // restart.go: pending restarts are cancelled
	e.eventLocked(model.LevelInfo, nil, "", "halt all: "+itoa(n)+" tasks halted, all watching stopped")
}

// haltLocked halts t: a queued task leaves its queue (halted without running), a
// live one has its context cancelled and becomes halting until it returns.
func (e *Engine) haltLocked(t *task) error {
	switch {
	case t.state == model.StateQueued:
		t.own.unqueueLocked(t)
		e.setStateLocked(t, model.StateHalted)
		t.own.retireLocked(t)
		return nil
	case t.state == model.StateWaiting || t.state == model.StateBlocked || t.state == model.StateDisabled:
		e.unholdLocked(t) // depends.go
		e.setStateLocked(t, model.StateHalted)
		t.own.retireLocked(t)
		return nil
	case t.state.Live() && t.state != model.StateHalting:
		e.haltLiveLocked(t)
		return nil
	case t.state == model.StateBackoff: // restart.go
		e.cancelBackoffLocked(t, model.StateHalted)
		return nil
	}
	return transitionError(t, model.OpHalt)
}

// haltLiveLocked cancels a live, not yet halting task. A parked task wakes up
// (its context is done) and Checkpoint returns ErrHalted.
func (e *Engine) haltLiveLocked(t *task) {
	r := t.run
	r.asked = time.Now().UnixNano()
	r.flags.Or(runHalt)
	e.setStateLocked(t, model.StateHalting)
	r.cancel()
	if t.proc != nil {
		e.haltProcessLocked(t) // process_run.go: the stop signal, SIGKILL after the grace
	}
}

// pauseLocked asks a running task to park at its next Checkpoint.
func (e *Engine) pauseLocked(t *task) error {
	if t.proc != nil {
		return e.pauseProcessLocked(t) // process_run.go: SIGSTOP, paused at once
	}
	if t.state != model.StateRunning {
		return transitionError(t, model.OpPause)
	}
	r := t.run
	r.asked = time.Now().UnixNano()
	r.resume = make(chan struct{})
	r.flags.Or(runPause)
	e.setStateLocked(t, model.StatePausing)
	return nil
}

// resumeLocked lets a paused task go on; a pausing one (not parked yet) goes
// straight back to running.
func (e *Engine) resumeLocked(t *task) error {
	if t.proc != nil {
		return e.resumeProcessLocked(t) // process_run.go: SIGCONT
	}
	if t.state != model.StatePaused && t.state != model.StatePausing {
		return transitionError(t, model.OpResume)
	}
	r := t.run
	r.flags.And(^runPause)
	close(r.resume)
	r.resume, r.asked = nil, 0
	e.setStateLocked(t, model.StateRunning)
	return nil
}

// killLocked cancels a live task at once and gives it the kill grace to return
// (killed); after that it is abandoned.
func (e *Engine) killLocked(t *task) error {
	switch {
	case t.state == model.StateBackoff: // restart.go
		e.cancelBackoffLocked(t, model.StateKilled)
		return nil
	case t.proc != nil:
		return e.killProcessLocked(t) // process_run.go: SIGKILL to the group
	}
	if !t.state.Live() {
		return transitionError(t, model.OpKill)
	}
	r := t.run
	if r.killed {
		err := transitionError(t, model.OpKill)
		err.reason = "it is already being killed"
		return err
	}
	r.killed = true
	if t.state != model.StateHalting {
		e.haltLiveLocked(t)
	}
	r.asked = time.Now().UnixNano()
	grace, gen := e.cfg.killGrace, r.gen
	r.killTimer = time.AfterFunc(grace, func() {
		unlock := e.lockTask(t)
		defer unlock()
		if r.gen != gen { // a pool worker's record, running other work by now
			return
		}
		e.abandonLocked(t, r, "did not return within "+grace.String()+" of kill")
	})
	return nil
}

// restartLocked runs t again: a live task is halted and rerun in its slot once
// its function returns; a finished one goes to the head of its queue.
func (e *Engine) restartLocked(t *task) error {
	if t.orch != nil && t.orch.leaving { // replicas_members.go
		err := transitionError(t, model.OpRestart)
		err.reason = "a scale-down removes it from replica set " + t.orch.replica.name
		return err
	}
	switch {
	case t.state.Live():
		t.run.restart = true
		if t.state != model.StateHalting {
			e.haltLiveLocked(t)
		}
		return nil
	case t.state.Finished():
		resetRestartsLocked(t) // restart.go: a fatal task gets a fresh window
		e.requeueLocked(t)
		return nil
	case t.state == model.StateBackoff: // restart.go: skip the rest of the backoff
		e.leaveBackoffLocked(t)
		e.requeueLocked(t)
		return nil
	case t.state == model.StateWaiting || t.state == model.StateBlocked:
		// Asked to run now: it starts without waiting for its dependencies.
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" started without waiting for its dependencies")
		e.admitLocked(t) // depends.go
		return nil
	case t.state == model.StateDisabled: // enabled: it starts as if just appended
		e.unholdLocked(t)
		e.setStateLocked(t, model.StateQueued)
		if !e.holdLocked(t) {
			t.own.requeueLocked(t)
		}
		return nil
	}
	return transitionError(t, model.OpRestart)
}

// settleLocked works out the final state of a returned run from how it ended,
// records its error and stack and the failure events. Manager work
// (Manager.finish) and pool work (worker.endSlowLocked) share it.
func (e *Engine) settleLocked(t *task, r *run, o outcome) model.State {
	halting := r.flags.Load()&runHalt != 0
	final := model.StateDone
	switch {
	case r.liveFail != "" && !r.killed: // probe.go: the liveness probe halted it
		final = model.StateFailed
		o.err = errors.New("liveness probe: " + r.liveFail)
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
// is abandoned, its goroutine counted as leaked and its slot freed so its owner
// goes on. A pending restart still happens (from the head of the queue). The
// caller holds what lockTask takes for t.
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
	if t.orch != nil {
		t.orch.probes.stopLocked() // probe.go
	}
	e.leaked++
	e.setStateLocked(t, model.StateAbandoned)
	e.eventLocked(model.LevelWarn, t, "", quote(t)+" "+why+"; goroutine leaked")
	t.own.releaseLocked(t) // its goroutine is stuck in r: the owner may start another
	if r.restart && !e.closing {
		e.requeueLocked(t)
	} else {
		t.own.retireLocked(t)
	}
	t.own.fillLocked()
}

// requeueLocked restarts a task that is not live (finished, abandoned, or
// done with its backoff): it goes to the head of its owner's queue with one
// more restart, and starts at once if a slot is free, watching or not.
func (e *Engine) requeueLocked(t *task) {
	t.restarts++
	if o := t.orch; o != nil { // a new life: what it reached is to be reached again
		o.started, o.logReady = false, false
	}
	e.setStateLocked(t, model.StateQueued)
	e.eventLocked(model.LevelInfo, t, "", quote(t)+" restarted (restart "+itoa(int(t.restarts))+")")
	if e.holdLocked(t) { // depends.go: waiting or blocked on a dependency
		e.unkeepLocked(t)
		return
	}
	t.own.requeueLocked(t)
}

// setStateLocked moves t to s, keeping its owner's counters (and the engine's,
// for a manager's task; snapshots add the pools' counts to the engine's).
func (e *Engine) setStateLocked(t *task, s model.State) {
	t.own.countLocked(t, s)
	t.state = s
	e.markDirty()
	if t.orch != nil {
		e.depChangedLocked(t) // depends.go: what waits for it is judged again
	}
}
