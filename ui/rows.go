package ui

import (
	"cmp"
	"slices"
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// sortColumn is a column the Workers table can be sorted by.
type sortColumn int

// The sortable columns, in the order `s` cycles through them.
const (
	sortID sortColumn = iota
	sortName
	sortGroup
	sortState
	sortAge
	sortProgress
	sortRestarts
	numSortColumns
)

// String returns the column's header name.
func (c sortColumn) String() string {
	switch c {
	case sortID:
		return "ID"
	case sortName:
		return "NAME"
	case sortGroup:
		return "GROUP"
	case sortState:
		return "STATE"
	case sortAge:
		return "AGE"
	case sortProgress:
		return "PROGRESS"
	case sortRestarts:
		return "RESTARTS"
	}
	return "?"
}

// rowOrder is how rows are sorted: a column and a direction.
type rowOrder struct {
	col     sortColumn
	reverse bool
}

// compareIDs orders task IDs as the engine mints them: a shorter ID is older, so
// "t9" comes before "t10".
func compareIDs(a, b model.TaskID) int {
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(string(a), string(b))
}

// sortKey is a task's sort key for one column, taken once per snapshot so the
// sort compares plain values instead of chasing pointers into the tasks.
type sortKey struct {
	num int64  // the column's number (state, age, progress, restarts, ID length)
	str string // the column's text (name, group, ID)
	id  model.TaskID
	t   *model.Task
}

// keyOf returns t's key for column c.
func keyOf(t *model.Task, c sortColumn) sortKey {
	k := sortKey{id: t.ID, t: t}
	switch c {
	case sortID:
		k.num, k.str = int64(len(t.ID)), string(t.ID)
	case sortName:
		k.str = t.Name
	case sortGroup:
		k.str = t.Group
	case sortState:
		k.num = int64(t.State)
	case sortAge:
		k.num = -ageSince(t).UnixNano() // younger (later) first: the smallest age ascending
	case sortProgress:
		k.num = int64(t.Progress() * 1e9)
	case sortRestarts:
		k.num = int64(t.Restarts)
	}
	return k
}

// compareKeys orders two keys by o; ties are broken by ID, ascending whichever
// way the column goes, so equal rows keep a stable, readable order.
func compareKeys(a, b *sortKey, o rowOrder) int {
	c := cmp.Compare(a.num, b.num)
	if c == 0 {
		c = strings.Compare(a.str, b.str)
	}
	if o.reverse {
		c = -c
	}
	if c != 0 || o.col == sortID {
		return c
	}
	return compareIDs(a.id, b.id)
}

// filter is a lowercase needle matched against a task's id, name, group and state,
// or an event's task, group, level and text.
type filter string

// newFilter normalises what the user typed.
func newFilter(s string) filter { return filter(strings.ToLower(strings.TrimSpace(s))) }

// containsFold reports whether hay contains the lowercase needle, ignoring case.
// An ASCII needle (what people type) is matched byte by byte, lowering hay as it
// goes, with no allocation; others go through strings.ToLower.
func containsFold(hay string, needle filter) bool {
	n := string(needle)
	if !isASCII(n) {
		return strings.Contains(strings.ToLower(hay), n)
	}
	if len(n) == 0 {
		return true
	}
	for i := 0; i+len(n) <= len(hay); i++ {
		if lowerASCII(hay[i]) != n[0] {
			continue
		}
		j := 1
		for j < len(n) && lowerASCII(hay[i+j]) == n[j] {
			j++
		}
		if j == len(n) {
			return true
		}
	}
	return false
}

// lowerASCII lowers an ASCII capital; other bytes are returned as they are.
func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matchTask reports whether t passes f.
func (f filter) matchTask(t *model.Task) bool {
	if f == "" {
		return true
	}
	return containsFold(string(t.ID), f) || containsFold(t.Name, f) ||
		containsFold(t.Group, f) || strings.Contains(t.State.String(), string(f))
}

// matchEvent reports whether e passes f.
func (f filter) matchEvent(e *model.Event) bool {
	if f == "" {
		return true
	}
	return containsFold(string(e.Task), f) || containsFold(e.Group, f) ||
		strings.Contains(string(e.Level), string(f)) || containsFold(e.Text, f)
}

// rowBuilder turns a snapshot's tasks into the table's rows. Its buffers are
// reused from one snapshot to the next, so a snapshot costs no allocation once the
// buffers have grown; and it reads each task once, in memory order, because with a
// big snapshot it is the cache misses, not the comparisons, that cost.
type rowBuilder struct {
	rows    []*model.Task
	scratch []*model.Task // the counting sort's output
	states  []uint8       // rows[i]'s state, so the counting sort reads no task
	keys    []sortKey     // the other sorts' keys
}

// build returns pointers to the tasks that pass f, sorted by o, and their measure.
// The pointers share the snapshot's (immutable) slice and stay valid until the
// next build.
func (rb *rowBuilder) build(tasks []model.Task, f filter, o rowOrder) ([]*model.Task, measure) {
	clear(rb.rows) // no pointer into an old snapshot may outlive it
	rows, states := rb.rows[:0], rb.states[:0]
	var m measure
	var counts [model.NumStates + 1]int
	idSorted := true
	var prev model.TaskID
	for i := range tasks {
		t := &tasks[i]
		if !f.matchTask(t) {
			continue
		}
		s := uint8(min(int(t.State), model.NumStates))
		rows = append(rows, t)
		states = append(states, s)
		counts[s]++
		m.id = max(m.id, len(t.ID))
		m.name = max(m.name, len(t.Name))
		m.group = max(m.group, len(t.Group))
		if idSorted && len(rows) > 1 && compareIDs(prev, t.ID) > 0 {
			idSorted = false
		}
		prev = t.ID
	}
	rb.rows, rb.states = rows, states
	if o.col == sortState && !o.reverse {
		rb.sortByState(counts, idSorted)
	} else {
		rb.sortByKey(o)
	}
	return rb.rows, m
}

// sortByKey sorts the rows by o's column, through precomputed keys.
func (rb *rowBuilder) sortByKey(o rowOrder) {
	keys := rb.keys[:0]
	for _, t := range rb.rows {
		keys = append(keys, keyOf(t, o.col))
	}
	slices.SortFunc(keys, func(a, b sortKey) int { return compareKeys(&a, &b, o) })
	for i := range keys {
		rb.rows[i] = keys[i].t
	}
	clear(keys)
	rb.keys = keys
}

// sortByState sorts the rows by state then ID, the default order, with a stable
// counting sort over the few states: linear when the snapshot lists tasks in ID
// order (each state's run is then already in ID order).
func (rb *rowBuilder) sortByState(counts [model.NumStates + 1]int, idSorted bool) {
	rows := rb.rows
	var starts [model.NumStates + 2]int
	for i, n := range counts {
		starts[i+1] = starts[i] + n
	}
	if cap(rb.scratch) < len(rows) {
		rb.scratch = make([]*model.Task, len(rows))
	}
	sorted := rb.scratch[:len(rows)]
	next := starts
	for i, t := range rows {
		s := rb.states[i]
		sorted[next[s]] = t
		next[s]++
	}
	copy(rows, sorted)
	clear(sorted)
	if idSorted {
		return
	}
	byID := func(a, b *model.Task) int { return compareIDs(a.ID, b.ID) }
	for s := range counts {
		slices.SortFunc(rows[starts[s]:starts[s+1]], byID)
	}
}

// indexOf returns the row holding the task id, or -1.
func indexOf(rows []*model.Task, id model.TaskID) int {
	for i, t := range rows {
		if t.ID == id {
			return i
		}
	}
	return -1
}
