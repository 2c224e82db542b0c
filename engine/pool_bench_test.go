package engine

import (
	"context"
	"testing"
)

// pausedBenchPool returns a started, paused pool of one worker that takes
// work of type "noop", and a no-op function to submit to it.
func pausedBenchPool(b *testing.B) (*Pool, Func) {
	e := New()
	b.Cleanup(func() { e.Close(context.Background()) })
	_, p, err := ResolvePool(context.Background(), e, "bench")
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(PoolConfig{MaxWorkers: 1, TaskType: "noop"}); err != nil {
		b.Fatal(err)
	}
	if err := p.Pause(); err != nil {
		b.Fatal(err)
	}
	return p, func(context.Context) error { return nil }
}

// BenchmarkPoolSubmitQueued is the submitter's cost alone: Submit into a
// paused pool (ns/op is per Submit). The backlog grows with b.N, so the
// collector's share grows with it.
func BenchmarkPoolSubmitQueued(b *testing.B) {
	p, fn := pausedBenchPool(b)
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
	p, fn := pausedBenchPool(b)
	ctx := context.Background()
	for range b.N {
		if _, err := p.Submit(ctx, "noop", fn); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := p.Resume(); err != nil {
		b.Fatal(err)
	}
	p.Stop(true)
}
