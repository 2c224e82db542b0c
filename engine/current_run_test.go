package engine_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestRestartedTaskShowsTheNewRun: a finished task restarted into a full
// manager is queued again; its times and error are the new run's (none yet),
// not the last run's, and it says since when it waits.
func TestRestartedTaskShowsTheNewRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("jobs", 1)
		failing := mustAppend(t, m, "flaky", returns(errors.New("boom")))
		if err := m.Run(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		time.Sleep(10 * time.Second)
		release := make(chan struct{})
		defer close(release)
		mustAppend(t, m, "web", stubborn(release))
		if err := m.Run(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		time.Sleep(5 * time.Second)
		restartedAt := time.Now()
		if err := apply(e, model.OpRestart, failing); err != nil {
			t.Fatal(err)
		}
		got := taskOf(t, e, failing)
		if got.State != model.StateQueued {
			t.Fatalf("state %s, want queued behind web", got.State)
		}
		if !got.Started.IsZero() || !got.Ended.IsZero() || got.Error != "" {
			t.Errorf("a queued restart shows the last run: started %v, ended %v, error %q", got.Started, got.Ended, got.Error)
		}
		if !got.Queued.Equal(restartedAt) {
			t.Errorf("queued at %v, want the restart's time %v", got.Queued, restartedAt)
		}
	})
}

// TestRestartedPoolWorkShowsTheNewRun: the same for pool work, whose queue
// entries are futures.
func TestRestartedPoolWorkShowsTheNewRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
		ctx := context.Background()
		failing := mustSubmit(t, ctx, p, "io", returns(errors.New("boom")))
		synctest.Wait()
		gate := make(chan struct{})
		defer close(gate)
		mustSubmit(t, ctx, p, "io", gated(gate))
		synctest.Wait()
		time.Sleep(5 * time.Second)
		restartedAt := time.Now()
		if err := apply(e, model.OpRestart, failing.ID()); err != nil {
			t.Fatal(err)
		}
		got := taskOf(t, e, failing.ID())
		if got.State != model.StateQueued || !got.Started.IsZero() || got.Error != "" || !got.Queued.Equal(restartedAt) {
			t.Errorf("requeued pool work: state %s, started %v, error %q, queued %v (want queued, none, none, %v)",
				got.State, got.Started, got.Error, got.Queued, restartedAt)
		}
	})
}
