package remote

import (
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
	snap       model.Snapshot // the last snapshot, as the engine sent it
	q          *model.Qualifier
	have       bool   // snap holds a picture from the engine
	stale      bool   // the connection is lost: snap is what it last sent
	err        string // the engine's SourceError, or why the connection is lost
	rawSeq     uint64 // the Seq and Time of the last snapshot as sent (see take)
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
	sl.snap = raw // qualified as it is merged: once per frame, not per snapshot
}

// origin returns the slot's entry in a merged snapshot's Origins.
func (sl *fleetSlot) origin() model.Origin {
	o := model.Origin{Name: sl.name, Addr: sl.addr, Stale: sl.stale, Error: sl.err}
	if sl.have {
		o.Source, o.Seen = sl.snap.Source, sl.snap.Time
	}
	return o
}

// merge returns one snapshot of every slot's rows, qualified, in slot order
// (the members' order, as Origins), with seq as its Seq: each engine's lists
// come sorted by name, so every merged list is in (origin, name) order with
// no sort, the order the dashboard's tables and its interleaving of pools and
// replica sets take. It copies each row once (the qualified names come from
// each slot's cache), sums the counts and orders the events by time.
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
		if sl.q == nil {
			sl.q = model.NewQualifier(sl.name)
		}
		q := sl.q
		q.Reset()
		out.Tasks = q.AppendTasks(out.Tasks, s.Tasks)
		out.Managers = q.AppendManagers(out.Managers, s.Managers)
		out.Pools = q.AppendPools(out.Pools, s.Pools)
		out.Replicas = q.AppendReplicas(out.Replicas, s.Replicas)
		out.Pollers = q.AppendPollers(out.Pollers, s.Pollers)
	}
	out.Events = newestEvents(slots, min(nEv, maxFleetEvents))
	out.SourceError = strings.Join(errs, "\n")
	return out
}

// newestEvents returns the n newest events of the slots, newest first,
// qualified: each slot's are newest first already, so it merges them, taking
// only what it keeps.
func newestEvents(slots []*fleetSlot, n int) []model.Event {
	out := make([]model.Event, 0, n)
	next := make([]int, len(slots))
	for len(out) < n {
		best := -1
		for i, sl := range slots {
			evs := sl.snap.Events
			if !sl.have || next[i] >= len(evs) {
				continue
			}
			if best < 0 || evs[next[i]].Time.After(slots[best].snap.Events[next[best]].Time) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		sl := slots[best]
		out = sl.q.AppendEvents(out, sl.snap.Events[next[best]:next[best]+1])
		next[best]++
	}
	return out
}

// plural returns "1 engine", "3 engines".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
