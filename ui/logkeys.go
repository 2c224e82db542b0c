package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/model"
)

// logPoll is how often an open log view asks the Source for new lines.
const logPoll = 100 * time.Millisecond

// logKeys are the keys of the log view, beyond the navigation keys (G and
// end follow again) and esc (back). One table feeds the view's hint line and
// the dispatch.
type logKeys struct {
	Search, Next, Prev, Only, Wrap, Times, Streams key.Binding
}

func defaultLogKeys() logKeys {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return logKeys{
		Search:  b("/", "search", "/"),
		Next:    b("n", "older match", "n"),
		Prev:    b("N", "newer match", "N"),
		Only:    b("f", "only matches", "f"),
		Wrap:    b("w", "wrap", "w"),
		Times:   b("T", "timestamps", "T"),
		Streams: b("s", "stdout/stderr/all", "s"),
	}
}

func (k logKeys) bindings() []key.Binding {
	return []key.Binding{k.Search, k.Next, k.Prev, k.Only, k.Wrap, k.Times, k.Streams}
}

// logHint is the log view's hint line, from the table: esc goes back from
// a task's log; the Logs view is left like any view.
func (m *Model) logHint() string {
	bs := append(m.logKeys.bindings(), m.keys.Bottom)
	if m.logs.open {
		bs = append(bs, m.keys.Back)
	}
	return m.footer.View(bs, m.keys.Help, m.keys.Quit)
}

// logBatchMsg is a batch of log lines read for an opening (gen) of the task
// log (all false) or of the Logs view.
type logBatchMsg struct {
	gen   int
	all   bool
	batch model.LogBatch
	err   error
}

// readLogsCmd reads the next batch of v after wait (0: at once); it gives up
// (returning nil) when stop closes first (the dashboard quit).
func readLogsCmd(src Source, v *logView, wait time.Duration, stop <-chan struct{}) tea.Cmd {
	q, gen, all := v.q, v.gen, v.all
	return func() tea.Msg {
		if wait > 0 {
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-t.C:
			case <-stop:
				return nil
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		b, err := src.ReadLogs(ctx, q)
		return logBatchMsg{gen: gen, all: all, batch: b, err: err}
	}
}

// readLogs adds to cmd the first read of a log view just opened.
func (m Model) readLogs(cmd tea.Cmd) (tea.Model, tea.Cmd) {
	for _, v := range []*logView{&m.logs, &m.allLogs} {
		if v.open && !v.reads {
			v.reads = true
			cmd = tea.Batch(cmd, readLogsCmd(m.src, v, 0, m.clockStop))
		}
	}
	return m, cmd
}

// switchLogsView opens the Logs view's log when it becomes the view, and
// closes it (its reads stop) when another does.
func (m *Model) switchLogsView() {
	switch {
	case m.active == viewLogs && !m.allLogs.open:
		m.allLogs.Open("Logs: every task", nil, true)
	case m.active != viewLogs && m.allLogs.open:
		m.allLogs.Close()
	}
}

// openLogs opens the log view of the marked tasks, or the selected one (l),
// or of the poller selected in the Pollers view.
func (m Model) openLogs() (tea.Model, tea.Cmd) {
	var ids []model.TaskID
	title := ""
	switch {
	case m.focus() == focusPollers:
		p := m.selectedPoller()
		if p == nil {
			m.status.Set(statusInfo, "no poller selected to show the log of")
			return m, nil
		}
		ids, title = []model.TaskID{model.TaskID("poller:" + p.Name)}, "Log of poller "+cleanCell(p.Name)
	default:
		ts := m.targets()
		if len(ts) == 0 {
			m.status.Set(statusInfo, "no task selected: "+m.keys.LogsView.Help().Key+" shows every task's log")
			return m, nil
		}
		for _, t := range ts {
			ids = append(ids, t.ID)
		}
		title = "Log of " + cleanCell(ts[0].Name) + " (" + cleanCell(string(ts[0].ID)) + ")"
		if len(ts) > 1 {
			title = "Logs of " + plural(len(ts), "task") + ", merged"
		}
	}
	m.logs.Open(title, ids, len(ids) > 1)
	return m, nil
}

// logBatch takes a batch and asks for the next one: at once when the batch
// was full, else after logPoll.
func (m Model) logBatch(msg logBatchMsg) (tea.Model, tea.Cmd) {
	v := &m.logs
	if msg.all {
		v = &m.allLogs
	}
	if !v.open || msg.gen != v.gen {
		return m, nil
	}
	wait := logPoll
	if msg.err != nil {
		m.status.Set(statusError, "logs: "+firstLine(msg.err.Error()))
		wait = time.Second
	} else {
		v.Add(msg.batch)
		if len(msg.batch.Lines) >= v.q.Limit {
			wait = 0
		}
	}
	return m, readLogsCmd(m.src, v, wait, m.clockStop)
}

// logKey handles the keys of the task log (all false) or the Logs view.
func (m Model) logKey(msg tea.KeyPressMsg, all bool) (tea.Model, tea.Cmd) {
	k, lk, v := m.keys, m.logKeys, &m.logs
	if all {
		v = &m.allLogs
	}
	if v.typing {
		switch msg.String() {
		case "enter":
			v.typing = false
			if err := v.SetSearch(string(v.input)); err != nil {
				m.status.Set(statusError, "search: "+firstLine(err.Error()))
			}
		case "esc":
			v.typing = false
		case "backspace":
			if len(v.input) > 0 {
				v.input = v.input[:len(v.input)-1]
			}
		default:
			if t := msg.Key().Text; t != "" {
				v.input = append(v.input, []rune(t)...)
			}
		}
		return m, nil
	}
	switch {
	case m.navigate(msg, v):
	case v.all && m.viewKey(msg):
	case key.Matches(msg, k.Back) && v.all:
		m.status.Set(statusInfo, "this is the Logs view: "+k.WorkersView.Help().Key+" shows Workers")
	case key.Matches(msg, k.Back):
		v.Close()
	case key.Matches(msg, k.Quit):
		return m.startQuit()
	case key.Matches(msg, k.Help):
		m.help.Toggle()
	case key.Matches(msg, lk.Search):
		v.typing, v.input = true, nil
		if v.search != nil {
			v.input = []rune(v.search.String())
		}
	case key.Matches(msg, lk.Next):
		v.Next(-1)
	case key.Matches(msg, lk.Prev):
		v.Next(1)
	case key.Matches(msg, lk.Only):
		if !v.ToggleOnly() {
			m.status.Set(statusInfo, lk.Only.Help().Key+" shows only the lines a search matches: "+lk.Search.Help().Key+" searches first")
		}
	case key.Matches(msg, lk.Wrap):
		v.ToggleWrap()
	case key.Matches(msg, lk.Times):
		v.ToggleTimes()
	case key.Matches(msg, lk.Streams):
		v.CycleStreams()
	default:
		m.unknownKey(msg)
	}
	return m, nil
}
