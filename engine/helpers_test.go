package engine_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
	"github.com/spindle-tui/spindle/ui"
)

// *Engine is what the dashboard reads (engine itself must not import ui).
var _ ui.Source = (*engine.Engine)(nil)

func TestMain(m *testing.M) {
	// lumberjack v2.2.1 starts a goroutine per log file that nothing ends
	// (its millRun; see logs_disk.go).
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun"))
}

// closeEngine closes e and fails the test if anything did not stop.
func closeEngine(t *testing.T, e *engine.Engine) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// untilHalted blocks until its context is done. It never reaches a Checkpoint, so
// a pause of it stays pausing.
func untilHalted(ctx context.Context) error {
	<-ctx.Done()
	return engine.ErrHalted
}

// checkpointLoop does "work" in 1ms steps with a Checkpoint between them.
func checkpointLoop(ctx context.Context) error {
	for {
		if err := engine.Checkpoint(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Millisecond):
		}
	}
}

// stubborn ignores its context and returns only when release is closed.
func stubborn(release <-chan struct{}) engine.Func {
	return func(context.Context) error {
		<-release
		return nil
	}
}

func returns(err error) engine.Func {
	return func(context.Context) error { return err }
}

// taskOf returns the task with id from a fresh snapshot.
func taskOf(t *testing.T, e *engine.Engine, id model.TaskID) model.Task {
	t.Helper()
	for _, task := range e.Snapshot().Tasks {
		if task.ID == id {
			return task
		}
	}
	t.Fatalf("task %s not in snapshot", id)
	return model.Task{}
}

// stateOf returns the state of task id.
func stateOf(t *testing.T, e *engine.Engine, id model.TaskID) model.State {
	t.Helper()
	return taskOf(t, e, id).State
}

// mustAppend appends fn to m and fails the test on error.
func mustAppend(t *testing.T, m *engine.Manager, name string, fn engine.Func) model.TaskID {
	t.Helper()
	id, err := m.Append(name, fn)
	if err != nil {
		t.Fatalf("Append(%q): %v", name, err)
	}
	return id
}

// apply sends op on id.
func apply(e *engine.Engine, op model.Op, id model.TaskID) error {
	return e.Apply(context.Background(), model.Command{Op: op, Target: id})
}

// hasEvent reports whether a snapshot's events contain one at level whose text
// is text.
func hasEvent(s model.Snapshot, level model.Level, text string) bool {
	for _, ev := range s.Events {
		if ev.Level == level && ev.Text == text {
			return true
		}
	}
	return false
}
