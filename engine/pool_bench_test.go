package engine

import (
	"context"
	"testing"
)

// BenchmarkPoolSubmitQueued is the submitter's cost alone: Submit into a
// paused pool (ns/op is per Submit).
func BenchmarkPoolSubmitQueued(b *testing.B) {
	e := New()
	defer e.Close(context.Background())
	_, p, err := ResolvePool(context.Background(), e, "bench")
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(PoolConfig{MaxWorkers: 1, TaskType: "noop"}); err != nil {
		b.Fatal(err)
	}
	p.Pause()
	fn := func(context.Context) error { return nil }
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Submit(ctx, "noop", fn); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	p.Stop(false)
}

// BenchmarkPoolWorkerPath is one worker's cost alone: b.N no-op tasks queued
// in a paused pool of one worker, then run (ns/op is per task run).
func BenchmarkPoolWorkerPath(b *testing.B) {
	e := New()
	defer e.Close(context.Background())
	_, p, err := ResolvePool(context.Background(), e, "bench")
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(PoolConfig{MaxWorkers: 1, TaskType: "noop"}); err != nil {
		b.Fatal(err)
	}
	p.Pause()
	fn := func(context.Context) error { return nil }
	ctx := context.Background()
	for range b.N {
		if _, err := p.Submit(ctx, "noop", fn); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	p.Resume()
	p.Stop(true)
}
