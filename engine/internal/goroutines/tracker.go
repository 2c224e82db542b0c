package goroutines

import (
	"time"
)

// HistoryLen is how many samples a group's History covers.
const HistoryLen = 30

// growingMin is how many samples a group must have been seen in before it
// can be marked Growing.
const growingMin = 5

// Tracker follows groups and goroutines from one sample to the next: a
// group's recent counts (History, Growing) and how long each goroutine has
// been in the same group and state (Wait; the runtime reports waits only in
// whole minutes). It is not safe for concurrent use.
type Tracker struct {
	seen map[int]seen
	hist map[string][]int
}

type seen struct {
	key, state string
	since      time.Time
}

// Track fills in the History, Growing and Wait of groups, a sample taken at
// now, and forgets groups and goroutines that are gone.
func (t *Tracker) Track(now time.Time, groups []Group) {
	if t.seen == nil {
		t.seen, t.hist = map[int]seen{}, map[string][]int{}
	}
	nextSeen := make(map[int]seen, len(t.seen))
	for i := range groups {
		g := &groups[i]
		busy := g.State == "running" || g.State == "runnable" // not waiting at all
		for _, id := range g.ids {
			s, ok := t.seen[id]
			if !ok || s.key != g.Key || s.state != g.State {
				s = seen{key: g.Key, state: g.State, since: now}
			}
			nextSeen[id] = s
			if !busy {
				g.Wait = max(g.Wait, now.Sub(s.since))
			}
		}
		g.Wait = max(g.Wait, time.Duration(g.WaitMin)*time.Minute)
		g.ids = nil
	}
	t.seen = nextSeen
	t.trackHistory(groups)
}

// TrackCounts fills in the History and Growing of groups read without a dump
// (GroupRecords: no goroutine ids, so their waits are left as they are), and
// forgets the history of groups that are gone.
func (t *Tracker) TrackCounts(groups []Group) {
	if t.seen == nil {
		t.seen, t.hist = map[int]seen{}, map[string][]int{}
	}
	t.trackHistory(groups)
}

// trackHistory appends each group's count to its history.
func (t *Tracker) trackHistory(groups []Group) {
	nextHist := make(map[string][]int, len(groups))
	for i := range groups {
		g := &groups[i]
		h := append(t.hist[g.Key], g.Count)
		if len(h) > HistoryLen {
			h = append(h[:0:0], h[len(h)-HistoryLen:]...)
		}
		nextHist[g.Key] = h
		g.History = h[:len(h):len(h)]
		g.Growing = growing(h)
	}
	t.hist = nextHist
}

// growing: at least growingMin samples, never falling, and higher at the end.
func growing(h []int) bool {
	if len(h) < growingMin {
		return false
	}
	for i := 1; i < len(h); i++ {
		if h[i] < h[i-1] {
			return false
		}
	}
	return h[len(h)-1] > h[0]
}
