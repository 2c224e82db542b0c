package ui

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/spindle-tui/spindle/model"
)

// treeTask is a task with a parent, for the tree tests.
func treeTask(id, parent string, s model.State) model.Task {
	return model.Task{ID: model.TaskID(id), Name: "n" + id, Parent: model.TaskID(parent), State: s}
}

// treeLines returns each row as its guides and ID: "├─ t2".
func treeLines(rows []*model.Task, info []treeRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		var b strings.Builder
		writeTreeGuides(&b, info, i)
		out[i] = b.String() + string(r.ID)
	}
	return out
}

func TestTreeBuilder(t *testing.T) {
	r, q, d := model.StateRunning, model.StateQueued, model.StateDone
	tests := []struct {
		name  string
		tasks []model.Task
		order rowOrder
		want  []string
		depth int
	}{
		{
			name: "three generations, siblings sorted by state then id",
			tasks: []model.Task{
				treeTask("t1", "", r), treeTask("t2", "t1", q), treeTask("t3", "t1", r),
				treeTask("t4", "t3", r), treeTask("t5", "t3", d), treeTask("t6", "", q), treeTask("t7", "t2", r),
			},
			order: rowOrder{col: sortState},
			want:  []string{"t1", "├─ t3", "│  ├─ t4", "│  └─ t5", "└─ t2", "   └─ t7", "t6"},
			depth: 2,
		},
		{
			name: "the sort applies among siblings",
			tasks: []model.Task{
				treeTask("t1", "", r), treeTask("t2", "t1", r), treeTask("t3", "t1", r), treeTask("t4", "t2", r), treeTask("t5", "t2", r),
			},
			order: rowOrder{col: sortID, reverse: true},
			want:  []string{"t1", "├─ t3", "└─ t2", "   ├─ t5", "   └─ t4"},
			depth: 2,
		},
		{
			name:  "a parent not in the snapshot makes a root",
			tasks: []model.Task{treeTask("t2", "t1", r), treeTask("t3", "t2", r), treeTask("t4", "gone", r)},
			order: rowOrder{col: sortState},
			want:  []string{"t2", "└─ t3", "t4"},
			depth: 1,
		},
		{
			name:  "a cycle does not hang",
			tasks: []model.Task{treeTask("t1", "t2", r), treeTask("t2", "t1", r), treeTask("t3", "t3", r)},
			order: rowOrder{col: sortState},
			want:  []string{"t1", "└─ t2", "t3"},
			depth: 1,
		},
		{name: "empty", order: rowOrder{col: sortState}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rb rowBuilder
			var tb treeBuilder
			rows, _ := rb.build(tt.tasks, "", tt.order)
			for range 2 { // the second build reuses the buffers
				got, info, depth := tb.build(rows)
				if lines := treeLines(got, info); !slices.Equal(lines, tt.want) {
					t.Errorf("tree\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
				}
				if depth != tt.depth {
					t.Errorf("depth %d, want %d", depth, tt.depth)
				}
			}
		})
	}
}

func TestWorkersTreeToggle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectID("t10")
		h.keys("t")
		want := []model.TaskID{"t1", "t2", "t10", "t3", "t5", "t6", "t4", "t9", "t7", "t8", "t15", "t12", "t14", "t13", "t11"}
		if got := h.rowIDs(); !slices.Equal(got, want) {
			t.Errorf("tree rows %v, want %v", got, want)
		}
		if h.selected() != "t10" {
			t.Errorf("the selection moved to %s", h.selected())
		}
		scr := h.screen()
		for _, s := range []string{"[tree]", "├─ fetch page 3", "│  └─ resize images", "└─ fetch page 10", "t flat list"} {
			if !strings.Contains(scr, s) {
				t.Errorf("screen lacks %q", s)
			}
		}
		h.publish(fixtureSnapshot()) // the order holds across snapshots
		if got := h.rowIDs(); !slices.Equal(got, want) {
			t.Errorf("after a snapshot %v", got)
		}
		h.keys("t")
		if got := h.rowIDs(); !slices.Equal(got, defaultOrder) || strings.Contains(h.screen(), "[tree]") {
			t.Errorf("flat again %v", got)
		}
	})
}

func TestTreeOnlyInWorkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("4", "t", "1")
		if h.m.workers.tree {
			t.Error("t in Events turned the Workers tree on")
		}
	})
}
