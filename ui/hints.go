package ui

import (
	"charm.land/bubbles/v2/key"

	"github.com/spindle-tui/spindle/keymap"
	"github.com/spindle-tui/spindle/model"
)

// footerBindings returns the footer's bindings for what has the focus: the answers
// of the confirm dialog, the filter line's keys, how to close the help; otherwise
// the keymap's ShortHelp for the current selection, with pause labelled pause or
// resume and the keys that cannot apply disabled (dimmed), and, when the source
// is a task file, the reload key.
func (m *Model) footerBindings() []key.Binding {
	bs := m.focusBindings()
	if m.confirm.open || m.filter.active || m.help.open || m.text.open || m.logs.open {
		return bs // a task's log takes no reload or errors key
	}
	if v := m.openLog(); v != nil && v.typing {
		return bs
	}
	if m.srcErr.Shown() {
		e := m.keys.Errors
		e.SetHelp(e.Help().Key, "errors")
		bs = append(bs, e)
	}
	if looksLikeFile(m.snap.Source) {
		bs = append(bs, m.keys.Reload) // last: the first to go when the line is full
	}
	return bs
}

// focusBindings returns the footer's bindings for what has the focus (see
// footerBindings), before the reload key a task file adds.
func (m *Model) focusBindings() []key.Binding {
	km := *m.keys // a copy: the live keymap stays enabled, so a press explains itself
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
	case m.text.open:
		closeText := key.NewBinding(key.WithKeys("esc"), key.WithHelp(km.Back.Help().Key, "close"))
		return []key.Binding{closeText, km.Quit}
	case m.help.open:
		closeHelp := key.NewBinding(key.WithKeys("esc"), key.WithHelp(km.Back.Help().Key+"/"+km.Help.Help().Key, "close help"))
		return []key.Binding{closeHelp, km.Quit}
	}
	if v := m.openLog(); v != nil {
		return m.logBindings(km, v) // logkeys.go
	}
	switch m.focus() {
	case focusPools:
		return m.poolBindings(km)
	case focusPollers:
		return m.pollerBindings(km)
	}
	if m.active == viewGoroutines && !m.detail.open {
		km.Detail.SetEnabled(m.gors.Selected() != nil)
		km.Detail.SetHelp(km.Detail.Help().Key, "stack")
		return km.GoroutinesShortHelp()
	}
	if m.active == viewEvents && !m.detail.open {
		km.Detail.SetEnabled(m.events.SelectedEvent() != nil)
		km.Detail.SetHelp(km.Detail.Help().Key, "task or text")
		return km.EventsShortHelp()
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
	km.Tree.SetEnabled(m.active == viewWorkers)
	if m.workers.tree {
		km.Tree.SetHelp(km.Tree.Help().Key, "flat list")
	} else {
		km.Tree.SetHelp(km.Tree.Help().Key, "tree")
	}
	return km.ShortHelp()
}

// label enables b when p can be sent and gives it desc (p's verb when desc is
// empty, so pause reads resume when that is what it would do).
func label(b *key.Binding, p plan, desc string) {
	if desc == "" {
		desc = p.verb
	}
	b.SetEnabled(p.ok())
	b.SetHelp(b.Help().Key, desc)
}

// poolBindings returns the Pools footer for the selected pool, labelled for it:
// "+ more workers", "x stop".
func (m *Model) poolBindings(km keymap.KeyMap) []key.Binding {
	sel := m.pools.Selected()
	if rs := m.pools.SelectedSet(); rs != nil { // replicas.go
		label(&km.Grow, planReplicas(actGrow, rs, rs.Target), "more replicas")
		label(&km.Shrink, planReplicas(actShrink, rs, rs.Target), "fewer replicas")
		km.Detail.SetHelp(km.Detail.Help().Key, "its replicas")
		for _, b := range []*key.Binding{&km.Pause, &km.Halt, &km.Kill} {
			b.SetEnabled(false)
		}
		return km.PoolsShortHelp()
	}
	label(&km.Grow, planPool(actGrow, sel), "more workers")
	label(&km.Shrink, planPool(actShrink, sel), "fewer workers")
	label(&km.Pause, planPool(actPause, sel), "")
	label(&km.Halt, planPool(actHalt, sel), "halt work")
	label(&km.Kill, planPool(actKill, sel), "")
	km.Detail.SetEnabled(sel != nil)
	km.Detail.SetHelp(km.Detail.Help().Key, "its tasks")
	return km.PoolsShortHelp()
}

// pollerBindings returns the Pollers footer (or the poller detail's) for the
// selected poller, labelled for it: "+ faster", "- slower", "P pause all".
func (m *Model) pollerBindings(km keymap.KeyMap) []key.Binding {
	sel := m.selectedPoller()
	label(&km.Pause, planPoller(actPause, sel), "")
	label(&km.Kill, planPoller(actKill, sel), "")
	label(&km.Restart, planPoller(actRestart, sel), "")
	label(&km.Grow, planPoller(actGrow, sel), "faster")
	label(&km.Shrink, planPoller(actShrink, sel), "slower")
	label(&km.PauseAll, planPauseAll(m.snap.Pollers), "")
	if m.pollerD.open {
		scroll := key.NewBinding(key.WithKeys("j"), key.WithHelp(km.Up.Help().Key+" "+km.Down.Help().Key, "scroll"))
		back := km.Back
		back.SetHelp(back.Help().Key, "back")
		return []key.Binding{km.Pause, km.Kill, km.Restart, km.Grow, km.Shrink, km.PauseAll, scroll, back, km.Help, km.Quit}
	}
	km.Detail.SetEnabled(sel != nil)
	return km.PollersShortHelp()
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
