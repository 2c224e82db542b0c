package ui

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// poolBackoffSnapshot is what the engine publishes for pool work under a
// restart policy (engine.WithRestart on Submit): one run in backoff, with its
// retry time and restarts, and one that gave up, beside the pool's live work.
func poolBackoffSnapshot() model.Snapshot {
	tasks := []model.Task{
		{ID: "t1a", Name: "fetch feed", Group: "io", Type: "io", State: model.StateRunning,
			Created: ago(time.Minute), Started: ago(10 * time.Second)},
		{ID: "t1b", Name: "fetch upstream", Group: "io", Type: "io", State: model.StateBackoff,
			Created: ago(time.Minute), Started: ago(4 * time.Second), Ended: ago(3 * time.Second), Restarts: 2,
			Error: "dial tcp 10.0.0.7:443: connection refused", Retry: fixtureNow.Add(1500 * time.Millisecond)},
		{ID: "t1c", Name: "fetch mirror", Group: "io", Type: "io", State: model.StateFatal,
			Created: ago(5 * time.Minute), Started: ago(2 * time.Minute), Ended: ago(2 * time.Minute), Restarts: 5,
			Error: "503 Service Unavailable"},
	}
	var counts model.StateCounts
	for _, t := range tasks {
		counts[t.State]++
	}
	return model.Snapshot{Seq: 1, Time: fixtureNow, Counts: counts, Tasks: tasks,
		Pools: []model.Pool{{Name: "io", Type: "io", State: model.PoolRunning, MaxWorkers: 2, Busy: 1, Submitted: 3}}}
}

// TestWorkersShowPoolWorkInBackoff: pool work in backoff reads in Workers and
// its detail pane as a process or a manager's goroutine task in backoff does:
// its state, RESTARTS, the error with the countdown, the retry time; and a
// fatal one says it gave up.
func TestWorkersShowPoolWorkInBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(poolBackoffSnapshot())
		scr := h.screen()
		var row, fatal string
		for _, l := range strings.Split(scr, "\n") {
			switch {
			case strings.Contains(l, "fetch upstream"):
				row = l
			case strings.Contains(l, "fetch mirror"):
				fatal = l
			}
		}
		for _, want := range []string{"t1b", "io", "backoff", "2", "dial tcp", "retry in 2s"} {
			if !strings.Contains(row, want) {
				t.Errorf("Workers row of pool work in backoff lacks %q: %q", want, row)
			}
		}
		for _, want := range []string{"fatal", "5", "gave up"} {
			if !strings.Contains(fatal, want) {
				t.Errorf("Workers row of fatal pool work lacks %q: %q", want, fatal)
			}
		}
		h.selectID("t1b")
		h.keys("enter")
		scr = h.screen()
		for _, want := range []string{"Kind      goroutine", "Retry     in 2s (at 12:00:01.500)", "Restarts  2"} {
			if !strings.Contains(scr, want) {
				t.Errorf("detail of pool work in backoff lacks %q", want)
			}
		}
		if testing.Verbose() {
			t.Log("\n" + scr)
		}
	})
}
