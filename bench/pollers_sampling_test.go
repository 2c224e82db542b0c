package bench

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// BenchmarkPollersWhileSampling alternates spindle's pollers (1000 at 10ms, 2s
// a run) without and with a goroutine sample (Engine.Goroutines, as the
// Goroutines view asks for one) taken halfway through the run, in a process
// with 1k or 10k parked goroutines, the order swapped every pair. It reports the
// median and the worst of the per-pair p99 differences (sampling − none), the
// medians of each side's p99 and max lateness, and the median time a sample
// took. The sample is of two kinds: sample=dump is an engine's first (the
// label profile and the debug=2 dump, which stops the world while it is
// written: taken every MinDumpInterval at most, and no sooner than 1000× its
// writing time), sample=counts one between two dumps (the label profile only,
// taken concurrently: what a dashboard causes every second or so; the engine
// is sampled once before the measured run, so that the dump is not due).
//
//	cd bench && go test -run '^$' -bench PollersWhileSampling -benchtime 6x -v
func BenchmarkPollersWhileSampling(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		for _, kind := range []string{"dump", "counts"} {
			b.Run("goroutines="+strconv.Itoa(n)+"/sample="+kind, func(b *testing.B) { pollersWhileSampling(b, n, kind == "counts") })
		}
	}
}

func pollersWhileSampling(b *testing.B, goroutines int, betweenDumps bool) {
	stop := make(chan struct{})
	var parked sync.WaitGroup
	for range goroutines {
		parked.Go(func() { <-stop })
	}
	defer func() {
		close(stop)
		parked.Wait()
	}()
	var (
		sampleTook []time.Duration
		warmed     *engine.Engine // betweenDumps: sampled once, before the measured run
	)
	sampling := func(b *testing.B, jobs int, period, length time.Duration, mark func(int)) {
		sampleTook = append(sampleTook, runSpindlePollersSampled(b, jobs, period, length, mark, goroutines, warmed))
	}
	var pairs []latencyPair // ticker: without sampling; spindle: with
	for b.Loop() {
		if betweenDumps {
			warmed = engine.New()
			g, err := warmed.Goroutines(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			time.Sleep(g.Interval) // the next sample is due when the measured run has begun
		}
		var p latencyPair
		if len(pairs)%2 == 0 {
			p.ticker = measureLateness(b, runSpindlePollers, pairFor)
			p.spindle = measureLateness(b, sampling, pairFor)
		} else {
			p.spindle = measureLateness(b, sampling, pairFor)
			p.ticker = measureLateness(b, runSpindlePollers, pairFor)
		}
		b.Logf("pair %2d: none %s | sampling %s | p99 diff %s, sample took %s", len(pairs),
			p.ticker, p.spindle, ms(p.spindle.p99-p.ticker.p99), ms(sampleTook[len(sampleTook)-1]))
		pairs = append(pairs, p)
	}
	s := summarisePairs(pairs)
	var noneMax, withMax []time.Duration
	for _, p := range pairs {
		noneMax, withMax = append(noneMax, p.ticker.max), append(withMax, p.spindle.max)
	}
	b.ReportMetric(us(s.medianDiff), "p99-diff-µs")
	b.ReportMetric(us(s.worstDiff), "worst-p99-diff-µs")
	b.ReportMetric(us(s.tickerP99), "none-p99-µs")
	b.ReportMetric(us(s.spindleP99), "sampling-p99-µs")
	b.ReportMetric(us(median(noneMax)), "none-max-µs")
	b.ReportMetric(us(median(withMax)), "sampling-max-µs")
	b.ReportMetric(us(median(slices.Clone(sampleTook)))/1000, "sample-ms")
}

// runSpindlePollersSampled is runSpindlePollers with one goroutine sample
// taken halfway through (of at least want goroutines); it returns how long the
// sample took. Given warmed, an engine sampled before, the pollers run there
// and the sample reads the label profile alone (it fails if not).
func runSpindlePollersSampled(b *testing.B, jobs int, period, length time.Duration, mark func(int), want int, warmed *engine.Engine) (took time.Duration) {
	betweenDumps := warmed != nil
	runSpindlePollersWith(b, jobs, period, length, mark, warmed, func(e *engine.Engine) {
		time.Sleep(length / 2)
		t0 := time.Now()
		g, err := e.Goroutines(context.Background())
		took = time.Since(t0)
		if err != nil || g.Total < want {
			b.Fatalf("sample: %d goroutines, %v", g.Total, err)
		}
		if fresh := g.StatesAt.Equal(g.Time); fresh == betweenDumps || time.Since(g.Time) > took {
			b.Fatalf("sample at %v (states at %v): want one taken now, with the dump %v", g.Time, g.StatesAt, !betweenDumps)
		}
		time.Sleep(length - length/2 - took)
	})
	return took
}
