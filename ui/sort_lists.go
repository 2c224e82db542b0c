package ui

import (
	"cmp"
	"slices"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// How the Pools, Pollers and Events tables compare two rows by one of their
// columns. Ascending means the smallest shown value first; a state or level
// sorts by urgency (running before stopped, error before info), like the
// Workers' STATE.

// comparePools orders two pools by column k of the Pools table.
func comparePools(a, b *model.Pool, k colKind) int {
	switch k {
	case poolColOwner:
		return cmp.Or(compareIDs(a.Owner, b.Owner), compareFold(a.OwnerName, b.OwnerName))
	case poolColType:
		return compareFold(a.Type, b.Type)
	case poolColWorkers:
		return cmp.Or(cmp.Compare(a.Busy, b.Busy), cmp.Compare(a.MaxWorkers, b.MaxWorkers))
	case poolColQueued:
		return cmp.Compare(a.Queued, b.Queued)
	case poolColDone:
		return cmp.Compare(a.Done, b.Done)
	case poolColFailed:
		return cmp.Compare(a.Failed, b.Failed)
	case poolColHalted:
		return cmp.Compare(a.Halted, b.Halted)
	case poolColRejected:
		return cmp.Compare(a.Rejected, b.Rejected)
	case poolColDaemon:
		return compareBool(a.Daemon, b.Daemon)
	case poolColState:
		return cmp.Compare(poolStateRank(a.State), poolStateRank(b.State))
	case poolColThroughput:
		return cmp.Compare(lastRate(a.Throughput), lastRate(b.Throughput))
	case poolColCluster:
		return cmp.Or(compareBool(poolLost(a), poolLost(b)), cmp.Compare(clusterPending(a), clusterPending(b)))
	}
	return compareFold(a.Name, b.Name)
}

// poolsByName breaks ties between pools.
func poolsByName(a, b *model.Pool) int { return compareFold(a.Name, b.Name) }

// poolStateRank orders pool states by urgency: working ones first.
func poolStateRank(s model.PoolState) int {
	return slices.Index([]model.PoolState{model.PoolRunning, model.PoolPaused, model.PoolStopping, model.PoolIdle, model.PoolStopped}, s)
}

// lastRate is a throughput ring's last sample, or -1 when it has none.
func lastRate(t []float64) float64 {
	if len(t) == 0 {
		return -1
	}
	return t[len(t)-1]
}

// comparePollers orders two pollers by column k of the Pollers table.
func comparePollers(a, b *model.Poller, k colKind) int {
	switch k {
	case pollColState:
		return cmp.Compare(pollerStateRank(a.PollerState()), pollerStateRank(b.PollerState()))
	case pollColPeriod:
		return cmp.Compare(a.Period, b.Period)
	case pollColCount:
		return cmp.Compare(a.Count, b.Count)
	case pollColErrors:
		return cmp.Compare(a.Errors, b.Errors)
	case pollColSkipped:
		return cmp.Compare(a.Skipped, b.Skipped)
	case pollColDelay:
		return cmp.Compare(a.Delay, b.Delay)
	case pollColAccDelay:
		return cmp.Compare(a.AccDelay, b.AccDelay)
	case pollColUsage:
		return cmp.Compare(a.Usage, b.Usage)
	case pollColLast: // the most recent run first; never run last
		return compareLatestFirst(a.Last, b.Last)
	case pollColNext: // the soonest deadline first; nothing scheduled last
		return compareSoonestFirst(a.Next, b.Next)
	case pollColDuration:
		return cmp.Compare(a.Duration, b.Duration)
	case pollColDelays:
		return cmp.Compare(maxDuration(a.Delays), maxDuration(b.Delays))
	case pollColValue:
		return compareFold(a.Value, b.Value)
	}
	return compareFold(a.Name, b.Name)
}

// maxDuration returns the largest of ds, 0 for none.
func maxDuration(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

// pollersByName breaks ties between pollers.
func pollersByName(a, b *model.Poller) int { return compareFold(a.Name, b.Name) }

// pollerStateRank orders poller states by urgency: running ones first.
func pollerStateRank(s string) int {
	return slices.Index([]string{"running", "paused", "idle", "killed"}, s)
}

// compareLatestFirst orders times latest first, the zero time last.
func compareLatestFirst(a, b time.Time) int {
	switch {
	case a.IsZero() || b.IsZero():
		return compareBool(a.IsZero(), b.IsZero())
	}
	return b.Compare(a)
}

// compareSoonestFirst orders times soonest first, the zero time last.
func compareSoonestFirst(a, b time.Time) int {
	switch {
	case a.IsZero() || b.IsZero():
		return compareBool(a.IsZero(), b.IsZero())
	}
	return a.Compare(b)
}

// The Events columns, in display order; a column's kind is its index here.
const (
	eventColTime colKind = iota
	eventColLevel
	eventColTask
	eventColGroup
	eventColText
	numEventCols
)

// eventTitles are the Events column titles, by kind.
var eventTitles = [numEventCols]string{"TIME", "LEVEL", "TASK", "GROUP", "TEXT"}

// compareEvents orders two events by column k of the Events table.
func compareEvents(a, b *model.Event, k colKind) int {
	switch k {
	case eventColLevel:
		return cmp.Compare(levelRank(a.Level), levelRank(b.Level))
	case eventColTask:
		return compareIDs(a.Task, b.Task)
	case eventColGroup:
		return compareFold(a.Group, b.Group)
	case eventColText:
		return compareFold(a.Text, b.Text)
	}
	return a.Time.Compare(b.Time)
}

// levelRank orders event levels by urgency: errors first.
func levelRank(l model.Level) int {
	return slices.Index([]model.Level{model.LevelError, model.LevelWarn, model.LevelInfo}, l)
}
