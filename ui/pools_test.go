package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/spindle-tui/spindle/keymap"
	"github.com/spindle-tui/spindle/model"
)

// selectPool switches to Pools and selects the pool named name.
func (h *harness) selectPool(name string) {
	h.t.Helper()
	selectRow(h, "2", &h.m.pools.rowList, "pool", name)
}

func TestPoolActions(t *testing.T) {
	resize := func(pool string, step int64) []model.Command {
		return []model.Command{{Op: model.OpResize, Pool: pool, Step: step}}
	}
	tests := []struct {
		name   string
		pool   string
		keys   []string
		errs   map[model.Op]error
		want   []model.Command
		status string
	}{
		{"grow", "io", []string{"+"}, nil, resize("io", 1), "resize pool io by +1 worker: ok"},
		{"grow unshifted", "io", []string{"="}, nil, resize("io", 1), "resize pool io by +1 worker: ok"},
		{"shrink", "io", []string{"-"}, nil, resize("io", -1), "resize pool io by -1 worker: ok"},
		{"shrink to one", "render", []string{"-"}, nil, resize("render", -1), "resize pool render by -1 worker: ok"},
		{"shrink at one", "thumbs", []string{"-"}, nil, nil, "cannot shrink pool thumbs: it has 1 worker, the fewest a pool can have"},
		{"grow stopped", "legacy", []string{"+"}, nil, nil, "cannot grow pool legacy: it is stopped"},
		{"grow stopping", "uploads", []string{"+"}, nil, nil, "cannot grow pool uploads: it is stopping"},
		{"pause running", "io", []string{"p"}, nil, []model.Command{{Op: model.OpPause, Pool: "io"}}, "pause pool io: ok"},
		{"resume paused", "render", []string{"p"}, nil, []model.Command{{Op: model.OpResume, Pool: "render"}}, "resume pool render: ok"},
		{"pause idle", "thumbs", []string{"p"}, nil, nil, "cannot pause pool thumbs: it is idle (not started)"},
		{"pause stopped", "legacy", []string{"p"}, nil, nil, "cannot pause pool legacy: it is stopped"},
		{"halt work", "io", []string{"h"}, nil, []model.Command{{Op: model.OpHalt, Pool: "io"}}, "halt the running work of pool io (3 tasks): ok"},
		{"halt one", "render", []string{"h"}, nil, []model.Command{{Op: model.OpHalt, Pool: "render"}}, "halt the running work of pool render (1 task): ok"},
		{"halt nothing", "thumbs", []string{"h"}, nil, nil, "cannot halt the work of pool thumbs: nothing is running"},
		{"stop asks, yes", "io", []string{"x", "y"}, nil, []model.Command{{Op: model.OpStop, Pool: "io"}}, "stop pool io: ok"},
		{"stop asks, no", "io", []string{"x", "n"}, nil, nil, "stop cancelled"},
		{"stop idle", "thumbs", []string{"x", "y"}, nil, []model.Command{{Op: model.OpStop, Pool: "thumbs"}}, "stop pool thumbs: ok"},
		{"stop stopping", "uploads", []string{"x"}, nil, nil, "cannot stop pool uploads: it is already stopping"},
		{"stop stopped", "legacy", []string{"x"}, nil, nil, "cannot stop pool legacy: it is already stopped"},
		{"restart", "io", []string{"r"}, nil, nil, "cannot restart pool io: restart applies to tasks and pollers"},
		{"run", "io", []string{"R"}, nil, nil, "cannot run pool io: a pool starts its own work (run starts a manager's queue)"},
		{"pause all", "io", []string{"P"}, nil, nil, "pause all applies to pollers: 3 shows them"},
		{"engine refuses", "io", []string{"+"}, map[model.Op]error{model.OpResize: errors.New("engine closed")},
			resize("io", 1), "cannot resize pool io by +1 worker: engine closed"},
		{"halt all still global", "io", []string{"H", "y"}, nil, []model.Command{{Op: model.OpHaltAll}}, "halt all: ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.failing(tt.errs)
				h.selectPool(tt.pool)
				h.keys(tt.keys...)
				h.checkSent(tt.want, tt.status)
			})
		})
	}
}

func TestPoolStopConfirmSaysWhatItDoes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectPool("io")
		h.keys("x")
		want := "Stop pool io? It takes no new work; its 3 running and 12 queued tasks finish first y/n"
		if !strings.Contains(h.screen(), want) {
			t.Errorf("no %q on screen:\n%s", want, h.screen())
		}
		if len(h.src.commands()) != 0 {
			t.Error("stop sent before the answer")
		}
	})
}

