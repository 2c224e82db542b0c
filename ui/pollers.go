package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// The Pollers columns, in display order; a column's kind is its index here.
const (
	pollColName colKind = iota
	pollColState
	pollColPeriod
	pollColCount
	pollColErrors
	pollColSkipped
	pollColDelay
	pollColAccDelay
	pollColUsage
	pollColLast
	pollColNext
	pollColDuration
	pollColDelays
	pollColValue
	numPollCols
)

// pollersTable is the Pollers view: one row per poller with its timing
// diagnostics, in the snapshot's order (by name). Only the rows on screen are
// formatted.
type pollersTable struct {
	st *Styles

	now     time.Time
	pollers []model.Poller // the snapshot's (shared, immutable)
	rows    []*model.Poller
	have    bool
	filter  filter

	listCursor
	specs         [numPollCols]tableCol
	cols          []column
	gap           int
	width, height int // outer size, borders included
}

// newPollersTable returns an empty table.
func newPollersTable(st *Styles) pollersTable { return pollersTable{st: st} }

// SetSize lays the table out for w×h cells (borders included).
func (t *pollersTable) SetSize(w, h int) {
	t.width, t.height = max(w, 0), max(h, 0)
	t.layout()
}

// SetSnapshot shows the snapshot's pollers, keeping the selection on the same one.
func (t *pollersTable) SetSnapshot(s *model.Snapshot) {
	t.now, t.pollers, t.have = s.Time, s.Pollers, true
	t.rebuild()
}

// SetFilter filters the rows by f.
func (t *pollersTable) SetFilter(f filter) {
	t.filter = f
	t.rebuild()
}

// visibleRows returns how many rows fit in the box.
func (t *pollersTable) visibleRows() int { return max(t.height-3, 1) }

// rebuild recomputes the rows, the selection and the column widths.
func (t *pollersTable) rebuild() {
	clear(t.rows)
	t.rows = t.rows[:0]
	idx := -1
	specs := pollerSpecs()
	for i := range t.pollers {
		p := &t.pollers[i]
		if !t.filter.matchPoller(p) {
			continue
		}
		if p.Name == t.name {
			idx = len(t.rows)
		}
		t.rows = append(t.rows, p)
		specs[pollColName].width = max(specs[pollColName].width, min(len(p.Name), 24))
		specs[pollColCount].width = max(specs[pollColCount].width, digits(p.Count))
		specs[pollColErrors].width = max(specs[pollColErrors].width, digits(p.Errors))
		specs[pollColSkipped].width = max(specs[pollColSkipped].width, digits(p.Skipped))
	}
	t.follow(idx, len(t.rows), t.visibleRows())
	t.name = ""
	if sel := t.Selected(); sel != nil {
		t.name = sel.Name
	}
	if specs != t.specs || t.cols == nil {
		t.specs = specs
		t.layout()
	}
}

// pollerSpecs returns the Pollers columns at their narrowest. Durations are
// formatted to at most 6 cells ("1m30s", "850µs").
func pollerSpecs() [numPollCols]tableCol {
	return [numPollCols]tableCol{
		pollColName:     {title: "NAME", width: 4},
		pollColState:    {title: "STATE", width: 7},
		pollColPeriod:   {title: "PERIOD", width: 6, right: true, drop: 7},
		pollColCount:    {title: "COUNT", width: 5, right: true, drop: 8},
		pollColErrors:   {title: "ERRORS", width: 6, right: true},
		pollColSkipped:  {title: "SKIPPED", width: 7, right: true, drop: 2},
		pollColDelay:    {title: "DELAY", width: 6, right: true},
		pollColAccDelay: {title: "ACC DELAY", width: 9, right: true, drop: 1},
		pollColUsage:    {title: "USAGE", width: 5, right: true, drop: 4},
		pollColLast:     {title: "LAST", width: 9, drop: 6},
		pollColNext:     {title: "NEXT", width: 8},
		pollColDuration: {title: "DURATION", width: 8, right: true, drop: 3},
		pollColDelays:   {title: "DELAYS", width: 8, drop: 5},
		pollColValue:    {title: "VALUE", width: 5, flex: true, drop: 9},
	}
}

// layout fits the columns into the box.
func (t *pollersTable) layout() {
	t.cols, t.gap = layoutTable(t.specs[:], box{width: t.width}.innerWidth())
	t.scroll(len(t.rows), t.visibleRows())
}

// Move moves the selection by delta rows.
func (t *pollersTable) Move(delta int) { t.MoveTo(t.cursor + delta) }

// Page moves the selection by a screen (negative: up).
func (t *pollersTable) Page(dir int) { t.Move(dir * t.visibleRows()) }

// MoveTo selects row i, clamped to the table.
func (t *pollersTable) MoveTo(i int) {
	t.moveTo(i, len(t.rows), t.visibleRows())
	if sel := t.Selected(); sel != nil {
		t.name = sel.Name
	}
}

