package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

func closeForBench(b *testing.B, e *engine.Engine) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := e.Close(ctx); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkHaltLatency measures the time from Apply(OpHalt) to the task's
// function returning. Budget: p50 under 20µs. ns/op includes appending and
// starting the task; the percentiles are the halt alone.
func BenchmarkHaltLatency(b *testing.B) {
	waits := map[string]func(ctx context.Context){
		"blocked-on-done": func(ctx context.Context) { <-ctx.Done() },
		"checkpoint-loop": func(ctx context.Context) {
			for engine.Checkpoint(ctx) == nil {
				runtime.Gosched()
			}
		},
	}
	for _, name := range []string{"blocked-on-done", "checkpoint-loop"} {
		wait := waits[name]
		b.Run(name, func(b *testing.B) {
			e := engine.New(engine.WithHistory(16))
			defer closeForBench(b, e)
			m := e.NewManager("bench", 1)
			_ = m.Watch()
			started := make(chan struct{}, 1)
			returned := make(chan time.Time, 1)
			fn := func(ctx context.Context) error {
				started <- struct{}{}
				wait(ctx)
				err := engine.Checkpoint(ctx)
				returned <- time.Now()
				return err
			}
			var lat []time.Duration
			ctx := context.Background()
			for b.Loop() {
				id, err := m.Append("halt me", fn)
				if err != nil {
					b.Fatal(err)
				}
				<-started
				t0 := time.Now()
				if err := e.Apply(ctx, model.Command{Op: model.OpHalt, Target: id}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, (<-returned).Sub(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
		})
	}
}

// fillEngine starts live tasks and queues the rest across managers, then fills
// the history ring, and waits until everything live is running.
func fillEngine(b *testing.B, e *engine.Engine, managers, livePer, queuedPer int) {
	for i := range managers {
		m := e.NewManager(fmt.Sprintf("m%02d", i), livePer)
		for range livePer + queuedPer {
			if _, err := m.Append("work item", func(ctx context.Context) error {
				engine.Logf(ctx, "fetching")
				engine.Progress(ctx, 3, 10)
				<-ctx.Done()
				return engine.ErrHalted
			}); err != nil {
				b.Fatal(err)
			}
		}
		if err := m.Run(); err != nil {
			b.Fatal(err)
		}
	}
	done := e.NewManager("finished", 50)
	for range engine.DefaultHistory {
		_, _ = done.Append("quick", func(context.Context) error { return nil })
	}
	_ = done.Watch()
	for {
		s := e.Snapshot()
		if s.Counts[model.StateRunning] == managers*livePer && s.Counts[model.StateDone] == engine.DefaultHistory {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkSnapshot10k builds snapshots of an engine with 10k tasks.
func BenchmarkSnapshot10k(b *testing.B) {
	cases := []struct {
		name                         string
		managers, livePer, queuedPer int
	}{
		{"1k-live+9k-queued", 10, 100, 900},
		{"10k-live", 10, 1000, 0},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			e := engine.New()
			defer closeForBench(b, e)
			fillEngine(b, e, c.managers, c.livePer, c.queuedPer)
			b.ReportAllocs()
			var tasks int
			for b.Loop() {
				tasks = len(e.Snapshot().Tasks)
			}
			b.ReportMetric(float64(tasks), "tasks/snapshot")
		})
	}
}

// BenchmarkQueuedTaskMemory reports the heap bytes per queued task with a
// million queued (budget: under 300 bytes).
func BenchmarkQueuedTaskMemory(b *testing.B) {
	const n = 1_000_000
	fn := func(context.Context) error { return nil }
	var per float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		e := engine.New()
		m := e.NewManager("backlog", 1)
		for range n {
			if _, err := m.Append("queued work", fn); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		per = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(m)
		closeForBench(b, e)
	}
	b.ReportMetric(per, "B/queued-task")
}

// taskContext starts a task that hands out its context and waits to be halted,
// so a benchmark can call the task helpers from its own goroutine.
func taskContext(b *testing.B, e *engine.Engine) context.Context {
	m := e.NewManager("bench", 1)
	ctxs := make(chan context.Context)
	_, _ = m.Append("loop", func(ctx context.Context) error {
		ctxs <- ctx
		<-ctx.Done()
		return engine.ErrHalted
	})
	if err := m.Run(); err != nil {
		b.Fatal(err)
	}
	return <-ctxs
}

// BenchmarkCheckpoint is the cost of a Checkpoint that does not park.
func BenchmarkCheckpoint(b *testing.B) {
	e := engine.New()
	defer closeForBench(b, e)
	ctx := taskContext(b, e)
	for b.Loop() {
		if err := engine.Checkpoint(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProgress is the cost of a Progress call (atomics and a dirty mark).
func BenchmarkProgress(b *testing.B) {
	e := engine.New()
	defer closeForBench(b, e)
	ctx := taskContext(b, e)
	var i int64
	for b.Loop() {
		i++
		engine.Progress(ctx, i, 1<<40)
	}
}
