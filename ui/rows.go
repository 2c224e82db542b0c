package ui

import (
	"cmp"
	"math"
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
	sortCPU
	sortRSS
	sortLastError
	sortHealth
	sortOrigin
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
	case sortCPU:
		return "CPU"
	case sortRSS:
		return "RSS"
	case sortLastError:
		return "LAST ERROR"
	case sortHealth:
		return "HEALTH"
	case sortOrigin:
		return "ORIGIN"
	}
	return "?"
}

// rowOrder is how rows are sorted: a column and a direction.
type rowOrder struct {
	col     sortColumn
	reverse bool
}

// compareIDs orders task IDs as the engine mints them: a shorter ID is older, so
// "t9" comes before "t10". (A fleet's IDs, "api/t9", are in order within
// one origin; the sorts put the origins in order first, by sortKey.org.)
func compareIDs(a, b model.TaskID) int {
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(string(a), string(b))
}

// sortKey is a row's sort key for one column, taken once per snapshot so the sort
// compares plain numbers in a pointer-free slice instead of chasing pointers into
// the tasks (which, for a big snapshot, is where the time goes).
type sortKey struct {
	hi  uint64 // the column's value, mapped to an ascending number
	id  uint64 // the ID packed by idKey: ties are broken by it (after org)
	row uint32 // the row's index before sorting
	org uint32 // a fleet's: the rank of the row's origin by name (0 for one engine)
}

// longID marks an ID too long to pack; such IDs are compared as strings.
const longID = math.MaxUint64

// idKey packs an ID of up to 7 bytes into a number that orders as compareIDs
// does: the length in bits 56-58, then the bytes, big-endian. Bits 59-63 stay
// free for sortByStateKey's state.
func idKey(id model.TaskID) uint64 {
	if len(id) > 7 {
		return longID
	}
	k := uint64(len(id)) << 56
	for i := 0; i < len(id); i++ {
		k |= uint64(id[i]) << (48 - 8*i)
	}
	return k
}

// taskIDKey is idKey of t's ID; of a fleet's ("api/t1"), of its engine's
// own ID ("t1"): sortKey.org orders the origins.
func taskIDKey(t *model.Task) uint64 {
	if t.Origin == "" {
		return idKey(t.ID)
	}
	if n := len(t.Origin) + 1; len(t.ID) > n && string(t.ID[:n-1]) == t.Origin && t.ID[n-1] == '/' {
		return idKey(t.ID[n:])
	}
	return longID
}

// orderedInt maps an int64 to a uint64 of the same order.
func orderedInt(v int64) uint64 { return uint64(v) ^ (1 << 63) }

// numericKey returns t's key for a numeric column c (any but NAME and GROUP).
func numericKey(t *model.Task, c sortColumn) uint64 {
	switch c {
	case sortID:
		return taskIDKey(t)
	case sortState:
		return uint64(t.State)
	case sortHealth: // ready first, then not ready, then none
		return uint64((t.Health + 2) % 3)
	case sortAge:
		return orderedInt(-ageSince(t).UnixNano()) // younger (later) first: the smallest age ascending
	case sortProgress:
		return orderedInt(int64(t.Progress() * 1e9))
	case sortRestarts:
		return orderedInt(int64(t.Restarts))
	case sortCPU: // a task that shows no CPU sorts below 0.0%
		if !showsResources(t) {
			return 0
		}
		return orderedInt(int64(t.CPU*1000)) + 1
	case sortRSS:
		if !showsResources(t) {
			return 0
		}
		return orderedInt(t.RSS) + 1
	}
	return 0
}

// compareTasks orders two tasks by a text column (NAME, GROUP, LAST ERROR),
// then ID.
func compareTasks(a, b *model.Task, o rowOrder) int {
	var c int
	switch o.col {
	case sortGroup:
		c = strings.Compare(a.Group, b.Group)
	case sortLastError:
		c = strings.Compare(a.Error, b.Error)
	case sortOrigin:
		c = strings.Compare(a.Origin, b.Origin)
	default:
		c = strings.Compare(a.Name, b.Name)
	}
	if o.reverse {
		c = -c
	}
	if c != 0 {
		return c
	}
	return compareIDs(a.ID, b.ID)
}

