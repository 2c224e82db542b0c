package goroutines

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Fetcher writes a goroutine profile at a debug level (1: stacks counted by
// labels; 2: every goroutine) into w.
type Fetcher interface {
	Fetch(ctx context.Context, debug int, w *bytes.Buffer) error
}

// MinInterval is the shortest time between two samples: taking a goroutine
// profile stops the world, so nobody looking gets more than one a second.
const MinInterval = time.Second

// costShare is the most of one core's time sampling may take: the interval
// grows to a hundred times what the last sample cost.
const costShare = 100

// Sample is a picture of a process's goroutines.
type Sample struct {
	Time     time.Time
	Took     time.Duration // what taking and reading both profiles cost
	Interval time.Duration // the next sample is taken no sooner than this after Time
	Total    int           // goroutines in all
	Labelled bool          // the label profile (debug=1) was read
	Groups   []Group       // largest first
}

// Sampler takes samples on demand, at most one per Interval: Sample returns
// the last one while it is fresh, so any number of viewers cost one sample a
// second, and nobody looking costs nothing. Safe for concurrent use.
type Sampler struct {
	f   Fetcher
	now func() time.Time

	mu   sync.Mutex
	tr   Tracker
	last *Sample
	buf  bytes.Buffer
}

// NewSampler returns a sampler reading profiles from f.
func NewSampler(f Fetcher) *Sampler { return &Sampler{f: f, now: time.Now} }

// Sample returns the last sample if it is younger than its interval, else
// takes a new one. A failed label profile (debug=1) leaves the sample
// unlabelled; a failed dump (debug=2) is an error.
func (s *Sampler) Sample(ctx context.Context) (*Sample, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := s.now()
	if s.last != nil && start.Sub(s.last.Time) < s.last.Interval {
		return s.last, nil
	}
	s.buf.Reset()
	var recs []Record
	labelled := false
	if err := s.f.Fetch(ctx, 1, &s.buf); err == nil {
		if r, err := ParseLabels(&s.buf); err == nil {
			recs, labelled = r, true
		}
	} else if ctx.Err() != nil {
		return nil, fmt.Errorf("goroutines: %w", ctx.Err())
	}
	s.buf.Reset()
	if err := s.f.Fetch(ctx, 2, &s.buf); err != nil {
		return nil, fmt.Errorf("goroutines: reading the dump: %w", err)
	}
	gs, err := ParseStacks(&s.buf)
	if err != nil {
		return nil, err
	}
	if s.buf.Cap() > 4<<20 { // a big process's dump: do not keep it between samples
		s.buf = bytes.Buffer{}
	}
	groups := Aggregate(gs, recs)
	now := s.now()
	s.tr.Track(now, groups)
	took := now.Sub(start)
	s.last = &Sample{
		Time: now, Took: took, Interval: max(MinInterval, costShare*took),
		Total: len(gs), Labelled: labelled, Groups: groups,
	}
	return s.last, nil
}

// ErrFetch wraps a profile that could not be had (HTTPFetcher).
var ErrFetch = errors.New("goroutines: cannot read the profile")
