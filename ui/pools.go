package ui

import (
	"strconv"
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// The Pools columns, in display order; a column's kind is its index here.
const (
	poolColName colKind = iota
	poolColOwner
	poolColType
	poolColWorkers
	poolColQueued
	poolColDone
	poolColFailed
	poolColRejected
	poolColDaemon
	poolColState
	poolColThroughput
	numPoolCols
)

// poolsTable is the Pools view: one row per pool (namespace), in the snapshot's
// order (by name). Like Workers, its rows live outside any widget and View
// formats only the rows on screen.
type poolsTable struct {
	st *Styles

	pools  []model.Pool // the snapshot's (shared, immutable)
	rows   []*model.Pool
	have   bool
	filter filter

	listCursor
	specs         [numPoolCols]tableCol // sized for the rows
	cols          []column
	gap           int
	width, height int // outer size, borders included
}

// newPoolsTable returns an empty table.
func newPoolsTable(st *Styles) poolsTable { return poolsTable{st: st} }

// SetSize lays the table out for w×h cells (borders included).
func (t *poolsTable) SetSize(w, h int) {
	t.width, t.height = max(w, 0), max(h, 0)
	t.layout()
}

// SetSnapshot shows the snapshot's pools, keeping the selection on the same pool.
func (t *poolsTable) SetSnapshot(s *model.Snapshot) {
	t.pools, t.have = s.Pools, true
	t.rebuild()
}

// SetFilter filters the rows by f.
func (t *poolsTable) SetFilter(f filter) {
	t.filter = f
	t.rebuild()
}

// visibleRows returns how many rows fit between the title, column header and
// bottom border.
func (t *poolsTable) visibleRows() int { return max(t.height-3, 1) }

// rebuild recomputes the rows, the selection and the column widths.
func (t *poolsTable) rebuild() {
	clear(t.rows)
	t.rows = t.rows[:0]
	idx := -1
	specs := poolSpecs()
	for i := range t.pools {
		p := &t.pools[i]
		if !t.filter.matchPool(p) {
			continue
		}
		if p.Name == t.name {
			idx = len(t.rows)
		}
		t.rows = append(t.rows, p)
		grow := func(k colKind, n int) { specs[k].width = max(specs[k].width, n) }
		grow(poolColName, min(len(p.Name), 20))
		grow(poolColOwner, min(len(p.Owner)+1+len(p.OwnerName), 24))
		grow(poolColType, min(len(p.Type), 16))
		grow(poolColWorkers, poolBarWidth+1+digits(int64(p.Busy))+1+digits(int64(p.MaxWorkers)))
		grow(poolColQueued, digits(int64(p.Queued)))
		grow(poolColDone, digits(p.Done))
		grow(poolColFailed, digits(p.Failed))
		grow(poolColRejected, digits(p.Rejected))
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

// poolSpecs returns the Pools columns at their narrowest.
func poolSpecs() [numPoolCols]tableCol {
	return [numPoolCols]tableCol{
		poolColName:       {title: "NAMESPACE", width: 9},
		poolColOwner:      {title: "OWNER", width: 5, drop: 2},
		poolColType:       {title: "TYPE", width: 4, drop: 3},
		poolColWorkers:    {title: "WORKERS", width: 7},
		poolColQueued:     {title: "QUEUED", width: 6, right: true, drop: 7},
		poolColDone:       {title: "DONE", width: 4, right: true, drop: 5},
		poolColFailed:     {title: "FAILED", width: 6, right: true, drop: 4},
		poolColRejected:   {title: "REJECTED", width: 8, right: true, drop: 6},
		poolColDaemon:     {title: "DAEMON", width: 6, drop: 1},
		poolColState:      {title: "STATE", width: 8},
		poolColThroughput: {title: "THROUGHPUT", width: 12, flex: true, drop: 8},
	}
}

// layout fits the columns into the box.
func (t *poolsTable) layout() {
	t.cols, t.gap = layoutTable(t.specs[:], box{width: t.width}.innerWidth())
	t.scroll(len(t.rows), t.visibleRows())
}

// Move moves the selection by delta rows.
func (t *poolsTable) Move(delta int) { t.MoveTo(t.cursor + delta) }

// Page moves the selection by a screen (negative: up).
func (t *poolsTable) Page(dir int) { t.Move(dir * t.visibleRows()) }

// MoveTo selects row i, clamped to the table.
func (t *poolsTable) MoveTo(i int) {
	t.moveTo(i, len(t.rows), t.visibleRows())
	if sel := t.Selected(); sel != nil {
		t.name = sel.Name
	}
}

// Selected returns the selected pool, or nil when the table is empty.
func (t *poolsTable) Selected() *model.Pool {
	if t.cursor < len(t.rows) {
		return t.rows[t.cursor]
	}
	return nil
}

// View draws the table in its box: only the rows on screen are formatted.
func (t *poolsTable) View() []string {
	x := box{st: t.st, width: t.width}
	lines := make([]string, 0, t.height)
	lines = append(lines, x.top(listTitle(t.st, "Pools", len(t.rows), len(t.pools), t.filter)))
	var b strings.Builder
	x.line(&b, tableHeader(t.st, t.cols, t.gap, x.innerWidth()))
	lines = append(lines, b.String())
	switch {
	case !t.have:
		lines = append(lines, x.text(t.st.dim, " waiting for the first snapshot…"))
	case len(t.rows) == 0 && t.filter != "":
		lines = append(lines, x.text(t.st.dim, " no pool matches the filter "+strconv.Quote(string(t.filter))))
	case len(t.rows) == 0:
		lines = append(lines, x.text(t.st.dim, " no pools (pools are namespaces of workers that a program creates through engine.ResolvePool)"))
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

// listTitle returns a Pools or Pollers title and its width: "Pools (3/3) [filter: io]".
func listTitle(st *Styles, name string, shown, total int, f filter) (string, int) {
	var b strings.Builder
	st.title.write(&b, name)
	b.WriteByte(' ')
	count := "(" + strconv.Itoa(shown) + "/" + strconv.Itoa(total) + ")"
	st.titleCount.write(&b, count)
	w := textWidth(name) + 1 + len(count)
	if f != "" {
		s := " [filter: " + string(f) + "]"
		st.titleCount.write(&b, s)
		w += textWidth(s)
	}
	return b.String(), w
}

// rowLine appends row i, exactly the table's inner width wide. The selected row
// is drawn in reverse video of its state colour; others paint the state, the
// bar, and the failed and rejected counts when they are not zero.
func (t *poolsTable) rowLine(c *strings.Builder, i int) {
	p := t.rows[i]
	inner := box{width: t.width}.innerWidth()
	selected := i == t.cursor
	use := func(pt paint) paint { return pt }
	if selected {
		use = func(paint) paint { return paint{} }
		c.WriteString(t.st.poolSelected[p.State].on)
	}
	writeSpaces(c, listGutter)
	n := listGutter
	for k, col := range t.cols {
		if k > 0 {
			writeSpaces(c, t.gap)
			n += t.gap
		}
		n += col.width
		switch col.kind {
		case poolColName:
			writePadded(c, paint{}, renderPoolName(p), col.width)
		case poolColOwner:
			pt := paint{}
			if p.Owner == "" {
				pt = t.st.dim
			}
			writePadded(c, use(pt), renderPoolOwner(p), col.width)
		case poolColType:
			writePadded(c, use(t.st.desc), renderPoolType(p), col.width)
		case poolColWorkers:
			t.writeWorkers(c, p, col.width, selected)
		case poolColQueued:
			writeRight(c, paint{}, renderCount(int64(p.Queued)), col.width)
		case poolColDone:
			writeRight(c, paint{}, renderCount(p.Done), col.width)
		case poolColFailed:
			writeRight(c, use(t.alertIf(p.Failed > 0)), renderCount(p.Failed), col.width)
		case poolColRejected:
			writeRight(c, use(t.alertIf(p.Rejected > 0)), renderCount(p.Rejected), col.width)
		case poolColDaemon:
			writePadded(c, use(t.st.desc), renderDaemon(p), col.width)
		case poolColState:
			writePadded(c, use(t.st.poolState[p.State]), renderPoolState(p), col.width)
		case poolColThroughput:
			writePadded(c, use(t.st.spark), renderThroughput(p, col.width), col.width)
		}
	}
	writeSpaces(c, inner-n)
	if selected {
		c.WriteString("\x1b[m")
	}
}

// alertIf returns the alert paint when bad, else the plain one.
func (t *poolsTable) alertIf(bad bool) paint {
	if bad {
		return t.st.alert
	}
	return paint{}
}

// writeWorkers appends the WORKERS cell: the busy part of the bar green, the rest
// dim, the count plain.
func (t *poolsTable) writeWorkers(c *strings.Builder, p *model.Pool, w int, selected bool) {
	s := renderPoolWorkers(p)
	if selected || w < textWidth(s) {
		writePadded(c, paint{}, s, w)
		return
	}
	full := poolBarFull(p)
	t.st.bar.write(c, s[:full*3]) // each block is three bytes long
	t.st.barEmpty.write(c, s[full*3:poolBarWidth*3])
	c.WriteString(s[poolBarWidth*3:])
	writeSpaces(c, w-textWidth(s))
}
