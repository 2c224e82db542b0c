package ui

import (
	"math"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/model"
)

// focus is what the action keys (h p x r R + - P) act on at the moment.
type focus int

// The focuses.
const (
	focusTasks   focus = iota // Workers, Events, a task's detail
	focusPools                // the Pools view
	focusPollers              // the Pollers view, a poller's detail
)

// focus returns what the action keys act on.
func (m *Model) focus() focus {
	switch {
	case m.pollerD.open:
		return focusPollers
	case m.detail.open:
		return focusTasks
	case m.active == viewPools:
		return focusPools
	case m.active == viewPollers:
		return focusPollers
	}
	return focusTasks
}

// actionOf returns the action a key asks for, if it is an action key.
func (m *Model) actionOf(msg tea.KeyPressMsg) (action, bool) {
	k := m.keys
	for _, a := range [...]struct {
		b   key.Binding
		act action
	}{
		{k.Halt, actHalt}, {k.Pause, actPause}, {k.Kill, actKill}, {k.Restart, actRestart}, {k.Run, actRun},
		{k.Grow, actGrow}, {k.Shrink, actShrink}, {k.PauseAll, actPauseAll},
	} {
		if key.Matches(msg, a.b) {
			return a.act, true
		}
	}
	return 0, false
}

// planFor plans action a on what has the focus: the selected (or shown) poller,
// the selected pool, or the task targets.
func (m *Model) planFor(a action) plan {
	switch m.focus() {
	case focusPollers:
		if a == actPauseAll {
			return planPauseAll(m.snap.Pollers)
		}
		return planPoller(a, m.selectedPoller())
	case focusPools:
		if a == actPauseAll {
			return plan{verb: a.verb(), reason: "pause all applies to pollers: " + m.keys.PollersView.Help().Key + " shows them"}
		}
		if rs := m.pools.SelectedSet(); rs != nil { // replicas.go
			return planReplicas(a, rs, rs.Target)
		}
		return planPool(a, m.pools.Selected())
	}
	switch a {
	case actRun:
		return planRun(m.targets(), m.snap.Managers)
	case actGrow, actShrink:
		return m.planReplicaTask(a) // replicas.go: a replica scales its set
	case actPauseAll:
		return plan{verb: a.verb(), reason: "pause all applies to pollers: " + m.keys.PollersView.Help().Key + " shows them"}
	}
	return planTasks(a, m.targets())
}

// selectedPoller returns the poller the keys act on: the one in the detail
// pane, else the selected row.
func (m *Model) selectedPoller() *model.Poller {
	if m.pollerD.open {
		return m.pollerD.Poller()
	}
	return m.pollers.Selected()
}

// list is what the navigation keys move in: the table of the active view, or a
// detail pane's view of its content.
type list interface {
	Move(delta int)
	MoveTo(i int)
	Page(dir int)
}

// activeList returns the active view's table.
func (m *Model) activeList() list {
	switch m.active {
	case viewPools:
		return &m.pools
	case viewPollers:
		return &m.pollers
	case viewEvents:
		return &m.events
	case viewGoroutines:
		return &m.gors
	}
	return &m.workers
}

// listKey handles the keys of the list views: moving, switching views, filter,
// sort, marks, tree, enter and esc. A key that cannot apply here says why.
func (m Model) listKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	workers := m.active == viewWorkers
	if m.navigate(msg, m.activeList()) || m.viewKey(msg) {
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Filter):
		m.filter.Open(string(m.workers.filter))
	case key.Matches(msg, k.Sort):
		m.sortActive(false)
	case key.Matches(msg, k.SortReverse):
		m.sortActive(true)
	case key.Matches(msg, k.Mark) && workers:
		if m.workers.Selected() == nil {
			m.status.Set(statusInfo, "nothing to mark: no task selected")
		}
		m.workers.ToggleMark()
	case key.Matches(msg, k.Mark):
		m.status.Set(statusInfo, "marks are for tasks: "+k.WorkersView.Help().Key+" shows Workers")
	case key.Matches(msg, k.Tree) && workers:
		m.workers.ToggleTree()
	case key.Matches(msg, k.Tree):
		m.status.Set(statusInfo, "the tree is of tasks by parent: "+k.WorkersView.Help().Key+" shows Workers")
	case key.Matches(msg, k.Detail):
		m.enter()
	case key.Matches(msg, k.Back):
		switch {
		case m.workers.filter != "":
			m.setFilter("")
		case m.workers.ClearMarks():
			m.status.Set(statusInfo, "marks cleared")
		default:
			m.status.Set(statusInfo, "nothing to clear: "+k.Back.Help().Key+" clears the filter, then the marks")
		}
	default:
		m.unknownKey(msg)
	}
	return m, nil
}

