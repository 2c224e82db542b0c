package ui

import (
	"strings"
	"testing"
	"testing/synctest"

	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/model"
)

func TestPlanRunWording(t *testing.T) {
	managers := []model.Manager{{Name: "crawl", Limit: 1, Queued: 0}}
	tests := []struct {
		task model.Task
		want string
	}{
		{model.Task{ID: "t4", Group: "render", Type: "image"}, "cannot run: render is a pool, not a manager (a pool starts its own work)"},
		{model.Task{ID: "t4", Group: "render"}, "cannot run: render is not a manager"},
		{model.Task{ID: "t3"}, "cannot run: t3 belongs to no manager"},
		{model.Task{ID: "t1", Group: "crawl"}, "cannot run crawl: nothing queued"},
	}
	for _, tt := range tests {
		if got := planRun([]*model.Task{&tt.task}, managers).reason; got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.task, got, tt.want)
		}
	}
}

// TestHeadersWhole: every Workers column title, with its sort arrow, reads
// in full at 160 columns.
func TestHeadersWhole(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(processSnapshot())
		h.send(tea.WindowSizeMsg{Width: 160, Height: 48})
		for range len(h.m.workers.cols) {
			head := strings.Split(h.screen(), "\n")[3]
			if strings.Contains(head, "…") {
				t.Errorf("sorted by %s, a title is cut: %q", h.m.workers.order.col, head)
			}
			h.keys("s")
		}
	})
}
