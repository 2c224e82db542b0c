// Package ui is spindle's terminal dashboard, a Bubble Tea program. It shows what
// a Source publishes (coalesced model.Snapshot values) and sends back what the
// keys ask for (model.Command values); it never reaches into the engine, so the
// same dashboard runs in-process and attached to a remote engine.
package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/keymap"
	"github.com/spindle-tui/spindle/model"
)

// ErrForcedQuit is what Model.Err returns when the user quit at once (q again, or
// ctrl+c) while the graceful shutdown was still running: work may not have ended.
var ErrForcedQuit = errors.New("ui: quit before the shutdown finished")

// Model is the dashboard's root model. It implements tea.Model, and it alone
// returns a tea.View; its components only return lines.
type Model struct {
	src  Source
	opts options
	keys *keymap.KeyMap // shared by the copies Update makes: a Model is copied on every message
	st   *Styles

	snap        model.Snapshot // the latest snapshot (its Time moved on by age)
	waits       *waitReasons   // what its queued tasks wait for (shared with workers and detail)
	taken       time.Time      // the Time the latest snapshot came with
	arrived     time.Time      // when it arrived, by the wall clock
	clockStop   chan struct{}  // closed by stopClock (on quit): ends the clock
	stopClock   func()         // closes clockStop, once
	sub         <-chan model.Snapshot
	unsubscribe func()

	active   view
	header   header
	workers  workersTable
	pools    poolsTable
	pollers  pollersTable
	events   eventsList
	gors     goroutinesList // goroutines.go
	detail   detailPane
	pollerD  pollerDetail
	help     helpOverlay
	confirm  confirmDialog
	text     textOverlay // the errors of the source, an event in full
	textKind textKind    // what text shows
	status   statusBar
	srcErr   sourceErrorLine
	filter   filterInput
	footer   footer
	logs     logView // the full-screen log of tasks (logview.go)
	allLogs  logView // the Logs view: every task's

	width, height int

	quitting       bool               // the graceful shutdown is running
	cancelShutdown context.CancelFunc // cancels it (force quit)
	done           bool               // quit was issued
	err            error
}

// New returns the dashboard for src. It does nothing until the program runs it:
// Init subscribes.
func New(src Source, opts ...Option) Model {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if o.keys == nil {
		k := keymap.Default()
		o.keys = &k
	}
	st := newStyles(o.color)
	clockStop := make(chan struct{})
	waits := &waitReasons{}
	m := Model{
		clockStop: clockStop,
		stopClock: sync.OnceFunc(func() { close(clockStop) }),
		src:       src,
		opts:      o,
		keys:      o.keys,
		st:        &st,
		waits:     waits,
		active:    viewWorkers,
		header:    newHeader(&st, o.origin),
		workers:   newWorkersTable(&st, waits),
		pools:     newPoolsTable(&st),
		pollers:   newPollersTable(&st),
		events:    newEventsList(&st),
		gors:      newGoroutinesList(&st),
		detail:    newDetailPane(&st, waits),
		pollerD:   newPollerDetail(&st),
		help:      newHelpOverlay(&st, o.keys),
		confirm:   newConfirmDialog(&st),
		text:      newTextOverlay(&st),
		status:    newStatusBar(&st),
		srcErr:    newSourceErrorLine(&st),
		filter:    newFilterInput(o.color),
		footer:    newFooter(&st),
		logs:      newLogView(&st, o.color, false),
		allLogs:   newLogView(&st, o.color, true),
	}
	m.resize(80, 24) // until the first tea.WindowSizeMsg
	if o.keysErr != nil {
		first, rest, _ := strings.Cut(o.keysErr.Error(), "\n")
		if rest != "" {
			first += " (+" + plural(strings.Count(rest, "\n")+1, "more problem") + ")"
		}
		m.status.SetSticky(statusError, "keys: "+first+"; using the default keys")
	}
	return m
}

// Init subscribes to the source.
func (m Model) Init() tea.Cmd {
	if m.opts.noClock {
		return subscribeCmd(m.src)
	}
	return tea.Batch(subscribeCmd(m.src), clockCmd(m.clockStop), goroutinesTick(m.clockStop))
}

// Err returns the graceful shutdown's error, ErrForcedQuit if the user did not
// wait for it, or nil.
func (m Model) Err() error { return m.err }

// textKind is what the text overlay shows.
type textKind int

