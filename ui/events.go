package ui

import (
	"strconv"
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// eventsList is the Events view: what happened, newest first (the snapshot's
// order), one line each with its level coloured.
type eventsList struct {
	st *Styles

	events []model.Event // the snapshot's (shared, immutable)
	rows   []*model.Event
	have   bool
	filter filter

	cursor, offset int
	width, height  int // outer size, borders included
	taskW, groupW  int // data-sized columns
}

// newEventsList returns an empty list.
func newEventsList(st *Styles) eventsList { return eventsList{st: st} }

// SetSize lays the list out for w×h cells (borders included).
func (l *eventsList) SetSize(w, h int) {
	l.width, l.height = max(w, 0), max(h, 0)
	l.scroll()
}

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
	l.cursor = min(max(l.cursor, 0), max(len(l.rows)-1, 0))
	l.scroll()
}

// visibleRows returns how many events fit in the box.
func (l *eventsList) visibleRows() int { return max(l.height-3, 1) }

// scroll keeps the cursor on screen.
func (l *eventsList) scroll() {
	vis := l.visibleRows()
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+vis {
		l.offset = l.cursor - vis + 1
	}
	l.offset = min(max(l.offset, 0), max(len(l.rows)-vis, 0))
}

// Move moves the cursor by delta rows.
func (l *eventsList) Move(delta int) { l.MoveTo(l.cursor + delta) }

// Page moves by a screen (negative: up).
func (l *eventsList) Page(dir int) { l.Move(dir * l.visibleRows()) }

// MoveTo moves the cursor to row i, clamped to the list.
func (l *eventsList) MoveTo(i int) {
	if len(l.rows) == 0 {
		return
	}
	l.cursor = min(max(i, 0), len(l.rows)-1)
	l.scroll()
}

// Selected returns the event under the cursor, or nil.
func (l *eventsList) Selected() *model.Event {
	if l.cursor < len(l.rows) {
		return l.rows[l.cursor]
	}
	return nil
}

// View draws the list in its box; only the visible events are formatted.
func (l *eventsList) View() []string {
	x := box{st: l.st, width: l.width}
	var tb strings.Builder
	l.st.title.write(&tb, "Events")
	tb.WriteByte(' ')
	count := "(" + strconv.Itoa(len(l.rows)) + "/" + strconv.Itoa(len(l.events)) + ")"
	l.st.titleCount.write(&tb, count)
	tw := 7 + len(count)
	if l.filter != "" {
		f := " [filter: " + string(l.filter) + "]"
		l.st.titleCount.write(&tb, f)
		tw += textWidth(f)
	}
	lines := make([]string, 0, l.height)
	lines = append(lines, x.top(tb.String(), tw))

	inner := x.innerWidth()
	gap := colGap(inner)
	textW := max(inner-2-8-5-l.taskW-l.groupW-4*gap, 1)
	var c strings.Builder
	writeSpaces(&c, 2)
	for i, h := range [5]struct {
		s string
		w int
	}{{"TIME", 8}, {"LEVEL", 5}, {"TASK", l.taskW}, {"GROUP", l.groupW}, {"TEXT", textW}} {
		if i > 0 {
			writeSpaces(&c, gap)
		}
		writePadded(&c, l.st.columnHead, h.s, h.w)
	}
	var b strings.Builder
	x.line(&b, fitLine(c.String(), inner))
	lines = append(lines, b.String())

	switch {
	case !l.have:
		lines = append(lines, x.text(l.st.dim, " waiting for the first snapshot…"))
	case len(l.rows) == 0:
		lines = append(lines, x.text(l.st.dim, " no events"))
	}
	for i := l.offset; i < len(l.rows) && i < l.offset+l.visibleRows(); i++ {
		cells := renderEvent(l.rows[i])
		c.Reset()
		selected := i == l.cursor
		use := func(p paint) paint { return p }
		if selected {
			c.WriteString(l.st.selected[model.StateQueued].on)
			use = func(paint) paint { return paint{} }
		}
		writeSpaces(&c, 2)
		widths := [5]int{8, 5, l.taskW, l.groupW, textW}
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
		b.Reset()
		x.line(&b, fitLine(c.String(), inner))
		lines = append(lines, b.String())
	}
	for len(lines) < l.height-1 {
		lines = append(lines, x.blank())
	}
	return append(lines, x.bottom())
}

// levelPaint returns the paint of an event level.
func (l *eventsList) levelPaint(lv model.Level) paint {
	if p, ok := l.st.level[lv]; ok {
		return p
	}
	return paint{}
}
