package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Change is what a reload does to one thing (a task, manager, pool or poller).
type Change uint8

// The changes a Plan reports.
const (
	Unchanged Change = iota // leave it running, untouched
	Added                   // start it
	Removed                 // halt it
	Updated                 // change it in place; it keeps running (limit, size, period, its tasks)
	Replaced                // halt it and start the new one (its definition changed)
)

var changeNames = [...]string{"unchanged", "added", "removed", "updated", "replaced"}

// String returns the lowercase name of c.
func (c Change) String() string {
	if int(c) < len(changeNames) {
		return changeNames[c]
	}
	return fmt.Sprintf("change(%d)", uint8(c))
}

// Plan is what a reload must do to go from one file to the next. Every manager,
// pool and poller of both files appears once: those of the new file in its
// order, then the removed ones in the old file's order; likewise their tasks.
//
// Names may move: a task can leave one manager for another, and a name can go
// from a manager to a pool. An applier should therefore halt what is Removed
// or Replaced before it starts what is Added.
type Plan struct {
	RefreshChanged bool
	Refresh        time.Duration // the new refresh

	Managers []ManagerDiff
	Pools    []PoolDiff
	Pollers  []PollerDiff
}

// TaskDiff is what happens to one task. A task is Replaced (restarted) when
// anything but its position changed; tasks are never Updated.
type TaskDiff struct {
	Name   string
	Change Change
	Old    *Task // nil when Added
	New    *Task // nil when Removed
}

// ManagerDiff is what happens to one manager. It is Updated when its limit,
// its watch flag or any of its tasks changed; managers are never Replaced.
type ManagerDiff struct {
	Name         string
	Change       Change
	Old, New     *Manager
	LimitChanged bool
	WatchChanged bool
	Tasks        []TaskDiff
}

// PoolDiff is what happens to one pool. It is Replaced when its task type or
// daemon flag changed: then every task it keeps is Replaced too. Otherwise it is
// Updated when it was resized (only max_workers changed) or its tasks changed.
type PoolDiff struct {
	Name     string
	Change   Change
	Old, New *Pool
	Resized  bool
	Tasks    []TaskDiff
}

// PollerDiff is what happens to one poller. It is Updated in place when only
// its period, min_wait or timeout changed, and Replaced (restarted) when its
// command, dir, env or concurrency changed.
type PollerDiff struct {
	Name           string
	Change         Change
	Old, New       *Poller
	PeriodChanged  bool
	MinWaitChanged bool
	TimeoutChanged bool
}

// Diff returns what a reload from old to new must do. Either may be nil: a nil
// old makes everything Added (the first start), a nil new everything Removed.
func Diff(old, new *File) Plan {
	if old == nil {
		old = &File{Refresh: DefaultRefresh}
	}
	if new == nil {
		new = &File{Refresh: old.Refresh}
	}
	return Plan{
		RefreshChanged: old.Refresh != new.Refresh,
		Refresh:        new.Refresh,
		Managers:       diffManagers(old.Managers, new.Managers),
		Pools:          diffPools(old.Pools, new.Pools),
		Pollers:        diffPollers(old.Pollers, new.Pollers),
	}
}

// pair matches two lists by name: the new ones in order (with their old match
// or nil), then the old ones that are gone.
func pair[T any](old, new []T, name func(*T) string) (both [][2]*T) {
	byName := make(map[string]*T, len(old))
	for i := range old {
		byName[name(&old[i])] = &old[i]
	}
	seen := make(map[string]bool, len(new))
	for i := range new {
		n := name(&new[i])
		seen[n] = true
		both = append(both, [2]*T{byName[n], &new[i]})
	}
	for i := range old {
		if !seen[name(&old[i])] {
			both = append(both, [2]*T{&old[i], nil})
		}
	}
	return both
}

// added, removed or otherwise: the Change for a pair before comparing fields.
func presence[T any](o, n *T) Change {
	switch {
	case o == nil:
		return Added
	case n == nil:
		return Removed
	}
	return Unchanged
}

