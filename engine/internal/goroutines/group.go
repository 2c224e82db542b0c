package goroutines

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Group is goroutines with the same stack and the same labels.
type Group struct {
	// Key tells the group from others and stays the same from one sample to
	// the next: its stack (functions and lines) and its labels.
	Key     string
	Count   int
	State   string        // the state most of them are in
	WaitMin int           // the longest wait the runtime reports, in minutes
	Wait    time.Duration // the longest any of them has been seen in this group and state (Tracker)
	Labels  map[string]string
	Frames  []Frame // innermost first, as the dump prints them
	// CreatedBy is where the first of them was started (a group's goroutines
	// share their stack, not always their creator).
	CreatedBy Frame
	History   []int // its count in the recent samples, oldest first, this one last (Tracker)
	Growing   bool  // its count rose and never fell over the recent samples (Tracker)

	ids []int // its goroutines (Tracker measures their waits)
}

// stackKey is what identifies a stack in both profiles: each frame's function
// and file:line, the runtime's frames at the top left out (debug=1 leaves them
// out, debug=2 shows some).
func stackKey(fs []Frame) string {
	var b strings.Builder
	for _, f := range trimRuntime(fs) {
		b.WriteString(f.Func)
		b.WriteByte(' ')
		b.WriteString(f.File)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(f.Line))
		b.WriteByte('\n')
	}
	return b.String()
}

// trimRuntime drops the runtime's frames from the top of fs (gopark and its
// callers), keeping at least the last frame.
func trimRuntime(fs []Frame) []Frame {
	for len(fs) > 1 && strings.HasPrefix(fs[0].Func, "runtime.") {
		fs = fs[1:]
	}
	return fs
}

// labelKey is a label set written in key order.
func labelKey(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(strconv.Quote(k))
		b.WriteByte('=')
		b.WriteString(strconv.Quote(m[k]))
		b.WriteByte(' ')
	}
	return b.String()
}

// Aggregate groups gs by stack and labels, the labels taken from recs (a
// debug=1 profile of the same moment, or nil). The two profiles are two
// looks at a moving process: a stack's goroutines take the label sets its
// records count, in order, and those left over have none. Goroutines with
// the same stack but different labels are told apart only by count, so which
// of them gets which label set is arbitrary; each group's count is right.
//
// Groups come largest first. (panicparse's own Aggregate compares every
// goroutine with every bucket, which at 100k goroutines is too slow.)
func Aggregate(gs []Goroutine, recs []Record) []Group {
	type labelled struct {
		labels map[string]string
		left   int
	}
	byStack := map[string][]labelled{}
	for i := range recs {
		r := &recs[i]
		if len(r.Labels) == 0 {
			continue
		}
		k := stackKey(r.Frames)
		byStack[k] = append(byStack[k], labelled{labels: r.Labels, left: r.Count})
	}
	index := map[string]int{}
	var groups []Group
	states := map[string]map[string]int{} // group key -> state -> count
	for i := range gs {
		g := &gs[i]
		sk := stackKey(g.Frames)
		var labels map[string]string
		if ls := byStack[sk]; len(ls) > 0 {
			labels = ls[0].labels
			if ls[0].left--; ls[0].left == 0 {
				byStack[sk] = ls[1:]
			}
		}
		key := sk + labelKey(labels)
		j, ok := index[key]
		if !ok {
			j = len(groups)
			index[key] = j
			groups = append(groups, Group{Key: key, Labels: labels, Frames: g.Frames, CreatedBy: g.CreatedBy})
			states[key] = map[string]int{}
		}
		gr := &groups[j]
		gr.Count++
		gr.WaitMin = max(gr.WaitMin, g.WaitMin)
		gr.ids = append(gr.ids, g.ID)
		states[key][g.State]++
	}
	for i := range groups {
		gr := &groups[i]
		best := 0
		for s, n := range states[gr.Key] {
			if n > best || n == best && s < gr.State {
				gr.State, best = s, n
			}
		}
	}
	slices.SortStableFunc(groups, func(a, b Group) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		if c := cmp.Compare(b.WaitMin, a.WaitMin); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return groups
}

// GroupRecords groups a label profile (debug=1) alone: one group per stack
// and label set, keyed as Aggregate keys them (so that a dump's states can be
// found by key), with no state, wait or creator (the profile has none).
// Groups come largest first.
func GroupRecords(recs []Record) []Group {
	index := map[string]int{}
	var groups []Group
	for i := range recs {
		r := &recs[i]
		key := stackKey(r.Frames) + labelKey(r.Labels)
		j, ok := index[key]
		if !ok {
			j = len(groups)
			index[key] = j
			groups = append(groups, Group{Key: key, Labels: r.Labels, Frames: r.Frames})
		}
		groups[j].Count += r.Count
	}
	slices.SortStableFunc(groups, func(a, b Group) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return groups
}

// Top is the frame that says where the goroutine is: the innermost frame
// outside the standard library (the line of the call that blocks, in the
// program's own code), or the innermost frame when all are the library's.
func (g *Group) Top() Frame {
	for _, f := range g.Frames {
		if !Stdlib(f.Func) {
			return f
		}
	}
	if len(g.Frames) > 0 {
		return g.Frames[0]
	}
	return Frame{}
}

// Stdlib reports whether the function fn (fully qualified, as in a stack)
// belongs to the standard library: its import path's first element has no
// dot and it is not package main.
func Stdlib(fn string) bool {
	path := fn
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		first, _, _ := strings.Cut(path, "/")
		return !strings.Contains(first, ".")
	}
	pkg, _, _ := strings.Cut(path, ".")
	return pkg != "main" && !strings.Contains(pkg, "_test")
}
