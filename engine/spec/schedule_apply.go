package spec

import (
	"context"
	"fmt"

	"github.com/spindle-tui/spindle/engine"
)

// scheduleLocked starts t, a manager task with a schedule: the engine's
// schedule appends it at its first time and restarts it at each later one.
func (s *Supervisor) scheduleLocked(m *engine.Manager, t *Task) error {
	p, err := m.ScheduleProcess(t.Name, t.Cron, ProcessSpec(t))
	if err != nil {
		return fmt.Errorf("task %q: %w", t.Name, err)
	}
	if p.Name() != t.Name { // a poller of that name is still going away
		_ = m.Unschedule(context.Background(), p.Name())
		return fmt.Errorf("task %q: the name is still taken by a poller (what had it has not stopped); not scheduled", t.Name)
	}
	s.cron[t.Name] = m.Name()
	return nil
}

// unscheduleLocked ends the schedule of the task named name, and the task, if
// it has one; it reports whether it had.
func (s *Supervisor) unscheduleLocked(ctx context.Context, name string) (bool, error) {
	mgr, ok := s.cron[name]
	if !ok {
		return false, nil
	}
	delete(s.cron, name)
	m, ok := s.e.Manager(mgr)
	if !ok {
		return true, nil
	}
	if err := m.Unschedule(ctx, name); err != nil {
		return true, fmt.Errorf("unschedule task %q: %w", name, err)
	}
	return true, nil
}
