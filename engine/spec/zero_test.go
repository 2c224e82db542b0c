package spec

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestZeroMeansZero: a zero the file writes reaches the engine as zero (its
// "none"), never as the engine's default.
func TestZeroMeansZero(t *testing.T) {
	f := mustParse(t, "z.yaml", `
managers:
  m:
    tasks:
      - {name: a, command: [x], max_restarts: 0, stop_grace: 0s, backoff: {initial: 0s, max: 0s}}
      - {name: b, command: [x]}
`)
	zero, dflt := ProcessSpec(&f.Managers[0].Tasks[0]), ProcessSpec(&f.Managers[0].Tasks[1])
	if zero.MaxRestarts >= 0 || zero.StopGrace >= 0 || zero.Backoff.Initial >= 0 || zero.Backoff.Max >= 0 {
		t.Errorf("zeros reach the engine as %+v, want negative (none)", zero)
	}
	if dflt.MaxRestarts != DefaultMaxRestarts || dflt.StopGrace != DefaultStopGrace || dflt.Backoff.Initial != DefaultBackoffInit {
		t.Errorf("defaults reach the engine as %+v", dflt)
	}
}

// TestZeroRefusedSaysWhy: a zero that cannot mean zero is refused with the
// reason.
func TestZeroRefusedSaysWhy(t *testing.T) {
	tests := []struct{ src, msg string }{
		{"managers:\n  m: {limit: 0}\n", "limit must be at least 1, got 0: a manager with limit 0 would never start a task"},
		{"pools:\n  p: {max_workers: 0}\n", "max_workers must be at least 1, got 0: a pool with no workers would never run a task"},
		{"pollers:\n  p: {period: 1s, concurrency: 0, command: [x]}\n", "concurrency must be at least 1, got 0: a poller with concurrency 0 would never run"},
		{"managers:\n  m:\n    tasks: [{name: a, command: [x], restart_window: 0s}]\n", "restart_window must be more than 0: max_restarts counts the restarts within it"},
	}
	for _, tc := range tests {
		_, err := Parse("z.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Parse(%q) = %v, want %q", tc.src, err, tc.msg)
		}
	}
}

// TestZeroInTheEngine: max_restarts: 0 runs once, then is fatal (it ran 6
// times); stop_grace: 0s sends SIGKILL right after the stop signal (it waited
// 5 s).
func TestZeroInTheEngine(t *testing.T) {
	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	defer e.Close(context.Background())
	f := mustParse(t, "z.yaml", `
managers:
  m:
    limit: 2
    tasks:
      - {name: once, command: [sh, -c, "exit 1"], restart: on-failure, max_restarts: 0, backoff: {initial: 0s}}
      - {name: nograce, command: [sh, -c, "trap '' TERM; exec sleep 7401"], stop_grace: 0s}
`)
	sup := NewSupervisor(e)
	if _, err := sup.Apply(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, e, "once fatal, nograce running", func(s model.Snapshot) bool {
		var once, nograce bool
		for _, task := range s.Tasks {
			once = once || (task.Name == "once" && task.State == model.StateFatal)
			nograce = nograce || (task.Name == "nograce" && task.PID != 0)
		}
		return once && nograce
	})
	for _, task := range s.Tasks {
		if task.Name == "once" && task.Restarts != 0 {
			t.Errorf("once restarted %d times with max_restarts: 0", task.Restarts)
		}
	}
	id := taskRows(s)["nograce"].ID
	if err := e.Apply(context.Background(), model.Command{Op: model.OpHalt, Target: id}); err != nil {
		t.Fatal(err)
	}
	s = waitFor(t, e, "nograce halted", func(s model.Snapshot) bool { return taskRows(s)["nograce"].PID == 0 })
	for _, task := range s.Tasks {
		if task.Name != "nograce" {
			continue
		}
		found := false
		for _, l := range task.Log {
			found = found || strings.Contains(l.Text, "SIGKILL in 0s")
		}
		if !found {
			t.Errorf("nograce log %v, want SIGKILL in 0s", task.Log)
		}
	}
}
