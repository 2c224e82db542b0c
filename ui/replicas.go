package ui

import (
	"strconv"
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// Replica sets in the dashboard: a set is a row of the Pools view, drawn
// with the pools' columns (WORKERS is its replicas running/desired, the
// counters its replicas' states), and + and - on it, or on a replica's row in
// Workers, scale it by one (a relative OpResize naming a replica).

// maxReplicas is the engine's engine.MaxReplicas (ui does not import engine):
// + is refused, and says why, at that size.
const maxReplicas = 1024

// replicaType is the TYPE cell of a replica set's row.
const replicaType = "replicas"

// replicaPool returns the row a replica set shows as in the Pools view.
func replicaPool(rs *model.ReplicaSet) model.Pool {
	c := rs.Counts
	return model.Pool{
		Name:       rs.Name,
		Origin:     rs.Origin,
		Type:       replicaType,
		State:      model.PoolRunning,
		MaxWorkers: rs.Desired,
		Busy:       rs.Running,
		Queued:     c[model.StateQueued] + c[model.StateWaiting] + c[model.StateBlocked],
		Done:       int64(c[model.StateDone]),
		Failed:     int64(c[model.StateFailed] + c[model.StateFatal]),
		Halted:     int64(c[model.StateHalted] + c[model.StateKilled] + c[model.StateAbandoned]),
	}
}

// withReplicaSets returns the Pools rows of pools and sets, by name (the
// order both come in), and which rows are the sets'.
func withReplicaSets(pools []model.Pool, sets []model.ReplicaSet) ([]model.Pool, map[*model.Pool]*model.ReplicaSet) {
	rows := make([]model.Pool, 0, len(pools)+len(sets))
	setAt := make([]int, 0, len(sets)) // the row of each set
	i := 0
	for j := range sets {
		for i < len(pools) && compareFold(pools[i].Name, sets[j].Name) <= 0 {
			rows = append(rows, pools[i])
			i++
		}
		setAt = append(setAt, len(rows))
		rows = append(rows, replicaPool(&sets[j]))
	}
	rows = append(rows, pools[i:]...)
	of := make(map[*model.Pool]*model.ReplicaSet, len(sets))
	for j, at := range setAt {
		of[&rows[at]] = &sets[j]
	}
	return rows, of
}

// renderReplicaState returns a replica set's STATE cell: its replicas by
// state, the most urgent first ("2 running, 1 backoff"), and those leaving.
func renderReplicaState(rs *model.ReplicaSet) string {
	var parts []string
	for _, s := range replicaStateOrder {
		if n := rs.Counts[s]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+s.String())
		}
	}
	if rs.Leaving > 0 {
		parts = append(parts, strconv.Itoa(rs.Leaving)+" leaving")
	}
	if len(parts) == 0 {
		return noValue
	}
	return strings.Join(parts, ", ")
}

// replicaStateOrder lists the states a replica's count is shown for, in the
// order the STATE cell names them.
var replicaStateOrder = []model.State{
	model.StateRunning, model.StatePausing, model.StatePaused, model.StateHalting,
	model.StateFailed, model.StateFatal, model.StateBackoff, model.StateBlocked, model.StateWaiting,
	model.StateQueued, model.StateDisabled, model.StateDone, model.StateHalted, model.StateKilled, model.StateAbandoned,
}

// replicaSetPaint returns the paint of a set's STATE cell: the running
// colour when every replica runs, the alert when one failed, else plain.
func replicaSetPaint(st *Styles, rs *model.ReplicaSet) paint {
	c := rs.Counts
	switch {
	case c[model.StateFailed]+c[model.StateFatal]+c[model.StateBlocked] > 0:
		return st.alert
	case rs.Running == rs.Desired && rs.Leaving == 0:
		return st.poolState[model.PoolRunning]
	}
	return paint{}
}

// findReplicaSet returns the set named name, or nil.
func findReplicaSet(sets []model.ReplicaSet, name string) *model.ReplicaSet {
	for i := range sets {
		if sets[i].Name == name {
			return &sets[i]
		}
	}
	return nil
}

// planReplicas plans a key's action on replica set rs: + adds a replica, -
// removes the highest; target is the replica the command names (the selected
// row's, or the set's own). Other actions apply to its replicas, in Workers.
func planReplicas(a action, rs *model.ReplicaSet, target model.TaskID) plan {
	label := "replica set " + cleanCell(rs.Name)
	switch a {
	case actGrow, actShrink:
		// Relative, as for pools: each press is one more step the engine takes.
		step, change := int64(1), "+1 replica"
		if a == actShrink {
			step, change = -1, "-1 replica (the highest, "+cleanCell(rs.Name)+"-"+strconv.Itoa(rs.Desired)+" or above, halts and goes)"
		}
		switch {
		case a == actShrink && rs.Desired <= 1:
			return cannotPlan("scale down", label, "it has 1 replica, the fewest a replica set can have")
		case a == actGrow && rs.Desired >= maxReplicas:
			return cannotPlan("scale up", label, "it has "+strconv.Itoa(rs.Desired)+" replicas, the most a replica set can have")
		}
		return sendPlan("scale", model.Command{Op: model.OpResize, Target: target, Step: step}, label+" by "+change)
	}
	return cannotPlan(a.verb(), label, "a replica set scales with + and -; the other keys act on its replicas (enter lists them)")
}

// planReplicaTask plans + and - on a task row: a replica scales its set,
// any other task says what the keys do.
func (m *Model) planReplicaTask(a action) plan {
	t := m.workers.Selected()
	if t == nil || t.ReplicaOf == "" {
		k := m.keys
		return plan{verb: a.verb(), reason: "cannot " + a.verb() + ": " + k.Grow.Help().Key + " and " +
			k.Shrink.Help().Key + " scale a replica's set, resize a pool (" + k.PoolsView.Help().Key +
			") or change a poller's period (" + k.PollersView.Help().Key + ")"}
	}
	rs := findReplicaSet(m.snap.Replicas, t.ReplicaOf)
	if rs == nil { // not in this snapshot yet: the engine judges
		rs = &model.ReplicaSet{Name: t.ReplicaOf, Desired: 2}
	}
	return planReplicas(a, rs, t.ID)
}

// writeSetCell appends the cells of a replica set's row that differ from a
// pool's: OWNER (its manager), DAEMON (none) and STATE (its replicas'
// states). It reports whether kind was one of them.
func (t *poolsTable) writeSetCell(c *strings.Builder, rs *model.ReplicaSet, kind colKind, w int, use func(paint) paint) bool {
	switch kind {
	case poolColOwner:
		writePadded(c, use(t.st.desc), "manager "+cleanCell(rs.Manager), w)
	case poolColDaemon:
		writePadded(c, use(t.st.dim), noValue, w)
	case poolColState:
		writePadded(c, use(replicaSetPaint(t.st, rs)), renderReplicaState(rs), w)
	default:
		return false
	}
	return true
}
