package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

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
			return m, quitCmd(nil, m.unsubscribe, m.stopClock)
		}
		return m, waitSnapshotCmd(m.sub, time.Time{}, m.clockStop)
	case snapshotMsg:
		m.setSnapshot(m.framed(msg.snap))
		m.taken, m.arrived = m.snap.Time, time.Now()
		return m, waitSnapshotCmd(m.sub, m.arrived.Add(m.opts.frame), m.clockStop)
	case clockMsg:
		if time.Time(msg).Sub(m.arrived) >= m.freshFor() { // else the last frame's ages are fresh
			m.age(time.Time(msg))
		}
		m.status.Expire(time.Time(msg))
		if m.opts.noClock {
			return m, nil
		}
		return m, clockCmd(m.clockStop)
	case sourceClosedMsg:
		m.header.closed = true
		if !m.quitting {
			m.status.SetSticky(statusError, "source closed: no more updates ("+m.keys.Quit.Help().Key+" quits)")
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
	case tea.PasteMsg:
		return m.paste(msg)
	case shutdownDoneMsg:
		m.quitting = false
		if m.err == nil {
			m.err = msg.err
		}
		return m.quit()
	case tea.KeyPressMsg:
		next, cmd := m.handleKey(msg)
		return next.(Model).readLogs(cmd) // logkeys.go
	case logBatchMsg: // logkeys.go
		return m.logBatch(msg)
	case goroutinesTickMsg, goroutinesMsg: // goroutines_poll.go
		return m.goroutinesUpdate(msg)
	case QuitRequestMsg: // quit_request.go
		return m.startQuit()
	}
	return m, nil
}

// age moves the picture's clock on while no snapshot comes: an idle engine
// publishes nothing, but the ages, "3s ago" and countdowns on screen must still
// advance. The snapshot keeps what it says; only its Time moves, by the wall
// time since it arrived.
func (m *Model) age(now time.Time) {
	if m.taken.IsZero() || m.done {
		return
	}
	s := m.snap
	s.Time = m.taken.Add(now.Sub(m.arrived))
	m.setSnapshot(s)
}

// framed returns s, or, when s carries only a SourceError and no picture (zero
// Time, as a remote client may send when its connection drops), the last frame
// with that error: the dashboard keeps showing what it last knew.
func (m *Model) framed(s model.Snapshot) model.Snapshot {
	if !s.Time.IsZero() || s.SourceError == "" || !m.header.have {
		return s
	}
	last := m.snap
	last.SourceError = s.SourceError
	return last
}

// setSnapshot hands a new snapshot to every component. The source error bar
// takes a line from the body, so the layout changes when it appears or clears.
func (m *Model) setSnapshot(s model.Snapshot) {
	if s.NotEngine && !m.snap.NotEngine { // notengine.go: only goroutines to show
		m.switchView(viewGoroutines)
	}
	m.snap = s
	shown := m.srcErr.Shown()
	m.srcErr.Set(s.SourceError)
	if shown != m.srcErr.Shown() {
		m.resize(m.width, m.height)
	}
	m.waits.build(&m.snap, m.keys)
	m.header.SetSnapshot(&m.snap)
	m.workers.SetSnapshot(&m.snap)
	m.pools.SetSnapshot(&m.snap)
	m.pollers.SetSnapshot(&m.snap)
	m.events.SetSnapshot(&m.snap)
	m.detail.SetSnapshot(&m.snap)
	m.pollerD.SetSnapshot(&m.snap)
	m.status.SetManagers(m.snap.Managers)
	if m.text.open && m.textKind == textErrors { // the errors shown follow the file
		if !m.srcErr.Shown() {
			m.text.Close()
			m.status.Set(statusOK, "the source has no errors now")
		} else {
			m.text.Open(m.srcErr.title(), m.srcErr.content)
		}
	}
	if m.quitting {
		m.status.SetSticky(statusWarn, m.quittingText())
	}
}

// editFilter hands a key or a paste to the open filter line and applies what
// it changed at once: a command would let a burst of keys arrive out of order.
func (m *Model) editFilter(msg tea.Msg) {
	switch m.filter.Update(msg, *m.keys) {
	case filterChanged, filterKept:
		m.setFilter(m.filter.Value())
	case filterCleared:
		m.setFilter("")
	}
}

// paste types pasted text into the filter line; with the line closed it says
// where pasting works.
func (m Model) paste(msg tea.PasteMsg) (tea.Model, tea.Cmd) {
	if m.filter.active {
		m.editFilter(msg)
		return m, nil
	}
	m.status.Set(statusInfo, "pasting goes into the filter: "+m.keys.Filter.Help().Key+" opens it")
	return m, nil
}

// setFilter applies the filter text to every list view.
func (m *Model) setFilter(s string) {
	m.applyFilter(newFilter(s))
}