func diffTasks(old, new []Task, forceReplace bool) []TaskDiff {
	var out []TaskDiff
	for _, p := range pair(old, new, func(t *Task) string { return t.Name }) {
		d := TaskDiff{Old: p[0], New: p[1], Change: presence(p[0], p[1])}
		if p[1] != nil {
			d.Name = p[1].Name
		} else {
			d.Name = p[0].Name
		}
		if d.Change == Unchanged && (forceReplace || !sameTask(p[0], p[1])) {
			d.Change = Replaced
		}
		out = append(out, d)
	}
	return out
}

// tasksChanged reports whether any task diff is not Unchanged.
func tasksChanged(ds []TaskDiff) bool {
	return slices.ContainsFunc(ds, func(d TaskDiff) bool { return d.Change != Unchanged })
}

func diffManagers(old, new []Manager) []ManagerDiff {
	var out []ManagerDiff
	for _, p := range pair(old, new, func(m *Manager) string { return m.Name }) {
		o, n := p[0], p[1]
		d := ManagerDiff{Old: o, New: n, Change: presence(o, n)}
		switch d.Change {
		case Added:
			d.Name, d.Tasks = n.Name, diffTasks(nil, n.Tasks, false)
		case Removed:
			d.Name, d.Tasks = o.Name, diffTasks(o.Tasks, nil, false)
		default:
			d.Name = n.Name
			d.LimitChanged, d.WatchChanged = o.Limit != n.Limit, o.Watch != n.Watch
			d.Tasks = diffTasks(o.Tasks, n.Tasks, false)
			if d.LimitChanged || d.WatchChanged || tasksChanged(d.Tasks) {
				d.Change = Updated
			}
		}
		out = append(out, d)
	}
	return out
}

func diffPools(old, new []Pool) []PoolDiff {
	var out []PoolDiff
	for _, p := range pair(old, new, func(p *Pool) string { return p.Name }) {
		o, n := p[0], p[1]
		d := PoolDiff{Old: o, New: n, Change: presence(o, n)}
		switch d.Change {
		case Added:
			d.Name, d.Tasks = n.Name, diffTasks(nil, n.Tasks, false)
		case Removed:
			d.Name, d.Tasks = o.Name, diffTasks(o.Tasks, nil, false)
		default:
			d.Name = n.Name
			replace := o.TaskType != n.TaskType || o.Daemon != n.Daemon || !sameBackend(o.Backend, n.Backend)
			d.Resized = o.MaxWorkers != n.MaxWorkers
			d.Tasks = diffTasks(o.Tasks, n.Tasks, replace)
			switch {
			case replace:
				d.Change = Replaced
			case d.Resized || tasksChanged(d.Tasks):
				d.Change = Updated
			}
		}
		out = append(out, d)
	}
	return out
}

func diffPollers(old, new []Poller) []PollerDiff {
	var out []PollerDiff
	for _, p := range pair(old, new, func(p *Poller) string { return p.Name }) {
		o, n := p[0], p[1]
		d := PollerDiff{Old: o, New: n, Change: presence(o, n)}
		switch d.Change {
		case Added:
			d.Name = n.Name
		case Removed:
			d.Name = o.Name
		default:
			d.Name = n.Name
			d.PeriodChanged = o.Period != n.Period
			d.MinWaitChanged = o.MinWait != n.MinWait
			d.TimeoutChanged = o.Timeout != n.Timeout
			switch {
			case !slices.Equal(o.Command, n.Command) || o.Dir != n.Dir || !maps.Equal(o.Env, n.Env) || o.Concurrency != n.Concurrency,
				o.Schedule != n.Schedule || o.Timezone != n.Timezone:
				d.Change = Replaced
			case d.PeriodChanged || d.MinWaitChanged || d.TimeoutChanged:
				d.Change = Updated
			}
		}
		out = append(out, d)
	}
	return out
}

// sameTask reports whether a and b run the same thing the same way; their
// positions in the file do not matter.
func sameTask(a, b *Task) bool {
	return a.Name == b.Name && slices.Equal(a.Command, b.Command) && a.Dir == b.Dir &&
		maps.Equal(a.Env, b.Env) && a.Type == b.Type && a.Restart == b.Restart &&
		a.Backoff == b.Backoff && a.MaxRestarts == b.MaxRestarts && a.RestartWindow == b.RestartWindow &&
		a.StopSignal == b.StopSignal && a.StopGrace == b.StopGrace &&
		a.Schedule == b.Schedule && a.Timezone == b.Timezone && sameOrchestration(a, b)
}

