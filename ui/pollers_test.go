package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/model"
)

// selectPoller switches to Pollers and selects the poller named name.
func (h *harness) selectPoller(name string) {
	h.t.Helper()
	selectRow(h, "3", &h.m.pollers.rowList, "poller", name)
}

func TestPollerActions(t *testing.T) {
	period := func(name string, step int64) []model.Command {
		return []model.Command{{Op: model.OpSetPeriod, Poller: name, Step: step}}
	}
	tests := []struct {
		name   string
		poller string
		keys   []string
		errs   map[model.Op]error
		want   []model.Command
		status string
	}{
		{"pause running", "disk", []string{"p"}, nil, []model.Command{{Op: model.OpPause, Poller: "disk"}}, "pause poller disk: ok"},
		{"resume paused", "metrics", []string{"p"}, nil, []model.Command{{Op: model.OpResume, Poller: "metrics"}}, "resume poller metrics: ok"},
		{"pause idle", "warmup", []string{"p"}, nil, nil, "cannot pause poller warmup: it was never started (restart starts it)"},
		{"pause killed", "watchdog", []string{"p"}, nil, nil, "cannot pause poller watchdog: it is killed (restart starts it again)"},
		{"kill asks, yes", "disk", []string{"x", "y"}, nil, []model.Command{{Op: model.OpKill, Poller: "disk"}}, "kill poller disk: ok"},
		{"kill asks, no", "disk", []string{"x", "n"}, nil, nil, "kill cancelled"},
		{"kill killed", "watchdog", []string{"x"}, nil, nil, "cannot kill poller watchdog: it is already killed"},
		{"restart", "watchdog", []string{"r"}, nil, []model.Command{{Op: model.OpRestart, Poller: "watchdog"}}, "restart poller watchdog with fresh stats: ok"},
		{"faster halves", "disk", []string{"+"}, nil, period("disk", -1), "speed up poller disk (period ÷2): ok"},
		{"slower doubles", "disk", []string{"-"}, nil, period("disk", 1), "slow down poller disk (period ×2): ok"},
		{"faster a killed one", "watchdog", []string{"+"}, nil, period("watchdog", -1), "speed up poller watchdog (period ÷2): ok"},
		{"pause all", "disk", []string{"P"}, nil, []model.Command{{Op: model.OpPauseAll}}, "pause all 3 running pollers: ok"},
		{"halt", "disk", []string{"h"}, nil, nil, "cannot halt poller disk: a poller is paused or killed, not halted"},
		{"run", "disk", []string{"R"}, nil, nil, "cannot run poller disk: run starts a manager's queue"},
		{"engine refuses", "disk", []string{"-"}, map[model.Op]error{model.OpSetPeriod: errors.New("invalid period")},
			period("disk", 1), "cannot slow down poller disk (period ×2): invalid period"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.failing(tt.errs)
				h.selectPoller(tt.poller)
				h.keys(tt.keys...)
				h.checkSent(tt.want, tt.status)
			})
		})
	}
}

func TestPlanPollerPeriodBounds(t *testing.T) {
	tests := []struct {
		period time.Duration
		a      action
		want   int64 // the step; 0: refused
		reason string
	}{
		{2 * time.Millisecond, actGrow, -1, ""},
		{time.Millisecond, actGrow, 0, "cannot speed up poller p: its period 1ms is the shortest the engine sets by steps"},
		{24 * time.Hour, actShrink, 0, "cannot slow down poller p: its period 1d is the longest the engine sets by steps"},
		{12 * time.Hour, actShrink, 1, ""},
		{0, actGrow, 0, "cannot speed up poller p: it has no period"},
	}
	for _, tt := range tests {
		p := planPoller(tt.a, &model.Poller{Name: "p", Period: tt.period, Alive: true, Started: true})
		switch {
		case tt.want == 0 && (p.ok() || p.reason != tt.reason):
			t.Errorf("%v %v: sent %v, reason %q", tt.period, tt.a.verb(), p.cmds, p.reason)
		case tt.want != 0 && (!p.ok() || p.cmds[0].Step != tt.want):
			t.Errorf("%v %v: sent %v, want %v", tt.period, tt.a.verb(), p.cmds, tt.want)
		}
	}
}

func TestPauseAllPlan(t *testing.T) {
	running := model.Poller{Started: true, Alive: true}
	paused := model.Poller{Started: true, Alive: true, Paused: true}
	killed := model.Poller{Started: true}
	tests := []struct {
		name    string
		pollers []model.Poller
		op      model.Op
		verb    string
	}{
		{"any running pauses", []model.Poller{paused, running}, model.OpPauseAll, "pause all"},
		{"all paused resumes", []model.Poller{paused, killed, paused}, model.OpResumeAll, "resume all"},
		{"none left", []model.Poller{killed}, "", "pause all"},
		{"no pollers", nil, "", "pause all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planPauseAll(tt.pollers)
			if p.verb != tt.verb || tt.op == "" && p.ok() || tt.op != "" && (!p.ok() || p.cmds[0].Op != tt.op) {
				t.Errorf("plan %+v", p)
			}
		})
	}
}

