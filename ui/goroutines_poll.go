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

// lookingAtGoroutines: the Goroutines view, a task's detail (its goroutines,
// where an abandoned one is stuck) or Workers (its GOROUTINES column) is on
// screen. Nothing else makes the source sample.
func (m *Model) lookingAtGoroutines() bool {
	return !m.done && (m.active == viewGoroutines || m.active == viewWorkers || m.detail.open)
}

// goroutinesUpdate asks the source on each tick while someone looks, and
// hands what comes back to the view, the detail pane and Workers.
func (m Model) goroutinesUpdate(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case goroutinesTickMsg:
		if !m.lookingAtGoroutines() {
			return m, goroutinesTick(m.clockStop)
		}
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

// renderGoroutines is a task's GOROUTINES cell: how many goroutines carry its
// labels, · for a process or a task with none.
func (t *workersTable) renderGoroutines(task *model.Task) string {
	if n := t.gors[task.ID]; n > 0 && task.Kind == model.KindGoroutine {
		return strconv.Itoa(n)
	}
	return noValue
}
