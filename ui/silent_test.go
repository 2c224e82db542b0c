package ui

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// TestNoKeyIsSilent: in every view, pane and overlay, every key either does
// something on screen, sends a command, or says in the status bar why it does
// nothing.
func TestNoKeyIsSilent(t *testing.T) {
	places := []struct {
		name  string
		setup []string
	}{
		{"workers", nil}, {"pools", []string{"2"}}, {"pollers", []string{"3"}}, {"events", []string{"4"}},
		{"task detail", []string{"enter"}}, {"poller detail", []string{"3", "enter"}}, {"help", []string{"?"}},
	}
	keys := []string{"s", "S", "t", "space", "enter", "h", "p", "x", "r", "R", "+", "-", "P", "e", "z", "/", "shift+tab", "tab", "1", "2", "3", "4"}
	for _, pl := range places {
		for _, k := range keys {
			t.Run(pl.name+"/"+k, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					h := newHarness(t)
					h.keys(pl.setup...)
					before, sent := h.screen(), len(h.src.commands())
					h.keys(k)
					if h.screen() == before && len(h.src.commands()) == sent && !h.quit {
						t.Errorf("%q in %s did nothing and said nothing:\n%s", k, pl.name, before)
					}
				})
			})
		}
	}
}

// TestEventsFooterOffersOnlyWhatApplies: the Events footer does not offer
// the Workers' tree.
func TestEventsFooterOffersOnlyWhatApplies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("4")
		footer := strings.Split(h.screen(), "\n")[39]
		if strings.Contains(footer, "t tree") || strings.Contains(footer, "space mark") {
			t.Errorf("Events footer offers Workers keys: %q", footer)
		}
	})
}

func TestShiftTabGoesBack(t *testing.T) {
	tests := []struct {
		keys []string
		want view
	}{
		{[]string{"shift+tab"}, viewLogs},
		{[]string{"shift+tab", "shift+tab"}, viewGoroutines},
		{[]string{"shift+tab", "shift+tab", "shift+tab"}, viewEvents},
		{[]string{"2", "shift+tab"}, viewWorkers},
		{[]string{"tab", "shift+tab"}, viewWorkers},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ","), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys(tt.keys...)
				if h.m.active != tt.want {
					t.Errorf("view %v, want %v", h.m.active, tt.want)
				}
			})
		})
	}
}

// TestSortEveryTable: s and S sort Pools, Pollers and Events too, by each of
// their columns in turn; the title and the column header say by which.
func TestSortEveryTable(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		title string
		first func(h *harness) []string
		want  []string
	}{
		{"pools by name", []string{"2"}, "[sort: NAMESPACE ↑]", poolNames, []string{"io", "legacy", "render", "thumbs", "uploads"}},
		{"pools reversed", []string{"2", "S"}, "[sort: NAMESPACE ↓]", poolNames, []string{"uploads", "thumbs", "render", "legacy", "io"}},
		{"pools by owner", []string{"2", "s"}, "[sort: OWNER ↑]", poolNames, []string{"io", "legacy", "uploads", "render", "thumbs"}},
		{"pools by workers", []string{"2", "s", "s", "s", "S"}, "[sort: WORKERS ↓]", poolNames, []string{"io", "uploads", "render", "legacy", "thumbs"}},
		{"pollers by state", []string{"3", "s"}, "[sort: STATE ↑]", pollerNames, []string{"disk", "health", "temps/rack-1", "metrics", "warmup", "watchdog"}},
		{"pollers by period", []string{"3", "s", "s"}, "[sort: PERIOD ↑]", pollerNames, []string{"health", "temps/rack-1", "disk", "watchdog", "metrics", "warmup"}},
		{"pollers by errors reversed", []string{"3", "s", "s", "s", "s", "S"}, "[sort: ERRORS ↓]", pollerNames, []string{"health", "disk", "metrics", "temps/rack-1", "warmup", "watchdog"}},
		{"events newest first", []string{"4"}, "[sort: TIME ↓]", eventTasks, []string{"t4", "t10", "t9", "t7", "t8", "t12", "t15", ""}},
		{"events by level", []string{"4", "s"}, "[sort: LEVEL ↑]", eventTasks, []string{"t7", "t8", "t12", "t15", "t9", "t4", "t10", ""}},
		{"events by task", []string{"4", "s", "s"}, "[sort: TASK ↑]", eventTasks, []string{"", "t4", "t7", "t8", "t9", "t10", "t12", "t15"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys(tt.keys...)
				if got := tt.first(h); !slices.Equal(got, tt.want) {
					t.Errorf("rows %q, want %q", got, tt.want)
				}
				if !strings.Contains(h.screen(), tt.title) {
					t.Errorf("screen lacks %q:\n%s", tt.title, h.screen())
				}
			})
		})
	}
}

func poolNames(h *harness) []string {
	var out []string
	for _, p := range h.m.pools.rows {
		out = append(out, p.Name)
	}
	return out
}

func pollerNames(h *harness) []string {
	var out []string
	for _, p := range h.m.pollers.rows {
		out = append(out, p.Name)
	}
	return out
}

func eventTasks(h *harness) []string {
	var out []string
	for _, r := range h.m.events.rows {
		out = append(out, string(r.ev.Task))
	}
	return out
}

// TestStatusFades: a message goes after a few seconds; an error that is still
// true (the source closed) stays.
func TestStatusFades(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("esc", "space", "esc") // "marks cleared"
		if got := h.m.status.Text(); got != "marks cleared" {
			t.Fatalf("status %q", got)
		}
		time.Sleep(2 * time.Second)
		h.send(clockMsg(time.Now()))
		if got := h.m.status.Text(); got != "marks cleared" {
			t.Errorf("after 2s the status is %q: gone too soon", got)
		}
		time.Sleep(5 * time.Second)
		h.send(clockMsg(time.Now()))
		if got := h.m.status.Text(); got != "" {
			t.Errorf("after 7s the status is still %q", got)
		}
		h.src.shut()
		h.settle()
		time.Sleep(time.Minute)
		h.send(clockMsg(time.Now()))
		if got := h.m.status.Text(); !strings.Contains(got, "source closed") {
			t.Errorf("the source is still closed, but the status is %q", got)
		}
		_ = model.StateRunning
	})
}