// viewKey switches views on tab, shift+tab and the view numbers; it reports
// whether msg was one of them.
func (m *Model) viewKey(msg tea.KeyPressMsg) bool {
	k := m.keys
	to := m.active
	switch {
	case key.Matches(msg, k.NextView):
		to = nextView(m.active, 1)
	case key.Matches(msg, k.PrevView):
		to = nextView(m.active, -1)
	case key.Matches(msg, k.WorkersView):
		to = viewWorkers
	case key.Matches(msg, k.PoolsView):
		to = viewPools
	case key.Matches(msg, k.PollersView):
		to = viewPollers
	case key.Matches(msg, k.EventsView):
		to = viewEvents
	case key.Matches(msg, k.GoroutinesView):
		to = viewGoroutines
	case key.Matches(msg, k.LogsView):
		to = viewLogs
	default:
		return false
	}
	m.detail.Close()
	m.pollerD.Close()
	if to == m.active {
		m.status.Set(statusInfo, "this is "+to.String())
		return true
	}
	m.switchView(to)
	return true
}

// sortable is a table s and S sort.
type sortable interface {
	// Sort sorts by the next column on screen, or reverses the order.
	Sort(reverse bool)
}

// sortActive sorts the active view by its next column, or reverses its order.
func (m *Model) sortActive(reverse bool) {
	var t sortable = &m.workers
	switch m.active {
	case viewPools:
		t = &m.pools
	case viewPollers:
		t = &m.pollers
	case viewEvents:
		t = &m.events
	case viewGoroutines:
		t = &m.gors
	}
	t.Sort(reverse)
}

// unknownKey says that msg does nothing here, and where the keys are listed.
func (m *Model) unknownKey(msg tea.KeyPressMsg) {
	m.status.Set(statusInfo, msg.String()+" does nothing here ("+m.keys.Help.Help().Key+" lists the keys)")
}

// enter opens what the selection leads to: a task's or a poller's detail, or,
// on a pool, the Workers view filtered to that pool's tasks.
func (m *Model) enter() {
	switch m.active {
	case viewPools:
		p := m.pools.Selected()
		if p == nil {
			return
		}
		if rs := m.pools.SelectedSet(); rs != nil {
			m.applyFilter(filter(rs.Name + "-"))
			m.switchView(viewWorkers)
			m.status.Set(statusInfo, "the replicas of "+rs.Name+" ("+m.keys.Back.Help().Key+" clears the filter)")
			return
		}
		m.applyFilter(groupFilter(p.Name))
		m.switchView(viewWorkers)
		m.status.Set(statusInfo, "the tasks of pool "+p.Name+" ("+m.keys.Back.Help().Key+" clears the filter)")
	case viewPollers:
		if p := m.pollers.Selected(); p != nil {
			m.pollerD.Open(p, &m.snap)
		}
	case viewGoroutines:
		m.openGoroutine() // goroutines_poll.go
	default:
		m.openDetail()
	}
}

// navigate moves l by a navigation key (up, down, page up and down, top,
// bottom); it reports whether msg was one.
func (m *Model) navigate(msg tea.KeyPressMsg, l list) bool {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		l.Move(-1)
	case key.Matches(msg, k.Down):
		l.Move(1)
	case key.Matches(msg, k.PageUp):
		l.Page(-1)
	case key.Matches(msg, k.PageDown):
		l.Page(1)
	case key.Matches(msg, k.Top):
		l.MoveTo(0)
	case key.Matches(msg, k.Bottom):
		l.MoveTo(math.MaxInt)
	default:
		return false
	}
	return true
}

// pane is a scrolling detail pane: a task's or a poller's.
type pane interface {
	list
	Close()
}

// detailKey handles the keys of the task detail pane: scrolling and esc.
func (m Model) detailKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.paneKey(msg, &m.detail)
	return m, nil
}

// pollerDetailKey handles the keys of the poller detail pane: scrolling and esc.
func (m Model) pollerDetailKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.paneKey(msg, &m.pollerD)
	return m, nil
}

// paneKey scrolls p, closes it on esc (or enter again), or leaves it for
// another view; other keys say that they apply to the list, not the pane.
func (m *Model) paneKey(msg tea.KeyPressMsg, p pane) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back, k.Detail):
		p.Close()
	case m.navigate(msg, p) || m.viewKey(msg):
	case key.Matches(msg, k.Filter, k.Sort, k.SortReverse, k.Mark, k.Tree):
		m.status.Set(statusInfo, msg.String()+" applies to the list: "+k.Back.Help().Key+" goes back to it")
	default:
		m.unknownKey(msg)
	}
}