func TestResumeAllWhenAllPaused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		s := fixtureSnapshot()
		s.Pollers = slices.Clone(s.Pollers)
		for i := range s.Pollers {
			s.Pollers[i].Paused = true
		}
		h.publish(s)
		h.keys("3")
		if !strings.Contains(h.screen(), "P resume all") {
			t.Errorf("footer does not offer resume all:\n%s", h.screen())
		}
		h.keys("P")
		if got := h.src.commands(); !slices.Equal(got, []model.Command{{Op: model.OpResumeAll}}) {
			t.Errorf("sent %v", got)
		}
		if got := h.m.status.Text(); got != "resume all 5 paused pollers: ok" {
			t.Errorf("status %q", got)
		}
	})
}

func TestPollersFooter(t *testing.T) {
	tests := []struct {
		poller   string
		pause    string
		disabled []string
	}{
		{"disk", "pause", nil},
		{"metrics", "resume", nil},
		{"watchdog", "pause", []string{"pause", "kill"}},
	}
	for _, tt := range tests {
		t.Run(tt.poller, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.selectPoller(tt.poller)
				h.checkFooter(tt.pause, tt.disabled, []string{"+ faster", "- slower", "P pause all", "r restart", "enter detail"})
			})
		})
	}
}

func TestPollerDetail(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectPoller("health")
		h.keys("enter")
		if !h.m.pollerD.open {
			t.Fatal("enter did not open the poller detail")
		}
		scr := h.screen()
		for _, want := range []string{
			"Poller health", "Concurrency", "Min wait", "Timeout", "Delay, last 6 runs", "p50 120ms", "max 300ms",
			"Duration, last 0 runs", "Last error", "GET /healthz: 503 Service Unavailable", "degraded", "second line",
			"late past 50ms, very late past 250ms", "esc back",
		} {
			if !strings.Contains(scr, want) {
				t.Errorf("detail lacks %q", want)
			}
		}
		if strings.Contains(scr, "0ns") { // health has no MinWait: none, not a zero duration
			t.Errorf("detail shows a zero duration as 0ns:\n%s", scr)
		}
		h.keys("p") // acts on the poller shown
		if got := h.src.commands(); !slices.Equal(got, []model.Command{{Op: model.OpPause, Poller: "health"}}) {
			t.Errorf("sent %v", got)
		}
		s := fixtureSnapshot() // the poller goes on: the pane follows
		s.Pollers = slices.Clone(s.Pollers)
		s.Pollers[1].Count, s.Pollers[1].Paused = 3001, true
		h.publish(s)
		if !strings.Contains(h.screen(), "3001") || !strings.Contains(h.screen(), "paused") {
			t.Errorf("detail did not follow the snapshot:\n%s", h.screen())
		}
		s.Pollers = slices.Delete(slices.Clone(s.Pollers), 1, 2) // it leaves the snapshot
		h.publish(s)
		if !strings.Contains(h.screen(), "(no longer in the snapshot)") {
			t.Error("a poller that left is not said to be gone")
		}
		h.keys("r")
		if got := h.m.status.Text(); got != "cannot restart: no poller selected" {
			t.Errorf("status %q", got)
		}
		h.keys("esc")
		if h.m.pollerD.open || !strings.Contains(h.screen(), "Pollers (5/5)") {
			t.Errorf("esc did not return to Pollers:\n%s", h.screen())
		}
	})
}

func TestPollerDetailScrolls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.send(windowSize(120, 20))
		h.selectPoller("disk")
		h.keys("enter", "j", "j")
		if h.m.pollerD.offset != 2 {
			t.Errorf("j j scrolled to %d", h.m.pollerD.offset)
		}
		h.keys("G")
		if h.m.pollerD.offset != h.m.pollerD.maxOffset() || h.m.pollerD.offset == 0 {
			t.Errorf("G scrolled to %d of %d", h.m.pollerD.offset, h.m.pollerD.maxOffset())
		}
		h.keys("enter")
		if h.m.pollerD.open {
			t.Error("enter did not close the detail")
		}
	})
}

func TestPollersSelectionFollowsName(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectPoller("metrics")
		s := fixtureSnapshot()
		s.Pollers = s.Pollers[2:]
		h.publish(s)
		if sel := h.m.pollers.Selected(); sel == nil || sel.Name != "metrics" {
			t.Errorf("selected %v, want metrics", sel)
		}
	})
}

// windowSize returns a window size message.
func windowSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

func TestPollerLatenessColours(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("3")
		raw := h.m.View().Content
		st := h.m.st
		for _, want := range []string{
			st.late.on + "120ms",  // health: 24% of its period
			st.veryLate.on + "6s", // metrics: 60% of its period
			st.alert.on + "12",    // health's errors
		} {
			if !strings.Contains(raw, want) {
				t.Errorf("frame lacks %q", want)
			}
		}
		if strings.Contains(raw, st.late.on+"850µs") || strings.Contains(raw, st.veryLate.on+"850µs") {
			t.Error("an on-time delay is coloured")
		}
	})
}

func TestListsReflow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.send(windowSize(60, 20))
		h.keys("3")
		scr := h.screen()
		for _, want := range []string{"NAME", "STATE", "ERRORS", "DELAY", "NEXT", "health", "due"} {
			if !strings.Contains(scr, want) {
				t.Errorf("Pollers at 60 wide lack %q:\n%s", want, scr)
			}
		}
		h.keys("2")
		scr = h.screen()
		for _, want := range []string{"NAMESPACE", "WORKERS", "STATE", "uploads", "stopping"} {
			if !strings.Contains(scr, want) {
				t.Errorf("Pools at 60 wide lack %q:\n%s", want, scr)
			}
		}
	})
}
