package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/keymap"
	"github.com/spindle-tui/spindle/model"
)

// logPoll is how often an open log view asks the Source for new lines.
const logPoll = 100 * time.Millisecond

// logAction is one key of the log views: its binding (in the keymap, so a
// config remaps it), what it does, and why it cannot apply now. This one
// table makes the log views' hint line (logBindings), their group of the help
// (logHelp) and their dispatch (logKey), so the three never disagree.
type logAction struct {
	b     *key.Binding
	do    func(v *logView)
	label func(v *logView) string // the hint's description for v's state; nil: the binding's
	why   func(v *logView) string // "" when the key applies to v; nil: it always does
}

// logActions returns the table of the log views' own keys in k, in the
// order the hint line and the help show them.
func logActions(k *keymap.KeyMap) []logAction {
	needSearch := func(b *key.Binding, what string) func(v *logView) string {
		return func(v *logView) string {
			if v.search != nil {
				return ""
			}
			return b.Help().Key + " " + what + ": " + k.LogSearch.Help().Key + " searches first"
		}
	}
	toggle := func(on func(v *logView) bool, off string) func(v *logView) string {
		return func(v *logView) string {
			if on(v) {
				return off
			}
			return ""
		}
	}
	return []logAction{
		{b: &k.LogSearch, do: func(v *logView) {
			v.typing, v.input = true, nil
			if v.search != nil {
				v.input = []rune(v.search.String())
			}
		}},
		{b: &k.LogNextMatch, do: func(v *logView) { v.Next(-1) }, why: needSearch(&k.LogNextMatch, "goes to an older match")},
		{b: &k.LogPrevMatch, do: func(v *logView) { v.Next(1) }, why: needSearch(&k.LogPrevMatch, "goes to a newer match")},
		{b: &k.LogOnlyMatches, do: func(v *logView) { v.ToggleOnly() }, why: needSearch(&k.LogOnlyMatches, "shows only the lines a search matches"),
			label: toggle(func(v *logView) bool { return v.only }, "every line")},
		{b: &k.LogWrap, do: (*logView).ToggleWrap, label: toggle(func(v *logView) bool { return v.wrap }, "cut lines")},
		{b: &k.LogTimestamps, do: (*logView).ToggleTimes, label: toggle(func(v *logView) bool { return v.times }, "no timestamps")},
		{b: &k.LogStreams, do: (*logView).CycleStreams, label: func(v *logView) string { return ((v.streams + 1) % 3).String() }},
	}
}

// followBinding is the bottom key as the log views use it: it follows the
// newest line again.
func followBinding(k *keymap.KeyMap) key.Binding {
	b := k.Bottom
	b.SetHelp(b.Help().Key, "follow")
	return b
}

// followKeys names the keys that follow again, for the title of a log that
// does not: "G or end".
func followKeys(k *keymap.KeyMap) string { return strings.Join(k.Bottom.Keys(), " or ") }

// logHelp returns the help's log view group: the table's keys as the keymap
// describes them, and the bottom key, which follows again.
func logHelp(k *keymap.KeyMap) []key.Binding {
	var bs []key.Binding
	for _, a := range logActions(k) {
		bs = append(bs, *a.b)
	}
	return append(bs, followBinding(k))
}

// logBindings returns the footer of the log view v: esc first in a task's
// log (the line drops bindings from its end when narrow), the table's keys,
// those that cannot apply dimmed and the toggles labelled by what they would
// do, then the bottom key while not following (the title says it too).
func (m *Model) logBindings(km keymap.KeyMap, v *logView) []key.Binding {
	if v.typing {
		enter := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search"))
		esc := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
		return []key.Binding{enter, esc}
	}
	var bs []key.Binding
	if !v.all {
		bs = append(bs, km.Back)
	}
	for _, a := range logActions(&km) {
		b := *a.b
		if a.why != nil {
			b.SetEnabled(a.why(v) == "")
		}
		if a.label != nil {
			if d := a.label(v); d != "" {
				b.SetHelp(b.Help().Key, d)
			}
		}
		bs = append(bs, b)
	}
	if !v.follow {
		bs = append(bs, followBinding(&km))
	}
	return append(bs, km.Help, km.Quit)
}

// openLog returns the log view that has the screen (a task's, or the Logs
// view's), or nil.
func (m *Model) openLog() *logView {
	switch {
	case m.logs.open:
		return &m.logs
	case m.active == viewLogs && m.allLogs.open && !m.detail.open && !m.pollerD.open:
		return &m.allLogs
	}
	return nil
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

// searchKey edits the search line of v: enter searches, esc cancels.
func (m *Model) searchKey(msg tea.KeyPressMsg, v *logView) {
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
}

// logKey handles the keys of the open log view (a task's, or the Logs
// view's, whose view, global and action keys handleKey took first): its
// search line, the navigation keys, then the table of logActions.
func (m Model) logKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k, v := m.keys, m.openLog()
	if v.typing {
		m.searchKey(msg, v)
		return m, nil
	}
	switch {
	case m.navigate(msg, v):
		return m, nil
	case v.all && m.viewKey(msg):
		return m, nil
	case key.Matches(msg, k.Back) && v.all:
		m.status.Set(statusInfo, "this is the Logs view: "+k.WorkersView.Help().Key+" shows Workers")
		return m, nil
	case key.Matches(msg, k.Back):
		v.Close()
		return m, nil
	case key.Matches(msg, k.Quit):
		return m.startQuit()
	case key.Matches(msg, k.Help):
		m.help.Toggle(true)
		return m, nil
	}
	for _, a := range logActions(k) {
		if !key.Matches(msg, *a.b) {
			continue
		}
		if a.why != nil {
			if why := a.why(v); why != "" {
				m.status.Set(statusInfo, why)
				return m, nil
			}
		}
		a.do(v)
		return m, nil
	}
	m.unknownKey(msg)
	return m, nil
}
