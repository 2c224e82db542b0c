package engine

import (
	"time"

	"github.com/spindle-tui/spindle/model"
)

// group is the bookkeeping of anything that owns tasks: a slot limit, a queue and
// the live set. Manager wraps one; pools will too. Guarded by Engine.mu.
type group struct {
	name     string
	limit    int
	watching bool // start queued work whenever a slot frees
	queue    taskQueue
	queued   int     // live entries in queue
	live     []*task // tasks holding a slot; t.run.slot is the index
	runLive  int     // live tasks started by Manager.Run
	counts   model.StateCounts
	pool     *Pool // set when a pool owns the group: its workers start the work
	removed  bool  // Engine.RemoveManager took it away: no new work, no restarts
}

// occupy gives t (whose current run is r) a slot.
func (g *group) occupy(t *task, r *run) {
	r.slot = len(g.live)
	g.live = append(g.live, t)
}

// release frees t's slot, moving the last live task into it.
func (g *group) release(t *task) {
	i, last := t.run.slot, len(g.live)-1
	g.live[i] = g.live[last]
	g.live[i].run.slot = i
	g.live[last] = nil
	g.live = g.live[:last]
}

// startNextLocked starts the task at the head of g's queue in a free slot and
// reports whether there was one.
func (e *Engine) startNextLocked(g *group, byRun bool) bool {
	if len(g.live) >= g.limit || e.closing {
		return false
	}
	t := g.queue.popFront()
	if t == nil {
		return false
	}
	g.queued--
	r := e.launchLocked(t, t.run)
	r.byRun = byRun
	if byRun {
		g.runLive++
	}
	g.occupy(t, r)
	return true
}

// fillLocked starts queued work while g is watching and has free slots.
func (e *Engine) fillLocked(g *group) {
	if g.pool != nil {
		g.pool.wakeLocked()
		return
	}
	for g.watching && e.startNextLocked(g, false) {
	}
}

// stats returns g as a viewer sees it.
func (g *group) stats() model.Manager {
	return model.Manager{
		Name:     g.name,
		Limit:    g.limit,
		Watching: g.watching,
		Running:  len(g.live),
		Queued:   g.queued,
		Counts:   g.counts,
	}
}

// Manager is a named limit and a queue of requested work (luminal's
// ThreadManager): Append queues work, Run starts up to the limit, Watch keeps
// starting queued work as slots free, Stop ends watching and Halt stops it all.
type Manager struct {
	e *Engine
	g group
}

// Name returns the manager's unique name (NewManager may have suffixed it).
func (m *Manager) Name() string { return m.g.name }

// Append queues fn under a display name and returns its id. While the manager is
// watching it starts at once if a slot is free. It returns ErrClosed once Close
// has begun and ErrNilFunc for a nil fn.
func (m *Manager) Append(name string, fn Func) (model.TaskID, error) {
	if fn == nil {
		return "", ErrNilFunc
	}
	e := m.e
	created := time.Now().UnixNano()
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.closing:
		return "", ErrClosed
	case m.g.removed:
		return "", errNoManager(m.g.name)
	}
	t := &task{id: e.newTaskID(), name: name, fn: fn, grp: &m.g, created: created, state: model.StateQueued}
	e.tasks[t.id] = t
	e.counts[model.StateQueued]++
	m.g.counts[model.StateQueued]++
	m.g.queue.pushBack(t)
	m.g.queued++
	e.markDirty()
	e.fillLocked(&m.g)
	return t.id, nil
}

// Run starts queued work up to the limit. It returns ErrAlreadyWatching while
// watching, ErrAlreadyRunning while work a previous Run started is still live,
// ErrNoTasks when nothing is queued, and ErrClosed once Close has begun.
func (m *Manager) Run() error {
	e := m.e
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.closing:
		return ErrClosed
	case m.g.watching:
		return ErrAlreadyWatching
	case m.g.runLive > 0:
		return ErrAlreadyRunning
	case m.g.queued == 0:
		return ErrNoTasks
	}
	n := 0
	for e.startNextLocked(&m.g, true) {
		n++
	}
	e.eventLocked(model.LevelInfo, nil, m.g.name, m.g.name+": run, "+itoa(n)+" started")
	return nil
}

// Watch makes the manager start queued work whenever a slot is free, now and as
// work is appended or finishes. It returns ErrAlreadyWatching while watching and
// ErrClosed once Close has begun.
func (m *Manager) Watch() error {
	e := m.e
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.closing:
		return ErrClosed
	case m.g.watching:
		return ErrAlreadyWatching
	}
	m.g.watching = true
	e.eventLocked(model.LevelInfo, nil, m.g.name, m.g.name+": watch")
	e.fillLocked(&m.g)
	return nil
}

// Stop ends watching. Running work goes on; queued work stays queued.
func (m *Manager) Stop() {
	e := m.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if m.g.watching {
		m.g.watching = false
		e.eventLocked(model.LevelInfo, nil, m.g.name, m.g.name+": stop watching")
	}
}

// Halt stops watching, halts every live task of the manager (cancelling pending
// restarts) and waits for them. What has not returned within the kill grace is
// abandoned (counted as leaked) so Halt always returns. Queued work stays queued.
// A task must not call Halt on its own manager: it would wait for itself.
func (m *Manager) Halt() {
	e := m.e
	e.mu.Lock()
	m.g.watching = false
	waits := make([]*run, 0, len(m.g.live))
	for _, t := range m.g.live {
		t.run.restart = false
		if t.state != model.StateHalting {
			e.haltLiveLocked(t)
		}
		waits = append(waits, t.run)
	}
	e.haltBackoffLocked(&m.g) // restart.go: pending restarts are cancelled too
	e.eventLocked(model.LevelInfo, nil, m.g.name, m.g.name+": halt, "+itoa(len(waits))+" live")
	wait := haltWait(e.cfg.killGrace, waits) // process_run.go: processes get their stop grace
	e.mu.Unlock()
	if len(waits) == 0 {
		return
	}

	grace := time.NewTimer(wait)
	defer grace.Stop()
wait:
	for _, r := range waits {
		select {
		case <-r.returned:
		case <-grace.C:
			break wait
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range waits {
		e.abandonLocked(r.t, r, "did not return within "+e.cfg.killGrace.String()+" of halt")
	}
}

// Stats returns the manager as a snapshot shows it.
func (m *Manager) Stats() model.Manager {
	m.e.mu.Lock()
	defer m.e.mu.Unlock()
	return m.g.stats()
}
