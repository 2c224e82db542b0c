package engine

import (
	"context"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/deque"
	"github.com/spindle-tui/spindle/model"
)

// Manager is a named limit and a queue of requested work (luminal's
// ThreadManager): Append queues work, Run starts up to the limit, Watch keeps
// starting queued work as slots free, Stop ends watching and Halt stops it all.
// It owns its tasks (see owner): each queued task waits in its queue, each live
// one holds one of its slots.
type Manager struct {
	e    *Engine
	name string

	// Guarded by Engine.mu.
	limit    int
	watching bool // start queued work whenever a slot frees
	queue    deque.Deque[*task]
	live     []*task // tasks holding a slot; t.run.slot is the index
	runLive  int     // live tasks started by Run
	counts   model.StateCounts
	removed  bool // Engine.RemoveManager took it away: no new work, no restarts
	serial   bool // a Serial's: its limit stays 1 (serial.go)
	// onEnd holds, per task, what to tell once it ends for good: retired,
	// or dropped from the queue (a Serial resolves its calls, a cron task's
	// poller learns how its run went: serial.go, manager_cron.go).
	onEnd map[*task]func(t *task)
	crons map[string]*cronTask // the schedules of its cron tasks, by poller name (manager_cron.go)
}

// endedLocked tells what waits for t (onEnd) that it has ended for good.
func (m *Manager) endedLocked(t *task) {
	if fn := m.onEnd[t]; fn != nil {
		delete(m.onEnd, t)
		fn(t)
	}
}

// whenEndedLocked makes fn be told once t ends for good (nil: forget it).
func (m *Manager) whenEndedLocked(t *task, fn func(*task)) {
	if fn == nil {
		delete(m.onEnd, t)
		return
	}
	if m.onEnd == nil {
		m.onEnd = make(map[*task]func(*task))
	}
	m.onEnd[t] = fn
}

// Name returns the manager's unique name (NewManager may have suffixed it).
func (m *Manager) Name() string { return m.name }

// Append queues fn under a display name and returns its id. While the manager is
// watching it starts at once if a slot is free. It returns ErrClosed once Close
// has begun and ErrNilFunc for a nil fn.
//
// Options add dependencies (DependsOn: the task waits, holding no slot and
// outside the queue, until they hold), probes (Readiness, Liveness), a ready
// log line, Disabled and a restart policy (WithRestart); a dependency on an
// unknown id is a *DependencyError.
func (m *Manager) Append(name string, fn Func, opts ...TaskOption) (model.TaskID, error) {
	return m.append(name, fn, nil, opts, nil)
}

// append is Append, for a process task with its process (nil for a
// goroutine); queued, if not nil, is called with the task under Engine.mu
// once it is in place (queued, waiting or disabled) and before it can start.
func (m *Manager) append(name string, fn Func, proc *process, opts []TaskOption, queued func(*task)) (model.TaskID, error) {
	if fn == nil {
		return "", ErrNilFunc
	}
	var to taskOptions
	for _, o := range opts {
		o(&to)
	}
	policy, err := newRestarter(proc, to.restart) // restart_spec.go
	if err != nil {
		return "", errorf("append %q: %w", name, err)
	}
	e := m.e
	probes := e.newProbeSet(name, &to) // probe.go: naming their pollers may take e.mu
	created := time.Now().UnixNano()
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.closing:
		err = ErrClosed
	case m.removed:
		err = errNoManager(m.name, "")
	}
	t := &task{name: name, fn: fn, own: m, created: created, state: model.StateQueued, proc: proc, policy: policy}
	if err == nil {
		err = e.linkLocked(t, &to) // depends.go
	}
	if err != nil {
		if probes != nil {
			probes.removeLocked(e)
		}
		return "", err
	}
	t.id = e.newTaskID()
	if probes != nil {
		orchOf(t).probes = probes
		probes.each(func(pb *probe) { pb.t = t })
	}
	e.tasks[t.id] = t
	e.counts[model.StateQueued]++
	m.counts[model.StateQueued]++
	e.markDirty()
	held := true
	switch {
	case to.disabled:
		e.listHeldLocked(t)
		e.setStateLocked(t, model.StateDisabled)
	case e.holdLocked(t): // depends.go: waiting or blocked
	default:
		m.queue.PushBack(t)
		held = false
	}
	if queued != nil {
		queued(t)
	}
	if !held {
		m.fillLocked()
	}
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
	case m.watching:
		return ErrAlreadyWatching
	case m.runLive > 0:
		return ErrAlreadyRunning
	case m.queue.Len() == 0:
		return ErrNoTasks
	}
	n := 0
	for m.startNextLocked(true) {
		n++
	}
	e.eventLocked(model.LevelInfo, nil, m.name, m.name+": run, "+itoa(n)+" started")
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
	case m.watching:
		return ErrAlreadyWatching
	}
	m.watching = true
	e.eventLocked(model.LevelInfo, nil, m.name, m.name+": watch")
	m.fillLocked()
	return nil
}

