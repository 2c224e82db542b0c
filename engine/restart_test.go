//go:build linux || darwin || freebsd

package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// Restart policies run real children, so backoffs are milliseconds long.

func TestRestartPolicyUntilFatal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		script string
		policy engine.RestartPolicy
		final  string // what each run ends as, in the backoff event
	}{
		{"on-failure", `exit 1`, engine.RestartOnFailure, "failed"},
		{"always restarts a clean exit", `exit 0`, engine.RestartAlways, "done"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := engine.New()
			defer closeEngine(t, e)
			m := e.NewManager("procs", 1)
			_ = m.Watch()
			spec := sh(tt.script)
			spec.Restart = tt.policy
			spec.Backoff = engine.Backoff{Initial: 20 * time.Millisecond, Max: time.Second, Jitter: -1} // exact delays
			spec.MaxRestarts = 3
			id := mustAppendProcess(t, m, "crashy", spec)
			got := untilState(t, e, id, model.StateFatal)
			if got.Restarts != 3 {
				t.Errorf("restarts %d, want 3", got.Restarts)
			}
			s := e.Snapshot()
			for i, delay := range []string{"20ms", "40ms", "80ms"} {
				want := fmt.Sprintf(`%s "crashy" %s; restarting in %s (restart %d of 3 within 1m0s)`, id, tt.final, delay, i+1)
				if !hasEvent(s, model.LevelInfo, want) {
					t.Errorf("no event %q", want)
				}
			}
			fatal := fmt.Sprintf(`%s "crashy" fatal: %s after 3 restarts within 1m0s; not restarting`, id, tt.final)
			if !hasEvent(s, model.LevelError, fatal) {
				t.Errorf("no event %q in %v", fatal, s.Events)
			}
			if mgr := s.Managers[0]; mgr.Running != 0 || mgr.Counts[model.StateFatal] != 1 || s.Counts.Total() != 1 {
				t.Errorf("manager %+v counts %v", mgr, s.Counts)
			}
		})
	}
}

func TestRestartBackoffShown(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("procs", 1)
	_ = m.Watch()
	spec := sh(`exit 1`)
	spec.Restart = engine.RestartOnFailure
	spec.Backoff = engine.Backoff{Initial: time.Hour}
	id := mustAppendProcess(t, m, "slow", spec)
	before := time.Now()
	got := untilState(t, e, id, model.StateBackoff)
	if got.Retry.Before(before.Add(47*time.Minute)) || got.Error != "exit status 1" || got.PID != 0 {
		t.Fatalf("in backoff: retry %v error %q pid %d", got.Retry, got.Error, got.PID)
	}
	if mgr := e.Snapshot().Managers[0]; mgr.Running != 0 {
		t.Fatalf("a task in backoff holds a slot: %+v", mgr)
	}

	// The user's restart cuts the backoff short; it fails again and backs off.
	if err := apply(e, model.OpRestart, id); err != nil {
		t.Fatal(err)
	}
	eventually(t, "second backoff", func() bool {
		got = findTask(e, id)
		return got.State == model.StateBackoff && got.Restarts == 1
	})

	// Halt of a task in backoff: halted, no restart.
	if err := apply(e, model.OpHalt, id); err != nil {
		t.Fatal(err)
	}
	if got := findTask(e, id); got.State != model.StateHalted || !got.Retry.IsZero() {
		t.Fatalf("after halt in backoff: %s retry %v", got.State, got.Retry)
	}
}

func TestRestartNotAfterUserStop(t *testing.T) {
	t.Parallel()
	for _, op := range []model.Op{model.OpHalt, model.OpKill} {
		for _, policy := range []engine.RestartPolicy{engine.RestartOnFailure, engine.RestartAlways} {
			t.Run(string(op)+" "+policy.String(), func(t *testing.T) {
				t.Parallel()
				e := engine.New()
				defer closeEngine(t, e)
				spec := sh(`echo ready; exec sleep 1000`)
				spec.Restart = policy
				spec.Backoff = engine.Backoff{Initial: time.Millisecond}
				task := startedProcess(t, e, spec)
				if err := apply(e, op, task.ID); err != nil {
					t.Fatal(err)
				}
				want := model.StateHalted
				if op == model.OpKill {
					want = model.StateKilled
				}
				untilState(t, e, task.ID, want)
				time.Sleep(20 * time.Millisecond) // a restart would be due by now
				if got := findTask(e, task.ID); got.State != want || got.Restarts != 0 {
					t.Fatalf("after %s: %s, %d restarts", op, got.State, got.Restarts)
				}
			})
		}
	}
}

func TestRestartFatalByHandResetsTheWindow(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("procs", 1)
	_ = m.Watch()
	spec := sh(`exit 1`)
	spec.Restart = engine.RestartOnFailure
	spec.Backoff = engine.Backoff{Initial: time.Millisecond, Max: time.Millisecond}
	spec.MaxRestarts = 1
	id := mustAppendProcess(t, m, "crashy", spec)
	untilState(t, e, id, model.StateFatal)
	if err := apply(e, model.OpRestart, id); err != nil {
		t.Fatal(err)
	}
	// A fresh window: one more restart by the policy before it is fatal again.
	eventually(t, "fatal again", func() bool {
		got := findTask(e, id)
		return got.State == model.StateFatal && got.Restarts == 3
	})
}

func TestRestartCancelledByHaltAllAndClose(t *testing.T) {
	t.Parallel()
	e := engine.New()
	m := e.NewManager("procs", 2)
	_ = m.Watch()
	spec := sh(`exit 1`)
	spec.Restart = engine.RestartOnFailure
	spec.Backoff = engine.Backoff{Initial: time.Hour}
	a := mustAppendProcess(t, m, "a", spec)
	b := mustAppendProcess(t, m, "b", spec)
	untilState(t, e, a, model.StateBackoff)
	untilState(t, e, b, model.StateBackoff)
	if err := e.Apply(context.Background(), model.Command{Op: model.OpHaltAll}); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, e, a); got != model.StateHalted {
		t.Fatalf("after halt all: %s", got)
	}
	if err := m.Watch(); err != nil {
		t.Fatal(err)
	}
	if err := apply(e, model.OpRestart, b); err != nil {
		t.Fatal(err)
	}
	untilState(t, e, b, model.StateBackoff)
	closeEngine(t, e) // stops the pending timer: goleak and the state say so
	if got := findTask(e, b); got.State != model.StateHalted {
		t.Fatalf("after close: %s", got.State)
	}
}

func TestRestartPolicyNames(t *testing.T) {
	for _, p := range []engine.RestartPolicy{engine.RestartNever, engine.RestartOnFailure, engine.RestartAlways} {
		got, err := engine.ParseRestartPolicy(p.String())
		if err != nil || got != p {
			t.Errorf("ParseRestartPolicy(%q) = %v, %v", p, got, err)
		}
	}
	if _, err := engine.ParseRestartPolicy("sometimes"); !errors.Is(err, engine.ErrBadRestartPolicy) ||
		!strings.Contains(err.Error(), `"sometimes"`) {
		t.Errorf("bad policy: %v", err)
	}
}
