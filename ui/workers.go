package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// workersTable is the Workers view: running, queued and recently finished tasks.
// Its rows live here, outside any widget: each snapshot (or filter or sort change)
// rebuilds the sorted, filtered []*model.Task once, and View formats only the rows
// on screen.
type workersTable struct {
	st *Styles

	now   time.Time    // the snapshot's time; ages count to it
	tasks []model.Task // the snapshot's tasks (shared, immutable)
	rows  []*model.Task
	build rowBuilder // makes rows; its buffers are reused across snapshots
	have  bool       // a snapshot has arrived

	order  rowOrder
	filter filter

	tree  bool        // rows ordered as a tree by parent
	trees treeBuilder // its buffers are reused across snapshots
	info  []treeRow   // per row, in tree order, when tree is on

	cursor int          // index of the selected row
	offset int          // first row on screen
	selID  model.TaskID // the selected task, followed across rebuilds

	marks  map[model.TaskID]struct{}
	marked []*model.Task // the marked tasks present in the snapshot

	measure measure
	cols    []column
	width   int // outer width, borders included
	height  int // outer height, borders included
}

// newWorkersTable returns an empty table sorted by state.
func newWorkersTable(st *Styles) workersTable {
	return workersTable{st: st, order: rowOrder{col: sortState}, marks: map[model.TaskID]struct{}{}}
}

// SetSize lays the table out for w×h cells (borders included).
func (t *workersTable) SetSize(w, h int) {
	t.width, t.height = max(w, 0), max(h, 0)
	t.cols = layoutColumns(box{width: t.width}.innerWidth(), t.measure)
	t.scroll()
}

// visibleRows returns how many rows fit between the title, column header and
// bottom border.
func (t *workersTable) visibleRows() int { return max(t.height-3, 1) }

// SetSnapshot shows a new snapshot, keeping the selection on the same task.
func (t *workersTable) SetSnapshot(s *model.Snapshot) {
	t.now, t.tasks, t.have = s.Time, s.Tasks, true
	t.rebuild()
}

// SetFilter filters the rows by f (matched on id, name, group, state).
func (t *workersTable) SetFilter(f filter) {
	t.filter = f
	t.rebuild()
}

// CycleSort moves to the next sort column, ascending.
func (t *workersTable) CycleSort() {
	t.order = rowOrder{col: (t.order.col + 1) % numSortColumns}
	t.rebuild()
}

// ReverseSort flips the sort direction.
func (t *workersTable) ReverseSort() {
	t.order.reverse = !t.order.reverse
	t.rebuild()
}

// ToggleTree switches between the flat list and the tree by parent.
func (t *workersTable) ToggleTree() {
	t.tree = !t.tree
	t.rebuild()
}

// rebuild recomputes the rows, the selection, the marks and the layout.
func (t *workersTable) rebuild() {
	var m measure
	t.rows, m = t.build.build(t.tasks, t.filter, t.order)
	t.info = nil
	if t.tree {
		var depth int
		t.rows, t.info, depth = t.trees.build(t.rows)
		m.name += depth * treeGuideWidth
	}
	if i := indexOf(t.rows, t.selID); t.selID != "" && i >= 0 {
		t.cursor = i
	}
	t.cursor = min(max(t.cursor, 0), max(len(t.rows)-1, 0))
	t.selID = ""
	if len(t.rows) > 0 {
		t.selID = t.rows[t.cursor].ID
	}
	t.collectMarks()
	if m != t.measure || t.cols == nil {
		t.measure = m
		t.cols = layoutColumns(box{width: t.width}.innerWidth(), t.measure)
	}
	t.scroll()
}

// collectMarks finds the marked tasks in the snapshot and forgets marks on tasks
// that left it.
func (t *workersTable) collectMarks() {
	t.marked = t.marked[:0]
	if len(t.marks) == 0 {
		return
	}
	for i := range t.tasks {
		if _, ok := t.marks[t.tasks[i].ID]; ok {
			t.marked = append(t.marked, &t.tasks[i])
		}
	}
	if len(t.marked) != len(t.marks) {
		clear(t.marks)
		for _, m := range t.marked {
			t.marks[m.ID] = struct{}{}
		}
	}
}

// scroll keeps the cursor on screen.
func (t *workersTable) scroll() {
	vis := t.visibleRows()
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+vis {
		t.offset = t.cursor - vis + 1
	}
	t.offset = min(max(t.offset, 0), max(len(t.rows)-vis, 0))
}

// Move moves the selection by delta rows, clamped to the table.
func (t *workersTable) Move(delta int) { t.MoveTo(t.cursor + delta) }

// Page moves the selection by a screen (negative: up).
func (t *workersTable) Page(dir int) { t.Move(dir * t.visibleRows()) }