// The text overlay's contents.
const (
	textErrors textKind = iota // every error of the source; it follows the snapshots
	textEvent                  // one event in full
)

// headerLines is the header's full height: the summary line and the tab line.
const headerLines = 2

// bodyHeight returns the lines left for the body; a small terminal first loses
// the tab line, then the footer. The source error bar, while shown, takes a line
// from the body.
func (m *Model) bodyHeight() int {
	return max(m.height-m.headerLinesShown()-1-m.footerLinesShown()-m.sourceErrorLinesShown(), 1)
}

// sourceErrorLinesShown is 1 while the source has a problem, else 0.
func (m *Model) sourceErrorLinesShown() int {
	if m.srcErr.Shown() {
		return 1
	}
	return 0
}

// headerLinesShown is 2, or 1 on a short terminal.
func (m *Model) headerLinesShown() int {
	if m.height < 10 {
		return 1
	}
	return headerLines
}

// footerLinesShown is 1, or 0 on a very short terminal.
func (m *Model) footerLinesShown() int {
	if m.height < 7 {
		return 0
	}
	return 1
}

// resize lays every component out for a w×h terminal.
func (m *Model) resize(w, h int) {
	m.width, m.height = max(w, 1), max(h, 1)
	body := m.bodyHeight()
	m.header.SetSize(m.width)
	m.workers.SetSize(m.width, body)
	m.pools.SetSize(m.width, body)
	m.pollers.SetSize(m.width, body)
	m.events.SetSize(m.width, body)
	m.gors.SetSize(m.width, body)
	m.detail.SetSize(m.width, body)
	m.pollerD.SetSize(m.width, body)
	m.logs.SetSize(m.width, body)
	m.allLogs.SetSize(m.width, body)
	m.help.SetSize(m.width, body)
	m.confirm.SetSize(m.width, body)
	m.text.SetSize(m.width, body)
	m.status.SetSize(m.width)
	m.srcErr.SetSize(m.width)
	m.filter.SetSize(m.width)
	m.footer.SetSize(m.width)
}

// View draws the whole screen, exactly the terminal's size, in the alt screen.
func (m Model) View() tea.View {
	lines := make([]string, 0, m.height)
	lines = append(lines, m.header.View()[:m.headerLinesShown()]...)

	var body []string
	switch {
	case m.snap.NotEngine && m.active != viewGoroutines: // notengine.go
		body = m.notEngineView()
	case m.logs.open:
		body = m.logs.View(followKeys(m.keys))
	case m.pollerD.open:
		body = m.pollerD.View()
	case m.detail.open:
		body = m.detail.View()
	case m.active == viewPools:
		body = m.pools.View()
	case m.active == viewPollers:
		body = m.pollers.View()
	case m.active == viewEvents:
		body = m.events.View()
	case m.active == viewGoroutines:
		body = m.gors.View()
	case m.active == viewLogs:
		body = m.allLogs.View(followKeys(m.keys))
	default:
		body = m.workers.View()
	}
	body = fitLines(body, m.bodyHeight())
	if m.help.open {
		body = m.help.Overlay(body, *m.keys)
	}
	if m.text.open {
		body = m.text.Overlay(body, m.textCloseHint(), scrollKeys(*m.keys))
	}
	if m.confirm.open {
		body = m.confirm.Overlay(body, *m.keys)
	}
	lines = append(lines, body...)

	if m.srcErr.Shown() {
		lines = append(lines, m.srcErr.View(m.keys.Errors.Help().Key))
	}
	if v := m.openLog(); v != nil && v.typing {
		lines = append(lines, fitLine(v.SearchLine(), m.width))
	} else if m.filter.active {
		lines = append(lines, m.filter.View())
	} else {
		lines = append(lines, m.status.View())
	}
	if m.footerLinesShown() > 0 {
		lines = append(lines, m.footer.View(m.footerBindings(), m.keys.Help, m.keys.Quit))
	}

	v := tea.NewView(fitScreen(lines, m.width, m.height))
	v.AltScreen = true
	v.WindowTitle = "spindle"
	if m.snap.Source != "" {
		v.WindowTitle += " · " + cleanCell(m.snap.Source) // a title is a control sequence: nothing may end it early
	}
	return v
}

// fitLines returns exactly n lines: cut, or padded with empty lines.
func fitLines(lines []string, n int) []string {
	if len(lines) > n {
		return lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines
}
