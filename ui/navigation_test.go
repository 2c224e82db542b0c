package ui

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/spindle-tui/spindle/model"
)

// defaultOrder is the fixture's rows sorted by state, then ID.
var defaultOrder = []model.TaskID{"t1", "t2", "t4", "t3", "t10", "t9", "t5", "t6", "t7", "t8", "t15", "t12", "t14", "t13", "t11"}

// selectID moves the Workers selection onto id.
func (h *harness) selectID(id model.TaskID) {
	h.t.Helper()
	i := indexOf(h.m.workers.rows, id)
	if i < 0 {
		h.t.Fatalf("%s not in rows %v", id, h.rowIDs())
	}
	h.m.workers.MoveTo(i)
}

func TestNavigation(t *testing.T) {
	tests := []struct {
		keys []string
		want model.TaskID
	}{
		{nil, "t1"},
		{[]string{"j"}, "t2"},
		{[]string{"down", "down"}, "t4"},
		{[]string{"j", "j", "k"}, "t2"},
		{[]string{"k"}, "t1"},
		{[]string{"G"}, "t11"},
		{[]string{"G", "g"}, "t1"},
		{[]string{"pgdown"}, "t11"},
		{[]string{"pgdown", "pgup"}, "t1"},
		{[]string{"G", "j"}, "t11"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ","), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				if got := h.rowIDs(); !slices.Equal(got, defaultOrder) {
					t.Fatalf("rows %v, want %v", got, defaultOrder)
				}
				h.keys(tt.keys...)
				if got := h.selected(); got != tt.want {
					t.Errorf("selected %s, want %s", got, tt.want)
				}
			})
		})
	}
}

func TestNavigationScrollsLongTables(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(bigSnapshot(500, 10))
		h.keys("pgdown")
		vis := h.m.workers.visibleRows()
		if h.m.workers.cursor != vis || h.m.workers.offset != 1 {
			t.Errorf("after pgdown cursor %d offset %d, visible %d", h.m.workers.cursor, h.m.workers.offset, vis)
		}
		h.keys("G")
		if h.m.workers.cursor != 499 || h.m.workers.offset != 500-vis {
			t.Errorf("after G cursor %d offset %d", h.m.workers.cursor, h.m.workers.offset)
		}
		if !strings.Contains(h.screen(), "fetch page 500") {
			t.Error("last row not on screen")
		}
	})
}

func TestSelectionFollowsTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectID("t3") // paused, 4th row
		s := fixtureSnapshot()
		s.Tasks[2].State = model.StateRunning // t3 resumed: moves up among the running
		h.publish(s)
		if got := h.selected(); got != "t3" {
			t.Fatalf("selection moved to %s", got)
		}
		if i := h.m.workers.cursor; i != 2 {
			t.Errorf("t3 at row %d, want 2", i)
		}
		// t3 leaves the snapshot: the selection stays at the same index.
		s = fixtureSnapshot()
		s.Tasks = slices.DeleteFunc(slices.Clone(s.Tasks), func(t model.Task) bool { return t.ID == "t3" })
		h.publish(s)
		if i := h.m.workers.cursor; i != 2 {
			t.Errorf("cursor %d after t3 left, want 2", i)
		}
		if got := h.selected(); got != "t4" {
			t.Errorf("selected %s, want t4", got)
		}
	})
}

// TestUntouchedCursorStaysOnTop: until the user moves the cursor, a dashboard
// just opened keeps its top row selected (the most urgent work) instead of
// chasing the task that happened to be first when it opened.
func TestUntouchedCursorStaysOnTop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		first := h.selected()
		s := fixtureSnapshot()
		i := slices.IndexFunc(s.Tasks, func(t model.Task) bool { return t.ID == first })
		s.Tasks[i].State = model.StateDone // the first task finishes: it sorts to the bottom
		h.publish(s)
		if c := h.m.workers.cursor; c != 0 {
			t.Fatalf("untouched cursor went to row %d with %s, want row 0", c, first)
		}
		if got := h.selected(); got == first {
			t.Fatalf("selection followed %s to the bottom", first)
		}
	})
}

