package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"

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
		{[]string{"s", "s", "s"}, "[sort: RESTARTS ↑]", []model.TaskID{"t1", "t2", "t3"}},
		{[]string{"s", "s", "s", "S"}, "[sort: RESTARTS ↓]", []model.TaskID{"t15", "t9", "t7"}},
		{[]string{"s", "s", "s", "s"}, "[sort: ID ↑]", []model.TaskID{"t1", "t2", "t3"}},
		{[]string{"s", "s", "s", "s", "S"}, "[sort: ID ↓]", []model.TaskID{"t15", "t14", "t13"}},
		{[]string{"s", "s", "s", "s", "s"}, "[sort: NAME ↑]", []model.TaskID{"t11", "t1", "t7"}},
		{[]string{"s", "s", "s", "s", "s", "s"}, "[sort: GROUP ↑]", []model.TaskID{"t14", "t15", "t1"}},
		{[]string{"s", "s", "s", "s", "s", "s", "s"}, "[sort: STATE ↑]", []model.TaskID{"t1", "t2", "t4"}},
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

func TestFilter(t *testing.T) {
	tests := []struct {
		name   string
		keys   []string
		want   []model.TaskID
		screen []string // substrings of the frame
	}{
		{"live while typing", []string{"/", "r", "e", "n", "d"}, []model.TaskID{"t4", "t10", "t8", "t12"}, []string{"/rend█", "[filter: rend]", "(4/15)"}},
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

func TestActions(t *testing.T) {
	tests := []struct {
		name   string
		sel    model.TaskID
		keys   []string
		errs   map[model.Op]error
		want   []model.Command
		status string
	}{
		{"halt running", "t1", []string{"h"}, nil, []model.Command{{Op: model.OpHalt, Target: "t1"}}, `halt t1 "crawl root": ok`},
		{"halt queued", "t5", []string{"h"}, nil, []model.Command{{Op: model.OpHalt, Target: "t5"}}, `halt t5 "fetch page 9": ok`},
		{"halt done", "t11", []string{"h"}, nil, nil, "cannot halt t11: it is done"},
		{"halt halting", "t10", []string{"h"}, nil, nil, "cannot halt t10: it is already halting"},
		{"pause running", "t1", []string{"p"}, nil, []model.Command{{Op: model.OpPause, Target: "t1"}}, `pause t1 "crawl root": ok`},
		{"resume paused", "t3", []string{"p"}, nil, []model.Command{{Op: model.OpResume, Target: "t3"}}, `resume t3 "fetch page 7": ok`},
		{"resume pausing", "t4", []string{"p"}, nil, []model.Command{{Op: model.OpResume, Target: "t4"}}, `resume t4 "render header": ok`},
		{"pause queued", "t5", []string{"p"}, nil, nil, "cannot pause t5: it is queued"},
		{"engine refuses", "t3", []string{"p"}, map[model.Op]error{model.OpResume: errors.New("it is running, not paused")},
			[]model.Command{{Op: model.OpResume, Target: "t3"}}, `cannot resume t3 "fetch page 7": it is running, not paused`},
		{"kill asks, yes", "t1", []string{"x", "y"}, nil, []model.Command{{Op: model.OpKill, Target: "t1"}}, `kill t1 "crawl root": ok`},
		{"kill asks, no", "t1", []string{"x", "n"}, nil, nil, "kill cancelled"},
		{"kill asks, esc", "t1", []string{"x", "esc"}, nil, nil, "kill cancelled"},
		{"kill ignores other keys", "t1", []string{"x", "h", "j", "y"}, nil, []model.Command{{Op: model.OpKill, Target: "t1"}}, `kill t1 "crawl root": ok`},
		{"kill halting", "t10", []string{"x", "y"}, nil, []model.Command{{Op: model.OpKill, Target: "t10"}}, `kill t10 "resize images": ok`},
		{"kill finished", "t7", []string{"x"}, nil, nil, "cannot kill t7: it is failed"},
		{"restart failed", "t7", []string{"r"}, nil, []model.Command{{Op: model.OpRestart, Target: "t7"}}, `restart t7 "disk check": ok`},
		{"restart queued", "t5", []string{"r"}, nil, nil, "cannot restart t5: it has not started yet (it is queued)"},
		{"run manager", "t5", []string{"R"}, nil, []model.Command{{Op: model.OpRun, Group: "crawl"}}, "run crawl: ok"},
		{"run empty manager", "t7", []string{"R"}, nil, nil, "cannot run io: nothing queued"},
		{"halt all asks, yes", "t1", []string{"H", "y"}, nil, []model.Command{{Op: model.OpHaltAll}}, "halt all: ok"},
		{"halt all asks, no", "t1", []string{"H", "n"}, nil, nil, "halt all cancelled"},
		{"halt all refused", "t1", []string{"H", "y"}, map[model.Op]error{model.OpHaltAll: errors.New("engine closed")},
			[]model.Command{{Op: model.OpHaltAll}}, "cannot halt all: engine closed"},
		{"in events view", "t1", []string{"4", "h"}, nil, nil, "cannot halt: no task selected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				for op, err := range tt.errs {
					h.src.errs[op] = err
				}
				h.selectID(tt.sel)
				h.keys(tt.keys...)
				if got := h.src.commands(); !slices.Equal(got, tt.want) {
					t.Errorf("sent %v, want %v", got, tt.want)
				}
				if got := h.m.status.Text(); got != tt.status {
					t.Errorf("status %q, want %q", got, tt.status)
				}
				if h.m.confirm.open {
					t.Error("confirm dialog still open")
				}
			})
		})
	}
}