// MoveTo selects row i, clamped to the table.
func (t *workersTable) MoveTo(i int) {
	if len(t.rows) == 0 {
		return
	}
	t.cursor = min(max(i, 0), len(t.rows)-1)
	t.selID = t.rows[t.cursor].ID
	t.scroll()
}

// Selected returns the selected task, or nil when the table is empty.
func (t *workersTable) Selected() *model.Task {
	if t.cursor < len(t.rows) {
		return t.rows[t.cursor]
	}
	return nil
}

// ToggleMark marks or unmarks the selected task and moves down, as in k9s.
func (t *workersTable) ToggleMark() {
	sel := t.Selected()
	if sel == nil {
		return
	}
	if _, ok := t.marks[sel.ID]; ok {
		delete(t.marks, sel.ID)
	} else {
		t.marks[sel.ID] = struct{}{}
	}
	t.collectMarks()
	t.Move(1)
}

// ClearMarks unmarks everything; it reports whether anything was marked.
func (t *workersTable) ClearMarks() bool {
	had := len(t.marks) > 0
	clear(t.marks)
	t.marked = t.marked[:0]
	return had
}

// Targets returns what a task action applies to: the marked tasks if any, else
// the selected one.
func (t *workersTable) Targets() []*model.Task {
	if len(t.marked) > 0 {
		return t.marked
	}
	if sel := t.Selected(); sel != nil {
		return []*model.Task{sel}
	}
	return nil
}

// title returns the styled title and its width:
// "Workers (shown/total) [filter: xyz] [sort: STATE ↑] [marked 2]".
func (t *workersTable) title() (string, int) {
	var plain, b strings.Builder
	add := func(p paint, s string) { p.write(&b, s); plain.WriteString(s) }
	add(t.st.title, "Workers")
	add(paint{}, " ")
	add(t.st.titleCount, "("+strconv.Itoa(len(t.rows))+"/"+strconv.Itoa(len(t.tasks))+")")
	if t.filter != "" {
		add(t.st.titleCount, " [filter: "+string(t.filter)+"]")
	}
	add(t.st.title, " [sort: "+t.order.col.String()+" "+arrow(t.order.reverse)+"]")
	if t.tree {
		add(t.st.title, " [tree]")
	}
	if len(t.marked) > 0 {
		add(t.st.marked, " [marked "+strconv.Itoa(len(t.marked))+"]")
	}
	return b.String(), textWidth(plain.String())
}

// arrow shows a sort direction.
func arrow(reverse bool) string {
	if reverse {
		return "↓"
	}
	return "↑"
}

// View draws the table in its box: only rows[offset:offset+visible] are formatted.
func (t *workersTable) View() []string {
	x := box{st: t.st, width: t.width}
	lines := make([]string, 0, t.height)
	title, tw := t.title()
	lines = append(lines, x.top(title, tw))
	lines = append(lines, t.headerLine(x))
	vis := t.visibleRows()
	switch {
	case !t.have:
		lines = append(lines, x.text(t.st.dim, " waiting for the first snapshot…"))
	case len(t.rows) == 0 && t.filter != "":
		lines = append(lines, x.text(t.st.dim, " no task matches the filter "+strconv.Quote(string(t.filter))))
	case len(t.rows) == 0:
		lines = append(lines, x.text(t.st.dim, " no tasks"))
	}
	var b strings.Builder
	for i := t.offset; i < len(t.rows) && i < t.offset+vis; i++ {
		b.Reset()
		var c strings.Builder
		c.Grow(x.innerWidth() + 64)
		t.rowLine(&c, i)
		x.line(&b, c.String())
		lines = append(lines, b.String())
	}
	for len(lines) < t.height-1 {
		lines = append(lines, x.blank())
	}
	return append(lines, x.bottom())
}

// headerLine returns the column names, the sort column marked with its arrow.
func (t *workersTable) headerLine(x box) string {
	var c strings.Builder
	writeSpaces(&c, gutterWidth)
	gap := colGap(x.innerWidth())
	for i, col := range t.cols {
		if i > 0 {
			writeSpaces(&c, gap)
		}
		name := col.title
		if sortColumnOf(col.kind) == t.order.col {
			name += arrow(t.order.reverse)
		}
		if col.right {
			writeRight(&c, t.st.columnHead, name, col.width)
		} else {
			writePadded(&c, t.st.columnHead, name, col.width)
		}
	}
	var b strings.Builder
	x.line(&b, fitLine(c.String(), x.innerWidth()))
	return b.String()
}

// sortColumnOf maps a table column to its sort column (LAST ERROR has none).
func sortColumnOf(k colKind) sortColumn {
	switch k {
	case colID:
		return sortID
	case colName:
		return sortName
	case colGroup:
		return sortGroup
	case colState:
		return sortState
	case colAge:
		return sortAge
	case colProgress:
		return sortProgress
	case colRestarts:
		return sortRestarts
	}
	return -1
}
