package engine

import (
	"time"

	"github.com/spindle-tui/spindle/model"
)

// Snapshot builds a snapshot now. Subscribers get them coalesced; this is for
// tests and one-shot readers such as `spindle status`.
func (e *Engine) Snapshot() model.Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.snapshotLocked()
}

// snapshotLocked builds a snapshot whose size depends on the live work, the
// previews and the rings, never on the backlog. It copies no logs: each task's
// tail is a sub-slice shared with the append-only log.
func (e *Engine) snapshotLocked() model.Snapshot {
	e.seq++
	s := model.Snapshot{
		Seq:         e.seq,
		Time:        time.Now(),
		Source:      e.cfg.source,
		SourceError: e.sourceErr,
		Counts:      e.counts,
		Leaked:      e.leaked,
	}
	preview := e.cfg.queuePreview
	held := e.held[:min(len(e.held), maxHeldShown)]
	n := len(e.backoff) + len(held)
	for _, m := range e.managers {
		n += len(m.live) + min(m.queue.Len(), preview)
	}
	tail := min(e.cfg.logLines, maxSnapshotLog)

	s.Tasks = make([]model.Task, n, n+e.history.Len())
	i := 0
	for _, m := range e.managers {
		for _, t := range m.live {
			t.view(&s.Tasks[i], tail)
			i++
		}
	}
	for _, t := range e.backoff { // waiting to be restarted (restart.go)
		t.view(&s.Tasks[i], tail)
		i++
	}
	for _, t := range held { // waiting, blocked, disabled (depends.go)
		t.view(&s.Tasks[i], tail)
		i++
	}
	for _, m := range e.managers {
		left := preview
		m.queue.Each(func(t *task) bool {
			if left == 0 {
				return false
			}
			t.view(&s.Tasks[i], tail)
			i++
			left--
			return true
		})
	}
	// Pool work comes after manager work (live, then queued) and its history
	// after the engine's: pools are read under their own locks (pool_registry.go).
	finished := e.poolsSnapshotLocked(&s, s.Time.UnixNano(), preview, tail)
	e.history.NewestFirst(func(t **task) bool {
		s.Tasks = append(s.Tasks, model.Task{})
		(*t).view(&s.Tasks[len(s.Tasks)-1], tail)
		return true
	})
	s.Tasks = append(s.Tasks, finished...)

	s.Managers = make([]model.Manager, len(e.managers))
	for i, m := range e.managers {
		s.Managers[i] = m.statsLocked()
	}
	s.Replicas = e.replicasSnapshotLocked() // replicas.go
	s.Pollers = e.pollerStats(s.Time.UnixNano())
	s.Events = make([]model.Event, 0, e.events.Len())
	e.events.NewestFirst(func(ev *model.Event) bool {
		s.Events = append(s.Events, *ev)
		return true
	})
	return s
}

// view fills v with t as a viewer sees it, with the last tail lines of its log.
func (t *task) view(v *model.Task, tail int) {
	*v = model.Task{
		ID:       t.ident(),
		Name:     t.name,
		Group:    t.own.ownerName(),
		Kind:     model.KindGoroutine,
		State:    t.state,
		Created:  unixTime(t.created),
		Restarts: int(t.restarts),
	}
	t.own.describe(t, v)
	if t.orch != nil {
		t.viewOrch(v) // depends.go: dependencies, health, what it waits for
	}
	if t.proc != nil {
		t.proc.view(v) // process.go: pid, exit, resources, command
	}
	if t.policy != nil && t.policy.retry != 0 { // restart.go: in backoff until then
		v.Retry = unixTime(t.policy.retry)
	}
	r := t.run
	if r == nil {
		return
	}
	if t.state.Pending() { // queued again by a restart: the last run's times and end are not this run's
		v.Queued = unixTime(r.requeued)
		v.ExitCode, v.Signal = nil, ""
		if tail > 0 {
			v.Log = r.logTail(tail)
		}
		return
	}
	v.Started = unixTime(r.started)
	v.Ended = unixTime(r.ended)
	v.Asked = unixTime(r.asked)
	v.Done = r.done.Load()
	v.Total = r.total.Load()
	v.Error = r.errText
	v.Stack = r.stack
	if tail > 0 {
		v.Log = r.logTail(tail)
	}
}

// unixTime turns stored unix nanoseconds back into a time; 0 is the zero time.
func unixTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}
