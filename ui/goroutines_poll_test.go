package ui

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// TestGoroutinesSampleCadence: the source is asked every second while the
// Goroutines view or a detail pane is open, every workersGoroutinesEvery while
// only Workers (its GOROUTINES column) is, and never when Workers lists no
// goroutine task that can have goroutines, nor in the other views.
func TestGoroutinesSampleCadence(t *testing.T) {
	processesOnly := func() model.Snapshot {
		s := fixtureSnapshot()
		for i := range s.Tasks {
			s.Tasks[i].Kind = model.KindProcess
		}
		return s
	}
	tests := []struct {
		name  string
		snap  func() model.Snapshot
		keys  []string
		want  int // asks in 60 s
		often string
	}{
		{"Goroutines view", fixtureSnapshot, []string{"5"}, 60, "every second"},
		{"a detail pane", fixtureSnapshot, []string{"enter"}, 60, "every second"},
		{"Workers with goroutine tasks", fixtureSnapshot, nil, 4, "every 15 s"},
		{"Workers with processes only", processesOnly, nil, 0, "never"},
		{"Pools", fixtureSnapshot, []string{"2"}, 0, "never"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.src.gors = &model.Goroutines{Total: 1}
				h.publish(tt.snap())
				h.keys(tt.keys...)
				h.send(goroutinesTickMsg{}) // what Init starts, with the clock on
				for range 59 {
					time.Sleep(goroutinesEvery)
					h.settle()
				}
				h.src.mu.Lock()
				got := h.src.gorAsks
				h.src.mu.Unlock()
				if got != tt.want {
					t.Errorf("%d asks in 60 s, want %d (%s)", got, tt.want, tt.often)
				}
			})
		})
	}
}
