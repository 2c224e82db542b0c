package ui

import (
	"strconv"
	"strings"
)

// rowList is what the list views (Workers, Pools, Pollers, Events) share: their
// rows, pointers into the snapshot kept outside any widget; the cursor and the
// scroll offset over them; the selected row's key, followed across rebuilds so
// the selection stays on the same item when rows reorder; and the box size.
type rowList[T any] struct {
	rows          []*T
	cursor        int             // index of the selected row
	offset        int             // first row on screen
	sel           string          // the selected row's key, followed across rebuilds
	touched       bool            // the user moved the cursor: from then on it follows sel
	keyOf         func(*T) string // nil: the cursor stays on the same line number
	width, height int             // outer size, borders included
}

// newRowList returns an empty list that follows its selection by keyOf (nil:
// by line number).
func newRowList[T any](keyOf func(*T) string) rowList[T] { return rowList[T]{keyOf: keyOf} }

// resize records the outer size, w×h cells, and keeps the cursor on screen.
func (l *rowList[T]) resize(w, h int) {
	l.width, l.height = max(w, 0), max(h, 0)
	l.scroll()
}

// innerWidth returns the cells inside the borders.
func (l *rowList[T]) innerWidth() int { return box{width: l.width}.innerWidth() }

// visibleRows returns how many rows fit between the title, the column header
// and the bottom border.
func (l *rowList[T]) visibleRows() int { return max(l.height-3, 1) }

// follow puts the cursor back on the selected item after the rows were rebuilt:
// i is its new index, -1 when it left (the cursor then keeps its line). Until
// the user has moved the cursor it keeps its line too, as htop's does: a
// dashboard just opened stays on the top rows (the most urgent work) instead
// of chasing whichever task happened to be first when it opened. The cursor is
// clamped to the rows and scrolled into view.
func (l *rowList[T]) follow(i int) {
	if i >= 0 && l.touched {
		l.cursor = i
	}
	l.cursor = min(max(l.cursor, 0), max(len(l.rows)-1, 0))
	l.sel = ""
	l.remember()
	l.scroll()
}

// remember records the selected row's key.
func (l *rowList[T]) remember() {
	if sel := l.Selected(); sel != nil && l.keyOf != nil {
		l.sel = l.keyOf(sel)
	}
}

// scroll keeps the cursor on screen.
func (l *rowList[T]) scroll() {
	vis := l.visibleRows()
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+vis {
		l.offset = l.cursor - vis + 1
	}
	l.offset = min(max(l.offset, 0), max(len(l.rows)-vis, 0))
}

// Move moves the selection by delta rows, clamped to the list.
func (l *rowList[T]) Move(delta int) { l.MoveTo(l.cursor + delta) }

// Page moves the selection by a screen (negative: up).
func (l *rowList[T]) Page(dir int) { l.Move(dir * l.visibleRows()) }

// MoveTo selects row i, clamped to the list.
func (l *rowList[T]) MoveTo(i int) {
	if len(l.rows) == 0 {
		return
	}
	l.cursor = min(max(i, 0), len(l.rows)-1)
	l.touched = true
	l.remember()
	l.scroll()
}

// Selected returns the selected row, or nil when the list is empty.
func (l *rowList[T]) Selected() *T {
	if l.cursor < len(l.rows) {
		return l.rows[l.cursor]
	}
	return nil
}

// view draws the list in its box: the title (styled, tw cells), the column
// header (inner width), the note when there are no rows to show (see
// emptyNote), then only the rows on screen, each appended by row exactly the
// inner width wide.
func (l *rowList[T]) view(st *Styles, title string, tw int, header, note string, row func(c *strings.Builder, i int)) []string {
	x := box{st: st, width: l.width}
	lines := make([]string, 0, l.height)
	lines = append(lines, x.top(title, tw))
	var b strings.Builder
	x.line(&b, header)
	lines = append(lines, b.String())
	if note != "" {
		lines = append(lines, x.text(st.dim, note))
	}
	var c strings.Builder // one for all rows: row may let it escape
	for i := l.offset; i < len(l.rows) && i < l.offset+l.visibleRows(); i++ {
		b.Reset()
		c.Reset()
		c.Grow(x.innerWidth() + 64)
		row(&c, i)
		x.line(&b, c.String())
		lines = append(lines, b.String())
	}
	for len(lines) < l.height-1 {
		lines = append(lines, x.blank())
	}
	return append(lines, x.bottom())
}

// emptyNote returns what a list shows in place of rows: that no snapshot has
// come yet, that no item (called item) matches the filter f, or none when
// there are no items at all; "" when there are n > 0 rows.
func emptyNote(have bool, n int, f filter, item, none string) string {
	switch {
	case !have:
		return " waiting for the first snapshot…"
	case n == 0 && f != "":
		return " no " + item + " matches the filter " + strconv.Quote(string(f))
	case n == 0:
		return none
	}
	return ""
}

// listTitle returns a list's title and its width: "Pools (3/3) [filter: io]",
// then the extras (" [sort: NAME ↑]"), in the title colour.
func listTitle(st *Styles, name string, shown, total int, f filter, extras ...string) (string, int) {
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
	for _, s := range extras {
		st.title.write(&b, s)
		w += textWidth(s)
	}
	return b.String(), w
}

// collect refills the rows with the items keep accepts, in order, calling fit
// on each to size the columns. It returns the index of the selected item among
// them, -1 when it is not there.
func (l *rowList[T]) collect(items []T, keep func(*T) bool, fit func(*T)) int {
	clear(l.rows)
	l.rows = l.rows[:0]
	idx := -1
	for i := range items {
		it := &items[i]
		if !keep(it) {
			continue
		}
		if l.keyOf != nil && l.keyOf(it) == l.sel {
			idx = len(l.rows)
		}
		l.rows = append(l.rows, it)
		fit(it)
	}
	return idx
}
