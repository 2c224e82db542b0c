package bench

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/spindle-tui/spindle/engine"
)

// The poller lateness budget: 1000 pollers at 10ms on this 2-core machine;
// spindle's p99 within 1ms of a bare time.Ticker's (the median of paired runs
// and in the worst pair) with no drift, and below gocron's.
const (
	latencyPollers = 1000
	latencyPeriod  = 10 * time.Millisecond
	latencyFor     = 5 * time.Second // one run of BenchmarkPollerLateness
	pairFor        = 2 * time.Second // one run of a pair of BenchmarkPollersVsTicker
	// latencyWarmup is left out of every run's measurement (see summarise):
	// spindle takes about 20ms to make and start 1000 pollers, a bare Ticker
	// about 3ms; the setup metric shows each.
	latencyWarmup = 200 * time.Millisecond
)

// pollerScheduler runs jobs periodic jobs, each calling mark(i) once per period,
// for the given length, and returns once every job has stopped.
type pollerScheduler func(b *testing.B, jobs int, period, length time.Duration, mark func(i int))

// BenchmarkPollerLateness runs the same 1000 trivial jobs at 10ms for 5s under a
// bare time.Ticker (one goroutine each), spindle's Poller and gocron v2, one
// after the other in the same run, and reports how late runs start after the
// warm-up: p50, p99 and max against each job's ideal grid, and the drift of the
// grid over the run; and the setup, until every job has run once. The jobs only
// take a timestamp, so one core stays free for the timers. One run each: a bad
// second of the machine decides it (BenchmarkPollersVsTicker is the verdict on
// the budget).
//
//	cd bench && go test -run '^$' -bench PollerLateness -benchtime 1x
func BenchmarkPollerLateness(b *testing.B) {
	schedulers := []struct {
		name string
		run  pollerScheduler
	}{
		{"ticker", runTickers},
		{"spindle", runSpindlePollers},
		{"gocron", runGocron},
	}
	results := make(map[string]lateness)
	for _, s := range schedulers {
		b.Run(s.name, func(b *testing.B) {
			var l lateness
			for range b.N {
				l = measureLateness(b, s.run, latencyFor)
			}
			results[s.name] = l
			l.report(b)
			b.ReportMetric(float64(l.runs)/latencyPollers, "runs/poller")
		})
	}
	tk, sp, gc := results["ticker"], results["spindle"], results["gocron"]
	b.Logf("p99: spindle %s, ticker %s (budget: within 1ms: %v), gocron %s (budget: below: %v)",
		sp.p99, tk.p99, sp.p99-tk.p99 <= time.Millisecond, gc.p99, sp.p99 < gc.p99)
}

// BenchmarkPollersVsTicker alternates a bare time.Ticker and spindle's Poller,
// 1000 jobs at 10ms for 2s each, one pair per iteration (the order swapped
// every pair), and reports the median and the worst of the per-pair p99
// differences (spindle − ticker), each side's median p99 and setup, and the
// worst drift.
// The machine is shared: a stall of it costs every job a tick and so a period
// of lateness for the rest of that run, whichever runner is on; the two runs of
// a pair are adjacent, so the median difference is steadier than either p99,
// and the per-pair lines (-v) show which side a stall fell on.
//
//	cd bench && go test -run '^$' -bench PollersVsTicker -benchtime 10x -v
func BenchmarkPollersVsTicker(b *testing.B) {
	var pairs []latencyPair
	for b.Loop() {
		var p latencyPair
		if len(pairs)%2 == 0 {
			p.ticker = measureLateness(b, runTickers, pairFor)
			p.spindle = measureLateness(b, runSpindlePollers, pairFor)
		} else {
			p.spindle = measureLateness(b, runSpindlePollers, pairFor)
			p.ticker = measureLateness(b, runTickers, pairFor)
		}
		b.Logf("pair %2d: %s", len(pairs), p)
		pairs = append(pairs, p)
	}
	s := summarisePairs(pairs)
	b.ReportMetric(us(s.medianDiff), "p99-diff-µs")
	b.ReportMetric(us(s.worstDiff), "worst-p99-diff-µs")
	b.ReportMetric(us(s.tickerP99), "ticker-p99-µs")
	b.ReportMetric(us(s.spindleP99), "spindle-p99-µs")
	b.ReportMetric(us(s.tickerDrift), "ticker-worst-drift-µs")
	b.ReportMetric(us(s.spindleDrift), "spindle-worst-drift-µs")
	b.ReportMetric(us(s.tickerSetup)/1000, "ticker-setup-ms")
	b.ReportMetric(us(s.spindleSetup)/1000, "spindle-setup-ms")
	b.Logf("%d pairs: p99 spindle − ticker median %s, worst pair %s (budget: within 1ms: %v and %v); worst drift spindle %s, ticker %s",
		len(pairs), s.medianDiff, s.worstDiff, s.medianDiff <= time.Millisecond, s.worstDiff <= time.Millisecond,
		s.spindleDrift, s.tickerDrift)
}

// measureLateness runs run with the benchmark's jobs for length, from a
// collected heap so that a run does not pay for the garbage of the one before,
// and measures the runs after the warm-up.
func measureLateness(b *testing.B, run pollerScheduler, length time.Duration) lateness {
	runtime.GC()
	rt := newRunTimes(latencyPollers, latencyPeriod, length)
	run(b, latencyPollers, latencyPeriod, length, rt.mark)
	return rt.summarise(latencyWarmup, length)
}

// runTickers is the baseline: one goroutine and one time.Ticker per job.
func runTickers(b *testing.B, jobs int, period, length time.Duration, mark func(int)) {
	stop := make(chan struct{})
	done := make(chan struct{}, jobs)
	for i := range jobs {
		go func() {
			defer func() { done <- struct{}{} }()
			t := time.NewTicker(period)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					mark(i)
				case <-stop:
					return
				}
			}
		}()
	}
	time.Sleep(length)
	close(stop)
	for range jobs {
		<-done
	}
}

// runSpindlePollers runs each job as an engine.Poller.
func runSpindlePollers(b *testing.B, jobs int, period, length time.Duration, mark func(int)) {
	runSpindlePollersWith(b, jobs, period, length, mark, nil, func(*engine.Engine) { time.Sleep(length) })
}

// runSpindlePollersWith runs each job as an engine.Poller of e (nil: a new
// engine) while during runs (it lasts the run's length), then closes the
// engine.
func runSpindlePollersWith(b *testing.B, jobs int, period, length time.Duration, mark func(int), e *engine.Engine, during func(*engine.Engine)) {
	if e == nil {
		e = engine.New()
	}
	for i := range jobs {
		p := e.NewPoller("p"+strconv.Itoa(i), period, func(context.Context) (any, error) {
			mark(i)
			return nil, nil
		})
		if err := p.Start(); err != nil {
			b.Fatal(err)
		}
	}
	during(e)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Close(ctx); err != nil {
		b.Fatal(err)
	}
}

// runGocron runs each job as a gocron v2 duration job with default options.
func runGocron(b *testing.B, jobs int, period, length time.Duration, mark func(int)) {
	s, err := gocron.NewScheduler()
	if err != nil {
		b.Fatal(err)
	}
	for i := range jobs {
		if _, err := s.NewJob(gocron.DurationJob(period), gocron.NewTask(func() { mark(i) })); err != nil {
			b.Fatal(fmt.Errorf("gocron job %d: %w", i, err))
		}
	}
	s.Start()
	time.Sleep(length)
	if err := s.Shutdown(); err != nil {
		b.Fatal(err)
	}
}
