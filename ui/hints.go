package ui

import (
	"charm.land/bubbles/v2/key"

	"github.com/spindle-tui/spindle/model"
)

// footerBindings returns the footer's bindings for what has the focus: the answers
// of the confirm dialog, the filter line's keys, how to close the help; otherwise
// the keymap's ShortHelp for the current selection, with pause labelled pause or
// resume and the keys that cannot apply disabled (dimmed).
func (m *Model) footerBindings() []key.Binding {
	km := m.keys // a copy: the live keymap stays enabled, so a press explains itself
	hint := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	switch {
	case m.confirm.open:
		return []key.Binding{hint(km.Yes, m.confirm.pending.verb), hint(km.No, "cancel")}
	case m.filter.active:
		enter := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter"))
		return []key.Binding{enter, hint(km.Back, "clear filter")}
	case m.help.open:
		closeHelp := key.NewBinding(key.WithKeys("esc"), key.WithHelp(km.Back.Help().Key+"/"+km.Help.Help().Key, "close help"))
		return []key.Binding{closeHelp, km.Quit}
	}
	targets := m.targets()
	onTasks := m.active == viewWorkers || m.detail.open
	for _, a := range []struct {
		b   *key.Binding
		act action
	}{{&km.Halt, actHalt}, {&km.Pause, actPause}, {&km.Kill, actKill}, {&km.Restart, actRestart}} {
		p := planTasks(a.act, targets)
		a.b.SetEnabled(p.ok())
		if a.act == actPause {
			a.b.SetHelp(km.Pause.Help().Key, p.verb)
		}
	}
	if m.detail.open {
		scroll := key.NewBinding(key.WithKeys("j"), key.WithHelp(km.Up.Help().Key+" "+km.Down.Help().Key, "scroll"))
		return []key.Binding{km.Halt, km.Pause, km.Kill, km.Restart, scroll, hint(km.Back, "back"), km.Help, km.Quit}
	}
	km.Mark.SetEnabled(onTasks && len(targets) > 0)
	km.Detail.SetEnabled(m.detailCandidate() != nil)
	return km.ShortHelp()
}

// targets returns the tasks an action applies to in the current view: the shown
// task in the detail pane; the marked tasks, else the selected one, in Workers;
// none in Events.
func (m *Model) targets() []*model.Task {
	switch {
	case m.detail.open:
		if t := m.detail.Task(); t != nil {
			return []*model.Task{t}
		}
		return nil
	case m.active == viewWorkers:
		return m.workers.Targets()
	}
	return nil
}