// Stop ends watching. Running work goes on; queued work stays queued.
func (m *Manager) Stop() {
	e := m.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if m.watching {
		m.watching = false
		e.eventLocked(model.LevelInfo, nil, m.name, m.name+": stop watching")
	}
}

// Halt stops watching, halts every live task of the manager (cancelling pending
// restarts) and waits for them. What has not returned within the kill grace is
// abandoned (counted as leaked) so Halt always returns. Queued work stays queued.
// A task must not call Halt on its own manager: it would wait for itself.
func (m *Manager) Halt() {
	e := m.e
	e.mu.Lock()
	m.watching = false
	_, runs := e.haltOwnerLocked(m, nil)
	e.haltBackoffLocked(m) // restart.go: pending restarts are cancelled too
	e.eventLocked(model.LevelInfo, nil, m.name, m.name+": halt, "+itoa(len(runs))+" live")
	wait := haltWait(e.cfg.killGrace, runs) // process_run.go: processes get their stop grace
	e.mu.Unlock()
	if len(runs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	_ = awaitClosed(ctx, returnedChans(runs))
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range runs {
		e.abandonLocked(r.t, r, "did not return within "+e.cfg.killGrace.String()+" of halt")
	}
}

// SetLimit changes how many of the manager's tasks run at once (at least 1).
// Growing starts queued work at once if the manager is watching; shrinking lets
// running work finish, and no more starts until the live count is below it.
func (m *Manager) SetLimit(n int) {
	n = max(n, 1)
	e := m.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if m.serial { // one call at a time is what a serial queue is
		n = 1
	}
	if n == m.limit {
		return
	}
	old := m.limit
	m.limit = n
	e.eventLocked(model.LevelInfo, nil, m.name, m.name+": limit "+itoa(old)+" → "+itoa(n))
	m.fillLocked()
}

// Stats returns the manager as a snapshot shows it.
func (m *Manager) Stats() model.Manager {
	m.e.mu.Lock()
	defer m.e.mu.Unlock()
	return m.statsLocked()
}

// statsLocked returns the manager as a viewer sees it.
func (m *Manager) statsLocked() model.Manager {
	return model.Manager{
		Name:     m.name,
		Limit:    m.limit,
		Watching: m.watching,
		Running:  len(m.live),
		Queued:   m.queue.Len(),
		Counts:   m.counts,
		Serial:   m.serial,
	}
}

// occupy gives t (whose current run is r) a slot.
func (m *Manager) occupy(t *task, r *run) {
	r.slot = len(m.live)
	m.live = append(m.live, t)
}

// startNextLocked starts the task at the head of the queue in a free slot and
// reports whether there was one.
func (m *Manager) startNextLocked(byRun bool) bool {
	if len(m.live) >= m.limit || m.e.closing {
		return false
	}
	t := m.queue.PopFront()
	if t == nil {
		return false
	}
	r := m.launchLocked(t, t.run)
	r.byRun = byRun
	if byRun {
		m.runLive++
	}
	m.occupy(t, r)
	return true
}
