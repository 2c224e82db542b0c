package ui

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// waitingSnapshot has a queued task behind each reason there is to wait: a
// manager's limit reached by a server that never ends, a manager that is not
// watching, a paused pool, a pool whose workers are all busy.
func waitingSnapshot() model.Snapshot {
	tasks := []model.Task{
		{ID: "t1", Name: "web", Group: "stack", Kind: model.KindProcess, State: model.StateRunning, Created: ago(time.Hour), Started: ago(time.Hour), Restarts: 4},
		{ID: "t2", Name: "worker", Group: "stack", Kind: model.KindProcess, State: model.StateQueued, Created: ago(time.Hour)},
		{ID: "t3", Name: "report", Group: "batch", State: model.StateQueued, Created: ago(time.Minute)},
		{ID: "t4", Name: "sync", Group: "io", Type: "io", State: model.StateQueued, Created: ago(time.Minute)},
		{ID: "t5", Name: "thumb 1", Group: "render", Type: "image", State: model.StateRunning, Created: ago(time.Minute), Started: ago(time.Minute)},
		{ID: "t6", Name: "thumb 2", Group: "render", Type: "image", State: model.StateRunning, Created: ago(time.Minute), Started: ago(time.Minute)},
		{ID: "t7", Name: "thumb 3", Group: "render", Type: "image", State: model.StateQueued, Created: ago(time.Minute)},
		{ID: "t8", Name: "call 3", Group: "device", State: model.StateRunning, Created: ago(time.Minute), Started: ago(time.Second)},
		{ID: "t9", Name: "call 4", Group: "device", State: model.StateQueued, Created: ago(time.Minute)},
	}
	var counts model.StateCounts
	for _, t := range tasks {
		counts[t.State]++
	}
	return model.Snapshot{Seq: 2, Time: fixtureNow, Source: "spindle.yaml", Counts: counts, Tasks: tasks,
		Managers: []model.Manager{
			{Name: "batch", Limit: 2, Queued: 1},
			{Name: "device", Limit: 1, Watching: true, Running: 1, Queued: 1, Serial: true},
			{Name: "stack", Limit: 1, Watching: true, Running: 1, Queued: 1},
		},
		Pools: []model.Pool{
			{Name: "io", Type: "io", State: model.PoolPaused, MaxWorkers: 2, Queued: 1},
			{Name: "render", Type: "image", State: model.PoolRunning, MaxWorkers: 2, Busy: 2, Queued: 1},
		},
	}
}

// TestWhyQueued: the row and the detail pane of a queued task say what it
// waits for.
func TestWhyQueued(t *testing.T) {
	tests := []struct {
		id, row, detail string
	}{
		{"t2", "waiting: limit 1/1 reached by web", "limit 1/1 reached by t1 \"web\""},
		{"t3", "waiting: batch is not watching (R runs it)", "manager batch is not watching: R runs its queue"},
		{"t4", "waiting: pool io is paused", "pool io is paused: p in Pools resumes it"},
		{"t7", "waiting: 2/2 workers busy", "all 2 workers of pool render are busy"},
		{"t9", "waiting: in order, behind call 3", "serial queue device: one call at a time, in order; it runs after t8 \"call 3\" and those queued before it"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.publish(waitingSnapshot())
				lines := strings.Split(h.screen(), "\n")
				i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, " "+tt.id+" ") })
				if i < 0 || !strings.Contains(lines[i], tt.row) {
					t.Errorf("row of %s does not say %q:\n%s", tt.id, tt.row, h.screen())
				}
				h.selectID(modelID(tt.id))
				h.keys("enter")
				if scr := h.screen(); !strings.Contains(scr, "Waiting") || !strings.Contains(scr, tt.detail) {
					t.Errorf("detail of %s does not say %q:\n%s", tt.id, tt.detail, scr)
				}
			})
		})
	}
}