func TestKillConfirmShowsQuestion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectID("t3")
		h.keys("x")
		if !strings.Contains(h.screen(), `Kill t3 "fetch page 7"? y/n`) {
			t.Errorf("no question on screen:\n%s", h.screen())
		}
		if len(h.src.commands()) != 0 {
			t.Error("kill sent before the answer")
		}
	})
}

func TestApplyTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.m.src = blockingSource{h.src}
		h.keys("h")
		time.Sleep(applyTimeout)
		h.settle()
		if got := h.m.status.Text(); !strings.Contains(got, "deadline exceeded") {
			t.Errorf("status %q", got)
		}
	})
}

// blockingSource is a Source whose Apply waits for its context.
type blockingSource struct{ *fakeSource }

func (b blockingSource) Apply(ctx context.Context, _ model.Command) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestFooterShowsWhatApplies(t *testing.T) {
	tests := []struct {
		sel      model.TaskID
		pause    string
		disabled []string
	}{
		{"t1", "pause", nil},
		{"t3", "resume", nil},
		{"t5", "pause", []string{"pause", "kill", "restart"}},
		{"t11", "pause", []string{"halt", "pause", "kill"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.sel), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.selectID(tt.sel)
				var disabled []string
				for _, b := range h.m.footerBindings() {
					if b.Help().Key == "p" && b.Help().Desc != tt.pause {
						t.Errorf("p labelled %q, want %q", b.Help().Desc, tt.pause)
					}
					if !b.Enabled() {
						disabled = append(disabled, b.Help().Desc)
					}
				}
				if !slices.Equal(disabled, tt.disabled) {
					t.Errorf("disabled %v, want %v", disabled, tt.disabled)
				}
				if !strings.Contains(h.screen(), "p "+tt.pause) {
					t.Errorf("footer lacks %q", "p "+tt.pause)
				}
			})
		})
	}
}

func TestHelpToggle(t *testing.T) {
	tests := []struct {
		keys []string
		open bool
	}{
		{[]string{"?"}, true},
		{[]string{"?", "?"}, false},
		{[]string{"?", "esc"}, false},
		{[]string{"?", "j", "h"}, true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ","), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys(tt.keys...)
				if h.m.help.open != tt.open {
					t.Errorf("help open %v, want %v", h.m.help.open, tt.open)
				}
				if got := strings.Contains(h.screen(), "force quit"); got != tt.open {
					t.Errorf("help drawn %v, want %v", got, tt.open)
				}
				if len(h.src.commands()) != 0 || h.selected() != "t1" {
					t.Error("keys behind the help acted")
				}
			})
		})
	}
}

func TestDetailOpenClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectID("t8")
		h.keys("enter")
		scr := h.screen()
		for _, want := range []string{`Task t8 "render footer"`, "index out of range", "Stack (recovered panic)", "goroutine 42 [running]:"} {
			if !strings.Contains(scr, want) {
				t.Errorf("detail lacks %q", want)
			}
		}
		h.keys("p") // a task action acts on the task shown
		h.keys("r")
		if got := h.src.commands(); !slices.Equal(got, []model.Command{{Op: model.OpRestart, Target: "t8"}}) {
			t.Errorf("sent %v", got)
		}
		h.keys("esc")
		if h.m.detail.open || !strings.Contains(h.screen(), "Workers (15/15)") {
			t.Error("esc did not close the detail pane")
		}
	})
}

func TestDetailFromEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("4", "j", "j", "enter") // the t9 event
		if !h.m.detail.open || h.m.detail.id != "t9" {
			t.Fatalf("detail open %v on %s", h.m.detail.open, h.m.detail.id)
		}
	})
}

func TestDetailLogFollows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		withLog := func(n int) model.Snapshot {
			s := fixtureSnapshot()
			s.Tasks = slices.Clone(s.Tasks)
			for i := range n {
				s.Tasks[0].Log = append(s.Tasks[0].Log, model.LogLine{Time: fixtureNow, Text: "line " + strings.Repeat("x", i%7)})
			}
			return s
		}
		h.publish(withLog(60))
		h.keys("enter")
		if h.m.detail.offset != 0 {
			t.Fatalf("opened at offset %d", h.m.detail.offset)
		}
		h.keys("j", "j")
		if h.m.detail.offset != 2 {
			t.Errorf("j j scrolled to %d", h.m.detail.offset)
		}
		h.publish(withLog(70))
		if h.m.detail.offset != 2 {
			t.Errorf("a reader mid-log was moved to %d", h.m.detail.offset)
		}
		h.keys("G")
		bottom := h.m.detail.offset
		h.publish(withLog(80))
		if h.m.detail.offset != bottom+10 {
			t.Errorf("offset %d after 10 more lines, want %d (following)", h.m.detail.offset, bottom+10)
		}
		h.keys("g", "pgdown")
		if h.m.detail.offset != h.m.detail.visibleRows() {
			t.Errorf("pgdown to %d", h.m.detail.offset)
		}
	})
}

func TestQuitWithoutShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("q")
		if !h.quit {
			t.Fatal("q did not quit")
		}
		if !h.src.isClosed() {
			t.Error("the subscription was not ended")
		}
	})
}

func TestQuitGraceful(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan error)
		var called context.Context
		shutdown := func(ctx context.Context) error { called = ctx; return <-release }
		h := newHarness(t, WithShutdown(shutdown))
		h.keys("q")
		if h.quit || called == nil {
			t.Fatalf("quit %v, shutdown called %v", h.quit, called != nil)
		}
		if dl, ok := called.Deadline(); !ok || dl.Sub(time.Now()) != shutdownTimeout {
			t.Errorf("shutdown deadline %v %v", dl, ok)
		}
		if got := h.m.status.Text(); got != "quitting: halting 5 tasks… (q again to force)" {
			t.Errorf("status %q", got)
		}
		if !strings.Contains(h.screen(), "quitting…") {
			t.Error("header does not say quitting")
		}
		s := fixtureSnapshot() // tasks go halting → halted while the table keeps updating
		for i := range s.Tasks {
			if s.Tasks[i].State.Live() {
				s.Counts[s.Tasks[i].State]--
				s.Counts[model.StateHalted]++
				s.Tasks[i].State = model.StateHalted
			}
		}
		h.publish(s)
		if got := h.m.status.Text(); got != "quitting: waiting for the engine to close… (q again to force)" {
			t.Errorf("status %q", got)
		}
		boom := errors.New("2 tasks did not stop")
		release <- boom
		h.settle()
		if !h.quit {
			t.Fatal("did not quit after the shutdown returned")
		}
		if err := h.m.Err(); !errors.Is(err, boom) {
			t.Errorf("Err() = %v", err)
		}
	})
}

func TestQuitForced(t *testing.T) {
	for _, second := range []string{"q", "ctrl+c"} {
		t.Run(second, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				shutdown := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
				h := newHarness(t, WithShutdown(shutdown))
				h.keys("q")
				if h.quit {
					t.Fatal("first q quit at once")
				}
				h.keys(second)
				if !h.quit {
					t.Fatal("second key did not quit")
				}
				if err := h.m.Err(); !errors.Is(err, ErrForcedQuit) {
					t.Errorf("Err() = %v", err)
				}
			})
		})
	}
}

func TestCtrlCQuitsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		called := false
		h := newHarness(t, WithShutdown(func(context.Context) error { called = true; return nil }))
		h.keys("ctrl+c")
		if !h.quit || called {
			t.Errorf("quit %v, shutdown called %v", h.quit, called)
		}
	})
}

func TestSourceClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.src.shut()
		h.settle()
		scr := h.screen()
		if !strings.Contains(scr, "source closed") || !strings.Contains(h.m.status.Text(), "no more updates") {
			t.Errorf("closed source not shown:\n%s", scr)
		}
		if !strings.Contains(scr, "crawl root") {
			t.Error("the last snapshot is no longer shown")
		}
	})
}

func TestResize(t *testing.T) {
	sizes := []struct{ w, h int }{{120, 40}, {20, 5}, {40, 10}, {80, 24}, {200, 60}, {1, 1}, {10, 3}, {60, 8}}
	views := [][]string{nil, {"4"}, {"enter"}, {"?"}, {"x"}, {"/", "c"}}
	for _, sz := range sizes {
		for _, keys := range views {
			t.Run(strings.Join(keys, "")+"@"+itoa(sz.w)+"x"+itoa(sz.h), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					h := newHarness(t)
					h.keys(keys...)
					h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
					lines := strings.Split(h.screen(), "\n")
					if len(lines) != sz.h {
						t.Fatalf("%d lines, want %d", len(lines), sz.h)
					}
					for i, l := range lines {
						if w := textWidth(l); w != sz.w {
							t.Errorf("line %d is %d wide, want %d: %q", i, w, sz.w, l)
						}
					}
				})
			})
		}
	}
}

func TestResizeReflowsColumns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		wide := len(h.m.workers.cols)
		h.send(tea.WindowSizeMsg{Width: 50, Height: 20})
		if narrow := len(h.m.workers.cols); narrow >= wide {
			t.Errorf("%d columns at 50 wide, %d at 120", narrow, wide)
		}
		if !strings.Contains(h.screen(), "crawl root") {
			t.Error("names lost at 50 wide")
		}
	})
}

func TestWaitingForFirstSnapshot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFakeSource()
		m := New(src)
		scr := ansi_strip(m.View().Content)
		if !strings.Contains(scr, "waiting for the first snapshot") {
			t.Errorf("screen:\n%s", scr)
		}
		if v := m.View(); !v.AltScreen {
			t.Error("not in the alt screen")
		}
	})
}
