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
	st    *Styles
	waits *waitReasons // what queued tasks wait for

	now    time.Time         // the snapshot's time; ages count to it
	tasks  []model.Task      // the snapshot's tasks (shared, immutable)
	counts model.StateCounts // every task the engine knows, by state
	build  rowBuilder        // makes rows; its buffers are reused across snapshots
	have   bool              // a snapshot has arrived

	order  rowOrder
	filter filter

	tree  bool        // rows ordered as a tree by parent
	trees treeBuilder // its buffers are reused across snapshots
	info  []treeRow   // per row, in tree order, when tree is on

	rowList[model.Task] // the rows, the selection (by task id) and the size

	marks  map[model.TaskID]struct{}
	marked []*model.Task // the marked tasks present in the snapshot

	measure measure
	cols    []column

	gors map[model.TaskID]int // goroutines per task, from the last sample (goroutines_poll.go)

	origins originInfo // a fleet's engines: the ORIGIN column, the stale ones (origins.go)
}

// newWorkersTable returns an empty table sorted by state.
func newWorkersTable(st *Styles, waits *waitReasons) workersTable {
	return workersTable{
		st: st, waits: waits, rowList: newRowList(taskID),
		order: rowOrder{col: sortState}, marks: map[model.TaskID]struct{}{},
	}
}

// taskID is the key a task is followed by across snapshots.
func taskID(t *model.Task) string { return string(t.ID) }

// SetSize lays the table out for w×h cells (borders included).
func (t *workersTable) SetSize(w, h int) {
	t.resize(w, h)
	t.layout()
}

// SetSnapshot shows a new snapshot, keeping the selection on the same task.
func (t *workersTable) SetSnapshot(s *model.Snapshot) {
	t.now, t.tasks, t.counts, t.have = s.Time, s.Tasks, s.Counts, true
	t.origins = newOriginInfo(s)
	t.build.ranks = t.origins.rank
	t.rebuild()
}

// SetFilter filters the rows by f (matched on id, name, group, state).
func (t *workersTable) SetFilter(f filter) {
	t.filter = f
	t.rearrange()
}

// rearrange rebuilds the rows after the user changed how they are arranged
// (filter, sort, tree): the task under the cursor stays selected.
func (t *workersTable) rearrange() {
	t.touched = true
	t.rebuild()
}

// Sort sorts by the next column on screen, or reverses the order.
func (t *workersTable) Sort(reverse bool) {
	if reverse {
		t.ReverseSort()
	} else {
		t.CycleSort()
	}
}

// CycleSort sorts by the next column on screen, ascending.
func (t *workersTable) CycleSort() {
	next := -1
	for i, c := range t.cols {
		if sortColumnOf(c.kind) == t.order.col {
			next = (i + 1) % len(t.cols)
			break
		}
	}
	if next < 0 && len(t.cols) > 0 {
		next = 0
	}
	if next >= 0 {
		t.order = rowOrder{col: sortColumnOf(t.cols[next].kind)}
	}
	t.layout()
	t.rearrange()
}

// layout fits the columns into the box, the sort column wide enough for its arrow.
func (t *workersTable) layout() {
	t.cols = layoutColumns(t.innerWidth(), t.measure, columnOfSort(t.order.col))
}

// ReverseSort flips the sort direction.
func (t *workersTable) ReverseSort() {
	t.order.reverse = !t.order.reverse
	t.rearrange()
}

// ToggleTree switches between the flat list and the tree by parent.
func (t *workersTable) ToggleTree() {
	t.tree = !t.tree
	t.rearrange()
}

// rebuild recomputes the rows, the selection, the marks and the layout.
func (t *workersTable) rebuild() {
	var m measure
	t.rows, m = t.build.build(t.tasks, t.filter, t.order)
	if t.build.queuedRows > 0 {
		m.notes = max(m.notes, waitNoteWidth)
	}
	t.info = nil
	if t.tree {
		var depth int
		t.rows, t.info, depth = t.trees.build(t.rows)
		m.name += depth * treeGuideWidth
	}
	idx := -1
	if t.sel != "" {
		idx = indexOf(t.rows, model.TaskID(t.sel))
	}
	t.follow(idx)
	t.collectMarks()
	m.gors = t.gors != nil && m.goTasks
	m.origins = t.origins.multi
	if m.origins && t.origins.stale != nil {
		m.origin += len(staleMark)
	}
	if m != t.measure || t.cols == nil {
		t.measure = m
		t.layout()
	}
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
	title, tw := listTitle(t.st, "Workers", len(t.rows), len(t.tasks), t.filter)
	var plain, b strings.Builder
	b.WriteString(title)
	add := func(p paint, s string) { p.write(&b, s); plain.WriteString(s) }
	add(t.st.title, " [sort: "+t.order.col.String()+" "+arrow(t.order.reverse)+"]")
	if t.tree {
		add(t.st.title, " [tree]")
	}
	if len(t.marked) > 0 {
		add(t.st.marked, " [marked "+strconv.Itoa(len(t.marked))+"]")
	}
	if n := t.notListed(); n != "" {
		add(t.st.titleCount, " [not listed: "+n+"]")
	}
	return b.String(), tw + textWidth(plain.String())
}

// notListed says which of the tasks the header counts the snapshot does not
// list, by state, "" when it lists them all: the tail of a long queue, the
// finished runs older than the history ring, tasks a reload forgot.
func (t *workersTable) notListed() string {
	var b strings.Builder
	for s, n := range t.counts {
		if extra := n - t.build.listed[s]; extra > 0 {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(model.State(s).String() + " " + strconv.Itoa(extra))
		}
	}
	return b.String()
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
	title, tw := t.title()
	note := emptyNote(t.have, len(t.rows), t.filter, "task", " no tasks")
	return t.view(t.st, title, tw, t.headerLine(), note, t.rowLine)
}

// headerLine returns the column names, the sort column marked with its arrow,
// the inner width wide.
func (t *workersTable) headerLine() string {
	inner := t.innerWidth()
	var c strings.Builder
	writeSpaces(&c, gutterWidth)
	gap := colGap(inner)
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
	return fitLine(c.String(), inner)
}

// columnOfSort maps a sort column to its table column.
func columnOfSort(c sortColumn) colKind {
	for k := range numCols {
		if sortColumnOf(k) == c {
			return k
		}
	}
	return -1
}

// sortColumnOf maps a table column to its sort column.
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
	case colCPU:
		return sortCPU
	case colRSS:
		return sortRSS
	case colLastError:
		return sortLastError
	case colHealth:
		return sortHealth
	case colOrigin:
		return sortOrigin
	}
	return -1
}