// applyFilter applies f to every list view.
func (m *Model) applyFilter(f filter) {
	m.workers.SetFilter(f)
	m.pools.SetFilter(f)
	m.pollers.SetFilter(f)
	m.events.SetFilter(f)
	m.gors.SetFilter(f)
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
		m.confirm, cmd = m.confirm.Update(msg, *k)
		if cmd == nil {
			m.status.Set(statusInfo, "answer "+k.Yes.Help().Key+" or "+k.No.Help().Key)
		}
		return m, cmd
	}
	if m.filter.active {
		m.editFilter(msg)
		return m, nil
	}
	if m.text.open {
		return m.textKey(msg)
	}
	if m.help.open {
		switch {
		case key.Matches(msg, k.Help, k.Back):
			m.help.Toggle(false)
		case key.Matches(msg, k.Quit):
			return m.startQuit()
		case m.navigate(msg, &m.help):
		default:
			m.status.Set(statusInfo, k.Back.Help().Key+" or "+k.Help.Help().Key+" closes the help")
		}
		return m, nil
	}
	if v := m.openLog(); v != nil && (v.typing || !v.all) { // logkeys.go: a search line, or a task's log, has every key
		return m.logKey(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.startQuit()
	case key.Matches(msg, k.Help):
		m.help.Toggle(m.openLog() != nil)
		return m, nil
	case key.Matches(msg, k.Logs) && m.active != viewLogs:
		return m.openLogs()
	case key.Matches(msg, k.HaltAll):
		return m.act(planHaltAll(m.snap.Counts))
	case key.Matches(msg, k.Reload):
		return m.act(planReload())
	case key.Matches(msg, k.Errors):
		m.showErrors()
		return m, nil
	}
	if a, ok := m.actionOf(msg); ok {
		return m.act(m.planFor(a))
	}
	switch {
	case m.pollerD.open:
		return m.pollerDetailKey(msg)
	case m.detail.open:
		return m.detailKey(msg)
	}
	if v := m.openLog(); v != nil {
		return m.logKey(msg)
	}
	return m.listKey(msg)
}

// showErrors opens every error of the source in the text overlay.
func (m *Model) showErrors() {
	if !m.srcErr.Shown() {
		m.status.Set(statusInfo, "no errors to show: the source has none")
		return
	}
	m.text.Open(m.srcErr.title(), m.srcErr.content)
	m.textKind = textErrors
}

// textKey handles the keys of the text overlay: the navigation keys scroll
// it, esc (or enter, or the key that opened it) closes it, q quits; the
// others say how to close it.
func (m Model) textKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case m.navigate(msg, &m.text):
	case key.Matches(msg, k.Back, k.Detail) || m.textKind == textErrors && key.Matches(msg, k.Errors):
		m.text.Close()
	case key.Matches(msg, k.Quit):
		return m.startQuit()
	default:
		m.status.Set(statusInfo, m.textCloseHint())
	}
	return m, nil
}

// textCloseHint says how the text overlay closes.
func (m *Model) textCloseHint() string {
	return m.keys.Back.Help().Key + " closes this box"
}

// nextView returns the view dir steps after v in tab order (-1: the one before).
func nextView(v view, dir int) view {
	vs := availableViews()
	for i, x := range vs {
		if x == v {
			return vs[((i+dir)%len(vs)+len(vs))%len(vs)]
		}
	}
	return vs[0]
}

// switchView shows view v.
func (m *Model) switchView(v view) {
	m.active, m.header.active = v, v
	m.switchLogsView() // logkeys.go
}

// openDetail opens the detail pane on the selected task; in Events, on the
// event's task, or, for an event of no task (or of one no longer in the
// snapshot), the event in full.
func (m *Model) openDetail() {
	if t := m.detailCandidate(); t != nil {
		m.detail.Open(t, &m.snap)
		return
	}
	switch e := m.events.SelectedEvent(); {
	case m.active == viewEvents && e != nil:
		m.text.Open("Event", eventContent(m.st, e, e.Task != ""))
		m.textKind = textEvent
	case m.active == viewEvents:
		m.status.Set(statusInfo, "no event selected")
	default:
		m.status.Set(statusInfo, "no task selected")
	}
}

// detailCandidate returns the task enter would open: the selected row, or in
// Events the selected event's task if it is still in the snapshot.
func (m *Model) detailCandidate() *model.Task {
	if m.active == viewWorkers {
		return m.workers.Selected()
	}
	e := m.events.SelectedEvent()
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
	m.status.SetSticky(statusWarn, m.quittingText())
	return m, shutdownCmd(ctx, m.opts.shutdown)
}

// quittingText is the status while the shutdown runs: the non-daemon pools
// still draining (their work finishes) apart from the tasks being halted.
func (m *Model) quittingText() string {
	again := m.keys.Quit.Help().Key + " again to force"
	var pools, running, queued int
	for _, p := range m.snap.Pools {
		if p.State == model.PoolStopping && !p.Daemon && p.Busy+p.Queued > 0 {
			pools, running, queued = pools+1, running+p.Busy, queued+p.Queued
		}
	}
	var parts []string
	if pools > 0 {
		parts = append(parts, "draining "+plural(pools, "pool")+" ("+
			strconv.Itoa(running)+" running, "+strconv.Itoa(queued)+" queued)")
	}
	if n := liveCount(m.snap.Counts) - running; n > 0 {
		parts = append(parts, "halting "+plural(n, "task"))
	}
	if len(parts) == 0 {
		return "quitting: waiting for the engine to close… (" + again + ")"
	}
	return "quitting: " + strings.Join(parts, ", ") + "… (" + again + ")"
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
	return m, quitCmd(cancel, m.unsubscribe, m.stopClock)
}