// sameOrchestration reports whether a and b depend, probe, shut down and
// replicate the same way (positions aside).
func sameOrchestration(a, b *Task) bool {
	return slices.EqualFunc(a.DependsOn, b.DependsOn, func(x, y Dependency) bool {
		return x.Name == y.Name && x.Owner == y.Owner && x.Condition == y.Condition
	}) && sameProbe(a.Readiness, b.Readiness) && sameProbe(a.Liveness, b.Liveness) &&
		a.ReadyLogLine == b.ReadyLogLine && slices.Equal(a.SuccessExitCodes, b.SuccessExitCodes) &&
		sameShutdown(a.Shutdown, b.Shutdown) && a.Disabled == b.Disabled && a.Replicas == b.Replicas
}

func sameProbe(a, b *Probe) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := *a, *b
	x.Pos, y.Pos = Pos{}, Pos{}
	return slices.Equal(x.Exec, y.Exec) && ptrEqual(x.HTTPGet, y.HTTPGet) && ptrEqual(x.TCP, y.TCP) &&
		x.InitialDelay == y.InitialDelay && x.Period == y.Period && x.Timeout == y.Timeout &&
		x.SuccessThreshold == y.SuccessThreshold && x.FailureThreshold == y.FailureThreshold
}

func sameShutdown(a, b *Shutdown) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.Equal(a.Command, b.Command) && a.Timeout == b.Timeout
}

func ptrEqual[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool {
	if p.RefreshChanged {
		return false
	}
	for _, d := range p.Managers {
		if d.Change != Unchanged {
			return false
		}
	}
	for _, d := range p.Pools {
		if d.Change != Unchanged {
			return false
		}
	}
	for _, d := range p.Pollers {
		if d.Change != Unchanged {
			return false
		}
	}
	return true
}

// Summary describes the plan in one line for the events view:
// "3 tasks started, 1 restarted, 2 halted; pool io resized; 1 poller retimed".
// An empty plan is "no changes".
func (p *Plan) Summary() string {
	var added, removed, replaced, retimed, pollersAdded, pollersRemoved, pollersReplaced int
	var parts, resized []string
	count := func(ds []TaskDiff) {
		for _, d := range ds {
			switch d.Change {
			case Added:
				added++
			case Removed:
				removed++
			case Replaced:
				replaced++
			}
		}
	}
	for _, d := range p.Managers {
		count(d.Tasks)
		if d.LimitChanged {
			resized = append(resized, fmt.Sprintf("manager %s limit %d→%d", d.Name, d.Old.Limit, d.New.Limit))
		}
	}
	for _, d := range p.Pools {
		count(d.Tasks)
		if d.Resized {
			resized = append(resized, fmt.Sprintf("pool %s %d→%d workers", d.Name, d.Old.MaxWorkers, d.New.MaxWorkers))
		}
	}
	for _, d := range p.Pollers {
		switch d.Change {
		case Added:
			pollersAdded++
		case Removed:
			pollersRemoved++
		case Replaced:
			pollersReplaced++
		case Updated:
			retimed++
		}
	}
	var tasks []string
	for _, c := range []struct {
		n    int
		verb string
	}{{added, "started"}, {replaced, "restarted"}, {removed, "halted"}} {
		switch {
		case c.n == 0:
		case len(tasks) == 0: // the first count names the noun: "2 tasks started, 1 halted"
			tasks = append(tasks, fmt.Sprintf("%s %s", plural(c.n, "task"), c.verb))
		default:
			tasks = append(tasks, fmt.Sprintf("%d %s", c.n, c.verb))
		}
	}
	if len(tasks) > 0 {
		parts = append(parts, strings.Join(tasks, ", "))
	}
	parts = append(parts, resized...)
	for _, c := range []struct {
		n    int
		verb string
	}{{pollersAdded, "started"}, {pollersReplaced, "restarted"}, {retimed, "retimed"}, {pollersRemoved, "stopped"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", plural(c.n, "poller"), c.verb))
		}
	}
	if p.RefreshChanged {
		parts = append(parts, "refresh "+p.Refresh.String())
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, "; ")
}
