// Package keymap holds every key binding of the spindle dashboard as data: the keys
// that trigger an action and the help text shown for it. The dashboard matches key
// presses against a KeyMap, and renders its footer and help overlay from it, so a
// remapped key is also what the help shows.
package keymap

import (
	"charm.land/bubbles/v2/key"
)

// KeyMap is every action of the dashboard and the keys bound to it. Each binding
// carries its keys and its help text (key label and description).
type KeyMap struct {
	// Navigation.
	Up       key.Binding // move the selection (or scroll) up one row
	Down     key.Binding // move the selection (or scroll) down one row
	PageUp   key.Binding // up one screen
	PageDown key.Binding // down one screen
	Top      key.Binding // first row
	Bottom   key.Binding // last row

	// Views and the table.
	NextView       key.Binding // cycle through the available views
	PrevView       key.Binding // cycle back through the views
	WorkersView    key.Binding // the Workers view (running and queued work)
	PoolsView      key.Binding // the Pools view (namespaces of workers)
	PollersView    key.Binding // the Pollers view (periodic work and its timing)
	EventsView     key.Binding // the Events view (what happened, newest first)
	GoroutinesView key.Binding // the Goroutines view (every goroutine, by stack and owner)
	Filter         key.Binding // open the filter line
	Sort           key.Binding // cycle the sort column
	SortReverse    key.Binding // reverse the sort order
	Detail         key.Binding // open the detail pane of the selected task
	Back           key.Binding // close the detail pane or help; clear the filter, then the marks
	Tree           key.Binding // Workers: show work as a tree by parent (htop's tree view)
	Logs           key.Binding // the full-screen log of the selected (or marked) tasks
	LogsView       key.Binding // every task's log, merged

	// Task actions: on the marked rows if any, else on the selected one.
	Mark    key.Binding // mark or unmark the selected row
	Halt    key.Binding // cooperative halt
	Pause   key.Binding // pause a running task, resume a paused one
	Kill    key.Binding // kill (asks first)
	Restart key.Binding // run the task again
	Run     key.Binding // start the selected task's manager (its queued work, up to its limit)

	// Pool and poller actions, on the selected pool or poller.
	Grow     key.Binding // a pool: one more worker; a replica set: one more replica; a poller: faster (half the period)
	Shrink   key.Binding // a pool: one worker fewer; a replica set: one replica fewer; a poller: slower (twice the period)
	PauseAll key.Binding // pause every poller, or resume them all when none runs

	// The log views: a task's log (Logs) and the Logs view. Their keys may
	// reuse keys of the tables (s sorts a table, picks streams in a log); the
	// navigation keys scroll the log, and Bottom follows the newest line again.
	LogSearch      key.Binding // search the log (a regular expression), highlighting matches
	LogNextMatch   key.Binding // go to the next match, towards older lines
	LogPrevMatch   key.Binding // go to the previous match, towards newer lines
	LogOnlyMatches key.Binding // show only the lines the search matches, or every line again
	LogWrap        key.Binding // wrap long lines, or cut them at the edge
	LogTimestamps  key.Binding // show each line's time, or not
	LogStreams     key.Binding // cycle stdout and stderr, stdout only, stderr only

	// Global.
	HaltAll   key.Binding // halt every live task (asks first)
	Reload    key.Binding // re-read the task file now (model.OpReload)
	Errors    key.Binding // show every error of the source (a task file that did not validate) in full
	Help      key.Binding // toggle the full help overlay
	Quit      key.Binding // graceful quit; pressed again while quitting, quit at once
	ForceQuit key.Binding // quit at once

	// Confirm dialog.
	Yes key.Binding // accept the question
	No  key.Binding // decline the question
}

