package engine

import (
	"errors"
	"slices"

	"github.com/spindle-tui/spindle/model"
)

// How replicas join and leave a set, and how a dependency on a set follows
// its members: a dependent of the set depends on each member as on any task
// (so waiting, blocked and ordered shutdown work unchanged), and a member
// that joins or leaves is linked to or unlinked from every dependent of the
// set, which is then judged again.

// setDep is a dependency on every replica of a set (DependsOnReplicas).
type setDep struct {
	rs   *ReplicaSet
	cond Condition
}

// DependsOnReplicas makes the task depend on every replica of rs reaching
// cond, as DependsOn does for one task: it waits until all of them hold.
// Replicas a later scale-up adds are waited for as well (a task not started
// yet goes back to waiting); those a scale-down removes are no longer waited
// for. Append returns a *DependencyError (ErrUnknownDependency) for a set
// that was removed.
func DependsOnReplicas(rs *ReplicaSet, cond Condition) TaskOption {
	return func(o *taskOptions) { o.setDeps = append(o.setDeps, setDep{rs: rs, cond: cond}) }
}

// expandSetDepsLocked adds to opts.deps a dependency on each member of each
// set opts depends on (once), or returns the *DependencyError of a removed set.
func expandSetDepsLocked(name string, opts *taskOptions) error {
	if opts.expanded {
		return nil
	}
	for _, sd := range opts.setDeps {
		if sd.rs.removed {
			return &DependencyError{Task: name, Dep: model.TaskID(sd.rs.name), Err: ErrUnknownDependency}
		}
	}
	opts.expanded = true
	for _, sd := range opts.setDeps {
		for _, m := range sd.rs.members {
			opts.deps = append(opts.deps, depSpec{id: m.id, cond: sd.cond})
		}
	}
	return nil
}

// followSetsLocked makes t a dependent of the sets opts name, after its
// dependencies on their members are linked.
func followSetsLocked(t *task, opts *taskOptions) {
	if len(opts.setDeps) == 0 {
		return
	}
	o := orchOf(t)
	o.setDeps = slices.Clone(opts.setDeps)
	for _, sd := range opts.setDeps {
		if !slices.Contains(sd.rs.dependents, t) {
			sd.rs.dependents = append(sd.rs.dependents, t)
		}
	}
}

// unfollowSetsLocked takes t out of the dependents of the sets it depends on.
func unfollowSetsLocked(t *task) {
	o := t.orch
	for _, sd := range o.setDeps {
		sd.rs.dependents = slices.DeleteFunc(sd.rs.dependents, func(d *task) bool { return d == t })
	}
	o.setDeps = nil
}

// joinLocked makes t, just appended, a member of the set: every dependent of
// the set now depends on it too.
func (rs *ReplicaSet) joinLocked(t *task) {
	i, _ := slices.BinarySearchFunc(rs.members, t.orch.replicaIndex, func(m *task, i int) int { return m.orch.replicaIndex - i })
	rs.members = slices.Insert(rs.members, i, t)
	for _, d := range rs.dependents {
		for _, sd := range d.orch.setDeps {
			if sd.rs == rs {
				d.orch.deps = append(d.orch.deps, dep{t: t, cond: sd.cond})
				t.orch.dependents = append(t.orch.dependents, d)
			}
		}
		rs.e.regateLocked(d)
	}
}

// dropLocked takes member t out of the set: the set's dependents no longer
// depend on it, and it leaves (see haltLeavingLocked).
func (rs *ReplicaSet) dropLocked(t *task) {
	rs.members = slices.DeleteFunc(rs.members, func(m *task) bool { return m == t })
	o := t.orch
	for _, d := range rs.dependents {
		d.orch.deps = slices.DeleteFunc(d.orch.deps, func(x dep) bool { return x.t == t })
		o.dependents = slices.DeleteFunc(o.dependents, func(x *task) bool { return x == d })
		rs.e.regateLocked(d)
	}
	o.leaving = true
	rs.leaving = append(rs.leaving, t)
	rs.e.markDirty()
	if len(rs.leaving) == 1 {
		rs.drained = make(chan struct{})
		rs.haltLeavingLocked()
	}
}

// haltLeavingLocked halts the first leaving replica for good; once it has
// ended it is forgotten and the next is halted. A replica that is not live
// is halted and forgotten at once.
func (rs *ReplicaSet) haltLeavingLocked() {
	e := rs.e
	for len(rs.leaving) > 0 {
		t := rs.leaving[0]
		if e.tasks[t.id] != t { // forgotten already (its manager was removed)
			rs.leaving = rs.leaving[1:]
			continue
		}
		if t.state.Live() {
			t.run.restart = false
			if t.state != model.StateHalting {
				e.haltLiveLocked(t)
			}
			rs.m.whenEndedLocked(t, rs.leftLocked)
			return
		}
		rs.m.whenEndedLocked(t, nil)
		if !t.state.Finished() {
			_ = e.haltLocked(t) // queued, waiting, blocked, disabled or backoff: halted without running
		}
		rs.m.forgetLocked(t)
		rs.leaving = rs.leaving[1:]
	}
	close(rs.drained)
	rs.drained = nil
}

// leftLocked is told that leaving replica t has ended: it is forgotten (its
// row goes; the counters keep it) and the next leaving replica is halted.
func (rs *ReplicaSet) leftLocked(t *task) {
	rs.m.forgetLocked(t) // retireLocked then keeps it out of the history ring
	rs.e.eventLocked(model.LevelInfo, t, "", quote(t)+" left replica set "+rs.name)
	if len(rs.leaving) > 0 && rs.leaving[0] == t {
		rs.leaving = rs.leaving[1:]
	}
	rs.haltLeavingLocked()
}

// regateLocked judges again the dependencies of d, whose dependencies
// changed: a waiting or blocked d whose dependencies hold now is queued, a
// queued one whose do not goes back to waiting, others wait or are blocked
// with a fresh reason.
func (e *Engine) regateLocked(d *task) {
	switch d.state {
	case model.StateWaiting, model.StateBlocked:
		if v, why := e.gateLocked(d); v == depHolds {
			e.admitLocked(d)
		} else {
			e.parkLocked(d, v, why)
		}
	case model.StateQueued:
		if v, why := e.gateLocked(d); v != depHolds {
			d.own.unqueueLocked(d)
			e.parkLocked(d, v, why)
		}
	}
}

// Redefine gives the set a new spec and options and scales it to n: the
// replicas it keeps run again in place with the new definition (as
// Manager.RedefineProcess does: same ids, rows and restart counts), new ones
// take the new definition, removed ones leave as Scale removes them. It
// returns Scale's errors, ErrNoCommand for an empty command, and
// RedefineProcess's errors (joined, one per replica); a replica whose
// redefinition failed keeps its old definition.
func (rs *ReplicaSet) Redefine(spec ProcessSpec, n int, opts ...TaskOption) error {
	if _, err := newProcess(spec); err != nil {
		return errorf("redefine replica set %q: %w", rs.name, err)
	}
	rs.scaleMu.Lock()
	defer rs.scaleMu.Unlock()
	if n < 1 || n > MaxReplicas {
		return &ReplicaCountError{Set: rs.name, Have: len(rs.IDs()), Want: n}
	}
	rs.spec, rs.opts = spec, slices.Clone(opts)
	var errs []error
	for _, id := range rs.IDs()[:min(n, len(rs.IDs()))] {
		if err := rs.m.RedefineProcess(id, spec, opts...); err != nil {
			errs = append(errs, err)
		}
	}
	if err := rs.scaleTo(func(int) int { return n }); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
