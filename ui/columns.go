package ui

import "strings"

// colKind names a Workers table column.
type colKind int

// The Workers columns, in display order.
const (
	colOrigin colKind = iota // the engine, in a fleet: hidden with one origin
	colID
	colName
	colGroup
	colState
	colHealth // hidden when no task of the snapshot has a readiness probe
	colAge
	colProgress
	colCPU        // process tasks only: hidden when the snapshot has no process
	colRSS        // process tasks only: hidden when the snapshot has no process
	colGoroutines // goroutines carrying the task's labels: hidden until a goroutines sample came
	colRestarts
	colLastError
	numCols
)

// column is one laid-out column: what it shows and how wide it is.
type column struct {
	kind  colKind
	title string
	width int
	right bool // right-aligned (numbers)
}

// colSpec is how a column behaves when the width changes.
type colSpec struct {
	title string
	min   int  // narrowest useful width
	flex  bool // grows into spare width
	right bool
	drop  int // drop order when the screen is narrow: 1 goes first, 0 never
}

// colSpecs returns the specs of every column, indexed by colKind.
func colSpecs() [numCols]colSpec {
	return [numCols]colSpec{
		colOrigin:     {title: "ORIGIN", min: 6},
		colID:         {title: "ID", min: 2},
		colName:       {title: "NAME", min: 8, flex: true},
		colGroup:      {title: "GROUP", min: 5, drop: 5},
		colState:      {title: "STATE", min: 9},
		colHealth:     {title: "HEALTH", min: len("not ready"), drop: 3},
		colAge:        {title: "AGE", min: 6, drop: 6},
		colProgress:   {title: "PROGRESS", min: progressWidth, drop: 2},
		colCPU:        {title: "CPU", min: cpuWidth, right: true, drop: 3},
		colRSS:        {title: "RSS", min: rssWidth, right: true, drop: 3},
		colGoroutines: {title: "GOROUTINES", min: 10, right: true, drop: 3},
		colRestarts:   {title: "RESTARTS", min: 8, right: true, drop: 1},
		colLastError:  {title: "LAST ERROR", min: 10, flex: true, drop: 4},
	}
}

// The widths of the process columns: "99.9%" or "1600%"; "12.3Mi" or "1023Mi".
const (
	cpuWidth = 5
	rssWidth = 6
)

// maxNoteWant caps the LAST ERROR width a long error asks for when deciding
// whether empty columns must yield.
const maxNoteWant = 48

// maxDrop is the highest drop order in colSpecs.
const maxDrop = 6

// gutterWidth is the mark column at the left of every row ("✓ ").
const gutterWidth = 2

// measure is the widest content of the data-sized columns, in bytes (cheap to
// take over a big snapshot; close enough to cells for names and ids).
type measure struct {
	id, name, group int
	from            int  // the GROUP cell of work from another engine (renderGroup)
	origin          int  // the widest ORIGIN cell
	origins         bool // the snapshot merges several engines: show ORIGIN
	procs           bool // some task in the snapshot is a process: show CPU and RSS
	health          bool // some task in the snapshot has a readiness probe: show HEALTH
	liveProcs       bool // some row is a live process: CPU and RSS have something to show
	gors            bool // a goroutines sample came and some task is a goroutine: show GOROUTINES
	goTasks         bool // some task in the snapshot is a goroutine
	progress        bool // some row reports progress
	restarts        bool // some row was restarted
	notes           int  // the longest LAST ERROR a row may show (an error, a wait), roughly; 0: none
}

// colGap returns the blank cells between columns for a table w cells wide.
func colGap(w int) int {
	if w >= 100 {
		return 2
	}
	return 1
}

// layoutColumns fits the columns into w cells: data-sized columns take what their
// content needs (capped), CPU and RSS only when some task is a process, narrow
// screens drop the least useful columns first, and the spare width goes to NAME
// (up to its content) and LAST ERROR.
func layoutColumns(w int, m measure, sorted colKind) []column {
	specs := colSpecs()
	widths := [numCols]int{}
	for k, s := range specs {
		widths[k] = max(s.min, len(s.title))
		if colKind(k) == sorted {
			widths[k] = max(widths[k], len(s.title)+1) // the title and its arrow
		}
	}
	widths[colID] = max(widths[colID], min(m.id, 12))
	widths[colOrigin] = max(widths[colOrigin], min(m.origin, 20))
	widths[colGroup] = max(widths[colGroup], min(m.group, 16), min(m.from, 32))
	widths[colName] = min(widths[colName], max(m.name, 4))

	keep := [numCols]bool{}
	for k := range keep {
		keep[k] = true
	}
	keep[colCPU], keep[colRSS] = m.procs, m.procs // a goroutine-only snapshot keeps its width
	keep[colHealth] = m.health
	keep[colOrigin] = m.origins
	keep[colGoroutines] = m.gors
	gap := colGap(w)
	need := func() int {
		n, cols := gutterWidth, 0
		for k, on := range keep {
			if on {
				n += widths[k]
				cols++
			}
		}
		return n + gap*max(cols-1, 0)
	}
	// When the content does not fit (NAME in full, LAST ERROR its longest
	// note), the columns with nothing to show give their width up first.
	want := need() + max(m.name-widths[colName], 0) + max(min(m.notes, maxNoteWant)-widths[colLastError], 0)
	if want > w {
		empty := [numCols]bool{colProgress: !m.progress, colCPU: !m.liveProcs, colRSS: !m.liveProcs,
			colRestarts: !m.restarts, colLastError: m.notes == 0}
		for k := range keep {
			keep[k] = keep[k] && !empty[k]
		}
	}
	for drop := 1; need() > w && drop <= maxDrop; drop++ {
		for k, s := range specs {
			if s.drop == drop {
				keep[k] = false
			}
		}
	}
	if over := need() - w; over > 0 { // still too narrow: NAME gives what it has
		widths[colName] = max(widths[colName]-over, 1)
	}

	spare := max(w-need(), 0)
	if keep[colLastError] {
		grow := min(max(m.name-widths[colName], 0), spare*3/5)
		widths[colName] += grow
		widths[colLastError] += spare - grow
	} else {
		widths[colName] += spare
	}

	cols := make([]column, 0, numCols)
	for k, s := range specs {
		if keep[k] {
			cols = append(cols, column{kind: colKind(k), title: s.title, width: widths[k], right: s.right})
		}
	}
	return cols
}

// columnHeads is the header line of a list view: an ORIGIN head first when
// originW > 0 (a fleet), then titles at their widths, gap apart, the sorted
// column (index sorted) carrying arrow.
func columnHeads(st *Styles, originW, gap int, titles []string, widths []int, sorted int, arrow string) string {
	var c strings.Builder
	writeSpaces(&c, 2)
	if originW > 0 {
		writePadded(&c, st.columnHead, "ORIGIN", originW)
		writeSpaces(&c, gap)
	}
	for i, h := range titles {
		if i > 0 {
			writeSpaces(&c, gap)
		}
		if i == sorted {
			h += arrow
		}
		writePadded(&c, st.columnHead, h, widths[i])
	}
	return c.String()
}
