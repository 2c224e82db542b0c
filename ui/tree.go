package ui

import (
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// treeRow is where a Workers row sits in the tree view: the row of its parent
// (-1 for a root), its depth, and whether it is its parent's last child. The
// NAME column's guides are drawn from these for the rows on screen only.
type treeRow struct {
	parent int32
	depth  int32
	last   bool
}

// treeGuideWidth is the cells each level of the tree indents a name: "├─ ".
const treeGuideWidth = 3

// treeBuilder orders sorted rows as a tree by Task.Parent (htop's tree view):
// each task right under its parent, siblings in the sort's order; a task whose
// parent is not among the rows is a root. Its buffers are reused from one
// snapshot to the next, and it is run once per snapshot (or sort or filter
// change), never per frame.
type treeBuilder struct {
	parents               map[model.TaskID]int32 // row of every task some row names as parent
	up                    []int32                // each row's parent row, -1 for a root
	firstChild, nextChild []int32                // children lists, in row order
	seen                  []uint8                // cycle check: 0 new, 1 on the path, 2 done
	out                   []*model.Task
	info                  []treeRow
	pos                   []int32 // a row's position in out
}

// build returns rows in tree order (reusing a buffer: valid until the next
// build), each row's place in the tree, and the deepest depth.
func (tb *treeBuilder) build(rows []*model.Task) ([]*model.Task, []treeRow, int) {
	n := len(rows)
	clear(tb.out) // no pointer into an old snapshot may outlive it
	tb.out = grow(tb.out, n)
	tb.info = grow(tb.info, n)
	tb.up, tb.firstChild, tb.nextChild = grow(tb.up, n), grow(tb.firstChild, n), grow(tb.nextChild, n)
	tb.seen, tb.pos = grow(tb.seen, n), grow(tb.pos, n)
	if tb.parents == nil {
		tb.parents = map[model.TaskID]int32{}
	}
	clear(tb.parents)
	for _, t := range rows { // only the few tasks named as parents are looked up below
		if p := treeParent(t); p != "" {
			tb.parents[p] = -1
		}
	}
	if len(tb.parents) > 0 {
		for i, t := range rows {
			if _, ok := tb.parents[t.ID]; ok {
				tb.parents[t.ID] = int32(i)
			}
		}
	}
	for i, t := range rows {
		tb.up[i], tb.firstChild[i], tb.nextChild[i], tb.seen[i] = -1, -1, -1, 0
		if parent := treeParent(t); parent != "" && parent != t.ID {
			if p, ok := tb.parents[parent]; ok {
				tb.up[i] = p
			}
		}
	}
	tb.breakCycles()
	roots := int32(-1)
	for i := n - 1; i >= 0; i-- { // walked backwards, so every list comes out in row order
		if p := tb.up[i]; p >= 0 {
			tb.nextChild[i], tb.firstChild[p] = tb.firstChild[p], int32(i)
		} else {
			tb.nextChild[i], roots = roots, int32(i)
		}
	}
	out, info := tb.out[:0], tb.info[:0]
	maxDepth := 0
	for r := roots; r >= 0; r = tb.nextChild[r] {
		node, depth := r, int32(0)
		for {
			parent := int32(-1)
			if depth > 0 {
				parent = tb.pos[tb.up[node]]
			}
			tb.pos[node] = int32(len(out))
			out = append(out, rows[node])
			info = append(info, treeRow{parent: parent, depth: depth, last: tb.nextChild[node] < 0})
			maxDepth = max(maxDepth, int(depth))
			if c := tb.firstChild[node]; c >= 0 {
				node, depth = c, depth+1
				continue
			}
			for node != r && tb.nextChild[node] < 0 {
				node, depth = tb.up[node], depth-1
			}
			if node == r {
				break
			}
			node = tb.nextChild[node]
		}
	}
	tb.out, tb.info = out, info
	return out, info, maxDepth
}

// breakCycles makes a root of the first task met on any cycle of parents (which
// an engine should never report, but a bad snapshot must not hang the view).
func (tb *treeBuilder) breakCycles() {
	for i := range tb.up {
		j := int32(i)
		for j >= 0 && tb.seen[j] == 0 { // walk up, marking the path
			tb.seen[j] = 1
			j = tb.up[j]
		}
		cycle := j >= 0 && tb.seen[j] == 1 // back on the path
		for k := int32(i); k >= 0 && tb.seen[k] == 1; k = tb.up[k] {
			tb.seen[k] = 2
		}
		if cycle {
			tb.up[j] = -1
		}
	}
}

// grow returns s with length n, reusing its array when it is big enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// writeTreeGuides appends row i's guides, "│  ├─ ": a bar for each ancestor that
// has siblings below it, then the row's own branch. Roots have none.
func writeTreeGuides(b *strings.Builder, info []treeRow, i int) {
	d := int(info[i].depth)
	if d == 0 {
		return
	}
	var lasts [64]bool // ancestors' last flags, deepest first; deeper trees are cut
	k := 0
	for p := info[i].parent; p >= 0 && info[p].depth > 0 && k < len(lasts); p = info[p].parent {
		lasts[k] = info[p].last
		k++
	}
	for j := k - 1; j >= 0; j-- {
		if lasts[j] {
			b.WriteString("   ")
		} else {
			b.WriteString("│  ")
		}
	}
	if info[i].last {
		b.WriteString("└─ ")
	} else {
		b.WriteString("├─ ")
	}
}

// treeParent is the row a task hangs under in the tree: the task that started
// it (goroutine work), or else its first dependency, so that process tasks
// show their dependency graph (db → migrate → api → worker-1..3).
func treeParent(t *model.Task) model.TaskID {
	if t.Parent != "" || len(t.Deps) == 0 {
		return t.Parent
	}
	return t.Deps[0].ID
}
