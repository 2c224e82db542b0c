package ui

import (
	"strconv"

	"github.com/spindle-tui/spindle/keymap"
	"github.com/spindle-tui/spindle/model"
)

// waitReasons says what the queued tasks of each manager and each pool wait
// for, worked out once per snapshot from the managers, the pools and the live
// tasks holding their slots: a limit reached (by whom), a manager that is not
// watching, a paused or busy pool. The Workers row shows the short form, the
// detail pane the long one.
type waitReasons struct {
	managers map[string]waitReason
	pools    map[string]waitReason
	holders  map[string][]*model.Task // live tasks of each manager at its limit (the first few)
}

// waitReason is one reason, short ("limit 1/1 reached by web") and long.
type waitReason struct{ short, long string }

// holdersShown is how many slot holders a reason names.
const holdersShown = 2

// build works the reasons out for s; keys name the keys that help.
func (w *waitReasons) build(s *model.Snapshot, keys *keymap.KeyMap) {
	if w.managers == nil {
		w.managers, w.pools, w.holders = map[string]waitReason{}, map[string]waitReason{}, map[string][]*model.Task{}
	}
	clear(w.managers)
	clear(w.pools)
	clear(w.holders)
	full := false
	for i := range s.Managers {
		m := &s.Managers[i]
		if m.Queued > 0 && m.Running >= m.Limit {
			w.holders[m.Name], full = nil, true
		}
	}
	if full { // who holds the slots: only the managers at their limit need it
		for i := range s.Tasks {
			t := &s.Tasks[i]
			if h, ok := w.holders[t.Group]; ok && t.Type == "" && t.State.Live() {
				w.holders[t.Group] = append(h, t)
			}
		}
	}
	for i := range s.Managers {
		m := &s.Managers[i]
		if m.Queued > 0 {
			w.managers[m.Name] = managerWait(m, w.holders[m.Name], keys)
		}
	}
	for i := range s.Pools {
		if p := &s.Pools[i]; p.Queued > 0 {
			w.pools[p.Name] = poolWait(p, keys)
		}
	}
}

// longestShort returns the length of the longest short reason, in bytes.
func (w *waitReasons) longestShort() int {
	n := 0
	for _, r := range w.managers {
		n = max(n, len(r.short))
	}
	for _, r := range w.pools {
		n = max(n, len(r.short))
	}
	return n
}

// of returns what queued task t waits for; ok is false when nothing says.
func (w *waitReasons) of(t *model.Task) (waitReason, bool) {
	if t.State != model.StateQueued {
		return waitReason{}, false
	}
	if t.Type != "" {
		r, ok := w.pools[t.Group]
		return r, ok
	}
	r, ok := w.managers[t.Group]
	return r, ok
}

// managerWait is what the queue of manager m waits for; holders are its live
// tasks when it is at its limit.
func managerWait(m *model.Manager, holders []*model.Task, keys *keymap.KeyMap) waitReason {
	name := cleanCell(m.Name)
	limit := "limit " + strconv.Itoa(m.Running) + "/" + strconv.Itoa(m.Limit)
	switch {
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
