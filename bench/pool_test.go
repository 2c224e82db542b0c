package bench

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alitto/pond/v2"
	"github.com/panjf2000/ants/v2"

	"github.com/spindle-tui/spindle/engine"
)

// The pool overhead budget: 300k no-op tasks submitted and completed through a
// spindle pool, every one of them tracked (a task with an id, states, counters,
// the history ring), no slower than the fastest of raw go+WaitGroup, ants v2 and
// pond v2 at the same concurrency limit, in the same run.
const poolTasks = 300_000

// poolRunner submits n no-op tasks at concurrency limit and returns once all
// of them have completed.
type poolRunner func(b *testing.B, limit, n int)

// BenchmarkPoolOverhead runs 300k no-op tasks through each runner at the same
// limits and reports ns per task (ns/op is per batch of 300k).
//
//	cd bench && go test -run '^$' -bench PoolOverhead -benchtime 5x -count 3
func BenchmarkPoolOverhead(b *testing.B) {
	runners := []struct {
		name string
		run  poolRunner
	}{
		{"go+waitgroup", runGoWaitGroup},
		{"ants", runAnts},
		{"pond-go", runPondGo},
		{"pond-submit", runPondSubmit},
		{"spindle", runSpindlePool},
	}
	for _, limit := range []int{runtime.GOMAXPROCS(0), 64} {
		for _, r := range runners {
			b.Run(r.name+"/limit="+strconv.Itoa(limit), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					r.run(b, limit, poolTasks)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*poolTasks), "ns/task")
			})
		}
	}
}

func noop() {}

// runGoWaitGroup is the raw baseline: a goroutine per task, a semaphore channel
// for the limit and a WaitGroup.
func runGoWaitGroup(_ *testing.B, limit, n int) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, limit)
	for range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			noop()
			<-sem
			wg.Done()
		}()
	}
	wg.Wait()
}

func runAnts(b *testing.B, limit, n int) {
	p, err := ants.NewPool(limit)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Release()
	var wg sync.WaitGroup
	wg.Add(n)
	task := func() {
		noop()
		wg.Done()
	}
	for range n {
		if err := p.Submit(task); err != nil {
			b.Fatal(err)
		}
	}
	wg.Wait()
}

func runPondGo(b *testing.B, limit, n int) {
	p := pond.NewPool(limit)
	for range n {
		if err := p.Go(noop); err != nil {
			b.Fatal(err)
		}
	}
	p.StopAndWait()
}

func runPondSubmit(_ *testing.B, limit, n int) {
	p := pond.NewPool(limit)
	for range n {
		p.Submit(noop)
	}
	p.StopAndWait()
}

// runSpindlePool submits to a spindle pool and drains it with Stop(true). The
// engine lives for the batch, so its setup and Close are counted too.
func runSpindlePool(b *testing.B, limit, n int) {
	e := engine.New()
	_, p, err := engine.ResolvePool(context.Background(), e, "bench")
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(engine.PoolConfig{MaxWorkers: limit, TaskType: "noop"}); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	fn := func(context.Context) error { return nil }
	for range n {
		if _, err := p.Submit(ctx, "noop", fn); err != nil {
			b.Fatal(err)
		}
	}
	p.Stop(true)
	if s := p.Stats(); s.Done != int64(n) {
		b.Fatalf("spindle counted %d done of %d", s.Done, n)
	}
	closeCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := e.Close(closeCtx); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPoolQueuedTaskMemory reports the heap bytes per task queued in a
// paused spindle pool, 300k of them (budget: under 300 bytes).
func BenchmarkPoolQueuedTaskMemory(b *testing.B) {
	fn := func(context.Context) error { return nil }
	var per float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		e := engine.New()
		_, p, _ := engine.ResolvePool(context.Background(), e, "backlog")
		if err := p.Start(engine.PoolConfig{MaxWorkers: 1}); err != nil {
			b.Fatal(err)
		}
		if err := p.Pause(); err != nil {
			b.Fatal(err)
		}
		for range poolTasks {
			if _, err := p.Submit(context.Background(), "x", fn); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		per = float64(after.HeapAlloc-before.HeapAlloc) / poolTasks
		runtime.KeepAlive(p)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := e.Close(ctx); err != nil {
			b.Fatal(err)
		}
		cancel()
	}
	b.ReportMetric(per, "B/queued-task")
}

// BenchmarkSpindleVsPondGo alternates pond v2 `Go` (the fastest of the
// others) and spindle, 300k no-op tasks each, and reports the median of the
// per-pair ratios: on a noisy machine adjacent runs share the noise, so the
// ratio is steadier than ns/task.
//
//	cd bench && go test -run '^$' -bench SpindleVsPondGo -benchtime 20x
func BenchmarkSpindleVsPondGo(b *testing.B) {
	for _, limit := range []int{runtime.GOMAXPROCS(0), 64} {
		b.Run("limit="+strconv.Itoa(limit), func(b *testing.B) {
			var ratios []float64
			for b.Loop() {
				t0 := time.Now()
				runPondGo(b, limit, poolTasks)
				t1 := time.Now()
				runSpindlePool(b, limit, poolTasks)
				ratios = append(ratios, float64(time.Since(t1))/float64(t1.Sub(t0)))
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "spindle/pond-go")
		})
	}
}
