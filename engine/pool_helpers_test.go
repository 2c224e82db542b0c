package engine_test

import (
	"context"
	"testing"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// startPool resolves pool id at the root and starts it with cfg.
func startPool(t *testing.T, e *engine.Engine, id string, cfg engine.PoolConfig) *engine.Pool {
	t.Helper()
	_, p, err := engine.ResolvePool(context.Background(), e, id)
	if err != nil {
		t.Fatalf("ResolvePool(%q): %v", id, err)
	}
	if err := p.Start(cfg); err != nil {
		t.Fatalf("Start(%q): %v", id, err)
	}
	return p
}

// mustSubmit submits fn to p and fails the test on error.
func mustSubmit(t *testing.T, ctx context.Context, p *engine.Pool, typ string, fn engine.Func) *engine.Future {
	t.Helper()
	f, err := p.Submit(ctx, typ, fn)
	if err != nil {
		t.Fatalf("Submit(%q): %v", typ, err)
	}
	return f
}

// gated is pool work that runs until it takes a token from gate (or is halted).
func gated(gate <-chan struct{}) engine.Func {
	return func(ctx context.Context) error {
		select {
		case <-gate:
			return nil
		case <-ctx.Done():
			return engine.ErrHalted
		}
	}
}

// poolOf returns pool name from a fresh snapshot.
func poolOf(t *testing.T, e *engine.Engine, name string) model.Pool {
	t.Helper()
	for _, p := range e.Snapshot().Pools {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("pool %q not in snapshot", name)
	return model.Pool{}
}

// countEvents counts the events whose text starts with prefix.
func countEvents(s model.Snapshot, prefix string) int {
	n := 0
	for _, ev := range s.Events {
		if len(ev.Text) >= len(prefix) && ev.Text[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}