// Default returns the standard bindings, following k9s and htop habits.
func Default() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		PageUp:   b("pgup", "page up", "pgup", "ctrl+b"),
		PageDown: b("pgdn", "page down", "pgdown", "ctrl+f"),
		Top:      b("g", "top", "g", "home"),
		Bottom:   b("G", "bottom", "G", "end"),

		NextView:       b("tab", "next view", "tab"),
		PrevView:       b("shift+tab", "previous view", "shift+tab"),
		WorkersView:    b("1", "workers", "1"),
		PoolsView:      b("2", "pools", "2"),
		PollersView:    b("3", "pollers", "3"),
		EventsView:     b("4", "events", "4"),
		GoroutinesView: b("5", "goroutines", "5"),
		Filter:         b("/", "filter", "/"),
		Sort:           b("s", "sort column", "s"),
		SortReverse:    b("S", "reverse sort", "S"),
		Detail:         b("enter", "detail", "enter"),
		Back:           b("esc", "back", "esc"),
		Tree:           b("t", "tree by parent", "t"),
		Logs:           b("l", "log of the task", "l"),
		LogsView:       b("6", "logs", "6"),

		Mark:    b("space", "mark", "space"),
		Halt:    b("h", "halt", "h"),
		Pause:   b("p", "pause", "p"),
		Kill:    b("x", "kill", "x"),
		Restart: b("r", "restart", "r"),
		Run:     b("R", "run manager", "R"),

		Grow:     b("+", "+1 worker or replica; poller: faster (period ÷2)", "+", "="),
		Shrink:   b("-", "-1 worker or replica; poller: slower (period ×2)", "-"),
		PauseAll: b("P", "pause all pollers / resume all", "P"),

		LogSearch:      b("/", "search", "/"),
		LogNextMatch:   b("n", "older match", "n"),
		LogPrevMatch:   b("N", "newer match", "N"),
		LogOnlyMatches: b("f", "only matches", "f"),
		LogWrap:        b("w", "wrap", "w"),
		LogTimestamps:  b("T", "timestamps", "T"),
		LogStreams:     b("s", "stdout/stderr/all", "s"),

		HaltAll:   b("H", "halt all", "H"),
		Reload:    b("ctrl+r", "reload task file", "ctrl+r"),
		Errors:    b("e", "all errors of the task file", "e"),
		Help:      b("?", "help", "?"),
		Quit:      b("q", "quit", "q"),
		ForceQuit: b("ctrl+c", "force quit", "ctrl+c"),

		Yes: b("y", "yes", "y"),
		No:  b("n", "no", "n", "esc"),
	}
}

// ShortHelp returns the bindings shown in the footer of the Workers (and Events)
// view: the task actions and the few keys a newcomer needs first.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Halt, k.Pause, k.Kill, k.Restart, k.Mark, k.Filter, k.Detail, k.Tree, k.Help, k.Quit}
}

// PoolsShortHelp returns the footer bindings of the Pools view, in order: resize,
// pause/resume, halt its work, stop, show its tasks. The dashboard relabels them
// for the view ("more workers").
func (k KeyMap) PoolsShortHelp() []key.Binding {
	return []key.Binding{k.Grow, k.Shrink, k.Pause, k.Halt, k.Kill, k.Detail, k.Filter, k.Help, k.Quit}
}

// PollersShortHelp returns the footer bindings of the Pollers view, in order:
// pause/resume, kill, restart, faster, slower, pause all, detail. The dashboard
// relabels them for the view ("faster").
func (k KeyMap) PollersShortHelp() []key.Binding {
	return []key.Binding{k.Pause, k.Kill, k.Restart, k.Grow, k.Shrink, k.PauseAll, k.Detail, k.Filter, k.Help, k.Quit}
}

// EventsShortHelp returns the footer bindings of the Events view: an event's
// task or text, filter, sort.
func (k KeyMap) EventsShortHelp() []key.Binding {
	return []key.Binding{k.Detail, k.Filter, k.Sort, k.SortReverse, k.Help, k.Quit}
}

// GoroutinesShortHelp returns the footer bindings of the Goroutines view: a
// group's stack, filter, sort.
func (k KeyMap) GoroutinesShortHelp() []key.Binding {
	return []key.Binding{k.Detail, k.Filter, k.Sort, k.SortReverse, k.Help, k.Quit}
}

// FullHelp returns every binding for the help overlay, in the groups named by
// GroupTitles: navigation, view, task actions, pools and pollers, global. The
// log views' keys (Log*) are grouped by the dashboard, from the table that
// also dispatches them and makes their hint line.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.NextView, k.PrevView, k.WorkersView, k.PoolsView, k.PollersView, k.EventsView, k.GoroutinesView, k.LogsView, k.Filter, k.Sort, k.SortReverse, k.Tree, k.Logs, k.Detail, k.Back},
		{k.Mark, k.Halt, k.Pause, k.Kill, k.Restart, k.Run},
		{k.Grow, k.Shrink, k.PauseAll},
		{k.HaltAll, k.Reload, k.Errors, k.Help, k.Quit, k.ForceQuit},
	}
}

// GroupTitles returns the titles of the FullHelp groups, in the same order.
func GroupTitles() []string {
	return []string{"navigation", "view", "task actions", "pools & pollers", "global"}
}
