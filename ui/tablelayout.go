package ui

import (
	"slices"
	"strings"
)

// tableCol is one column of the Pools or Pollers table, sized for the snapshot:
// width is what its content needs (at least its title).
type tableCol struct {
	title string
	width int
	right bool // right-aligned (numbers)
	flex  bool // takes the spare width (the last flex column gets it)
	drop  int  // drop order when the screen is narrow: 1 goes first, 0 never
	empty bool // no row has anything in it: it goes before any other
}

// listGutter is the blank cell at the left of a Pools or Pollers row (they have
// no marks, unlike Workers).
const listGutter = 1

// layoutTable fits cols into w cells after the gutter: two blanks between
// columns when all of them fit so, else one and the empty columns go; then the
// least useful columns are dropped, in their drop order, until the rest fit; then the flex columns give up
// what is still missing; the spare width goes to the last flex column. It returns
// the kept columns (kind is the index into cols) and the gap.
func layoutTable(cols []tableCol, w int) ([]column, int) {
	keep := make([]bool, len(cols))
	for i := range keep {
		keep[i] = true
	}
	need := func(gap int) int {
		n, k := listGutter, 0
		for i, c := range cols {
			if keep[i] {
				n += c.width
				k++
			}
		}
		return n + gap*max(k-1, 0)
	}
	gap := 2
	if need(gap) > w {
		gap = 1
		for i, c := range cols { // what has nothing to show yields first
			keep[i] = keep[i] && !c.empty
		}
	}
	for drop := 1; need(gap) > w; drop++ {
		found := false
		for i, c := range cols {
			if c.drop >= drop {
				found = true
			}
			if c.drop == drop {
				keep[i] = false
			}
		}
		if !found {
			break
		}
	}
	widths := make([]int, len(cols))
	lastFlex := -1
	for i, c := range cols {
		widths[i] = c.width
		if c.flex && keep[i] {
			lastFlex = i
		}
	}
	over := need(gap) - w
	for i := len(cols) - 1; i >= 0 && over > 0; i-- { // flex columns give up width, the last first
		if keep[i] && cols[i].flex {
			give := min(over, widths[i]-1)
			widths[i] -= give
			over -= give
		}
	}
	if over < 0 && lastFlex >= 0 {
		widths[lastFlex] -= over
	}
	out := make([]column, 0, len(cols))
	for i, c := range cols {
		if keep[i] {
			out = append(out, column{kind: colKind(i), title: c.title, width: widths[i], right: c.right})
		}
	}
	return out, gap
}

// tableHeader returns the column names of a laid-out table, innerWidth wide
// (without borders), the sort column marked with its arrow.
func tableHeader(st *Styles, cols []column, gap, innerWidth int, o tableOrder) string {
	var c strings.Builder
	writeSpaces(&c, listGutter)
	for i, col := range cols {
		if i > 0 {
			writeSpaces(&c, gap)
		}
		title := col.title
		if col.kind == o.col {
			title += o.arrow()
		}
		if col.right {
			writeRight(&c, st.columnHead, title, col.width)
		} else {
			writePadded(&c, st.columnHead, title, col.width)
		}
	}
	return fitLine(c.String(), innerWidth)
}

// digits returns the cells a count takes.
func digits(n int64) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	if n < 0 {
		d++
	}
	return d
}

// columnTable is what the Pools and Pollers views share: a list whose columns
// are sized for its rows and laid out to the box, sorted by any of them.
type columnTable[T any] struct {
	rowList[T]
	specs []tableCol // sized for the rows
	cols  []column
	gap   int

	order   tableOrder                     // how the rows are sorted
	def     tableOrder                     // the snapshot's own order, which needs no sorting
	compare func(a, b *T, col colKind) int // orders two rows by a column
	tie     func(a, b *T) int              // breaks ties (by name)

	// In a fleet, the ORIGIN column (originCol) comes first: originOf reads a
	// row's engine (nil: the table has no such column), origins says which
	// engines there are, originW is the widest cell.
	originOf func(*T) string
	origins  originInfo
	originW  int
}

// originCol is the kind of the ORIGIN column a columnTable puts before its own
// when the snapshot merges several engines.
const originCol colKind = -2

// newColumnTable returns an empty table of n columns, following its selection
// by keyOf, in the snapshot's order def until sorted otherwise by compare.
func newColumnTable[T any](n colKind, keyOf func(*T) string, def tableOrder, compare func(a, b *T, col colKind) int, tie func(a, b *T) int) columnTable[T] {
	return columnTable[T]{rowList: newRowList(keyOf), specs: make([]tableCol, n), order: def, def: def, compare: compare, tie: tie}
}