// measureCells records what t shows in the columns that may be empty.
func (m *measure) measureCells(t *model.Task) {
	if t.State == model.StateQueued && t.Error == "" && t.Total <= 0 && t.Restarts == 0 {
		return // the backlog: nothing more to see (a queued row's wait is measured apart)
	}
	m.progress = m.progress || t.Total > 0
	m.restarts = m.restarts || t.Restarts > 0
	if isProcess(t) {
		m.liveProcs = m.liveProcs || t.State.Live()
		if t.ExitCode != nil || t.Signal != "" {
			m.notes = max(m.notes, len("exit 255"))
		}
	}
	switch {
	case t.Reason != "": // waiting for, or blocked by, a dependency
		m.notes = max(m.notes, min(len(t.Reason), maxNoteWant))
	case t.Error != "":
		m.notes = max(m.notes, min(len(t.Error), maxNoteWant))
	case t.State == model.StateBackoff || t.State == model.StateFatal:
		m.notes = max(m.notes, len("gave up after 5 restarts"))
	}
}

// rowBuilder turns a snapshot's tasks into the table's rows. Its buffers are
// reused from one snapshot to the next, so a snapshot costs no allocation once the
// buffers have grown; and it reads each task once, in memory order, because with a
// big snapshot it is the cache misses, not the comparisons, that cost.
type rowBuilder struct {
	listed     model.StateCounts // the snapshot's tasks by state, filter or not
	queuedRows int               // rows that are queued
	rows       []*model.Task
	scratch    []*model.Task     // the counting sort's output
	states     []uint8           // rows[i]'s state, so the counting sort reads no task
	keys       []sortKey         // the other sorts' keys
	ranks      map[string]uint32 // a fleet's origins by name: their rank; nil for one engine
}

// build returns pointers to the tasks that pass f, sorted by o, and their measure.
// The pointers share the snapshot's (immutable) slice and stay valid until the
// next build.
func (rb *rowBuilder) build(tasks []model.Task, f filter, o rowOrder) ([]*model.Task, measure) {
	clear(rb.rows) // no pointer into an old snapshot may outlive it
	rows, states := rb.rows[:0], rb.states[:0]
	var m measure
	var counts [model.NumStates + 1]int
	idSorted, stateSorted := true, true
	var prevState uint8
	var lastID [model.NumStates + 1]model.TaskID // the last ID seen in each state
	rb.listed = model.StateCounts{}
	for i := range tasks {
		t := &tasks[i]
		m.procs = m.procs || t.Kind == model.KindProcess // of the whole snapshot, so a filter does not move columns
		m.health = m.health || t.Health != model.HealthNone
		m.goTasks = m.goTasks || t.Kind == model.KindGoroutine
		if int(t.State) < model.NumStates {
			rb.listed[t.State]++
		}
		if !f.matchTask(t) {
			continue
		}
		s := uint8(min(int(t.State), model.NumStates))
		rows = append(rows, t)
		states = append(states, s)
		counts[s]++
		if t.Origin != "" { // a fleet's: the ORIGIN column says what the id and group are prefixed with
			m.origin = max(m.origin, len(t.Origin))
			m.id = max(m.id, len(t.ID)-len(t.Origin)-1)
			m.group = max(m.group, len(t.Group)-len(t.Origin)-1)
		} else {
			m.id = max(m.id, len(t.ID))
			m.group = max(m.group, len(t.Group))
		}
		m.name = max(m.name, len(t.Name))
		if t.From != "" {
			m.from = max(m.from, textWidth(renderGroup(t)))
		}
		m.measureCells(t)
		stateSorted = stateSorted && prevState <= s
		if idSorted && counts[s] > 1 && compareIDs(lastID[s], t.ID) > 0 {
			idSorted = false // within one state, IDs go down: that state's run needs sorting
		}
		lastID[s], prevState = t.ID, s
	}
	rb.rows, rb.states, rb.queuedRows = rows, states, counts[model.StateQueued]
	if o.col == sortState && !o.reverse {
		rb.sortByState(counts, stateSorted, idSorted)
	} else {
		rb.sortByKey(o)
	}
	return rb.rows, m
}

