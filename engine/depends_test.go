package engine_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// ready is a readiness check that passes once its channel is closed.
func readyWhen(ch <-chan struct{}) engine.Probe {
	return engine.Probe{Describe: "ready when closed", Period: 10 * time.Millisecond, Check: func(context.Context) error {
		select {
		case <-ch:
			return nil
		default:
			return errors.New("not yet")
		}
	}}
}

// TestDependsOnConditions drives a dependency through what it does and checks
// where its dependent ends up: running (the condition held), or waiting or
// blocked with the reason the row shows.
func TestDependsOnConditions(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name string
		cond engine.Condition
		opts []engine.TaskOption // the dependency's
		// dep is the dependency's function; go lets it go on (closed at the
		// step the case names).
		dep       func(ctx context.Context, step <-chan struct{}) error
		halt      bool // halt the dependency after the step
		want      model.State
		waitWhile string // the dependent's reason before the step
		reason    string // the dependent's reason at the end, if not running
	}{
		{name: "started holds once it runs", cond: engine.Started,
			dep: func(ctx context.Context, _ <-chan struct{}) error { return untilHalted(ctx) }, want: model.StateRunning},
		{name: "healthy without a probe is started", cond: engine.Healthy,
			dep: func(ctx context.Context, _ <-chan struct{}) error { return untilHalted(ctx) }, want: model.StateRunning},
		{name: "completed after a failure", cond: engine.Completed,
			dep:  func(_ context.Context, step <-chan struct{}) error { <-step; return boom },
			want: model.StateRunning, waitWhile: "waiting for db (completed)"},
		{name: "completed, but halted", cond: engine.Completed,
			dep:  func(ctx context.Context, _ <-chan struct{}) error { return untilHalted(ctx) },
			halt: true, want: model.StateBlocked, waitWhile: "waiting for db (completed)", reason: `blocked: db was halted`},
		{name: "completed_successfully after nil", cond: engine.CompletedSuccessfully,
			dep:  func(_ context.Context, step <-chan struct{}) error { <-step; return nil },
			want: model.StateRunning, waitWhile: "waiting for db (completed_successfully)"},
		{name: "completed_successfully, but failed", cond: engine.CompletedSuccessfully,
			dep:  func(_ context.Context, step <-chan struct{}) error { <-step; return boom },
			want: model.StateBlocked, reason: `blocked: db failed (boom)`},
		{name: "log_ready on a matching line", cond: engine.LogReady,
			opts: []engine.TaskOption{engine.ReadyLogLine(regexp.MustCompile(`listening on :\d+`))},
			dep: func(ctx context.Context, step <-chan struct{}) error {
				engine.Logf(ctx, "starting")
				<-step
				engine.Logf(ctx, "listening on :5432")
				return untilHalted(ctx)
			},
			want: model.StateRunning, waitWhile: "waiting for db (log_ready)"},
		{name: "log_ready, but it ended first", cond: engine.LogReady,
			opts: []engine.TaskOption{engine.ReadyLogLine(regexp.MustCompile(`listening`))},
			dep:  func(_ context.Context, step <-chan struct{}) error { <-step; return nil },
			want: model.StateBlocked, reason: `blocked: db completed before it was log ready`},
		{name: "healthy after the probe passes", cond: engine.Healthy,
			dep:  func(ctx context.Context, _ <-chan struct{}) error { return untilHalted(ctx) },
			want: model.StateRunning, waitWhile: "waiting for db (healthy)"},
		{name: "healthy, but it failed first", cond: engine.Healthy,
			dep:  func(_ context.Context, step <-chan struct{}) error { <-step; return boom },
			want: model.StateBlocked, reason: `blocked: db failed (boom) before it was healthy`},
		{name: "started, but disabled", cond: engine.Started, opts: []engine.TaskOption{engine.Disabled()},
			dep:  func(ctx context.Context, _ <-chan struct{}) error { return untilHalted(ctx) },
			want: model.StateBlocked, reason: `blocked: db is disabled`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				m := e.NewManager("stack", 4)
				if err := m.Watch(); err != nil {
					t.Fatal(err)
				}
				step, healthy := make(chan struct{}), make(chan struct{})
				opts := c.opts
				if strings.HasPrefix(c.name, "healthy after") || strings.HasPrefix(c.name, "healthy, but") {
					opts = append(opts, engine.Readiness(readyWhen(healthy)))
				}
				db, err := m.Append("db", func(ctx context.Context) error { return c.dep(ctx, step) }, opts...)
				if err != nil {
					t.Fatal(err)
				}
				api, err := m.Append("api", untilHalted, engine.DependsOn(db, c.cond))
				if err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				if c.waitWhile != "" {
					got := taskOf(t, e, api)
					if got.State != model.StateWaiting || got.Reason != c.waitWhile {
						t.Fatalf("before: api is %s %q, want waiting %q", got.State, got.Reason, c.waitWhile)
					}
				}
				close(step)
				if strings.HasPrefix(c.name, "healthy after") {
					close(healthy)
				}
				synctest.Wait()
				if c.halt {
					if err := apply(e, model.OpHalt, db); err != nil {
						t.Fatal(err)
					}
				}
				time.Sleep(50 * time.Millisecond) // a few probe periods
				synctest.Wait()
				got := taskOf(t, e, api)
				if got.State != c.want || (c.reason != "" && got.Reason != c.reason) {
					t.Fatalf("api is %s %q, want %s %q", got.State, got.Reason, c.want, c.reason)
				}
				if len(got.Deps) != 1 || got.Deps[0].ID != db || got.Deps[0].Condition != c.cond.String() {
					t.Fatalf("api's deps = %+v", got.Deps)
				}
			})
		})
	}
}

