package engine

import (
	"fmt"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// How dependencies are judged and kept: a task whose dependencies do not all
// hold waits (or is blocked, when one never will) outside its manager's queue,
// holding no slot, and is judged again whenever a dependency's state, health
// or output changes. The options and types are in depends.go.

// verdict is whether a dependency holds: yes, not yet, or never (with why).
type verdict uint8

const (
	depWaits verdict = iota
	depHolds
	depNever
)

// checkLocked judges d now and says why it does not hold.
func (d dep) checkLocked() (verdict, string) {
	t := d.t
	o := t.orch
	name := t.name
	if o != nil && o.removed {
		return depNever, name + " was removed"
	}
	if t.state == model.StateDisabled {
		return depNever, name + " is disabled"
	}
	final := t.state.Finished()
	switch d.cond {
	case Started, Healthy, LogReady:
		reached := o != nil && o.started
		switch d.cond {
		case Healthy:
			reached = t.ready()
		case LogReady:
			reached = o != nil && o.logReady
		}
		switch {
		case reached:
			return depHolds, ""
		case final:
			return depNever, name + " " + endedHow(t) + " before it was " + condAdjective(d.cond)
		}
	case Completed:
		switch t.state {
		case model.StateDone, model.StateFailed, model.StateFatal:
			return depHolds, ""
		case model.StateHalted, model.StateKilled, model.StateAbandoned:
			return depNever, name + " " + endedHow(t)
		}
	case CompletedSuccessfully:
		switch t.state {
		case model.StateDone:
			return depHolds, ""
		case model.StateFailed, model.StateFatal, model.StateHalted, model.StateKilled, model.StateAbandoned:
			return depNever, name + " " + endedHow(t)
		}
	}
	if t.state == model.StateBlocked {
		return depWaits, name + " is blocked"
	}
	return depWaits, ""
}

// endedHow says how a finished task ended: "failed (exit status 3)", "was halted".
func endedHow(t *task) string {
	switch t.state {
	case model.StateHalted, model.StateKilled, model.StateAbandoned:
		return "was " + t.state.String()
	case model.StateFailed, model.StateFatal:
		if t.run != nil && t.run.errText != "" {
			return t.state.String() + " (" + firstLine(t.run.errText) + ")"
		}
	case model.StateDone:
		return "completed"
	}
	return t.state.String()
}

func condAdjective(c Condition) string {
	switch c {
	case Healthy:
		return "healthy"
	case LogReady:
		return "log ready"
	}
	return "started"
}

// gateLocked judges every dependency of t: whether all hold, or why t waits
// (the first that does not hold yet) or is blocked (the first that never will).
func (e *Engine) gateLocked(t *task) (verdict, string) {
	o := t.orch
	if o == nil {
		return depHolds, ""
	}
	var waitFor string
	for _, d := range o.deps {
		v, why := d.checkLocked()
		switch v {
		case depNever:
			return depNever, "blocked: " + why
		case depWaits:
			if waitFor == "" {
				waitFor = "waiting for " + d.t.name + " (" + d.cond.String() + ")"
				if why != "" {
					waitFor += ": " + why
				}
			}
		}
	}
	if waitFor != "" {
		return depWaits, waitFor
	}
	return depHolds, ""
}

// holdLocked keeps t, about to be queued (appended, restarted, enabled), out
// of its queue while a dependency does not hold: it becomes waiting or
// blocked. It reports whether it did; if not, the caller queues t.
func (e *Engine) holdLocked(t *task) bool {
	if t.orch == nil || len(t.orch.deps) == 0 {
		return false
	}
	v, why := e.gateLocked(t)
	if v == depHolds {
		return false
	}
	e.parkLocked(t, v, why)
	return true
}

// parkLocked puts t in waiting or blocked (v) with the reason why, and lists
// it in e.held so snapshots show it.
func (e *Engine) parkLocked(t *task, v verdict, why string) {
	s := model.StateWaiting
	if v == depNever {
		s = model.StateBlocked
	}
	o := t.orch
	if t.state == s && o.reason == why {
		return
	}
	e.listHeldLocked(t)
	if s == model.StateBlocked && t.state != model.StateBlocked {
		e.eventLocked(model.LevelWarn, t, "", quote(t)+" "+why)
	}
	o.reason = why
	e.setStateLocked(t, s)
}

// listHeldLocked lists t in e.held (once), which snapshots show.
func (e *Engine) listHeldLocked(t *task) {
	o := orchOf(t)
	if !o.held {
		o.held = true
		e.held = append(e.held, t)
	}
}

// unholdLocked takes t off e.held.
func (e *Engine) unholdLocked(t *task) {
	o := t.orch
	if o == nil || !o.held {
		return
	}
	o.held, o.reason = false, ""
	for i, h := range e.held {
		if h == t {
			e.held = append(e.held[:i], e.held[i+1:]...)
			return
		}
	}
}

// depChangedLocked re-judges what waits for t (whose state, health or log
// readiness changed): a waiting or blocked dependent whose dependencies all
// hold now is queued; others wait or are blocked with a fresh reason. It also
// carries an ordered halt on (shutdown.go).
func (e *Engine) depChangedLocked(t *task) {
	o := t.orch
	for _, d := range o.dependents {
		if (d.state != model.StateWaiting && d.state != model.StateBlocked) || d.orch.removed {
			continue
		}
		v, why := e.gateLocked(d)
		if v != depHolds {
			e.parkLocked(d, v, why)
			continue
		}
		e.admitLocked(d)
	}
	if !t.state.Live() {
		e.haltDepsAfterLocked(t) // shutdown.go
	}
}

// admitLocked queues t, held until now, at the back of its owner's queue: its
// dependencies hold.
func (e *Engine) admitLocked(t *task) {
	e.unholdLocked(t)
	m := t.own.(*Manager) // only manager tasks have dependencies
	e.setStateLocked(t, model.StateQueued)
	if t.run != nil {
		t.run.requeued = time.Now().UnixNano()
	}
	e.eventLocked(model.LevelInfo, t, "", quote(t)+": dependencies hold; queued")
	m.queue.PushBack(t)
	m.fillLocked()
}

// linkLocked links a new task t to what opts say. It returns a
// *DependencyError for a dependency that is no manager task.
func (e *Engine) linkLocked(t *task, opts *taskOptions) error {
	if err := expandSetDepsLocked(t.name, opts); err != nil { // replicas_members.go
		return err
	}
	for _, d := range opts.deps {
		if d.cond > LogReady {
			return &DependencyError{Task: t.name, Dep: d.id, Err: fmt.Errorf("%w %d", ErrBadCondition, d.cond)}
		}
		dt := e.tasks[d.id]
		if dt == nil {
			return &DependencyError{Task: t.name, Dep: d.id, Err: ErrUnknownDependency}
		}
		if _, ok := dt.own.(*Manager); !ok {
			return &DependencyError{Task: t.name, Dep: d.id, Err: ErrUnknownDependency}
		}
	}
	if len(opts.deps) == 0 && len(opts.setDeps) == 0 && opts.readyLine == nil && opts.readiness == nil && opts.liveness == nil && opts.replica == nil {
		return nil
	}
	o := orchOf(t)
	o.readyLine, o.replica, o.replicaIndex = opts.readyLine, opts.replica, opts.replicaIndex
	for _, d := range opts.deps {
		dt := e.tasks[d.id]
		o.deps = append(o.deps, dep{t: dt, cond: d.cond})
		do := orchOf(dt)
		do.dependents = append(do.dependents, t)
	}
	followSetsLocked(t, opts)
	return nil
}

// unlinkLocked takes t out of its dependencies' dependents.
func (e *Engine) unlinkLocked(t *task) {
	o := t.orch
	if o == nil {
		return
	}
	for _, d := range o.deps {
		do := d.t.orch
		for i, x := range do.dependents {
			if x == t {
				do.dependents = append(do.dependents[:i], do.dependents[i+1:]...)
				break
			}
		}
	}
	o.deps = nil
	unfollowSetsLocked(t) // replicas_members.go
}

// cycleLocked returns the cycle t → … → t that depending on targets would
// make, or nil.
func cycleLocked(t *task, targets []*task) []string {
	var path []*task
	seen := map[*task]bool{}
	var walk func(x *task) bool
	walk = func(x *task) bool {
		if x == t {
			return true
		}
		if seen[x] || x.orch == nil {
			return false
		}
		seen[x] = true
		path = append(path, x)
		for _, d := range x.orch.deps {
			if walk(d.t) {
				return true
			}
		}
		path = path[:len(path)-1]
		return false
	}
	for _, d := range targets {
		path = path[:0]
		if walk(d) {
			names := []string{t.name}
			for _, p := range path {
				names = append(names, p.name)
			}
			return append(names, t.name)
		}
	}
	return nil
}

// viewOrch adds t's dependencies, its health and its reason to its row.
func (t *task) viewOrch(v *model.Task) {
	o := t.orch
	if o == nil {
		return
	}
	if t.state == model.StateWaiting || t.state == model.StateBlocked {
		v.Reason = o.reason
	}
	if o.replica != nil {
		v.ReplicaOf = o.replica.name
	}
	if len(o.deps) > 0 {
		v.Deps = make([]model.Dependency, len(o.deps))
		for i, d := range o.deps {
			verdict, why := d.checkLocked()
			v.Deps[i] = model.Dependency{ID: d.t.ident(), Name: d.t.name, Group: d.t.own.ownerName(),
				Condition: d.cond.String(), State: d.t.state, Holds: verdict == depHolds,
				Never: verdict == depNever, Why: why}
		}
	}
	if o.probes != nil {
		o.probes.view(t, v) // probe.go
	}
}

// forgetOrchLocked is Remove's part for a task with orchestration: what
// depends on it is blocked ("was removed"), it leaves its dependencies'
// dependents, and its probes' pollers go.
func (e *Engine) forgetOrchLocked(t *task) {
	o := t.orch
	o.removed = true
	e.markHaltAfterLocked(t, false) // shutdown.go
	e.unholdLocked(t)
	e.unlinkLocked(t)
	if o.probes != nil {
		o.probes.removeLocked(e)
		o.probes = nil
	}
	e.depChangedLocked(t)
}

// noteLine is told each line of a run's output (a process's, or Logf's): the
// first that matches the task's ready line makes it log_ready. It runs
// without Engine.mu.
func (r *run) noteLine(text string) {
	re := r.readyLine
	if re == nil || r.readySeen.Load() || !re.MatchString(text) {
		return
	}
	if r.readySeen.Swap(true) {
		return
	}
	e, t := r.e, r.t
	e.mu.Lock()
	defer e.mu.Unlock()
	if t.run != r || t.orch == nil {
		return
	}
	t.orch.logReady = true
	e.eventLocked(model.LevelInfo, t, "", quote(t)+" is log ready: "+firstLine(text))
	e.depChangedLocked(t)
}
