package bench

import (
	"slices"
	"sync/atomic"
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
	runs          int           // runs recorded, all jobs
	p50, p99, max time.Duration // lateness of a run
	drift         time.Duration // median over jobs of how far the schedule slid, first runs to last
}

// summarise measures each job's k-th run against the ideal grid anchor + k·period,
// the anchor being the job's least late phase (t_k − k·period). Every library is
// measured the same way, whatever its notion of the first deadline. A skipped tick
// shows as a period of lateness from there on (k counts runs, not deadlines), so
// skipping cannot hide lateness. Drift is the change of the schedule's phase from
// the first 50 runs to the last 50 (the least late of each, so jitter cancels).
func (rt *runTimes) summarise() lateness {
	p := int64(rt.period)
	var all []int64
	var drifts []int64
	for i := range rt.at {
		n := min(int(rt.n[i].Load()), len(rt.at[i]))
		if n == 0 {
			continue
		}
		ts := rt.at[i][:n]
		slices.Sort(ts) // overlapping runs may have claimed slots out of order
		phase := make([]int64, n)
		for k, t := range ts {
			phase[k] = t - int64(k)*p
		}
		anchor := slices.Min(phase)
		for _, ph := range phase {
			all = append(all, ph-anchor)
		}
		w := min(50, n)
		drifts = append(drifts, slices.Min(phase[n-w:])-slices.Min(phase[:w]))
	}
	if len(all) == 0 {
		return lateness{}
	}
	slices.Sort(all)
	slices.Sort(drifts)
	at := func(q float64) time.Duration { return time.Duration(all[min(len(all)-1, int(q*float64(len(all))))]) }
	return lateness{
		runs:  len(all),
		p50:   at(0.50),
		p99:   at(0.99),
		max:   time.Duration(all[len(all)-1]),
		drift: time.Duration(drifts[len(drifts)/2]),
	}
}
