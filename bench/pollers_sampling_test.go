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
// took. One sample per run is what a dashboard looking at such a process
// causes: the engine samples no sooner than 100× the last sample's cost
// (about 40 ms at 1k goroutines, 0.4 s at 10k: see BENCHMARKS.md).
//
//	cd bench && go test -run '^$' -bench PollersWhileSampling -benchtime 6x -v
func BenchmarkPollersWhileSampling(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run("goroutines="+strconv.Itoa(n), func(b *testing.B) { pollersWhileSampling(b, n) })
	}
}

func pollersWhileSampling(b *testing.B, goroutines int) {
	stop := make(chan struct{})
	var parked sync.WaitGroup
	for range goroutines {
		parked.Go(func() { <-stop })
	}
	defer func() {
		close(stop)
		parked.Wait()
	}()
	var sampleTook []time.Duration
	sampling := func(b *testing.B, jobs int, period, length time.Duration, mark func(int)) {
		sampleTook = append(sampleTook, runSpindlePollersSampled(b, jobs, period, length, mark, goroutines))
	}
	var pairs []latencyPair // ticker: without sampling; spindle: with
	for b.Loop() {
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
// sample took.
func runSpindlePollersSampled(b *testing.B, jobs int, period, length time.Duration, mark func(int), want int) (took time.Duration) {
	runSpindlePollersWith(b, jobs, period, length, mark, func(e *engine.Engine) {
		time.Sleep(length / 2)
		t0 := time.Now()
		g, err := e.Goroutines(context.Background())
		took = time.Since(t0)
		if err != nil || g.Total < want {
			b.Fatalf("sample: %d goroutines, %v", g.Total, err)
		}
		time.Sleep(length - length/2 - took)
	})
	return took
}
