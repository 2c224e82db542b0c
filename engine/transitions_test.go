package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// arrange brings a task named "target" into a state and returns its id. release
// lets a stubborn task return at the end of the test.
type arrange func(t *testing.T, e *engine.Engine, release chan struct{}) model.TaskID

// started appends fn under "target" to a limit-1 manager and runs it.
func started(fn engine.Func) arrange {
	return func(t *testing.T, e *engine.Engine, _ chan struct{}) model.TaskID {
		m := e.NewManager("m", 1)
		id := mustAppend(t, m, "target", fn)
		if err := m.Run(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		return id
	}
}

var (
	inQueued = func(t *testing.T, e *engine.Engine, _ chan struct{}) model.TaskID {
		m := e.NewManager("m", 1)
		mustAppend(t, m, "first", untilHalted)
		if err := m.Run(); err != nil {
			t.Fatal(err)
		}
		return mustAppend(t, m, "target", untilHalted)
	}
	inRunning    = started(untilHalted)
	inRunningCkp = started(checkpointLoop)
	inPausing    = then(inRunning, model.OpPause)
	inPaused     = then(inRunningCkp, model.OpPause)
	inHalting    = func(t *testing.T, e *engine.Engine, release chan struct{}) model.TaskID {
		return then(started(stubborn(release)), model.OpHalt)(t, e, release)
	}
	inDone   = started(returns(nil))
	inFailed = started(returns(errors.New("boom")))
	inHalted = then(inRunning, model.OpHalt)
)

// then applies op after a and lets time pass so the task can react.
func then(a arrange, op model.Op) arrange {
	return func(t *testing.T, e *engine.Engine, release chan struct{}) model.TaskID {
		id := a(t, e, release)
		if err := apply(e, op, id); err != nil {
			t.Fatalf("arranging: %s: %v", op, err)
		}
		time.Sleep(5 * time.Millisecond)
		synctest.Wait()
		return id
	}
}

func TestTransitions(t *testing.T) {
	tests := []struct {
		name   string
		from   arrange
		op     model.Op
		reason string // "" = accepted; else the *TransitionError's text after `cannot op id "target": `
		want   model.State
	}{
		{"halt queued", inQueued, model.OpHalt, "", model.StateHalted},
		{"pause queued", inQueued, model.OpPause, "it is queued", model.StateQueued},
		{"resume queued", inQueued, model.OpResume, "it is queued, not paused", model.StateQueued},
		{"kill queued", inQueued, model.OpKill, "it is queued", model.StateQueued},
		{"restart queued", inQueued, model.OpRestart, "it is queued", model.StateQueued},

		{"pause running without checkpoint", inRunning, model.OpPause, "", model.StatePausing},
		{"pause running reaches paused", inRunningCkp, model.OpPause, "", model.StatePaused},
		{"resume running", inRunning, model.OpResume, "it is running, not paused", model.StateRunning},
		{"halt running", inRunning, model.OpHalt, "", model.StateHalted},
		{"kill running", inRunning, model.OpKill, "", model.StateKilled},
		{"restart running", inRunning, model.OpRestart, "", model.StateRunning},

		{"resume pausing", inPausing, model.OpResume, "", model.StateRunning},
		{"pause pausing", inPausing, model.OpPause, "it is already pausing", model.StatePausing},
		{"halt pausing", inPausing, model.OpHalt, "", model.StateHalted},

		{"resume paused", inPaused, model.OpResume, "", model.StateRunning},
		{"pause paused", inPaused, model.OpPause, "it is already paused", model.StatePaused},
		{"halt paused", inPaused, model.OpHalt, "", model.StateHalted},
		{"kill paused", inPaused, model.OpKill, "", model.StateKilled},
		{"restart paused", inPaused, model.OpRestart, "", model.StateRunning},

		{"halt halting", inHalting, model.OpHalt, "it is already halting", model.StateHalting},
		{"pause halting", inHalting, model.OpPause, "it is halting", model.StateHalting},
		{"resume halting", inHalting, model.OpResume, "it is halting, not paused", model.StateHalting},

		{"pause done", inDone, model.OpPause, "it is done", model.StateDone},
		{"halt done", inDone, model.OpHalt, "it is done", model.StateDone},
		{"kill done", inDone, model.OpKill, "it is done", model.StateDone},
		{"resume done", inDone, model.OpResume, "it is done", model.StateDone},
		{"restart done", inDone, model.OpRestart, "", model.StateDone},
		{"restart failed", inFailed, model.OpRestart, "", model.StateFailed},
		{"halt halted", inHalted, model.OpHalt, "it is halted", model.StateHalted},
		{"restart halted", inHalted, model.OpRestart, "", model.StateRunning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				release := make(chan struct{})
				defer closeEngine(t, e)
				defer close(release)

				id := tt.from(t, e, release)
				err := apply(e, tt.op, id)
				if tt.reason == "" {
					if err != nil {
						t.Fatalf("%s: %v", tt.op, err)
					}
				} else {
					var te *engine.TransitionError
					if !errors.As(err, &te) || !errors.Is(err, engine.ErrBadTransition) {
						t.Fatalf("%s: got %v, want a *TransitionError", tt.op, err)
					}
					want := fmt.Sprintf("cannot %s %s %q: %s", tt.op, id, "target", tt.reason)
					if err.Error() != want {
						t.Fatalf("error %q, want %q", err, want)
					}
					if te.ID != id || te.Name != "target" || te.Op != tt.op {
						t.Fatalf("error fields %+v", te)
					}
				}
				time.Sleep(5 * time.Millisecond)
				synctest.Wait()
				if got := stateOf(t, e, id); got != tt.want {
					t.Fatalf("state %s, want %s", got, tt.want)
				}
			})
		})
	}
}

