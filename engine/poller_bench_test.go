package engine_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// BenchmarkSnapshotPollers measures what 1000 pollers add to a snapshot (the
// dashboard's budget counts 1k pollers): their stats are kept incrementally, so
// a snapshot copies counters and shares the bounded histories.
func BenchmarkSnapshotPollers(b *testing.B) {
	e := engine.New()
	defer closeForBench(b, e)
	for i := range 1000 {
		p := e.NewPoller("p"+strconv.Itoa(i), 10*time.Millisecond, func(context.Context) (any, error) { return i, nil })
		if err := p.Start(); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(700 * time.Millisecond) // full histories
	e.PauseAllPollers()                // a still picture: the benchmark measures the copy alone
	b.ReportAllocs()
	for b.Loop() {
		if s := e.Snapshot(); len(s.Pollers) != 1000 {
			b.Fatalf("%d pollers", len(s.Pollers))
		}
	}
}

// BenchmarkPollerStats measures one Stats call on a poller with full histories.
func BenchmarkPollerStats(b *testing.B) {
	e := engine.New()
	defer closeForBench(b, e)
	p := e.NewPoller("p", time.Millisecond, func(context.Context) (any, error) { return nil, nil })
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Stats()
	}
}
