package remote

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// maxFleetEvents bounds the events of a merged snapshot: the newest of every
// engine's, newest first.
const maxFleetEvents = 500

// fleetSlot is what a fleet subscription knows of one engine.
type fleetSlot struct {
	name, addr string
	snap       model.Snapshot // the last snapshot, qualified
	have       bool           // snap holds a picture from the engine
	stale      bool           // the connection is lost: snap is what it last sent
	err        string         // the engine's SourceError, or why the connection is lost
	rawSeq     uint64         // the Seq and Time of the last snapshot as sent (see take)
	rawTime    time.Time
}

// take records a snapshot the engine's subscription delivered. A client
// whose connection drops delivers its last snapshot again (same Seq and Time,
// or a zero Time when it never had one) with SourceError saying why: that
// marks the slot stale and keeps its rows; anything else is a fresh picture.
func (sl *fleetSlot) take(raw model.Snapshot) {
	again := raw.Time.IsZero() || (sl.have && raw.Seq == sl.rawSeq && raw.Time.Equal(sl.rawTime))
	if again && raw.SourceError != "" {
		sl.stale, sl.err = true, raw.SourceError
		return
	}
	sl.stale, sl.err, sl.have = false, raw.SourceError, true
	sl.rawSeq, sl.rawTime = raw.Seq, raw.Time
	sl.snap = model.QualifySnapshot(raw, sl.name)
}

// origin returns the slot's entry in a merged snapshot's Origins.
func (sl *fleetSlot) origin() model.Origin {
	o := model.Origin{Name: sl.name, Addr: sl.addr, Stale: sl.stale, Error: sl.err}
	if sl.have {
		o.Source, o.Seen = sl.snap.Source, sl.snap.Time
	}
	return o
}

// merge returns one snapshot of every slot's rows, in slot order (sorted by
// name), with seq as its Seq. It only concatenates and sums, and orders the
// events by time: its cost is the rows' count, not their size.
func merge(slots []*fleetSlot, seq uint64) model.Snapshot {
	out := model.Snapshot{Seq: seq, Source: plural(len(slots), "engine"), Origins: make([]model.Origin, len(slots))}
	var nTasks, nMgr, nPools, nRep, nPoll, nEv int
	for _, sl := range slots {
		s := &sl.snap
		nTasks, nMgr, nPools, nRep, nPoll, nEv = nTasks+len(s.Tasks), nMgr+len(s.Managers), nPools+len(s.Pools),
			nRep+len(s.Replicas), nPoll+len(s.Pollers), nEv+len(s.Events)
	}
	out.Tasks = make([]model.Task, 0, nTasks)
	out.Managers = make([]model.Manager, 0, nMgr)
	out.Pools = make([]model.Pool, 0, nPools)
	out.Pollers = make([]model.Poller, 0, nPoll)
	if nRep > 0 {
		out.Replicas = make([]model.ReplicaSet, 0, nRep)
	}
	events := make([]model.Event, 0, nEv)
	var errs []string
	for i, sl := range slots {
		out.Origins[i] = sl.origin()
		if sl.err != "" {
			errs = append(errs, sl.name+": "+strings.ReplaceAll(strings.TrimSpace(sl.err), "\n", "\n  "))
		}
		if !sl.have {
			continue
		}
		s := &sl.snap
		if s.Time.After(out.Time) {
			out.Time = s.Time
		}
		for st, n := range s.Counts {
			out.Counts[st] += n
		}
		out.Leaked += s.Leaked
		out.Tasks = append(out.Tasks, s.Tasks...)
		out.Managers = append(out.Managers, s.Managers...)
		out.Pools = append(out.Pools, s.Pools...)
		out.Replicas = append(out.Replicas, s.Replicas...)
		out.Pollers = append(out.Pollers, s.Pollers...)
		events = append(events, s.Events...)
	}
	slices.SortStableFunc(events, func(a, b model.Event) int { return b.Time.Compare(a.Time) })
	out.Events = events[:min(len(events), maxFleetEvents)]
	byName := func(a, b string) int { return cmp.Compare(a, b) }
	slices.SortStableFunc(out.Managers, func(a, b model.Manager) int { return byName(a.Name, b.Name) })
	slices.SortStableFunc(out.Pools, func(a, b model.Pool) int { return byName(a.Name, b.Name) })
	slices.SortStableFunc(out.Pollers, func(a, b model.Poller) int { return byName(a.Name, b.Name) })
	out.SourceError = strings.Join(errs, "\n")
	return out
}

// plural returns "1 engine", "3 engines".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