func TestPoolEnterShowsItsTasks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectPool("io")
		h.keys("enter")
		if h.m.active != viewWorkers {
			t.Fatalf("view %v, want Workers", h.m.active)
		}
		if got, want := h.rowIDs(), []model.TaskID{"t9", "t7", "t11"}; !slices.Equal(got, want) {
			t.Errorf("rows %v, want %v", got, want)
		}
		if !strings.Contains(h.screen(), "Workers (3/15) [filter: group:io]") {
			t.Errorf("title does not show the pool filter:\n%s", h.screen())
		}
		h.keys("esc")
		if len(h.rowIDs()) != 15 || strings.Contains(h.screen(), "group:io") {
			t.Errorf("esc left rows %v", h.rowIDs())
		}
	})
}

func TestGroupFilterIsExact(t *testing.T) {
	tests := []struct {
		f    filter
		task model.Task
		want bool
	}{
		{groupFilter("io"), model.Task{Group: "io"}, true},
		{groupFilter("io"), model.Task{Group: "IO"}, true},
		{groupFilter("io"), model.Task{Group: "ratio", Name: "io"}, false},
		{newFilter("io"), model.Task{Group: "ratio"}, true},
	}
	for _, tt := range tests {
		if got := tt.f.matchTask(&tt.task); got != tt.want {
			t.Errorf("%q on %+v: %v", tt.f, tt.task, got)
		}
	}
	if !groupFilter("render").matchPool(&model.Pool{Name: "render"}) || groupFilter("render").matchPool(&model.Pool{Name: "prerender"}) {
		t.Error("group filter on pools")
	}
	if !groupFilter("temps").matchPoller(&model.Poller{Name: "temps/rack-1", Group: "temps"}) {
		t.Error("group filter on pollers")
	}
}

func TestPoolsFooter(t *testing.T) {
	tests := []struct {
		pool     string
		pause    string
		disabled []string
	}{
		{"io", "pause", nil},
		{"render", "resume", nil},
		{"thumbs", "pause", []string{"fewer workers", "pause", "halt work"}},
		{"legacy", "pause", []string{"more workers", "fewer workers", "pause", "halt work", "stop"}},
	}
	for _, tt := range tests {
		t.Run(tt.pool, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.selectPool(tt.pool)
				h.checkFooter(tt.pause, tt.disabled, []string{"+ more workers", "- fewer workers", "h halt work", "x stop", "enter its tasks"})
			})
		})
	}
}

func TestRemappedGrowKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		km := keymap.Default()
		if err := km.Override(map[string][]string{"grow": {"]"}}); err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, WithKeyMap(km))
		h.selectPool("io")
		h.keys("+")
		if len(h.src.commands()) != 0 {
			t.Fatalf("the old key still grows: %v", h.src.commands())
		}
		h.keys("]")
		if got := h.src.commands(); !slices.Equal(got, []model.Command{{Op: model.OpResize, Pool: "io", Step: 1}}) {
			t.Errorf("sent %v", got)
		}
		if !strings.Contains(h.screen(), "] more workers") {
			t.Errorf("footer does not show the new key:\n%s", h.screen())
		}
	})
}

func TestPoolKeysOutsideTheirViews(t *testing.T) {
	tests := []struct {
		keys   []string
		status string
	}{
		{[]string{"+"}, "cannot grow: + and - scale a replica's set, resize a pool (2) or change a poller's period (3)"},
		{[]string{"-"}, "cannot shrink: + and - scale a replica's set, resize a pool (2) or change a poller's period (3)"},
		{[]string{"P"}, "pause all applies to pollers: 3 shows them"},
		{[]string{"4", "+"}, "cannot grow: + and - scale a replica's set, resize a pool (2) or change a poller's period (3)"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ""), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys(tt.keys...)
				if len(h.src.commands()) != 0 {
					t.Errorf("sent %v", h.src.commands())
				}
				if got := h.m.status.Text(); got != tt.status {
					t.Errorf("status %q, want %q", got, tt.status)
				}
			})
		})
	}
}

func TestPoolsSelectionFollowsName(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectPool("render")
		s := fixtureSnapshot()
		s.Pools = s.Pools[1:] // io gone: render moves up a row
		h.publish(s)
		if sel := h.m.pools.Selected(); sel == nil || sel.Name != "render" {
			t.Errorf("selected %v, want render", sel)
		}
		h.keys("G")
		if sel := h.m.pools.Selected(); sel == nil || sel.Name != "uploads" {
			t.Errorf("G selected %v", sel)
		}
	})
}
