package bench

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// runTimes records when each of n periodic jobs ran, in nanoseconds since a
// common base. A job calls mark from its run; runs of one job may overlap, so
// the slot is claimed atomically. Buffers are allocated up front so the
// measurement does not allocate while the jobs run.
type runTimes struct {
	base   time.Time
	period time.Duration
	at     [][]int64
	n      []atomic.Int64
}

func newRunTimes(jobs int, period, length time.Duration) *runTimes {
	per := int(length/period) + 64 // room for a late stop
	rt := &runTimes{base: time.Now(), period: period, at: make([][]int64, jobs), n: make([]atomic.Int64, jobs)}
	for i := range rt.at {
		rt.at[i] = make([]int64, per)
	}
	return rt
}

// mark records a run of job i now.
func (rt *runTimes) mark(i int) {
	now := int64(time.Since(rt.base))
	if k := rt.n[i].Add(1) - 1; int(k) < len(rt.at[i]) {
		rt.at[i][k] = now
	}
}

// lateness summarises how late runs started against an ideal grid.
type lateness struct {
	runs          int           // runs recorded in the window, all jobs
	p50, p99, max time.Duration // lateness of a run
	drift         time.Duration // median over jobs of how far the schedule slid, first runs to last
	slid          int           // jobs whose schedule slid by half a period or more: they lost a tick
	// setup is from before the first job was made until every job had run
	// once (a Ticker first fires a period after it starts, a Poller at once).
	setup time.Duration
}

// summarise measures each job's runs in the window [from, to) (since base):
// the k-th against the ideal grid anchor + k·period, the anchor being the job's
// least late phase (t_k − k·period). Every library is measured the same way,
// whatever its notion of the first deadline. A skipped tick shows as a period of
// lateness from there on (k counts runs, not deadlines), so skipping cannot hide
// lateness. Drift is the change of the schedule's phase from the first 50 runs
// of the window to the last 50 (the least late of each, so jitter cancels).
//
// The window leaves out the setup of the jobs (while the last are made, the
// first already run) and their teardown, for every runner alike: lateness is
// the steady state's, and setup is reported on its own.
func (rt *runTimes) summarise(from, to time.Duration) lateness {
	p := int64(rt.period)
	var all, drifts []int64
	var setup int64
	var l lateness
	for i := range rt.at {
		n := min(int(rt.n[i].Load()), len(rt.at[i]))
		if n == 0 {
			continue
		}
		ts := rt.at[i][:n]
		slices.Sort(ts) // overlapping runs may have claimed slots out of order
		setup = max(setup, ts[0])
		lo, _ := slices.BinarySearch(ts, int64(from))
		hi, _ := slices.BinarySearch(ts, int64(to))
		if ts = ts[lo:hi]; len(ts) == 0 {
			continue
		}
		phase := make([]int64, len(ts))
		for k, t := range ts {
			phase[k] = t - int64(k)*p
		}
		anchor := slices.Min(phase)
		for _, ph := range phase {
			all = append(all, ph-anchor)
		}
		w := min(50, len(ts))
		d := slices.Min(phase[len(ts)-w:]) - slices.Min(phase[:w])
		drifts = append(drifts, d)
		if d >= p/2 {
			l.slid++
		}
	}
	l.setup = time.Duration(setup)
	if len(all) == 0 {
		return l
	}
	slices.Sort(all)
	slices.Sort(drifts)
	at := func(q float64) time.Duration { return time.Duration(all[min(len(all)-1, int(q*float64(len(all))))]) }
	l.runs, l.p50, l.p99, l.max = len(all), at(0.50), at(0.99), time.Duration(all[len(all)-1])
	l.drift = time.Duration(drifts[len(drifts)/2])
	return l
}

// report adds l's figures to b's metrics.
func (l lateness) report(b *testing.B) {
	b.ReportMetric(us(l.p50), "p50-µs")
	b.ReportMetric(us(l.p99), "p99-µs")
	b.ReportMetric(us(l.max), "max-µs")
	b.ReportMetric(us(l.drift), "drift-µs")
	b.ReportMetric(float64(l.slid), "jobs-slid")
	b.ReportMetric(us(l.setup)/1000, "setup-ms")
}

func (l lateness) String() string {
	return fmt.Sprintf("p50 %s p99 %s max %s drift %s (%d slid) setup %s",
		ms(l.p50), ms(l.p99), ms(l.max), ms(l.drift), l.slid, ms(l.setup))
}

// latencyPair is one ticker run and one spindle run, adjacent in time.
type latencyPair struct{ ticker, spindle lateness }

func (p latencyPair) String() string {
	return fmt.Sprintf("ticker %s | spindle %s | p99 diff %s", p.ticker, p.spindle, ms(p.spindle.p99-p.ticker.p99))
}

// pairSummary is what BenchmarkPollersVsTicker reports.
type pairSummary struct {
	medianDiff, worstDiff     time.Duration // spindle p99 − ticker p99 per pair
	tickerP99, spindleP99     time.Duration // medians over the pairs
	tickerDrift, spindleDrift time.Duration // the worst (largest in size) over the pairs
	tickerSetup, spindleSetup time.Duration // medians over the pairs
}

func summarisePairs(pairs []latencyPair) pairSummary {
	if len(pairs) == 0 {
		return pairSummary{}
	}
	var diffs, tk, sp, tkSetup, spSetup []time.Duration
	var s pairSummary
	for _, p := range pairs {
		diffs = append(diffs, p.spindle.p99-p.ticker.p99)
		tk = append(tk, p.ticker.p99)
		sp = append(sp, p.spindle.p99)
		tkSetup = append(tkSetup, p.ticker.setup)
		spSetup = append(spSetup, p.spindle.setup)
		s.tickerDrift = worse(s.tickerDrift, p.ticker.drift)
		s.spindleDrift = worse(s.spindleDrift, p.spindle.drift)
	}
	s.medianDiff, s.tickerP99, s.spindleP99 = median(diffs), median(tk), median(sp)
	s.tickerSetup, s.spindleSetup = median(tkSetup), median(spSetup)
	s.worstDiff = slices.Max(diffs)
	return s
}

// median returns the middle value of ds (the mean of the middle two for an
// even count); it sorts ds.
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// worse returns whichever of a and b is further from zero.
func worse(a, b time.Duration) time.Duration {
	if b.Abs() > a.Abs() {
		return b
	}
	return a
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// ms formats d in milliseconds with two decimals, for the per-pair lines.
func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
