package engine

import "github.com/spindle-tui/spindle/model"

// Ordered shutdown: Close and halt all (OpHaltAll) stop dependents before
// what they depend on. A live task none of whose dependents is live is halted
// at once (so independent tasks stop in parallel); one with live dependents is
// marked haltAfter and halted as soon as the last of them has returned
// (depChangedLocked calls haltDepsAfterLocked whenever a task stops being
// live). Manager.Halt and RemoveManager halt their own tasks at once, in no
// order: the dependents they would wait for may be another manager's, which
// go on running.

// haltOrderedLocked halts every live task of every manager in reverse
// dependency order and cancels their pending restarts. It returns how many it
// halted or will halt and appends every live run to runs.
func (e *Engine) haltOrderedLocked(runs []*run) (int, []*run) {
	n := 0
	for _, m := range e.managers {
		m.watching = false
		for _, t := range m.live {
			t.run.restart = false
			runs = append(runs, t.run)
			if t.state == model.StateHalting {
				continue
			}
			n++
			if hasLiveDependents(t) {
				e.markHaltAfterLocked(t, true)
				continue
			}
			e.haltLiveLocked(t)
		}
	}
	return n, runs
}

// hasLiveDependents reports whether a task that depends on t, directly or
// through tasks that have ended (db ← migrate, done ← api), is live.
func hasLiveDependents(t *task) bool {
	return liveAbove(t, map[*task]bool{})
}

func liveAbove(t *task, seen map[*task]bool) bool {
	if t.orch == nil || seen[t] {
		return false
	}
	seen[t] = true
	for _, d := range t.orch.dependents {
		if d.state.Live() || liveAbove(d, seen) {
			return true
		}
	}
	return false
}

// markHaltAfterLocked sets or clears t's haltAfter, keeping e.haltAfter, the
// count of those set, so that outside an ordered halt a change of state costs
// no walk of the dependency graph.
func (e *Engine) markHaltAfterLocked(t *task, on bool) {
	if t.orch.haltAfter == on {
		return
	}
	t.orch.haltAfter = on
	if on {
		e.haltAfter++
	} else {
		e.haltAfter--
	}
}

// haltDepsAfterLocked halts, now that t is not live, each dependency of t
// (directly, or through dependencies that have ended) waiting to be halted
// after its dependents, whose last live dependent t was. Outside an ordered
// halt there is none, and it returns at once.
func (e *Engine) haltDepsAfterLocked(t *task) {
	if e.haltAfter == 0 {
		return
	}
	e.haltBelowLocked(t, map[*task]bool{})
}

func (e *Engine) haltBelowLocked(t *task, seen map[*task]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	for _, d := range t.orch.deps {
		do := d.t.orch
		switch {
		case !d.t.state.Live():
			e.haltBelowLocked(d.t, seen)
		case !do.haltAfter || hasLiveDependents(d.t):
		default:
			e.markHaltAfterLocked(d.t, false)
			if d.t.state != model.StateHalting {
				e.haltLiveLocked(d.t)
			}
		}
	}
}

// haltLeftLocked halts at once every task still waiting for its dependents
// to stop (Close gave up waiting for them).
func (e *Engine) haltLeftLocked() {
	for _, m := range e.managers {
		for _, t := range m.live {
			if t.orch != nil && t.orch.haltAfter {
				e.markHaltAfterLocked(t, false)
				if t.state != model.StateHalting {
					e.haltLiveLocked(t)
				}
			}
		}
	}
}

// dropHeldLocked marks every waiting, blocked and disabled task of o (of
// every owner, for nil) halted without running and forgets it, as a queue
// dropped by Close or RemoveManager. It returns how many there were.
func (e *Engine) dropHeldLocked(o owner) int {
	var drop, kept []*task
	for _, t := range e.held {
		if o != nil && t.own != o {
			kept = append(kept, t)
		} else {
			drop = append(drop, t)
		}
	}
	e.held = kept
	for _, t := range drop { // first, so that none is judged again as the others go
		t.orch.held, t.orch.reason, t.orch.removed = false, "", true
	}
	for _, t := range drop {
		e.setStateLocked(t, model.StateHalted)
		delete(e.tasks, t.ident())
	}
	return len(drop)
}
