package engine

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/spindle-tui/spindle/model"
)

// pollCounters are a life's running totals, kept incrementally so that Stats
// and snapshots only copy them. Times are unix nanoseconds.
type pollCounters struct {
	count, errors, skipped int64
	delay, accDelay        time.Duration
	duration               time.Duration
	last                   int64
	lastError              string
	value                  string
	valueAt                int64 // when the run that returned value ended
}

// statsLocked returns p as a viewer sees it at now.
func (p *Poller) statsLocked(now int64) model.Poller {
	s := model.Poller{
		Name:        p.name,
		Group:       p.group,
		Period:      p.cfg.period,
		MinWait:     p.cfg.minWait,
		Timeout:     p.cfg.timeout,
		Concurrency: p.cfg.concurrency,
		Alive:       !p.killed,
	}
	if x := p.cfg.x; x != nil {
		s.Extra = x.view
	}
	l := p.life
	if l == nil {
		return s
	}
	c := &l.st
	s.Started = true
	s.Paused = l.paused && !p.killed
	s.Count, s.Errors, s.LastError, s.Skipped = c.count, c.errors, c.lastError, c.skipped
	s.Delay, s.AccDelay = c.delay, c.accDelay
	s.Last, s.Duration, s.Value, s.ValueAt = unixTime(c.last), c.duration, c.value, unixTime(c.valueAt)
	s.Failing = int64(l.errStreak)
	if s.Alive && !s.Paused && l.next != 0 {
		s.Next = unixTime(max(l.next, l.notBefore))
	}
	if sc := p.cfg.cronSched(); sc != nil && !s.Next.IsZero() {
		s.Next = s.Next.In(sc.Location()) // the schedule's zone, so the dashboard says it
	}
	s.Usage = l.usage(now, p.cfg.period)
	s.Delays = l.delays.Tail(pollHistory)
	s.Durations = l.durations.Tail(pollHistory)
	return s
}

// usage returns the busy fraction over the last usagePeriods periods (or since
// the life began, if that is shorter): the time runs spent inside the window,
// finished ones and those under way, over the window's length. Overlapping runs
// (Concurrency > 1) can take it past 1.
func (l *pollLife) usage(now int64, period time.Duration) float64 {
	from := max(now-usagePeriods*int64(period), l.begun)
	if now <= from {
		return 0
	}
	var busy int64
	for i := range l.spans.n {
		sp := l.spans.buf[i]
		busy += overlap(sp.start, sp.end, from, now)
	}
	for _, start := range l.inflight {
		busy += overlap(start, now, from, now)
	}
	return float64(busy) / float64(now-from)
}

// overlap returns the length of [a, b) ∩ [from, to).
func overlap(a, b, from, to int64) int64 {
	return max(0, min(b, to)-max(a, from))
}

// span is one run, start to end, in unix nanoseconds.
type span struct{ start, end int64 }

// spanRing keeps the last pollSpans runs (in no particular order: usage sums
// them). Its counters come before the 1 KB buffer, on the line of the fields
// before it, so a push touches one line of its own, not two.
type spanRing struct {
	next int
	n    int
	buf  [pollSpans]span
}

func (r *spanRing) push(start, end int64) {
	r.buf[r.next] = span{start, end}
	r.next = (r.next + 1) % pollSpans
	r.n = min(r.n+1, pollSpans)
}

// formatValue renders a poll's value for the dashboard, on one line and at most
// maxValueLen runes.
func formatValue(v any) string {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	default:
		s = fmt.Sprint(v) // recovers a panicking String method, unlike calling it

	}
	s = firstLine(s)
	if utf8.RuneCountInString(s) <= maxValueLen {
		return s
	}
	r := []rune(s)
	return string(r[:maxValueLen-1]) + "…"
}