// Selected returns the selected poller, or nil when the table is empty.
func (t *pollersTable) Selected() *model.Poller {
	if t.cursor < len(t.rows) {
		return t.rows[t.cursor]
	}
	return nil
}

// View draws the table in its box: only the rows on screen are formatted.
func (t *pollersTable) View() []string {
	x := box{st: t.st, width: t.width}
	lines := make([]string, 0, t.height)
	lines = append(lines, x.top(listTitle(t.st, "Pollers", len(t.rows), len(t.pollers), t.filter)))
	var b strings.Builder
	x.line(&b, tableHeader(t.st, t.cols, t.gap, x.innerWidth()))
	lines = append(lines, b.String())
	switch {
	case !t.have:
		lines = append(lines, x.text(t.st.dim, " waiting for the first snapshot…"))
	case len(t.rows) == 0 && t.filter != "":
		lines = append(lines, x.text(t.st.dim, " no poller matches the filter "+strconv.Quote(string(t.filter))))
	case len(t.rows) == 0:
		lines = append(lines, x.text(t.st.dim, " no pollers"))
	}
	var c strings.Builder
	for i := t.offset; i < len(t.rows) && i < t.offset+t.visibleRows(); i++ {
		b.Reset()
		c.Reset()
		t.rowLine(&c, i)
		x.line(&b, c.String())
		lines = append(lines, b.String())
	}
	for len(lines) < t.height-1 {
		lines = append(lines, x.blank())
	}
	return append(lines, x.bottom())
}

// rowLine appends row i, exactly the inner width wide. The selected row is in
// reverse video of its state colour; others paint the state, errors red, and the
// delay and its sparkline by lateness against the period.
func (t *pollersTable) rowLine(c *strings.Builder, i int) {
	p := t.rows[i]
	inner := box{width: t.width}.innerWidth()
	state := p.PollerState()
	selected := i == t.cursor
	use := func(pt paint) paint { return pt }
	if selected {
		use = func(paint) paint { return paint{} }
		c.WriteString(t.st.pollerSelected[state].on)
	}
	writeSpaces(c, listGutter)
	n := listGutter
	for k, col := range t.cols {
		if k > 0 {
			writeSpaces(c, t.gap)
			n += t.gap
		}
		n += col.width
		w := col.width
		switch col.kind {
		case pollColName:
			writePadded(c, paint{}, renderPollerName(p), w)
		case pollColState:
			writePadded(c, use(t.st.pollerState[state]), state, w)
		case pollColPeriod:
			writeRight(c, paint{}, renderPeriod(p), w)
		case pollColCount:
			writeRight(c, paint{}, renderCount(p.Count), w)
		case pollColErrors:
			pt := paint{}
			if p.Errors > 0 {
				pt = t.st.alert
			}
			writeRight(c, use(pt), renderCount(p.Errors), w)
		case pollColSkipped:
			writeRight(c, paint{}, renderCount(p.Skipped), w)
		case pollColDelay:
			writeRight(c, use(t.st.latePaint(lateness(p.Delay, p.Period))), renderDelay(p), w)
		case pollColAccDelay:
			writeRight(c, use(t.st.desc), renderAccDelay(p), w)
		case pollColUsage:
			writeRight(c, paint{}, renderUsage(p), w)
		case pollColLast:
			writePadded(c, paint{}, renderLast(p, t.now), w)
		case pollColNext:
			writePadded(c, paint{}, renderNext(p, t.now), w)
		case pollColDuration:
			writeRight(c, paint{}, renderRunDuration(p), w)
		case pollColDelays:
			t.writeDelays(c, p, w, selected)
		case pollColValue:
			writePadded(c, use(t.st.desc), renderPollerValue(p), w)
		}
	}
	writeSpaces(c, inner-n)
	if selected {
		c.WriteString("\x1b[m")
	}
}

// writeDelays appends the DELAYS sparkline, w cells, each bar in the colour of
// its own lateness (a colour is written only where it changes).
func (t *pollersTable) writeDelays(c *strings.Builder, p *model.Poller, w int, selected bool) {
	if selected || len(p.Delays) == 0 {
		writePadded(c, paint{}, renderDelaySpark(p, w), w)
		return
	}
	writeDelayBars(c, t.st, p.Delays[max(len(p.Delays)-w, 0):], p.Period, delayTop(p))
	writeSpaces(c, w-min(len(p.Delays), w))
}

// writeDelayBars appends one sparkline block per delay, painted by lateness.
func writeDelayBars(c *strings.Builder, st *Styles, delays []time.Duration, period, top time.Duration) {
	grade := -1
	for _, d := range delays {
		if g := lateness(d, period); g != grade {
			if grade > 0 {
				c.WriteString("\x1b[m")
			}
			grade = g
			c.WriteString(st.latePaint(g).on)
		}
		c.WriteRune(sparkRune(sparkLevel(float64(d), float64(top))))
	}
	if grade > 0 {
		c.WriteString("\x1b[m")
	}
}
