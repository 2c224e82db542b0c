package ui

import (
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// eventsList is the Events view: what happened, newest first (the snapshot's
// order), one line each with its level coloured; an event of several lines (a
// task file's errors, one a line) shows every line, the later ones under the
// first with the other columns left blank.
type eventsList struct {
	st *Styles

	events []model.Event // the snapshot's (shared, immutable)
	have   bool
	filter filter
	shown  int            // events that pass the filter
	evs    []*model.Event // those events, sorted; reused
	buf    []eventRow     // the rows, which rowList points into; reused
	order  tableOrder     // how the events are sorted; newest first by default

	rowList[eventRow]     // the rows and the cursor, kept on its line number
	taskW, groupW     int // data-sized columns

	origins originInfo // a fleet's engines (origins.go)
	originW int        // the ORIGIN column's width; 0: not shown (one engine)
}

// eventRow is one line of the Events view: an event's first line, or a later
// line of its text (cont).
type eventRow struct {
	ev   *model.Event
	text string
	cont bool
}

// newEventsList returns an empty list.
func newEventsList(st *Styles) eventsList {
	return eventsList{st: st, order: eventsDefaultOrder}
}

// eventsDefaultOrder is the snapshot's order: newest first.
var eventsDefaultOrder = tableOrder{col: eventColTime, reverse: true}

// Sort sorts by the next column, ascending (TIME: newest first), or reverses
// the order.
func (l *eventsList) Sort(reverse bool) {
	switch {
	case reverse:
		l.order.reverse = !l.order.reverse
	default:
		l.order = tableOrder{col: (l.order.col + 1) % numEventCols}
		if l.order.col == eventColTime {
			l.order = eventsDefaultOrder
		}
	}
	l.rebuild()
}

// SetSize lays the list out for w×h cells (borders included).
func (l *eventsList) SetSize(w, h int) { l.resize(w, h) }

// SetSnapshot shows the snapshot's events. The cursor stays on the same line
// number: new events arrive at the top, and a reader watching the top wants them.
func (l *eventsList) SetSnapshot(s *model.Snapshot) {
	l.events, l.have = s.Events, true
	l.origins = newOriginInfo(s)
	l.rebuild()
}

// SetFilter filters events by task, group, level and text.
func (l *eventsList) SetFilter(f filter) {
	l.filter = f
	l.rebuild()
}

// SelectedEvent returns the event of the selected line, or nil.
func (l *eventsList) SelectedEvent() *model.Event {
	if r := l.Selected(); r != nil {
		return r.ev
	}
	return nil
}

// rebuild recomputes the rows and the column widths.
func (l *eventsList) rebuild() {
	clear(l.buf)
	clear(l.evs)
	l.buf, l.evs = l.buf[:0], l.evs[:0]
	l.taskW, l.groupW = 5, 6 // the titles and a sort arrow
	l.originW = 0
	for i := range l.events {
		if e := &l.events[i]; l.filter.matchEvent(e) {
			l.evs = append(l.evs, e)
		}
	}
	l.shown = len(l.evs)
	if l.order != eventsDefaultOrder {
		sortRows(l.evs, l.order, compareEvents, func(a, b *model.Event) int { return b.Time.Compare(a.Time) })
	}
	for _, e := range l.evs {
		l.taskW = max(l.taskW, min(len(e.Task)-originPrefix(e.Origin), 12))
		l.groupW = max(l.groupW, min(len(e.Group)-originPrefix(e.Origin), 16))
		if l.origins.multi {
			l.originW = max(l.originW, len("ORIGIN"), min(l.origins.width(e.Origin), 20))
		}
		first, rest, _ := strings.Cut(strings.TrimRight(e.Text, "\r\n"), "\n")
		l.buf = append(l.buf, eventRow{ev: e, text: first})
		for line := range strings.SplitSeq(rest, "\n") {
			if strings.TrimSpace(line) != "" {
				l.buf = append(l.buf, eventRow{ev: e, text: line, cont: true})
			}
		}
	}
	clear(l.rows)
	l.rows = l.rows[:0]
	for i := range l.buf {
		l.rows = append(l.rows, &l.buf[i])
	}
	l.follow(-1)
}

// columns returns the widths of the TIME, LEVEL, TASK, GROUP and TEXT columns
// and the gap between them.
func (l *eventsList) columns() (widths [5]int, gap int) {
	inner := l.innerWidth()
	gap = colGap(inner)
	textW := max(inner-2-8-6-l.taskW-l.groupW-4*gap-l.originCells(gap), 1)
	return [5]int{8, 6, l.taskW, l.groupW, textW}, gap
}

// View draws the list in its box; only the visible events are formatted.
func (l *eventsList) View() []string {
	title, tw := listTitle(l.st, "Events", l.shown, len(l.events), l.filter, sortTitle(eventTitles[l.order.col], l.order.reverse))
	widths, gap := l.columns()
	head := columnHeads(l.st, l.originW, gap, eventTitles[:], widths[:], int(l.order.col), l.order.arrow())
	// The Events view says "no events" even when a filter hides them all.
	note := emptyNote(l.have, len(l.rows), "", "event", " no events")
	return l.view(l.st, title, tw, fitLine(head, l.innerWidth()), note, l.rowLine)
}

// rowLine appends line i, fitted to the inner width. The selected line is in
// reverse video; others paint the level and the dim columns.
func (l *eventsList) rowLine(out *strings.Builder, i int) {
	widths, gap := l.columns()
	r := l.rows[i]
	cells := renderEvent(r.ev)
	cells[4] = cleanCell(r.text)
	if r.cont {
		cells[0], cells[1], cells[2], cells[3] = "", "", "", ""
	}
	var c strings.Builder
	selected := i == l.cursor
	use := func(p paint) paint { return p }
	if selected {
		c.WriteString(l.st.selected[model.StateQueued].on)
		use = func(paint) paint { return paint{} }
	}
	writeSpaces(&c, 2)
	if l.originW > 0 {
		cell := l.origins.cell(r.ev.Origin)
		if r.cont {
			cell = ""
		}
		writePadded(&c, l.origins.cellPaint(l.st, r.ev.Origin, selected), cell, l.originW)
		writeSpaces(&c, gap)
	}
	paints := [5]paint{l.st.desc, l.levelPaint(r.ev.Level), paint{}, l.st.desc, paint{}}
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

// originCells is what the ORIGIN column takes, its gap included; 0 when hidden.
func (l *eventsList) originCells(gap int) int {
	if l.originW == 0 {
		return 0
	}
	return l.originW + gap
}

// originPrefix is the length of the "origin/" a fleet's names carry.
func originPrefix(origin string) int {
	if origin == "" {
		return 0
	}
	return len(origin) + 1
}

// levelPaint returns the paint of an event level.
func (l *eventsList) levelPaint(lv model.Level) paint {
	if p, ok := l.st.level[lv]; ok {
		return p
	}
	return paint{}
}

// eventContent returns the lines of event e in full for the text overlay, w
// cells wide: when, level, task and group, then its text; gone says its task
// has left the snapshot.
func eventContent(st *Styles, e *model.Event, gone bool) func(w int) []string {
	return func(w int) []string {
		head := e.Time.Format("2006-01-02 15:04:05.000") + "  " + cleanCell(string(e.Level))
		if e.Task != "" {
			head += "  task " + cleanCell(string(e.Task))
			if gone {
				head += " (no longer in the snapshot)"
			}
		}
		if e.Group != "" {
			head += "  group " + cleanCell(e.Group)
		}
		p := paint{}
		if lp, ok := st.level[e.Level]; ok && e.Level == model.LevelError {
			p = lp
		}
		lines := []string{st.label.render(truncate(head, w)), ""}
		return append(lines, wrapLines(e.Text, w, 4, p)...)
	}
}
