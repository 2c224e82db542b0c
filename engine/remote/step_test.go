package remote

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestRelativeCommandsPassThrough: an attached dashboard's relative commands
// (model.Command.Step) reach the engine as steps, so four quick presses of +
// make four steps there too, and the engine's bounds come back as its errors.
func TestRelativeCommandsPassThrough(t *testing.T) {
	e := newEngine(t)
	_, p, err := engine.ResolvePool(context.Background(), e, "io")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(engine.PoolConfig{MaxWorkers: 8}); err != nil {
		t.Fatal(err)
	}
	pl := e.NewPoller("disk", time.Second, func(context.Context) (any, error) { return nil, nil })
	c := dialT(t, listenT(t, e, shortSocket(t)))
	ctx := context.Background()
	for range 4 {
		if err := c.Apply(ctx, model.Command{Op: model.OpResize, Pool: "io", Step: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.Stats().MaxWorkers; got != 12 {
		t.Errorf("MaxWorkers %d after four +1 from 8, want 12", got)
	}
	for range 3 {
		if err := c.Apply(ctx, model.Command{Op: model.OpSetPeriod, Poller: "disk", Step: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if got := pl.Stats().Period; got != 8*time.Second {
		t.Errorf("period %s after three ×2 from 1s, want 8s", got)
	}
	err = c.Apply(ctx, model.Command{Op: model.OpResize, Pool: "io", Step: -12})
	if !errors.Is(err, engine.ErrPoolSize) {
		t.Errorf("shrinking below one worker: %v, want ErrPoolSize", err)
	}
}
