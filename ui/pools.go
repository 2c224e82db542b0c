package ui

import (
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// The Pools columns, in display order; a column's kind is its index here.
const (
	poolColName colKind = iota
	poolColOwner
	poolColType
	poolColWorkers
	poolColQueued
	poolColDone
	poolColFailed
	poolColHalted
	poolColRejected
	poolColDaemon
	poolColState
	poolColThroughput
	poolColCluster // a distributed pool's queue, all engines (render_cluster.go)
	numPoolCols
)

// poolsTable is the Pools view: one row per pool (namespace), in the snapshot's
// order (by name), then one per replica set (replicas.go). Like Workers, its
// rows live outside any widget and View formats only the rows on screen.
type poolsTable struct {
	st *Styles

	pools  []model.Pool // the snapshot's (shared, immutable), then the replica sets' rows
	have   bool
	now    time.Time // the snapshot's time, for how long a backend has been lost
	filter filter
	// sets maps a replica set's row (in pools) to the set; nil without sets.
	sets map[*model.Pool]*model.ReplicaSet

	columnTable[model.Pool]
}

// newPoolsTable returns an empty table.
func newPoolsTable(st *Styles) poolsTable {
	t := poolsTable{st: st, columnTable: newColumnTable(numPoolCols, poolName, tableOrder{col: poolColName}, comparePools, poolsByName)}
	t.originOf = func(p *model.Pool) string { return p.Origin }
	return t
}

// poolName is the key a pool (or a replica set) is followed by across snapshots.
func poolName(p *model.Pool) string { return p.Name }

// SetSnapshot shows the snapshot's pools and replica sets, keeping the
// selection on the same row.
func (t *poolsTable) SetSnapshot(s *model.Snapshot) {
	t.pools, t.have, t.sets, t.now = s.Pools, true, nil, s.Time
	t.origins = newOriginInfo(s)
	if len(s.Replicas) > 0 {
		t.pools, t.sets = withReplicaSets(s.Pools, s.Replicas) // replicas.go
	}
	t.rebuild()
}

// SelectedSet returns the replica set of the selected row, or nil (none
// selected, or a pool).
func (t *poolsTable) SelectedSet() *model.ReplicaSet {
	if p := t.Selected(); p != nil {
		return t.sets[p]
	}
	return nil
}

// SetFilter filters the rows by f.
func (t *poolsTable) SetFilter(f filter) {
	t.filter = f
	t.rebuild()
}

// Sort sorts by the next column on screen, or reverses the order.
func (t *poolsTable) Sort(reverse bool) {
	t.sortBy(reverse)
	t.rebuild()
}

// rebuild recomputes the rows, the selection and the column widths.
func (t *poolsTable) rebuild() {
	specs := poolSpecs()
	for _, k := range []colKind{poolColQueued, poolColDone, poolColFailed, poolColHalted, poolColRejected, poolColThroughput, poolColCluster} {
		specs[k].empty = true // until a row has something in it
	}
	grow := func(k colKind, n int) { specs[k].width = max(specs[k].width, n) }
	some := func(k colKind, has bool) { specs[k].empty = specs[k].empty && !has }
	t.arrange(t.pools, t.filter.matchPool, func(p *model.Pool) {
		grow(poolColName, min(len(p.Name), 20))
		grow(poolColOwner, min(len(p.Owner)+1+len(p.OwnerName), 24))
		grow(poolColType, min(len(p.Type), 16))
		grow(poolColWorkers, poolBarWidth+1+digits(int64(p.Busy))+1+digits(int64(p.MaxWorkers)))
		grow(poolColQueued, digits(int64(p.Queued)))
		grow(poolColDone, digits(p.Done))
		grow(poolColFailed, digits(p.Failed))
		grow(poolColHalted, digits(p.Halted))
		grow(poolColRejected, digits(p.Rejected))
		some(poolColQueued, p.Queued > 0)
		some(poolColDone, p.Done > 0)
		some(poolColFailed, p.Failed > 0)
		some(poolColHalted, p.Halted > 0)
		some(poolColRejected, p.Rejected > 0)
		some(poolColThroughput, len(p.Throughput) > 0)
		some(poolColCluster, p.Cluster != nil)
		if p.Cluster != nil { // the CLUSTER column flexes: it takes the spare width, its cell fits what it gets
			grow(poolColState, len(clusterLostState))
		}
		if rs := t.sets[p]; rs != nil { // replicas.go: its own OWNER and STATE
			grow(poolColOwner, min(len("manager ")+len(rs.Manager), 24))
			grow(poolColState, min(textWidth(renderReplicaState(rs)), 32))
		}
	})
	t.refit(specs[:])
}

// poolSpecs returns the Pools columns at their narrowest.
func poolSpecs() [numPoolCols]tableCol {
	return [numPoolCols]tableCol{
		poolColName:       {title: "NAMESPACE", width: 9},
		poolColOwner:      {title: "OWNER", width: 5, drop: 2},
		poolColType:       {title: "TYPE", width: 4, drop: 3},
		poolColWorkers:    {title: "WORKERS", width: 7},
		poolColQueued:     {title: "QUEUED", width: 6, right: true, drop: 7},
		poolColDone:       {title: "DONE", width: 4, right: true, drop: 5},
		poolColFailed:     {title: "FAILED", width: 6, right: true, drop: 4},
		poolColHalted:     {title: "HALTED", width: 6, right: true, drop: 6},
		poolColRejected:   {title: "REJECTED", width: 8, right: true, drop: 6},
		poolColDaemon:     {title: "DAEMON", width: 6, drop: 1},
		poolColState:      {title: "STATE", width: 8},
		poolColThroughput: {title: "THROUGHPUT", width: 12, flex: true, drop: 8},
		poolColCluster:    {title: "QUEUE, ALL ENGINES", width: 40, flex: true, drop: 9},
	}
}

// View draws the table in its box: only the rows on screen are formatted.
func (t *poolsTable) View() []string {
	title, tw := listTitle(t.st, "Pools", len(t.rows), len(t.pools), t.filter, sortTitle(t.sortName(), t.order.reverse))
	note := emptyNote(t.have, len(t.rows), t.filter, "pool", " no pools (pools are namespaces of workers that a program creates through engine.ResolvePool)")
	return t.view(t.st, title, tw, t.header(t.st), note, t.rowLine)
}

// rowLine appends row i, exactly the table's inner width wide. The selected row
// is drawn in reverse video of its state colour; others paint the state, the
// bar, and the failed and rejected counts when they are not zero.
func (t *poolsTable) rowLine(c *strings.Builder, i int) {
	p := t.rows[i]
	selected := i == t.cursor
	use := func(pt paint) paint { return pt }
	switch {
	case selected:
		use = func(paint) paint { return paint{} }
		c.WriteString(t.st.poolSelected[p.State].on)
	case t.staleRow(p):
		use = func(paint) paint { return t.st.dim }
	}
	rs := t.sets[p]
	t.writeCells(c, func(kind colKind, w int) {
		if kind == originCol {
			t.writeOrigin(c, t.st, p.Origin, w, selected)
			return
		}
		if rs != nil && t.writeSetCell(c, rs, kind, w, use) {
			return
		}
		switch kind {
		case poolColName:
			writePadded(c, paint{}, renderPoolName(p), w)
		case poolColOwner:
			pt := paint{}
			if p.Owner == "" {
				pt = t.st.dim
			}
			writePadded(c, use(pt), renderPoolOwner(p), w)
		case poolColType:
			writePadded(c, use(t.st.desc), renderPoolType(p), w)
		case poolColWorkers:
			t.writeWorkers(c, p, w, selected)
		case poolColQueued:
			writeRight(c, paint{}, renderCount(int64(p.Queued)), w)
		case poolColDone:
			writeRight(c, paint{}, renderCount(p.Done), w)
		case poolColFailed:
			writeRight(c, use(t.alertIf(p.Failed > 0)), renderCount(p.Failed), w)
		case poolColHalted:
			writeRight(c, paint{}, renderCount(p.Halted), w)
		case poolColRejected:
			writeRight(c, use(t.alertIf(p.Rejected > 0)), renderCount(p.Rejected), w)
		case poolColDaemon:
			writePadded(c, use(t.st.desc), renderDaemon(p), w)
		case poolColState:
			pt := t.st.poolState[p.State]
			if poolLost(p) {
				pt = t.st.alert
			}
			writePadded(c, use(pt), renderPoolStateCell(p), w)
		case poolColThroughput:
			writePadded(c, use(t.st.spark), renderThroughput(p, w), w)
		case poolColCluster:
			writePadded(c, use(t.alertIf(poolLost(p))), renderPoolCluster(p, t.now, w), w)
		}
	})
	if selected {
		c.WriteString("\x1b[m")
	}
}

// alertIf returns the alert paint when bad, else the plain one.
func (t *poolsTable) alertIf(bad bool) paint {
	if bad {
		return t.st.alert
	}
	return paint{}
}

// writeWorkers appends the WORKERS cell: the busy part of the bar green, the rest
// dim, the count plain.
func (t *poolsTable) writeWorkers(c *strings.Builder, p *model.Pool, w int, selected bool) {
	s := renderPoolWorkers(p)
	if selected || w < textWidth(s) {
		writePadded(c, paint{}, s, w)
		return
	}
	full := poolBarFull(p)
	t.st.bar.write(c, s[:full*3]) // each block is three bytes long
	t.st.barEmpty.write(c, s[full*3:poolBarWidth*3])
	c.WriteString(s[poolBarWidth*3:])
	writeSpaces(c, w-textWidth(s))
}