// TestBlockedUntilRestarted: a blocked dependent goes back to waiting, then
// runs, once what blocked it is restarted and holds.
func TestBlockedUntilRestarted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("stack", 4)
		_ = m.Watch()
		fail := true
		db, _ := m.Append("migrate", func(context.Context) error {
			if fail {
				return errors.New("no schema")
			}
			return nil
		})
		api, _ := m.Append("api", untilHalted, engine.DependsOn(db, engine.CompletedSuccessfully))
		synctest.Wait()
		if got := taskOf(t, e, api); got.State != model.StateBlocked || got.Reason != `blocked: migrate failed (no schema)` {
			t.Fatalf("api is %s %q", got.State, got.Reason)
		}
		fail = false
		if err := apply(e, model.OpRestart, db); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if got := stateOf(t, e, api); got != model.StateRunning {
			t.Fatalf("after the restart api is %s, want running", got)
		}
	})
}

// TestWaitingHoldsNoSlot: a waiting task is not in its manager's queue and
// takes no slot: with limit 1, the work queued behind it runs.
func TestWaitingHoldsNoSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		gate := e.NewManager("gate", 1)
		_ = gate.Watch()
		release := make(chan struct{})
		db, _ := gate.Append("db", func(context.Context) error { <-release; return nil })
		m := e.NewManager("work", 1)
		_ = m.Watch()
		api, _ := m.Append("api", untilHalted, engine.DependsOn(db, engine.Completed))
		other := mustAppend(t, m, "other", returns(nil))
		synctest.Wait()
		if got := stateOf(t, e, other); got != model.StateDone {
			t.Fatalf("other is %s, want done: a waiting task held the only slot", got)
		}
		st := e.Snapshot()
		if st.Counts[model.StateWaiting] != 1 || st.Managers[1].Queued != 0 {
			t.Fatalf("counts %v, queued %d", st.Counts, st.Managers[1].Queued)
		}
		close(release)
		synctest.Wait()
		if got := stateOf(t, e, api); got != model.StateRunning {
			t.Fatalf("api is %s", got)
		}
	})
}

// TestDependencyErrors: unknown ids and cycles are typed errors.
func TestDependencyErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("m", 2)
		_, err := m.Append("api", untilHalted, engine.DependsOn("t999", engine.Started))
		var de *engine.DependencyError
		if !errors.Is(err, engine.ErrUnknownDependency) || !errors.As(err, &de) || de.Task != "api" {
			t.Fatalf("unknown dependency: %v", err)
		}
		a := mustAppend(t, m, "a", untilHalted)
		b, err := m.Append("b", untilHalted, engine.DependsOn(a, engine.Started))
		if err != nil {
			t.Fatal(err)
		}
		err = m.RedefineProcess(a, engine.ProcessSpec{Command: []string{"true"}}, engine.DependsOn(b, engine.Started))
		if engine.ProcessesSupported {
			if !errors.Is(err, engine.ErrDependencyCycle) || !strings.Contains(err.Error(), "a → b → a") {
				t.Fatalf("cycle: %v", err)
			}
		}
		if _, err := engine.ParseCondition("ready"); !errors.Is(err, engine.ErrBadCondition) {
			t.Fatalf("ParseCondition: %v", err)
		}
	})
}
