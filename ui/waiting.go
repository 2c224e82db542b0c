package ui

import (
	"strconv"

	"github.com/spindle-tui/spindle/keymap"
	"github.com/spindle-tui/spindle/model"
)

// waitReasons says what the queued tasks of each manager and each pool wait
// for: a limit reached (and by whom), a manager that is not watching, a paused
// or busy pool. A reason is worked out when a row on screen asks for it, once
// per group and snapshot, from the managers, the pools and the live tasks
// holding their slots. The Workers row shows the short form, the detail pane
// the long one.
type waitReasons struct {
	keys     *keymap.KeyMap
	managers []model.Manager // the snapshot's (shared, immutable)
	pools    []model.Pool
	tasks    []model.Task
	cache    map[waitKey]waitReason // this snapshot's reasons, by group
}

// waitKey names a queue: a manager's, or a pool's.
type waitKey struct {
	pool  bool
	group string
}

// waitReason is one reason, short ("limit 1/1 reached by web") and long.
type waitReason struct{ short, long string }

// holdersShown is how many slot holders a reason names.
const holdersShown = 2

// waitNoteWidth is about the widest short reason, with its "waiting: ", for
// sizing the LAST ERROR column before any is worked out.
const waitNoteWidth = len("waiting: limit 3/3 reached by fetch page 1")

// build takes a new snapshot s; keys name the keys that help.
func (w *waitReasons) build(s *model.Snapshot, keys *keymap.KeyMap) {
	w.keys, w.managers, w.pools, w.tasks = keys, s.Managers, s.Pools, s.Tasks
	if w.cache == nil {
		w.cache = map[waitKey]waitReason{}
	}
	clear(w.cache)
}

// of returns what queued task t waits for; ok is false when nothing says.
func (w *waitReasons) of(t *model.Task) (waitReason, bool) {
	if t.State != model.StateQueued {
		return waitReason{}, false
	}
	k := waitKey{pool: t.Type != "", group: t.Group}
	r, ok := w.cache[k]
	if !ok {
		r = w.reason(k)
		w.cache[k] = r
	}
	return r, r.short != ""
}

// reason works out what queue k waits for (nothing when neither its manager
// nor its pool is in the snapshot).
func (w *waitReasons) reason(k waitKey) waitReason {
	if k.pool {
		for i := range w.pools {
			if w.pools[i].Name == k.group {
				return poolWait(&w.pools[i], w.keys)
			}
		}
		return waitReason{}
	}
	for i := range w.managers {
		if m := &w.managers[i]; m.Name == k.group {
			var holders []*model.Task
			if m.Running >= m.Limit { // who holds the slots
				for j := range w.tasks {
					if t := &w.tasks[j]; t.Group == k.group && t.Type == "" && t.State.Live() {
						holders = append(holders, t)
					}
				}
			}
			return managerWait(m, holders, w.keys)
		}
	}
	return waitReason{}
}

// managerWait is what the queue of manager m waits for; holders are its live
// tasks when it is at its limit.
func managerWait(m *model.Manager, holders []*model.Task, keys *keymap.KeyMap) waitReason {
	name := cleanCell(m.Name)
	limit := "limit " + strconv.Itoa(m.Running) + "/" + strconv.Itoa(m.Limit)
	switch {
	case m.Serial && len(holders) > 0: // a serial queue's order is the point, not its limit
		return waitReason{"in order, behind " + cleanCell(holders[0].Name), "serial queue " + name +
			": one call at a time, in order; it runs after " + taskLabel(holders[0]) + " and those queued before it"}
	case m.Running >= m.Limit && len(holders) > 0:
		short, long := limit+" reached by ", limit+" reached by "
		for i, t := range holders[:min(len(holders), holdersShown)] {
			if i > 0 {
				short, long = short+", ", long+", "
			}
			short += cleanCell(t.Name)
			long += taskLabel(t)
		}
		if more := len(holders) - holdersShown; more > 0 {
			short += " and " + strconv.Itoa(more) + " more"
			long += " and " + strconv.Itoa(more) + " more"
		}
		return waitReason{short, long + "; it starts when one of them ends (a task that always restarts never does)"}
	case m.Running >= m.Limit:
		return waitReason{limit + " reached", "the " + limit + " of manager " + name + " is reached; it starts when a slot frees"}
	case !m.Watching:
		run := keys.Run.Help().Key
		return waitReason{name + " is not watching (" + run + " runs it)", "manager " + name + " is not watching: " + run + " runs its queue"}
	}
	return waitReason{"next", "a slot of manager " + name + " is free: it starts next"}
}

// poolWait is what the queue of pool p waits for.
func poolWait(p *model.Pool, keys *keymap.KeyMap) waitReason {
	name := "pool " + cleanCell(p.Name)
	switch p.State {
	case model.PoolPaused:
		return waitReason{name + " is paused", name + " is paused: " + keys.Pause.Help().Key + " in Pools resumes it"}
	case model.PoolIdle:
		return waitReason{name + " is not started", name + " is not started: its program starts it"}
	case model.PoolStopping, model.PoolStopped:
		return waitReason{name + " is " + string(p.State), name + " is " + string(p.State) + ": it takes no new work"}
	}
	if p.Busy >= p.MaxWorkers {
		n := strconv.Itoa(p.MaxWorkers)
		return waitReason{n + "/" + n + " workers busy", "all " + n + " workers of " + name + " are busy; it starts when one is free"}
	}
	return waitReason{"next", "a worker of " + name + " is free: it starts next"}
}