func TestSorting(t *testing.T) {
	tests := []struct {
		keys      []string
		title     string
		wantFirst []model.TaskID
	}{
		{nil, "[sort: STATE ↑]", []model.TaskID{"t1", "t2", "t4"}},
		{[]string{"S"}, "[sort: STATE ↓]", []model.TaskID{"t11", "t13", "t14"}},
		{[]string{"s"}, "[sort: AGE ↑]", []model.TaskID{"t9", "t3", "t2"}},
		{[]string{"s", "s"}, "[sort: PROGRESS ↑]", []model.TaskID{"t2", "t4", "t5"}},
		{[]string{"s", "s", "S"}, "[sort: PROGRESS ↓]", []model.TaskID{"t11", "t1", "t10"}},
		// CPU and RSS are not on screen (no live process): s skips them.
		{presses(3, "s"), "[sort: RESTARTS ↑]", []model.TaskID{"t1", "t2", "t3"}},
		{append(presses(3, "s"), "S"), "[sort: RESTARTS ↓]", []model.TaskID{"t15", "t9", "t7"}},
		{presses(4, "s"), "[sort: LAST ERROR ↑]", []model.TaskID{"t1", "t2", "t3"}},
		{append(presses(4, "s"), "S"), "[sort: LAST ERROR ↓]", []model.TaskID{"t14", "t8", "t12"}},
		{presses(5, "s"), "[sort: ID ↑]", []model.TaskID{"t1", "t2", "t3"}},
		{append(presses(5, "s"), "S"), "[sort: ID ↓]", []model.TaskID{"t15", "t14", "t13"}},
		{presses(6, "s"), "[sort: NAME ↑]", []model.TaskID{"t11", "t1", "t7"}},
		{presses(7, "s"), "[sort: GROUP ↑]", []model.TaskID{"t14", "t15", "t1"}},
		{presses(8, "s"), "[sort: STATE ↑]", []model.TaskID{"t1", "t2", "t4"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ""), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys(tt.keys...)
				if got := h.rowIDs()[:3]; !slices.Equal(got, tt.wantFirst) {
					t.Errorf("first rows %v, want %v", got, tt.wantFirst)
				}
				if !strings.Contains(h.screen(), tt.title) {
					t.Errorf("title lacks %q", tt.title)
				}
				if got := h.selected(); got != "t1" {
					t.Errorf("sorting moved the selection to %s", got)
				}
			})
		})
	}
}

// presses returns k n times.
func presses(n int, k string) []string {
	ks := make([]string, n)
	for i := range ks {
		ks[i] = k
	}
	return ks
}

func TestFilter(t *testing.T) {
	tests := []struct {
		name   string
		keys   []string
		want   []model.TaskID
		screen []string // substrings of the frame
	}{
		{"live while typing", []string{"/", "r", "e", "n", "d"}, []model.TaskID{"t4", "t10", "t8", "t12"}, []string{" /rend ", "[filter: rend]", "(4/15)"}},
		{"enter keeps it", []string{"/", "i", "o", "enter"}, []model.TaskID{"t9", "t7", "t11"}, []string{"[filter: io]"}},
		{"matches state", []string{"/", "f", "a", "i", "l", "e", "d", "enter"}, []model.TaskID{"t7", "t8"}, nil},
		{"matches id", []string{"/", "t", "1", "5", "enter"}, []model.TaskID{"t15"}, nil},
		{"ignores case", []string{"/", "G", "O", " ", "V", "enter"}, []model.TaskID{"t14"}, nil},
		{"esc clears", []string{"/", "i", "o", "esc"}, defaultOrder, nil},
		{"esc after enter clears", []string{"/", "i", "o", "enter", "esc"}, defaultOrder, nil},
		{"backspace", []string{"/", "i", "o", "x", "backspace", "enter"}, []model.TaskID{"t9", "t7", "t11"}, nil},
		{"no match", []string{"/", "z", "z", "z", "enter"}, []model.TaskID{}, []string{`no task matches the filter "zzz"`}},
		{"keys type while filtering", []string{"/", "h", "q", "enter"}, []model.TaskID{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys(tt.keys...)
				if got := h.rowIDs(); !slices.Equal(got, tt.want) {
					t.Errorf("rows %v, want %v", got, tt.want)
				}
				for _, s := range tt.screen {
					if !strings.Contains(h.screen(), s) {
						t.Errorf("screen lacks %q:\n%s", s, h.screen())
					}
				}
				if len(h.src.commands()) != 0 || h.quit {
					t.Error("keys typed into the filter acted")
				}
			})
		})
	}
}

