package bench

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/spindle-tui/spindle/engine"
)

// The poller lateness budget: 1000 pollers at 10ms for 5s on this 2-core
// machine; spindle's p99 within 1ms of a bare time.Ticker's and below gocron's.
const (
	latencyPollers = 1000
	latencyPeriod  = 10 * time.Millisecond
	latencyFor     = 5 * time.Second
)

// pollerScheduler runs jobs periodic jobs, each calling mark(i) once per period,
// for the given length, and returns once every job has stopped.
type pollerScheduler func(b *testing.B, jobs int, period, length time.Duration, mark func(i int))

// BenchmarkPollerLateness runs the same 1000 trivial jobs at 10ms for 5s under a
// bare time.Ticker (one goroutine each), spindle's Poller and gocron v2, one
// after the other in the same run, and reports how late runs start: p50, p99 and
// max against each job's ideal grid, and the drift of the grid over the run.
// The jobs only take a timestamp, so one core stays free for the timers.
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
				rt := newRunTimes(latencyPollers, latencyPeriod, latencyFor)
				s.run(b, latencyPollers, latencyPeriod, latencyFor, rt.mark)
				l = rt.summarise()
			}
			results[s.name] = l
			b.ReportMetric(float64(l.p50.Microseconds()), "p50-µs")
			b.ReportMetric(float64(l.p99.Microseconds()), "p99-µs")
			b.ReportMetric(float64(l.max.Microseconds()), "max-µs")
			b.ReportMetric(float64(l.drift.Microseconds()), "drift-µs")
			b.ReportMetric(float64(l.runs)/latencyPollers, "runs/poller")
		})
	}
	tk, sp, gc := results["ticker"], results["spindle"], results["gocron"]
	b.Logf("p99: spindle %s, ticker %s (budget: within 1ms: %v), gocron %s (budget: below: %v)",
		sp.p99, tk.p99, sp.p99-tk.p99 <= time.Millisecond, gc.p99, sp.p99 < gc.p99)
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
	e := engine.New()
	for i := range jobs {
		p := e.NewPoller("p"+strconv.Itoa(i), period, func(context.Context) (any, error) {
			mark(i)
			return nil, nil
		})
		if err := p.Start(); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(length)
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
