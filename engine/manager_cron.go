package engine

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// cronTask is a manager task run on a cron schedule: a poller keeps the
// schedule and, at each time, starts the task (the first time) or restarts it
// (after that), then waits for it to end. So the Pollers view shows the
// schedule, its next time and how late each start was, and a time that comes
// while the task still runs is skipped (counted in Skipped).
type cronTask struct {
	m    *Manager
	name string
	fn   Func
	spec *ProcessSpec // a process task: a fresh process each time it is appended
	p    *Poller      // the schedule; set before it starts
	id   model.TaskID // the task, once appended; guarded by Engine.mu
}

// Schedule makes fn a task of m that runs at each time of s (see
// CronSchedule): the first time appends it, each later time restarts it (it
// keeps its id, and its restarts count the runs). The task starts at its
// time even while m is not watching, when a slot is free; otherwise it waits
// at the head of the queue, like a restarted task. It returns the poller that
// keeps the schedule, named name and started: its Value says how the last run
// ended; killing it ends the schedule, not a run under way.
func (m *Manager) Schedule(name string, s *CronSchedule, fn Func) (*Poller, error) {
	if fn == nil {
		return nil, ErrNilFunc
	}
	return m.schedule(&cronTask{m: m, name: name, fn: fn}, s)
}

// ScheduleProcess is Schedule for a child process (see AppendProcess).
func (m *Manager) ScheduleProcess(name string, s *CronSchedule, spec ProcessSpec) (*Poller, error) {
	if _, err := newProcess(spec); err != nil {
		return nil, errorf("schedule process %q: %w", name, err)
	}
	return m.schedule(&cronTask{m: m, name: name, spec: &spec}, s)
}

func (m *Manager) schedule(c *cronTask, s *CronSchedule) (*Poller, error) {
	if s == nil {
		return nil, errorf("schedule %q: no cron schedule: %w", c.name, ErrInvalidSchedule)
	}
	opts := []PollerOption{CronSchedules(s, nil)}
	if c.spec != nil {
		opts = append(opts, PeriodFloor(MinCommandPollPeriod))
	}
	p := m.e.newPoller(c.name, "", 0, c.poll, opts)
	c.p = p
	if err := p.Start(); err != nil {
		_ = m.e.RemovePoller(p.Name())
		return nil, err
	}
	m.e.mu.Lock()
	if m.crons == nil {
		m.crons = make(map[string]*cronTask)
	}
	m.crons[p.Name()] = c
	m.e.mu.Unlock()
	return p, nil
}

// Unschedule ends the schedule whose poller is named name (what Schedule
// returned): the poller is removed, and the task halted and forgotten, as
// Engine.Remove does, waiting for it until ctx is done. It returns an error
// wrapping ErrUnknownPoller when m has no such schedule.
func (m *Manager) Unschedule(ctx context.Context, name string) error {
	e := m.e
	e.mu.Lock()
	c := m.crons[name]
	delete(m.crons, name)
	var id model.TaskID
	if c != nil {
		id = c.id
	}
	e.mu.Unlock()
	if c == nil {
		return errNoPoller(name, " scheduled by manager "+strconv.Quote(m.name))
	}
	_ = e.RemovePoller(c.p.Name())
	if id == "" {
		return nil
	}
	if err := e.Remove(ctx, id); err != nil && !errors.Is(err, ErrUnknownTask) {
		return errorf("unschedule %q: %w", name, err)
	}
	return nil
}

// endSchedules removes the pollers of m's schedules (m is being removed).
func (m *Manager) endSchedules() {
	m.e.mu.Lock()
	crons := m.crons
	m.crons = nil
	m.e.mu.Unlock()
	for _, c := range crons {
		_ = m.e.RemovePoller(c.p.Name())
	}
}

// cronEnd is how a scheduled run ended, as the task's end hook saw it.
type cronEnd struct {
	id      model.TaskID
	state   model.State
	errText string
	took    time.Duration
}

// poll is the schedule's run: start or restart the task, wait for its end.
func (c *cronTask) poll(ctx context.Context) (any, error) {
	m, e := c.m, c.m.e
	ended := make(chan cronEnd, 1)
	hook := func(t *task) {
		end := cronEnd{id: t.ident(), state: t.state}
		if r := t.run; r != nil {
			end.errText = r.errText
			if r.ended > r.started {
				end.took = time.Duration(r.ended - r.started)
			}
		}
		ended <- end
	}
	t, err := c.startLocked(hook)
	if errors.Is(err, ErrUnknownManager) && c.p.kill() { // the manager was removed: so is its schedule
		c.p.event(model.LevelInfo, "ended: its manager "+strconv.Quote(m.name)+" was removed")
	}
	if err != nil {
		return nil, err
	}
	select {
	case end := <-ended:
		text := string(end.id) + " " + end.state.String()
		if end.took > 0 {
			text += " in " + model.FormatDuration(end.took)
		}
		if end.state == model.StateFailed || end.state == model.StateFatal {
			return nil, errors.New(text + ": " + end.errText)
		}
		return text, nil
	case <-ctx.Done(): // the schedule is killed: the run goes on, unwatched
		e.mu.Lock()
		m.whenEndedLocked(t, nil)
		e.mu.Unlock()
		return nil, ctx.Err()
	}
}

// startLocked appends the task the first time (or once the history ring has
// forgotten it), restarts it after that, or, if it is live already (restarted
// from the dashboard), waits for that run; hook is told when it ends.
func (c *cronTask) startLocked(hook func(*task)) (*task, error) {
	m, e := c.m, c.m.e
	e.mu.Lock()
	t := e.tasks[c.id]
	if m.removed {
		e.mu.Unlock()
		return nil, errNoManager(m.name, "")
	}
	if t != nil && t.own == m {
		defer e.mu.Unlock()
		m.whenEndedLocked(t, hook)
		if t.state.Finished() {
			if err := e.restartLocked(t); err != nil {
				m.whenEndedLocked(t, nil)
				return nil, err
			}
		}
		return t, nil
	}
	e.mu.Unlock()
	fn, proc := c.fn, (*process)(nil)
	if c.spec != nil {
		var err error
		if proc, err = newProcess(*c.spec); err != nil {
			return nil, err
		}
		fn = proc.run
	}
	var added *task
	_, err := m.append(c.name, fn, proc, nil, func(t *task) {
		added, c.id = t, t.id
		m.whenEndedLocked(t, hook)
		m.startQueuedLocked(t)
	})
	return added, err
}

// startQueuedLocked starts queued t at once if a slot is free, watching or
// not, as a restart does.
func (m *Manager) startQueuedLocked(t *task) {
	if t.state != model.StateQueued || len(m.live) >= m.limit || m.e.closing {
		return
	}
	m.queue.Remove(t)
	m.occupy(t, m.launchLocked(t, t.run))
}
