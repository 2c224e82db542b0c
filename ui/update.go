package ui

import (
	"context"
	"math"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/model"
)

// Update handles one message: snapshots from the source, results of commands,
// window sizes and keys.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case subscribedMsg:
		m.sub, m.unsubscribe = msg.ch, msg.cancel
		if m.done { // quit before the subscription came back
			return m, quitCmd(nil, m.unsubscribe)
		}
		return m, waitSnapshotCmd(m.sub)
	case snapshotMsg:
		m.setSnapshot(msg.snap)
		return m, waitSnapshotCmd(m.sub)
	case sourceClosedMsg:
		m.header.closed = true
		if !m.quitting {
			m.status.Set(statusError, "source closed: no more updates ("+m.keys.Quit.Help().Key+" quits)")
		}
		return m, nil
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case applyResultMsg:
		level, text := msg.status()
		m.status.Set(level, text)
		return m, nil
	case confirmMsg:
		return m.answered(msg)
	case filterMsg:
		m.setFilter(msg.value)
		return m, nil
	case shutdownDoneMsg:
		m.quitting = false
		if m.err == nil {
			m.err = msg.err
		}
		return m.quit()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, nil
}

// setSnapshot hands a new snapshot to every component.
func (m *Model) setSnapshot(s model.Snapshot) {
	m.snap = s
	m.header.SetSnapshot(&m.snap)
	m.workers.SetSnapshot(&m.snap)
	m.events.SetSnapshot(&m.snap)
	m.detail.SetSnapshot(&m.snap)
	m.status.SetManagers(m.snap.Managers)
	if m.quitting {
		m.status.Set(statusWarn, m.quittingText())
	}
}

// setFilter applies the filter text to the Workers and Events views.
func (m *Model) setFilter(s string) {
	f := newFilter(s)
	m.workers.SetFilter(f)
	m.events.SetFilter(f)
}

// handleKey routes a key press: force quit first, then whatever has the focus
// (confirm dialog, filter line, help), then the keys of the screen.
func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	if key.Matches(msg, k.ForceQuit) {
		return m.forceQuit()
	}
	if m.confirm.open {
		var cmd tea.Cmd
		m.confirm, cmd = m.confirm.Update(msg, k)
		return m, cmd
	}
	if m.filter.active {
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg, k)
		return m, cmd
	}
	if m.help.open {
		switch {
		case key.Matches(msg, k.Help, k.Back):
			m.help.Toggle()
		case key.Matches(msg, k.Quit):
			return m.startQuit()
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.startQuit()
	case key.Matches(msg, k.Help):
		m.help.Toggle()
		return m, nil
	case key.Matches(msg, k.HaltAll):
		return m.act(planHaltAll(m.snap.Counts))
	case key.Matches(msg, k.Halt):
		return m.act(planTasks(actHalt, m.targets()))
	case key.Matches(msg, k.Pause):
		return m.act(planTasks(actPause, m.targets()))
	case key.Matches(msg, k.Kill):
		return m.act(planTasks(actKill, m.targets()))
	case key.Matches(msg, k.Restart):
		return m.act(planTasks(actRestart, m.targets()))
	case key.Matches(msg, k.Run):
		return m.act(planRun(m.targets(), m.snap.Managers))
	}
	if m.detail.open {
		return m.detailKey(msg)
	}
	return m.listKey(msg)
}

// detailKey handles the keys of the detail pane: scrolling and esc.
func (m Model) detailKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k, d := m.keys, &m.detail
	switch {
	case key.Matches(msg, k.Back, k.Detail):
		d.Close()
	case key.Matches(msg, k.Up):
		d.Scroll(-1)
	case key.Matches(msg, k.Down):
		d.Scroll(1)
	case key.Matches(msg, k.PageUp):
		d.Page(-1)
	case key.Matches(msg, k.PageDown):
		d.Page(1)
	case key.Matches(msg, k.Top):
		d.Scroll(-d.maxOffset())
	case key.Matches(msg, k.Bottom):
		d.Scroll(d.maxOffset())
	}
	return m, nil
}

