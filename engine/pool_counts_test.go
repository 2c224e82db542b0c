package engine_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestPoolCountsHaltedWorkApart: work halted or killed (running or queued) is
// not a failure; Failed counts only work that returned an error.
func TestPoolCountsHaltedWorkApart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 2})
		ctx := context.Background()
		gate := make(chan struct{})
		halted := mustSubmit(t, ctx, p, "io", gated(gate))
		killed := mustSubmit(t, ctx, p, "io", gated(gate))
		queued := mustSubmit(t, ctx, p, "io", gated(gate))
		synctest.Wait()
		for _, c := range []model.Command{
			{Op: model.OpHalt, Target: halted.ID()},
			{Op: model.OpKill, Target: killed.ID()},
		} {
			if err := e.Apply(ctx, c); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
		}
		synctest.Wait()
		if err := e.Apply(ctx, model.Command{Op: model.OpHalt, Target: queued.ID()}); err != nil {
			t.Fatalf("halt the queued one: %v", err)
		}
		failing := mustSubmit(t, ctx, p, "io", func(context.Context) error { return errors.New("boom") })
		synctest.Wait()
		for _, f := range []*engine.Future{halted, killed, queued, failing} {
			if err := f.Wait(ctx); err == nil {
				t.Errorf("%s ended without an error", f.ID())
			}
		}
		s := p.Stats()
		if s.Failed != 1 || s.Halted != 3 || s.Done != 0 {
			t.Errorf("done %d, failed %d, halted %d; want 0, 1 (the error), 3 (halt, kill, halted queued)", s.Done, s.Failed, s.Halted)
		}
		if n := e.Snapshot().Counts; n[model.StateFailed] != 1 {
			t.Errorf("the engine counts %d failed, want 1", n[model.StateFailed])
		}
	})
}
