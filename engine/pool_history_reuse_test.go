package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestPoolHistorySlotReuse runs work that fails with a log, then plain
// successful work, through one worker whose history keeps one run: the slot
// the successful run reuses must not keep the error, stack or log of the
// failed one (the worker writes a slot field by field, skipping the ones
// that stay empty).
func TestPoolHistorySlotReuse(t *testing.T) {
	e := engine.New(engine.WithHistory(1))
	defer e.Close(context.Background())
	p := startPool(t, e, "reuse", engine.PoolConfig{MaxWorkers: 1})
	ctx := context.Background()
	bad := mustSubmit(t, ctx, p, "x", func(ctx context.Context) error {
		engine.Logf(ctx, "about to fail")
		return errors.New("boom")
	})
	if err := bad.Wait(ctx); err == nil {
		t.Fatal("failing work returned nil")
	}
	if got := taskOf(t, e, bad.ID()); got.Error == "" || len(got.Log) == 0 {
		t.Fatalf("failed run in history: error %q, %d log lines; want both", got.Error, len(got.Log))
	}
	good := mustSubmit(t, ctx, p, "x", func(context.Context) error { return nil })
	if err := good.Wait(ctx); err != nil {
		t.Fatalf("plain work returned %v", err)
	}
	got := taskOf(t, e, good.ID())
	if got.State != model.StateDone || got.Error != "" || got.Stack != "" || len(got.Log) != 0 {
		t.Fatalf("plain run in history: state %v, error %q, stack %q, %d log lines; want done and empty",
			got.State, got.Error, got.Stack, len(got.Log))
	}
	p.Stop(true)
}
