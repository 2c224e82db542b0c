package ui

import "strings"

// tableCol is one column of the Pools or Pollers table, sized for the snapshot:
// width is what its content needs (at least its title).
type tableCol struct {
	title string
	width int
	right bool // right-aligned (numbers)
	flex  bool // takes the spare width (the last flex column gets it)
	drop  int  // drop order when the screen is narrow: 1 goes first, 0 never
}

// listGutter is the blank cell at the left of a Pools or Pollers row (they have
// no marks, unlike Workers).
const listGutter = 1

// layoutTable fits cols into w cells after the gutter: two blanks between
// columns when all of them fit so, else one; then the least useful columns are
// dropped, in their drop order, until the rest fit; then the flex columns give up
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
// (without borders).
func tableHeader(st *Styles, cols []column, gap, innerWidth int) string {
	var c strings.Builder
	writeSpaces(&c, listGutter)
	for i, col := range cols {
		if i > 0 {
			writeSpaces(&c, gap)
		}
		if col.right {
			writeRight(&c, st.columnHead, col.title, col.width)
		} else {
			writePadded(&c, st.columnHead, col.title, col.width)
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

// listCursor is the selection and scroll position of the Pools and Pollers
// tables, kept on the same item (by name) across snapshots.
type listCursor struct {
	cursor, offset int
	name           string // the selected item, followed across rebuilds
}

// follow puts the cursor back on the named item (at index i, -1 when it left),
// clamps it to n rows and scrolls it into a window of vis rows.
func (c *listCursor) follow(i, n, vis int) {
	if i >= 0 {
		c.cursor = i
	}
	c.cursor = min(max(c.cursor, 0), max(n-1, 0))
	c.scroll(n, vis)
}

// moveTo selects row i, clamped to n rows.
func (c *listCursor) moveTo(i, n, vis int) {
	if n == 0 {
		return
	}
	c.cursor = min(max(i, 0), n-1)
	c.scroll(n, vis)
}

// scroll keeps the cursor in a window of vis rows.
func (c *listCursor) scroll(n, vis int) {
	if c.cursor < c.offset {
		c.offset = c.cursor
	}
	if c.cursor >= c.offset+vis {
		c.offset = c.cursor - vis + 1
	}
	c.offset = min(max(c.offset, 0), max(n-vis, 0))
}
