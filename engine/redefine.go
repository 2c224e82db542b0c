package engine

import (
	"github.com/spindle-tui/spindle/model"
)

// RedefineProcess gives the manager's process task id a new spec and new
// options (dependencies, probes, ready line) and runs it again in place: it
// keeps its id, its row, its restart count and its log, as a reload of a
// changed task file expects. A live task is halted (its stop signal, or its
// Shutdown command) and, once it has returned, started again with the new
// definition in the same slot (waiting first if a new dependency does not
// hold); a finished or backoff one is restarted; a queued, waiting or blocked
// one takes the new definition when it starts. Disabled in opts halts a live
// task for good and leaves a pending one disabled.
//
// It returns an error wrapping ErrUnknownTask for an id that is no task of
// the manager, ErrNoCommand for an empty command, and a *DependencyError
// (ErrUnknownDependency, ErrDependencyCycle) for a dependency it cannot have;
// then nothing changes.
func (m *Manager) RedefineProcess(id model.TaskID, spec ProcessSpec, opts ...TaskOption) error {
	p, err := newProcess(spec)
	if err != nil {
		return errorf("redefine %s: %w", id, err)
	}
	var to taskOptions
	for _, o := range opts {
		o(&to)
	}
	policy, err := newRestarter(p, to.restart) // restart_spec.go
	if err != nil {
		return errorf("redefine %s: %w", id, err)
	}
	e := m.e
	e.mu.Lock()
	t := e.tasks[id]
	if t == nil || t.own != m {
		e.mu.Unlock()
		return errNoTask(id)
	}
	if _, err := e.depTargetsLocked(t, &to); err != nil {
		e.mu.Unlock()
		return err
	}
	name := t.name
	if o := t.orch; o != nil && o.probes != nil { // its pollers' names are for the new probes
		o.probes.removeLocked(e)
		o.probes = nil
	}
	e.mu.Unlock()
	probes := e.newProbeSet(name, &to)

	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.relinkLocked(t, &to); err != nil {
		if probes != nil {
			probes.removeLocked(e)
		}
		return err
	}
	if probes != nil {
		o := orchOf(t)
		o.probes = probes
		probes.each(func(pb *probe) { pb.t = t }) // they start with its next run
	}
	if t.policy != nil {
		t.policy.spec = policy.spec // its restart window and backoff go on
	} else {
		t.policy = policy
	}
	e.eventLocked(model.LevelInfo, t, "", quote(t)+" redefined: "+p.display)
	switch {
	case t.state.Live():
		orchOf(t).next = p
		t.run.restart = !to.disabled
		if t.state != model.StateHalting {
			e.haltLiveLocked(t)
		}
		return nil
	case t.state == model.StateBackoff:
		e.leaveBackoffLocked(t)
	}
	t.proc, t.fn = p, p.run
	if to.disabled {
		if t.state != model.StateDisabled {
			_ = e.haltLocked(t)
			e.unkeepLocked(t)
			e.listHeldLocked(t)
			e.setStateLocked(t, model.StateDisabled)
		}
		return nil
	}
	switch t.state {
	case model.StateQueued:
	case model.StateWaiting, model.StateBlocked:
		if v, why := e.gateLocked(t); v == depHolds {
			e.admitLocked(t)
		} else {
			e.parkLocked(t, v, why)
		}
	default: // finished, backoff, disabled: a new run of the same task
		e.unholdLocked(t)
		resetRestartsLocked(t)
		e.requeueLocked(t)
	}
	return nil
}

// relinkLocked replaces t's dependencies and ready line with what opts say,
// or returns a *DependencyError and changes nothing.
func (e *Engine) relinkLocked(t *task, opts *taskOptions) error {
	targets, err := e.depTargetsLocked(t, opts)
	if err != nil {
		return err
	}
	e.unlinkLocked(t)
	if t.orch == nil && len(targets) == 0 && opts.readyLine == nil {
		return nil
	}
	defer followSetsLocked(t, opts) // replicas_members.go
	o := orchOf(t)
	o.readyLine = opts.readyLine
	for i, dt := range targets {
		o.deps = append(o.deps, dep{t: dt, cond: opts.deps[i].cond})
		do := orchOf(dt)
		do.dependents = append(do.dependents, t)
	}
	return nil
}

// depTargetsLocked returns the tasks opts make t depend on, or the
// *DependencyError of one it cannot (unknown, pool work, a cycle).
func (e *Engine) depTargetsLocked(t *task, opts *taskOptions) ([]*task, error) {
	if err := expandSetDepsLocked(t.name, opts); err != nil { // replicas_members.go
		return nil, err
	}
	var targets []*task
	for _, d := range opts.deps {
		dt := e.tasks[d.id]
		if dt == nil || d.cond > LogReady {
			return nil, e.linkLocked(&task{name: t.name}, &taskOptions{deps: []depSpec{d}}) // the error it makes
		}
		if _, ok := dt.own.(*Manager); !ok {
			return nil, &DependencyError{Task: t.name, Dep: d.id, Err: ErrUnknownDependency}
		}
		targets = append(targets, dt)
	}
	if cycle := cycleLocked(t, targets); cycle != nil {
		return nil, &DependencyError{Task: t.name, Cycle: cycle, Err: ErrDependencyCycle}
	}
	return targets, nil
}

// redefinedLocked makes a definition RedefineProcess left for t's next run
// take effect; the run before it has returned.
func (e *Engine) redefinedLocked(t *task) {
	if o := t.orch; o != nil && o.next != nil {
		t.proc, t.fn = o.next, o.next.run
		o.next = nil
	}
}