// sortByKey sorts the rows by o's column: text columns compare the tasks, the
// others go through numeric keys.
func (rb *rowBuilder) sortByKey(o rowOrder) {
	rows := rb.rows
	if o.col == sortName || o.col == sortGroup || o.col == sortLastError || o.col == sortOrigin {
		slices.SortFunc(rows, func(a, b *model.Task) int { return compareTasks(a, b, o) })
		return
	}
	if o.col == sortState && !o.reverse && rb.sortByStateKey() {
		return
	}
	keys := rb.keys[:0]
	org := rb.originRanks()
	for i, t := range rows {
		k := sortKey{hi: numericKey(t, o.col), id: taskIDKey(t), row: uint32(i), org: org(t)}
		if o.reverse {
			k.hi = ^k.hi
		}
		keys = append(keys, k)
	}
	idCol := o.col == sortID
	slices.SortFunc(keys, func(a, b sortKey) int {
		if c := cmp.Compare(a.hi, b.hi); c != 0 {
			return c
		}
		c := cmp.Compare(a.org, b.org)
		switch {
		case c != 0:
		case a.id != longID || b.id != longID:
			c = cmp.Compare(a.id, b.id)
		default: // two long IDs
			c = compareIDs(rows[a.row].ID, rows[b.row].ID)
		}
		if idCol && o.reverse {
			c = -c
		}
		return c
	})
	rb.reorder(keys)
}

// sortByStateKey sorts the rows by state then ID on one packed number per row (the
// state's 4 bits, then the ID's idKey), the fastest comparison there is. It
// reports false, doing nothing, when an ID is too long to pack.
func (rb *rowBuilder) sortByStateKey() bool {
	if rb.ranks != nil {
		return false // a fleet's: no room for the origin in the packed key
	}
	rows := rb.rows
	keys := rb.keys[:0]
	for i, t := range rows {
		id := taskIDKey(t)
		if id == longID {
			rb.keys = keys
			return false
		}
		keys = append(keys, sortKey{hi: uint64(rb.states[i])<<59 | id, row: uint32(i)})
	}
	slices.SortFunc(keys, func(a, b sortKey) int { return cmp.Compare(a.hi, b.hi) })
	rb.reorder(keys)
	return true
}

// originRanks returns a func giving a task's origin rank: its index in the
// snapshot's origins (sorted by name), 0 for one engine. A fleet's tasks come
// in runs of one origin, so the last lookup is kept.
func (rb *rowBuilder) originRanks() func(*model.Task) uint32 {
	if rb.ranks == nil {
		return func(*model.Task) uint32 { return 0 }
	}
	last, rank := "", uint32(0)
	return func(t *model.Task) uint32 {
		if t.Origin != last {
			last, rank = t.Origin, rb.ranks[t.Origin]
		}
		return rank
	}
}

// reorder puts the rows in the order of keys.
func (rb *rowBuilder) reorder(keys []sortKey) {
	rows := rb.rows
	if cap(rb.scratch) < len(rows) {
		rb.scratch = make([]*model.Task, len(rows))
	}
	sorted := rb.scratch[:len(rows)]
	for i, k := range keys {
		sorted[i] = rows[k.row]
	}
	copy(rows, sorted)
	clear(sorted)
	rb.keys = keys
}

// sortByState sorts the rows by state then ID, the default order, with a stable
// counting sort over the few states: linear when the snapshot lists tasks in ID
// order (each state's run is then already in ID order), and nothing to move when
// it already lists them by state.
func (rb *rowBuilder) sortByState(counts [model.NumStates + 1]int, stateSorted, idSorted bool) {
	var starts [model.NumStates + 2]int
	for i, n := range counts {
		starts[i+1] = starts[i] + n
	}
	switch {
	case !idSorted:
		rb.sortByKey(rowOrder{col: sortState}) // a real sort, on keys that hold the IDs
	case !stateSorted:
		rb.placeByState(starts)
	}
}

// placeByState moves each row to its state's run (starts[s] is where state s's
// run begins), keeping the order within a state.
func (rb *rowBuilder) placeByState(starts [model.NumStates + 2]int) {
	rows := rb.rows
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
