// Package rate turns a growing counter into per-second rates without a
// ticker: a sample is derived from the counter whenever it is read, so an
// idle owner does no work.
package rate

import "github.com/spindle-tui/spindle/engine/internal/ring"

// Rates holds the recent per-second rates of a counter, one sample per
// elapsed second. When reads are further apart than a second (an idle engine
// publishes nothing), every second in between gets the average rate over the
// gap. Its zero value is not ready: make one with New. It is not safe for
// concurrent use.
type Rates struct {
	samples ring.Ring[float64]
	at      int64 // unix ns at which the current window began; 0 before the first read
	base    int64 // the counter at that time
}

// New returns Rates that keep the last n samples.
func New(n int) Rates { return Rates{samples: ring.New[float64](n)} }

// Advance records the windows that ended by now (unix ns), given the
// counter's value.
func (r *Rates) Advance(now, count int64) {
	if r.at == 0 {
		r.at, r.base = now, count
		return
	}
	secs := (now - r.at) / 1e9
	if secs < 1 {
		return
	}
	rate := float64(count-r.base) / float64(secs)
	for range min(secs, int64(r.samples.Cap())) {
		r.samples.Push(rate)
	}
	r.at += secs * 1e9
	r.base = count
}

// OldestFirst returns a fresh slice of the samples, oldest first (snapshots
// share it, so it is never written again), or nil before the first sample.
func (r *Rates) OldestFirst() []float64 {
	n := r.samples.Len()
	if n == 0 {
		return nil
	}
	out := make([]float64, n)
	for i := range n {
		out[i] = *r.samples.At(i)
	}
	return out
}