func TestKillAlreadyKilling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		release := make(chan struct{})
		defer closeEngine(t, e)
		defer close(release)
		id := started(stubborn(release))(t, e, release)
		if err := apply(e, model.OpKill, id); err != nil {
			t.Fatal(err)
		}
		err := apply(e, model.OpKill, id)
		want := fmt.Sprintf("cannot kill %s \"target\": it is already being killed", id)
		if !errors.Is(err, engine.ErrBadTransition) || err.Error() != want {
			t.Fatalf("second kill: %v, want %q", err, want)
		}
	})
}

func TestRestartCountsAndReruns(t *testing.T) {
	tests := []struct {
		name string
		from arrange
	}{
		{"live task reruns in its slot", inRunning},
		{"finished task reruns from the queue head", inDone},
		{"halted queued task goes back to the queue", then(inQueued, model.OpHalt)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				id := tt.from(t, e, nil)
				before := e.Snapshot()
				if err := apply(e, model.OpRestart, id); err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				task := taskOf(t, e, id)
				if task.Restarts != 1 {
					t.Fatalf("Restarts = %d, want 1", task.Restarts)
				}
				after := e.Snapshot()
				total := func(s model.Snapshot) int { return s.Counts.Total() }
				if total(after) != total(before) {
					t.Fatalf("counts total changed %d -> %d", total(before), total(after))
				}
				if !hasEvent(after, model.LevelInfo, "restart "+string(id)+` "target"`) {
					t.Fatalf("no restart command event in %+v", after.Events)
				}
			})
		})
	}
}

func TestRestartOfFinishedStartsEvenWhenNotWatching(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("m", 1)
		runs := 0
		id := mustAppend(t, m, "target", func(ctx context.Context) error { runs++; return nil })
		_ = m.Run()
		synctest.Wait()
		blocker := mustAppend(t, m, "queued", untilHalted) // stays queued: not watching
		if err := apply(e, model.OpRestart, id); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if runs != 2 {
			t.Fatalf("runs = %d, want 2", runs)
		}
		if got := stateOf(t, e, blocker); got != model.StateQueued {
			t.Fatalf("other task %s, want queued", got)
		}
		if st := m.Stats(); st.Queued != 1 || st.Running != 0 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestHaltMessageNamesNotPaused(t *testing.T) {
	err := &engine.TransitionError{ID: "t3", Name: "fetch page 7", Op: model.OpResume, State: model.StateRunning}
	if got, want := err.Error(), `cannot resume t3 "fetch page 7": it is running, not paused`; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
	err = &engine.TransitionError{ID: "t4", Name: "vet", Op: model.OpPause, State: model.StateDone}
	if got, want := err.Error(), `cannot pause t4 "vet": it is done`; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
	if !strings.Contains(err.Error(), "vet") || !errors.Is(err, engine.ErrBadTransition) {
		t.Fatal("not ErrBadTransition")
	}
}