// arrange refills the rows with the items keep accepts (fit sizes the columns
// for each), sorts them and puts the cursor back on the selected item.
func (t *columnTable[T]) arrange(items []T, keep func(*T) bool, fit func(*T)) {
	ow := 0
	if t.originOf != nil && t.origins.multi {
		inner := fit
		fit = func(it *T) {
			ow = max(ow, min(t.origins.width(t.originOf(it)), 20))
			inner(it)
		}
	} else if t.order.col == originCol {
		t.order = t.def // one engine again: no ORIGIN to sort by
	}
	idx := t.collect(items, keep, fit)
	if ow != t.originW {
		t.originW, t.cols = ow, nil // laid out again by refit
	}
	if t.order != t.def {
		sortRows(t.rows, t.order, t.compareCol, t.tie)
		idx = -1
		for i, r := range t.rows {
			if t.keyOf(r) == t.sel {
				idx = i
				break
			}
		}
	}
	t.follow(idx)
}

// compareCol orders two rows by a column, ORIGIN included.
func (t *columnTable[T]) compareCol(a, b *T, col colKind) int {
	if col == originCol {
		return compareFold(t.originOf(a), t.originOf(b))
	}
	return t.compare(a, b, col)
}

// sortBy moves the order to the next column on screen, ascending, or
// reverses it; the caller rebuilds the rows.
func (t *columnTable[T]) sortBy(reverse bool) {
	if reverse {
		t.order.reverse = !t.order.reverse
	} else {
		t.order = tableOrder{col: nextColumn(t.cols, t.order.col)}
	}
	t.touched = true
}

// sortName returns the sort column's title.
func (t *columnTable[T]) sortName() string {
	if t.order.col == originCol {
		return "ORIGIN"
	}
	if c := int(t.order.col); c >= 0 && c < len(t.specs) {
		return t.specs[t.order.col].title
	}
	return "?"
}

// SetSize lays the table out for w×h cells (borders included).
func (t *columnTable[T]) SetSize(w, h int) {
	t.resize(w, h)
	t.layout()
}

// layout fits the columns into the box, ORIGIN first when there are several
// engines (it is never dropped: without it a fleet's rows cannot be told apart).
func (t *columnTable[T]) layout() {
	if t.originW == 0 {
		t.cols, t.gap = layoutTable(t.specs, t.innerWidth())
		t.scroll()
		return
	}
	w := max(t.originW, len("ORIGIN"))
	if t.order.col == originCol {
		w++ // its arrow
	}
	cols, gap := layoutTable(t.specs, t.innerWidth()-w-2)
	t.cols, t.gap = append([]column{{kind: originCol, title: "ORIGIN", width: w}}, cols...), gap
	t.scroll()
}

// writeOrigin appends a row's ORIGIN cell, w wide: a stale engine's in the
// warning colour with its mark.
func (t *columnTable[T]) writeOrigin(c *strings.Builder, st *Styles, origin string, w int, selected bool) {
	writePadded(c, t.origins.cellPaint(st, origin, selected), t.origins.cell(origin), w)
}

// staleRow reports whether row's engine is stale: its cells are drawn dim.
func (t *columnTable[T]) staleRow(row *T) bool {
	return t.originOf != nil && t.origins.stale != nil && t.origins.isStale(t.originOf(row))
}

// refit lays the table out again when the columns sized for new rows differ
// from the ones laid out. The sort column is widened for its arrow.
func (t *columnTable[T]) refit(specs []tableCol) {
	if c := int(t.order.col); c >= 0 && c < len(specs) {
		specs[c].width = max(specs[c].width, textWidth(specs[c].title)+1)
	}
	if !slices.Equal(specs, t.specs) || t.cols == nil {
		t.specs = append(t.specs[:0], specs...)
		t.layout()
	}
}

// header returns the column names, the inner width wide.
func (t *columnTable[T]) header(st *Styles) string {
	return tableHeader(st, t.cols, t.gap, t.innerWidth(), t.order)
}

// writeCells appends the cells of a row: the gutter, each laid-out column's
// cell (appended by cell, exactly w cells wide) with the gaps between, and
// blanks to the inner width.
func (t *columnTable[T]) writeCells(c *strings.Builder, cell func(k colKind, w int)) {
	writeSpaces(c, listGutter)
	n := listGutter
	for k, col := range t.cols {
		if k > 0 {
			writeSpaces(c, t.gap)
			n += t.gap
		}
		n += col.width
		cell(col.kind, col.width)
	}
	writeSpaces(c, t.innerWidth()-n)
}
