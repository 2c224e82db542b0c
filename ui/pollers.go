package ui

import (
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
	have    bool
	filter  filter

	columnTable[model.Poller]
}

// newPollersTable returns an empty table.
func newPollersTable(st *Styles) pollersTable {
	t := pollersTable{st: st, columnTable: newColumnTable(numPollCols, pollerName, tableOrder{col: pollColName}, comparePollers, pollersByName)}
	t.originOf = func(p *model.Poller) string { return p.Origin }
	return t
}

// pollerName is the key a poller is followed by across snapshots.
func pollerName(p *model.Poller) string { return p.Name }

// SetSnapshot shows the snapshot's pollers, keeping the selection on the same one.
func (t *pollersTable) SetSnapshot(s *model.Snapshot) {
	t.now, t.pollers, t.have = s.Time, s.Pollers, true
	t.origins = newOriginInfo(s)
	t.rebuild()
}

// SetFilter filters the rows by f.
func (t *pollersTable) SetFilter(f filter) {
	t.filter = f
	t.rebuild()
}

// Sort sorts by the next column on screen, or reverses the order.
func (t *pollersTable) Sort(reverse bool) {
	t.sortBy(reverse)
	t.rebuild()
}

// rebuild recomputes the rows, the selection and the column widths.
func (t *pollersTable) rebuild() {
	specs := pollerSpecs()
	for _, k := range []colKind{pollColErrors, pollColSkipped, pollColDelays, pollColValue} {
		specs[k].empty = true // until a row has something in it
	}
	some := func(k colKind, has bool) { specs[k].empty = specs[k].empty && !has }
	t.arrange(t.pollers, t.filter.matchPoller, func(p *model.Poller) {
		some(pollColErrors, p.Errors > 0)
		some(pollColSkipped, p.Skipped > 0)
		some(pollColDelays, len(p.Delays) > 0)
		some(pollColValue, p.Value != "")
		specs[pollColName].width = max(specs[pollColName].width, min(len(p.Name), 24))
		specs[pollColCount].width = max(specs[pollColCount].width, digits(p.Count))
		specs[pollColErrors].width = max(specs[pollColErrors].width, digits(p.Errors))
		specs[pollColSkipped].width = max(specs[pollColSkipped].width, digits(p.Skipped))
		if note, _ := valueNote(p, t.now); note != "" { // "stale 12s" must be readable
			specs[pollColValue].width = max(specs[pollColValue].width, textWidth(note)+1)
		}
		if p.Schedule() != "" { // a schedule and a time of day are wider than a period and a countdown
			specs[pollColPeriod].width = max(specs[pollColPeriod].width, textWidth(renderPeriod(p)))
			specs[pollColNext].width = max(specs[pollColNext].width, textWidth(renderNext(p, t.now)))
		}
	})
	t.refit(specs[:])
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

// View draws the table in its box: only the rows on screen are formatted.
func (t *pollersTable) View() []string {
	title, tw := listTitle(t.st, "Pollers", len(t.rows), len(t.pollers), t.filter, sortTitle(t.sortName(), t.order.reverse))
	note := emptyNote(t.have, len(t.rows), t.filter, "poller", " no pollers")
	return t.view(t.st, title, tw, t.header(t.st), note, t.rowLine)
}

// rowLine appends row i, exactly the inner width wide. The selected row is in
// reverse video of its state colour; others paint the state, errors red, and the
// delay and its sparkline by lateness against the period.
func (t *pollersTable) rowLine(c *strings.Builder, i int) {
	p := t.rows[i]
	state := p.PollerState()
	selected := i == t.cursor
	use := func(pt paint) paint { return pt }
	switch {
	case selected:
		use = func(paint) paint { return paint{} }
		c.WriteString(t.st.pollerSelected[state].on)
	case t.staleRow(p):
		use = func(paint) paint { return t.st.dim }
	}
	t.writeCells(c, func(kind colKind, w int) {
		switch kind {
		case originCol:
			t.writeOrigin(c, t.st, p.Origin, w, selected)
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
			if note, alarm := valueNote(p, t.now); note != "" { // the note stays when the value is cut
				pt := t.st.desc
				if alarm {
					pt = t.st.alert
				}
				if textWidth(note)+len(noteSep)+minNotedMsg > w {
					writePadded(c, use(pt), note, w) // no room for both: that it is stale matters more
				} else {
					writeNoted(c, use(pt), renderPollerValue(p), w, note)
				}
				break
			}
			writePadded(c, use(t.st.desc), renderPollerValue(p), w)
		}
	})
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