func TestMarking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("space", "space") // marks t1, t2 and moves down
		if got := h.selected(); got != "t4" {
			t.Errorf("selected %s after two marks", got)
		}
		if !strings.Contains(h.screen(), "[marked 2]") {
			t.Error("title lacks [marked 2]")
		}
		h.keys("h")
		want := []model.Command{{Op: model.OpHalt, Target: "t1"}, {Op: model.OpHalt, Target: "t2"}}
		if got := h.src.commands(); !slices.Equal(got, want) {
			t.Errorf("sent %v, want %v", got, want)
		}
		if got := h.m.status.Text(); got != "halt 2 tasks: ok" {
			t.Errorf("status %q", got)
		}
		h.keys("k", "space") // unmark t2
		if len(h.m.workers.marked) != 1 {
			t.Errorf("marked %d, want 1", len(h.m.workers.marked))
		}
		h.keys("esc")
		if len(h.m.workers.marked) != 0 || h.m.status.Text() != "marks cleared" {
			t.Errorf("esc left %d marks, status %q", len(h.m.workers.marked), h.m.status.Text())
		}
	})
}

func TestMarksSkipTasksAnActionCannotReach(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectID("t3")
		h.keys("space") // t3 paused
		h.selectID("t5")
		h.keys("space") // t5 queued
		h.keys("p")
		want := []model.Command{{Op: model.OpResume, Target: "t3"}}
		if got := h.src.commands(); !slices.Equal(got, want) {
			t.Errorf("sent %v, want %v", got, want)
		}
		if got := h.m.status.Text(); got != `resume t3 "fetch page 7" (skipped 1): ok` {
			t.Errorf("status %q", got)
		}
	})
}

func TestMarksForgetTasksThatLeave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("space")
		s := fixtureSnapshot()
		s.Tasks = s.Tasks[1:] // t1 gone
		h.publish(s)
		if len(h.m.workers.marks) != 0 {
			t.Errorf("marks %v survive their task", h.m.workers.marks)
		}
	})
}

func TestViews(t *testing.T) {
	tests := []struct {
		keys  []string
		want  view
		title string
	}{
		{nil, viewWorkers, "Workers (15/15)"},
		{[]string{"4"}, viewEvents, "Events (8/8)"},
		{[]string{"tab"}, viewPools, "Pools (5/5)"},
		{[]string{"tab", "tab"}, viewPollers, "Pollers (6/6)"},
		{[]string{"tab", "tab", "tab"}, viewEvents, "Events (8/8)"},
		{[]string{"tab", "tab", "tab", "tab"}, viewGoroutines, "Goroutines"},
		{[]string{"tab", "tab", "tab", "tab", "tab"}, viewLogs, "Logs: every task"},
		{[]string{"tab", "tab", "tab", "tab", "tab", "tab"}, viewWorkers, "Workers (15/15)"},
		{[]string{"5"}, viewGoroutines, "sampling the goroutines…"}, // asked on the next tick
		{[]string{"6", "1"}, viewWorkers, "Workers (15/15)"},
		{[]string{"4", "1"}, viewWorkers, "Workers (15/15)"},
		{[]string{"4", "/", "t", "7", "enter"}, viewEvents, "Events (1/8) [filter: t7]"},
		{[]string{"2"}, viewPools, "Pools (5/5)"},
		{[]string{"3"}, viewPollers, "Pollers (6/6)"},
		{[]string{"2", "/", "r", "enter"}, viewPools, "Pools (2/5) [filter: r]"},
		{[]string{"3", "/", "t", "e", "m", "p", "enter"}, viewPollers, "Pollers (1/6) [filter: temp]"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ","), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys(tt.keys...)
				if h.m.active != tt.want {
					t.Errorf("view %v, want %v", h.m.active, tt.want)
				}
				if !strings.Contains(h.screen(), tt.title) {
					t.Errorf("screen lacks %q", tt.title)
				}
			})
		})
	}
}

func TestEventsNavigation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("4", "j", "j", "G")
		if e := h.m.events.SelectedEvent(); e == nil || e.Group != "crawl" {
			t.Errorf("G selected %+v, want the oldest event", e)
		}
		h.keys("g")
		if e := h.m.events.SelectedEvent(); e == nil || e.Task != "t4" {
			t.Errorf("g selected %+v, want the newest event", e)
		}
	})
}
