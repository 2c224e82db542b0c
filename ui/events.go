package ui

import (
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// eventsList is the Events view: what happened, newest first (the snapshot's
// order), one line each with its level coloured.
type eventsList struct {
	st *Styles

	events []model.Event // the snapshot's (shared, immutable)
	have   bool
	filter filter

	rowList[model.Event]     // the rows and the cursor, kept on its line number
	taskW, groupW        int // data-sized columns
}

// newEventsList returns an empty list.
func newEventsList(st *Styles) eventsList { return eventsList{st: st} }

// SetSize lays the list out for w×h cells (borders included).
func (l *eventsList) SetSize(w, h int) { l.resize(w, h) }

// SetSnapshot shows the snapshot's events. The cursor stays on the same line
// number: new events arrive at the top, and a reader watching the top wants them.
func (l *eventsList) SetSnapshot(s *model.Snapshot) {
	l.events, l.have = s.Events, true
	l.rebuild()
}

// SetFilter filters events by task, group, level and text.
func (l *eventsList) SetFilter(f filter) {
	l.filter = f
	l.rebuild()
}

// rebuild recomputes the rows and the column widths.
func (l *eventsList) rebuild() {
	l.rows = l.rows[:0]
	l.taskW, l.groupW = 4, 5
	for i := range l.events {
		e := &l.events[i]
		if l.filter.matchEvent(e) {
			l.rows = append(l.rows, e)
			l.taskW = max(l.taskW, min(len(e.Task), 12))
			l.groupW = max(l.groupW, min(len(e.Group), 16))
		}
	}
	l.follow(-1)
}

// columns returns the widths of the TIME, LEVEL, TASK, GROUP and TEXT columns
// and the gap between them.
func (l *eventsList) columns() (widths [5]int, gap int) {
	inner := l.innerWidth()
	gap = colGap(inner)
	textW := max(inner-2-8-5-l.taskW-l.groupW-4*gap, 1)
	return [5]int{8, 5, l.taskW, l.groupW, textW}, gap
}

// View draws the list in its box; only the visible events are formatted.
func (l *eventsList) View() []string {
	title, tw := listTitle(l.st, "Events", len(l.rows), len(l.events), l.filter)
	widths, gap := l.columns()
	var c strings.Builder
	writeSpaces(&c, 2)
	for i, h := range [5]string{"TIME", "LEVEL", "TASK", "GROUP", "TEXT"} {
		if i > 0 {
			writeSpaces(&c, gap)
		}
		writePadded(&c, l.st.columnHead, h, widths[i])
	}
	// The Events view says "no events" even when a filter hides them all.
	note := emptyNote(l.have, len(l.rows), "", "event", " no events")
	return l.view(l.st, title, tw, fitLine(c.String(), l.innerWidth()), note, l.rowLine)
}

// rowLine appends event i, fitted to the inner width. The selected event is in
// reverse video; others paint the level and the dim columns.
func (l *eventsList) rowLine(out *strings.Builder, i int) {
	widths, gap := l.columns()
	cells := renderEvent(l.rows[i])
	var c strings.Builder
	selected := i == l.cursor
	use := func(p paint) paint { return p }
	if selected {
		c.WriteString(l.st.selected[model.StateQueued].on)
		use = func(paint) paint { return paint{} }
	}
	writeSpaces(&c, 2)
	paints := [5]paint{l.st.desc, l.levelPaint(l.rows[i].Level), paint{}, l.st.desc, paint{}}
	for k := range cells {
		if k > 0 {
			writeSpaces(&c, gap)
		}
		writePadded(&c, use(paints[k]), cells[k], widths[k])
	}
	if selected {
		c.WriteString("\x1b[m")
	}
	out.WriteString(fitLine(c.String(), l.innerWidth()))
}

// levelPaint returns the paint of an event level.
func (l *eventsList) levelPaint(lv model.Level) paint {
	if p, ok := l.st.level[lv]; ok {
		return p
	}
	return paint{}
}
