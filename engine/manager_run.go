package engine

import (
	"context"
	"runtime/pprof"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/tail"
	"github.com/spindle-tui/spindle/model"
)

// A manager's side of its tasks' lives: how its runs start and end, and the
// owner methods the lifecycle code calls (see owner). All of it runs with
// Engine.mu held, which is all a manager's tasks need.

// launchLocked starts a new run of t (whose state is queued, or live with a
// restart pending). The caller puts t in a slot. prev, the previous run if any,
// hands over its log so the detail pane shows what happened before a restart.
func (m *Manager) launchLocked(t *task, prev *run) *run {
	e := m.e
	r := &run{e: e, t: t, returned: make(chan struct{}), started: time.Now().UnixNano()}
	// Not cancelled by Close's cancel of e.base: Close halts each task itself,
	// dependents before what they depend on (shutdown.go).
	ctx, cancel := context.WithCancel(context.WithoutCancel(e.base))
	r.ctx, r.cancel = context.WithValue(ctx, runKey{}, r), cancel
	if prev != nil {
		r.log = tail.Continue(e.cfg.logLines, prev.logTail(-1))
	}
	t.run = r
	if o := t.orch; o != nil { // depends.go, probe.go: a new run to reach and check
		o.started, o.logReady, r.readyLine = true, false, o.readyLine
		o.probes.startLocked()
	}
	e.setStateLocked(t, model.StateRunning)
	go m.execute(t, r)
	return r
}

// execute runs the function and accounts for how it ended, whatever the way.
func (m *Manager) execute(t *task, r *run) {
	var o outcome
	defer func() { m.finish(t, r, o) }()
	// labels.go: this goroutine and those it starts carry the task's id, and
	// so does its context, so that a pprof.Do in the function adds labels to
	// the task's instead of replacing them. (TestStopGraceNone's failures
	// blamed on this context were its wait for "ready" matching the
	// "started pid" line, which quotes the script, before the trap ran.)
	ctx := taskLabels(r.ctx, t, m.name)
	pprof.SetGoroutineLabels(ctx)
	o = call(ctx, t.fn)
}

// finish accounts for a returned function: the task's final state, its slot, the
// history ring, events, a pending restart and the manager's next work.
func (m *Manager) finish(t *task, r *run, o outcome) {
	r.cancel()
	now := time.Now()
	e := m.e
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
	if t.orch != nil {
		t.orch.probes.stopLocked() // probe.go: no run to check
	}
	if r.restart && !e.closing {
		t.restarts++
		e.redefinedLocked(t) // redefine.go
		if o := t.orch; o != nil && len(o.deps) > 0 {
			if v, why := e.gateLocked(t); v != depHolds { // depends.go: it waits, without its slot
				o.started, o.logReady = false, false
				e.parkLocked(t, v, why)
				m.releaseLocked(t)
				m.fillLocked()
				return
			}
		}
		next := m.launchLocked(t, r)
		next.slot, next.byRun = r.slot, r.byRun
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" restarted (restart "+itoa(int(t.restarts))+")")
		return
	}
	e.redefinedLocked(t) // redefine.go: a redefinition that came as it ended
	if t.policy != nil && !m.removed {
		final = e.restartPolicyLocked(t, r, final) // restart.go: backoff or fatal
	}
	e.setStateLocked(t, final)
	if final == model.StateHalted || final == model.StateKilled {
		e.eventLocked(model.LevelInfo, t, "", quote(t)+" "+final.String())
	}
	m.releaseLocked(t)
	if final != model.StateBackoff { // a task in backoff is listed in e.backoff
		m.retireLocked(t)
	}
	m.fillLocked()
}

func (m *Manager) ownerName() string { return m.name }

// lockLocked: Engine.mu guards a manager's tasks; nothing more to take.
func (m *Manager) lockLocked(*task) func() { return nothing }

// nothing is the unlock of what needs no lock.
func nothing() {}

func (m *Manager) countLocked(t *task, s model.State) {
	e := m.e
	e.counts[t.state]--
	e.counts[s]++
	m.counts[t.state]--
	m.counts[s]++
}

func (m *Manager) unqueueLocked(t *task) {
	m.queue.Remove(t)
}

// releaseLocked frees t's slot, moving the last live task into it. finish
// calls it too, when the run returned.
func (m *Manager) releaseLocked(t *task) {
	i, last := t.run.slot, len(m.live)-1
	m.live[i] = m.live[last]
	m.live[i].run.slot = i
	m.live[last] = nil
	m.live = m.live[:last]
	if t.run.byRun {
		m.runLive--
	}
}

// retireLocked puts t in the engine's history ring. A task evicted from the
// ring is forgotten (Apply no longer finds it) but stays in the counters.
func (m *Manager) retireLocked(t *task) {
	m.endedLocked(t)
	e := m.e
	if e.tasks[t.ident()] != t { // what waited for its end forgot it (a replica leaving its set)
		return
	}
	old, evicted := e.history.Push(t)
	if !evicted {
		return
	}
	delete(e.tasks, old.ident())
	old.run, old.fn = nil, nil // its log and closure can go
}

func (m *Manager) requeueLocked(t *task) {
	m.e.unkeepLocked(t)
	if len(m.live) < m.limit && !m.e.closing {
		m.occupy(t, m.launchLocked(t, t.run))
		return
	}
	if t.run != nil { // the snapshot shows since when it waits again
		t.run.requeued = time.Now().UnixNano()
	}
	m.queue.PushFront(t)
}

func (m *Manager) fillLocked() {
	for m.watching && m.startNextLocked(false) {
	}
}

func (m *Manager) forgetLocked(t *task) {
	m.e.unkeepLocked(t)
	delete(m.e.tasks, t.ident())
	if t.orch != nil {
		m.e.forgetOrchLocked(t) // depends.go
	}
}

func (m *Manager) eachLiveLocked(fn func(*task)) {
	for _, t := range m.live {
		fn(t)
	}
}

func (m *Manager) returnedLocked(t *task) func(context.Context) error {
	done := t.run.returned
	return func(ctx context.Context) error {
		select {
		case <-done:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (m *Manager) describe(*task, *model.Task) {}

// unkeepLocked takes t out of the engine's history ring, if it is there.
func (e *Engine) unkeepLocked(t *task) {
	if i := e.history.Index(func(h **task) bool { return *h == t }); i >= 0 {
		e.history.Remove(i)
	}
}