// listKey handles the keys of the Workers and Events views.
func (m Model) listKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	workers := m.active == viewWorkers
	move := func(delta int) {
		if workers {
			m.workers.Move(delta)
		} else {
			m.events.Move(delta)
		}
	}
	moveTo := func(i int) {
		if workers {
			m.workers.MoveTo(i)
		} else {
			m.events.MoveTo(i)
		}
	}
	page := func(dir int) {
		if workers {
			m.workers.Page(dir)
		} else {
			m.events.Page(dir)
		}
	}
	switch {
	case key.Matches(msg, k.Up):
		move(-1)
	case key.Matches(msg, k.Down):
		move(1)
	case key.Matches(msg, k.PageUp):
		page(-1)
	case key.Matches(msg, k.PageDown):
		page(1)
	case key.Matches(msg, k.Top):
		moveTo(0)
	case key.Matches(msg, k.Bottom):
		moveTo(math.MaxInt)
	case key.Matches(msg, k.NextView):
		m.switchView(nextView(m.active))
	case key.Matches(msg, k.WorkersView):
		m.switchView(viewWorkers)
	case key.Matches(msg, k.EventsView):
		m.switchView(viewEvents)
	case key.Matches(msg, k.Filter):
		m.filter.Open(string(m.workers.filter))
	case key.Matches(msg, k.Sort) && workers:
		m.workers.CycleSort()
	case key.Matches(msg, k.SortReverse) && workers:
		m.workers.ReverseSort()
	case key.Matches(msg, k.Mark) && workers:
		m.workers.ToggleMark()
	case key.Matches(msg, k.Detail):
		m.openDetail()
	case key.Matches(msg, k.Back):
		switch {
		case m.workers.filter != "":
			m.setFilter("")
		case m.workers.ClearMarks():
			m.status.Set(statusInfo, "marks cleared")
		}
	}
	return m, nil
}

// nextView returns the view after v in tab order.
func nextView(v view) view {
	vs := availableViews()
	for i, x := range vs {
		if x == v {
			return vs[(i+1)%len(vs)]
		}
	}
	return vs[0]
}

// switchView shows view v.
func (m *Model) switchView(v view) {
	m.active, m.header.active = v, v
}

// openDetail opens the detail pane on the selected task (in Events, the event's).
func (m *Model) openDetail() {
	t := m.detailCandidate()
	if t == nil {
		if e := m.events.Selected(); m.active == viewEvents && e != nil && e.Task != "" {
			m.status.Set(statusInfo, "task "+string(e.Task)+" is no longer in the snapshot")
		}
		return
	}
	m.detail.Open(t, &m.snap)
}

// detailCandidate returns the task enter would open: the selected row, or in
// Events the selected event's task if it is still in the snapshot.
func (m *Model) detailCandidate() *model.Task {
	if m.active == viewWorkers {
		return m.workers.Selected()
	}
	e := m.events.Selected()
	if e == nil || e.Task == "" {
		return nil
	}
	for i := range m.snap.Tasks {
		if m.snap.Tasks[i].ID == e.Task {
			return &m.snap.Tasks[i]
		}
	}
	return nil
}

// act sends a plan, asks about it first, or explains why it cannot be sent.
func (m Model) act(p plan) (tea.Model, tea.Cmd) {
	switch {
	case !p.ok():
		m.status.Set(statusWarn, p.reason)
		return m, nil
	case p.confirm != "":
		m.confirm.Ask(p)
		return m, nil
	}
	return m, applyCmd(m.src, p)
}

// answered handles the confirm dialog's answer.
func (m Model) answered(msg confirmMsg) (tea.Model, tea.Cmd) {
	if !msg.yes {
		m.status.Set(statusInfo, msg.plan.verb+" cancelled")
		return m, nil
	}
	return m, applyCmd(m.src, msg.plan)
}

// startQuit begins the graceful quit: with a shutdown func it runs in a command
// while snapshots keep coming; a second press quits at once.
func (m Model) startQuit() (tea.Model, tea.Cmd) {
	if m.quitting {
		return m.forceQuit()
	}
	if m.opts.shutdown == nil {
		return m.quit()
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	m.quitting, m.cancelShutdown = true, cancel
	m.header.notice = "quitting…"
	m.status.Set(statusWarn, m.quittingText())
	return m, shutdownCmd(ctx, m.opts.shutdown)
}

// quittingText is the status while the shutdown runs.
func (m *Model) quittingText() string {
	again := m.keys.Quit.Help().Key + " again to force"
	if n := liveCount(m.snap.Counts); n > 0 {
		noun := " tasks"
		if n == 1 {
			noun = " task"
		}
		return "quitting: halting " + strconv.Itoa(n) + noun + "… (" + again + ")"
	}
	return "quitting: waiting for the engine to close… (" + again + ")"
}

// forceQuit quits at once, abandoning a running shutdown.
func (m Model) forceQuit() (tea.Model, tea.Cmd) {
	if m.quitting && m.err == nil {
		m.err = ErrForcedQuit
	}
	m.quitting = false
	return m.quit()
}

// quit ends the program.
func (m Model) quit() (tea.Model, tea.Cmd) {
	m.done = true
	cancel := m.cancelShutdown
	m.cancelShutdown = nil
	return m, quitCmd(cancel, m.unsubscribe)
}
