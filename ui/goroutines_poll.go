package ui

import (
	"context"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/model"
)

// goroutinesEvery is how often the dashboard asks its source for goroutines
// while someone looks at them; the source answers with its last sample until
// a new one is due (it samples no more than its cost allows).
const goroutinesEvery = time.Second

// workersGoroutinesEvery is how often Workers alone asks, for its GOROUTINES
// column. A sample stops the world for about 40 µs per goroutine, and Workers
// is the default view: at once a second every open dashboard spent more than
// its idle budget (1% of a core) on a column of counts. The Goroutines view and
// a detail pane, where someone looks at goroutines, keep the second.
const workersGoroutinesEvery = 15 * time.Second

// goroutinesTickMsg is the time to ask again, if anyone looks.
type goroutinesTickMsg struct{}

// goroutinesMsg carries what Source.Goroutines returned.
type goroutinesMsg struct {
	g   model.Goroutines
	err error
}

// goroutinesTick waits a second (or until stop closes: quit) and asks again.
func goroutinesTick(stop <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(goroutinesEvery)
		defer t.Stop()
		select {
		case <-t.C:
			return goroutinesTickMsg{}
		case <-stop:
			return nil
		}
	}
}

// goroutinesDue reports whether to ask the source now: every tick while the
// Goroutines view or a task's detail (its goroutines, where an abandoned one
// is stuck) is on screen; every workersGoroutinesEvery while Workers is, and
// only if it lists a goroutine task that can have goroutines (a process has
// none: its GOROUTINES cell is · whatever a sample says). Nothing else makes
// the source sample.
func (m *Model) goroutinesDue(now time.Time) bool {
	switch {
	case m.done:
		return false
	case m.active == viewGoroutines || m.detail.open:
		return true
	case m.active == viewWorkers:
		return now.Sub(m.gors.asked) >= workersGoroutinesEvery && m.workers.hasGoroutineTasks()
	}
	return false
}

// goroutinesUpdate asks the source on each tick while someone looks, and
// hands what comes back to the view, the detail pane and Workers.
func (m Model) goroutinesUpdate(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case goroutinesTickMsg:
		now := time.Now()
		if !m.goroutinesDue(now) {
			return m, goroutinesTick(m.clockStop)
		}
		m.gors.asked = now
		src := m.src
		return m, func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			g, err := src.Goroutines(ctx)
			return goroutinesMsg{g: g, err: err}
		}
	case goroutinesMsg:
		m.gors.SetGoroutines(msg.g, msg.err)
		if msg.err == nil {
			m.detail.SetGoroutines(&m.gors.g)
			m.workers.SetGoroutines(msg.g.ByTask)
		}
		if m.done {
			return m, nil
		}
		return m, goroutinesTick(m.clockStop)
	}
	return m, nil
}

// openGoroutine opens the selected group's full stack.
func (m *Model) openGoroutine() {
	g := m.gors.Selected()
	if g == nil {
		m.status.Set(statusInfo, "no goroutine group selected")
		return
	}
	m.text.Open("Goroutines", goroutineContent(g))
	m.textKind = textEvent
}

// SetGoroutines gives Workers the goroutines per task of the last sample.
func (t *workersTable) SetGoroutines(byTask map[model.TaskID]int) {
	if byTask == nil {
		byTask = map[model.TaskID]int{}
	}
	t.gors = byTask
	t.rebuild()
}

// hasGoroutineTasks reports whether the snapshot lists a goroutine task that
// is live or abandoned: one whose goroutines a sample would count.
func (t *workersTable) hasGoroutineTasks() bool {
	for i := range t.tasks {
		if k := &t.tasks[i]; k.Kind == model.KindGoroutine && (k.State.Live() || k.State == model.StateAbandoned) {
			return true
		}
	}
	return false
}

// renderGoroutines is a task's GOROUTINES cell: how many goroutines carry its
// labels, · for a process or a task with none.
func (t *workersTable) renderGoroutines(task *model.Task) string {
	if n := t.gors[task.ID]; n > 0 && task.Kind == model.KindGoroutine {
		return strconv.Itoa(n)
	}
	return noValue
}
