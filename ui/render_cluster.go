package ui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// The Pools view's CLUSTER cell and lost-backend state: what a distributed
// pool's queue looks like across every engine that works it (model.PoolCluster).

// clusterLostState is the STATE cell of a pool whose backend does not answer.
const clusterLostState = "redis lost"

// renderPoolCluster returns the CLUSTER cell, at most w cells wide (w < 1:
// all of it), · for a pool whose queue is this engine's: "pending 12 ·
// active 4 · retry 1 · 120 done/min · oldest 3s · 2 engines" (scheduled,
// retry, archived and failures only when not zero). A lost backend leads
// with how long ago and why, then the last figures read. What does not fit
// goes, least useful first (engines, archived, scheduled, retry, failures,
// oldest, done, active), so
// that the cell stays readable rather than cut.
func renderPoolCluster(p *model.Pool, now time.Time, w int) string {
	c := p.Cluster
	if c == nil {
		return noValue
	}
	type part struct {
		text string
		rank int // 0 stays; higher goes first
	}
	var parts []part
	add := func(rank int, text string) { parts = append(parts, part{text, rank}) }
	if c.Lost != "" {
		lost := "lost"
		if !c.LostSince.IsZero() && !now.IsZero() {
			lost += " " + model.FormatAge(now.Sub(c.LostSince))
		}
		add(0, lost+" ("+cleanCell(lastCause(c.Lost))+")")
	}
	if c.Read.IsZero() {
		add(0, "no figures yet")
	} else {
		add(0, "pending "+strconv.Itoa(c.Pending))
		add(1, "active "+strconv.Itoa(c.Active))
		for _, f := range []struct {
			n    int
			what string
			rank int
		}{{c.Scheduled, "scheduled", 6}, {c.Retry, "retry", 5}, {c.Archived, "archived", 7}} {
			if f.n > 0 {
				add(f.rank, f.what+" "+strconv.Itoa(f.n))
			}
		}
		add(2, decimal(c.ProcessedPerMin)+" done/min")
		if c.FailedPerMin > 0 {
			add(4, decimal(c.FailedPerMin)+" failed/min")
		}
		if c.Pending > 0 {
			add(3, "oldest "+model.FormatAge(c.Latency))
		}
		if c.Engines > 0 {
			add(8, plural(c.Engines, "engine"))
		}
	}
	join := func() string {
		texts := make([]string, len(parts))
		for i, pt := range parts {
			texts[i] = pt.text
		}
		return strings.Join(texts, " · ")
	}
	for rank := 8; rank > 0 && w > 0 && textWidth(join()) > w; rank-- {
		parts = slices.DeleteFunc(parts, func(pt part) bool { return pt.rank == rank })
	}
	return join()
}

// lastCause is the end of an error chain, what a person reads first:
// "connection refused" of "dial tcp 10.0.0.5:6379: connect: connection refused".
func lastCause(err string) string {
	if i := strings.LastIndex(err, ": "); i >= 0 && i+2 < len(err) {
		return err[i+2:]
	}
	return err
}

// poolLost reports whether p is a distributed pool whose backend does not
// answer.
func poolLost(p *model.Pool) bool { return p.Cluster != nil && p.Cluster.Lost != "" }

// renderPoolStateCell returns the STATE cell: the pool's state, or that its
// backend is lost (its local work runs on; it takes no new work).
func renderPoolStateCell(p *model.Pool) string {
	if poolLost(p) {
		return clusterLostState
	}
	return renderPoolState(p)
}

// lostBackends returns the header's notice for pools whose backend does not
// answer, empty when none: "redis lost: render (127.0.0.1:6379) 12s".
func lostBackends(pools []model.Pool, now time.Time) string {
	var names []string
	var first *model.PoolCluster
	for i := range pools {
		if poolLost(&pools[i]) {
			if first == nil {
				first = pools[i].Cluster
			}
			names = append(names, cleanCell(pools[i].Name))
		}
	}
	if first == nil {
		return ""
	}
	s := clusterLostState + ": pool " + strings.Join(names, ", ")
	if len(names) == 1 {
		s += " (" + cleanCell(first.Backend) + ")"
	}
	if !first.LostSince.IsZero() && !now.IsZero() {
		s += " " + model.FormatAge(now.Sub(first.LostSince))
	}
	return s
}

// clusterPending is the queue's pending count, -1 for an in-memory pool (so
// that it sorts before any distributed one).
func clusterPending(p *model.Pool) int {
	if p.Cluster == nil {
		return -1
	}
	return p.Cluster.Pending
}
