package engine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestRestartNone: MaxRestarts < 0 allows no restart: the first failure is
// fatal (a zero used to mean 5 and gave 6 runs).
func TestRestartNone(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("procs", 1)
	_ = m.Watch()
	spec := sh(`exit 1`)
	spec.Restart = engine.RestartOnFailure
	spec.Backoff = engine.Backoff{Initial: time.Millisecond}
	spec.MaxRestarts = -1
	id := mustAppendProcess(t, m, "once", spec)
	if got := untilState(t, e, id, model.StateFatal); got.Restarts != 0 {
		t.Errorf("restarts %d, want 0", got.Restarts)
	}
	want := fmt.Sprintf(`%s "once" fatal: failed after 0 restarts within 1m0s; not restarting`, id)
	if s := e.Snapshot(); !hasEvent(s, model.LevelError, want) {
		t.Errorf("no event %q in %v", want, s.Events)
	}
}

// TestStopGraceNone: StopGrace < 0 sends SIGKILL right after the stop signal
// (a zero used to mean 5 s).
func TestStopGraceNone(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	spec := sh(`trap '' TERM; echo ready; exec sleep 1000`)
	spec.StopGrace = -1
	task := startedProcess(t, e, spec)
	if err := apply(e, model.OpHalt, task.ID); err != nil {
		t.Fatal(err)
	}
	got := untilState(t, e, task.ID, model.StateHalted)
	if logLine(got, "SIGKILL in 0s") == "" || got.Signal != "SIGKILL" {
		t.Errorf("signal %q, log %v: want SIGKILL at once", got.Signal, got.Log)
	}
}
