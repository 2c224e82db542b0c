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

// MinInterval is the shortest time between two samples: nobody looking gets
// more than one a second.
const MinInterval = time.Second

// MinDumpInterval is the shortest time between two debug=2 dumps, the part of
// a sample that stops the world: between them a sample takes its counts,
// labels and stacks from the label profile alone (taken concurrently) and its
// states, waits and creators from the last dump.
const MinDumpInterval = 5 * time.Second

// costShare is the most of one core's time sampling may take: the interval
// grows to a hundred times what the last sample cost (and the dump's to a
// hundred times what the last dump cost).
const costShare = 100

// pauseShare keeps the world stopped for at most 0.1% of the time: the next
// dump comes no sooner than a thousand times as long as the last one took to
// write (the runtime writes it with the world stopped).
const pauseShare = 1000

// Sample is a picture of a process's goroutines.
type Sample struct {
	Time     time.Time
	Took     time.Duration // what taking and reading its profiles cost
	Interval time.Duration // the next sample is taken no sooner than this after Time
	Total    int           // goroutines in all
	Labelled bool          // the label profile (debug=1) was read
	Groups   []Group       // largest first
	// StatesAt is when the states, waits and creators were read: the last
	// debug=2 dump's time, Time itself when this sample took one. A group's
	// count, labels and stack are as of Time; its State, Wait and CreatedBy as
	// of StatesAt (empty for a group the dump did not see).
	StatesAt time.Time
	// NextDump is when the next dump is due.
	NextDump time.Time
}

// Sampler takes samples on demand, at most one per Interval: Sample returns
// the last one while it is fresh, so any number of viewers cost one sample a
// second, and nobody looking costs nothing. Counts come from the label profile
// every sample; the debug=2 dump, which stops the world for as long as it
// takes to write (90-175 ms at 10k goroutines, over a second at 100k), only
// every dump interval (see MinDumpInterval, pauseShare). Safe for concurrent
// use.
type Sampler struct {
	f   Fetcher
	now func() time.Time

	mu   sync.Mutex
	tr   Tracker
	last *Sample
	dump *dumpInfo
	buf  bytes.Buffer
}

// dumpInfo is what the last debug=2 dump said of each group, by key.
type dumpInfo struct {
	at    time.Time
	next  time.Time // when the next dump is due
	byKey map[string]*Group
}

// NewSampler returns a sampler reading profiles from f.
func NewSampler(f Fetcher) *Sampler { return &Sampler{f: f, now: time.Now} }

// Sample returns the last sample if it is younger than its interval, else
// takes a new one. A failed label profile (debug=1) leaves the sample
// unlabelled and takes the dump; a failed dump (debug=2) is an error.
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
	if !labelled || s.dump == nil || !start.Before(s.dump.next) {
		return s.sampleDump(ctx, start, recs, labelled)
	}
	groups := GroupRecords(recs)
	total := 0
	for i := range groups {
		g := &groups[i]
		total += g.Count
		if d := s.dump.byKey[g.Key]; d != nil {
			g.State, g.WaitMin, g.Wait, g.CreatedBy, g.Frames = d.State, d.WaitMin, d.Wait, d.CreatedBy, d.Frames
		}
	}
	now := s.now()
	s.tr.TrackCounts(groups)
	took := now.Sub(start)
	s.last = &Sample{
		Time: now, Took: took, Interval: max(MinInterval, costShare*took),
		Total: total, Labelled: true, Groups: groups,
		StatesAt: s.dump.at, NextDump: s.dump.next,
	}
	return s.last, nil
}

// sampleDump is Sample with a debug=2 dump (recs, if labelled, are the label
// profile it has just read): every group's state, wait and creator are read
// anew and kept for the samples until the next dump.
func (s *Sampler) sampleDump(ctx context.Context, start time.Time, recs []Record, labelled bool) (*Sample, error) {
	countsTook := s.now().Sub(start)
	s.buf.Reset()
	t0 := s.now()
	if err := s.f.Fetch(ctx, 2, &s.buf); err != nil {
		return nil, fmt.Errorf("goroutines: reading the dump: %w", err)
	}
	written := s.now().Sub(t0) // the world is stopped for about this long
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
	dumpTook := now.Sub(t0)
	d := &dumpInfo{at: now, byKey: make(map[string]*Group, len(groups)),
		next: now.Add(max(MinDumpInterval, costShare*dumpTook, pauseShare*written))}
	for i := range groups {
		g := groups[i]
		g.History = nil
		d.byKey[g.Key] = &g
	}
	s.dump = d
	s.last = &Sample{
		Time: now, Took: now.Sub(start), Interval: max(MinInterval, costShare*countsTook),
		Total: len(gs), Labelled: labelled, Groups: groups,
		StatesAt: now, NextDump: d.next,
	}
	if !labelled { // no cheap profile to count from: every sample is a dump
		s.last.Interval = max(MinInterval, costShare*s.last.Took)
	}
	return s.last, nil
}

// ErrFetch wraps a profile that could not be had (HTTPFetcher).
var ErrFetch = errors.New("goroutines: cannot read the profile")
