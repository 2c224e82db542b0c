package spec

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// taskRef is one task of the file and the manager or pool holding it.
type taskRef struct {
	owner string
	task  *Task
}

// key names a task uniquely: "owner/name".
func (r taskRef) key() string { return r.owner + "/" + r.task.Name }

// allTasks lists every task of f with its owner, in file order.
func (f *File) allTasks() []taskRef {
	var out []taskRef
	for i := range f.Managers {
		for j := range f.Managers[i].Tasks {
			out = append(out, taskRef{f.Managers[i].Name, &f.Managers[i].Tasks[j]})
		}
	}
	for i := range f.Pools {
		for j := range f.Pools[i].Tasks {
			out = append(out, taskRef{f.Pools[i].Name, &f.Pools[i].Tasks[j]})
		}
	}
	return out
}

// checkOrchestration resolves every depends_on to the task it names (setting
// Owner) and reports names that match no task or several, conditions the
// task named can never reach, replica names taken by another task, and
// cycles.
func (f *File) checkOrchestration(d *decoder) {
	refs := f.allTasks()
	byName := map[string][]taskRef{}
	var names []string
	for _, r := range refs {
		if r.task.Name == "" {
			continue
		}
		if len(byName[r.task.Name]) == 0 {
			names = append(names, r.task.Name)
		}
		byName[r.task.Name] = append(byName[r.task.Name], r)
	}
	checkReplicaNames(d, refs, byName)
	edges := map[string][]edge{}
	for _, r := range refs {
		for i := range r.task.DependsOn {
			dep := &r.task.DependsOn[i]
			target, ok := resolveDependency(d, r, dep, byName, names)
			if !ok {
				continue
			}
			dep.Owner = target.owner
			checkCondition(d, r, dep, target)
			edges[r.key()] = append(edges[r.key()], edge{to: target.key(), at: dep.Pos})
		}
	}
	reportCycles(d, refs, edges)
}

// resolveDependency finds the task dep names: a bare name, or owner/name.
func resolveDependency(d *decoder, from taskRef, dep *Dependency, byName map[string][]taskRef, names []string) (taskRef, bool) {
	cands := byName[dep.Name]
	if len(cands) == 0 {
		if owner, name, qualified := strings.Cut(dep.Name, "/"); qualified {
			for _, c := range byName[name] {
				if c.owner == owner {
					return c, true
				}
			}
		}
	}
	switch len(cands) {
	case 1:
		return cands[0], true
	case 0:
		hint := "depends_on names tasks of this file: " + strings.Join(clipNames(names), ", ")
		if near, ok := nearest(dep.Name, names); ok && editDistance(dep.Name, near) < len(dep.Name) {
			hint = fmt.Sprintf("did you mean %q?", near)
		}
		d.errorAt(dep.Pos, hint, "task %q depends on %q, which is no task in this file", from.task.Name, clip(dep.Name))
		return taskRef{}, false
	}
	var quals []string
	for _, c := range cands {
		quals = append(quals, c.key())
	}
	d.errorAt(dep.Pos, "write "+strings.Join(quals, " or "), "task %q depends on %q, which names %d tasks", from.task.Name, dep.Name, len(cands))
	return taskRef{}, false
}

// checkCondition reports a condition the task named can never reach.
func checkCondition(d *decoder, from taskRef, dep *Dependency, target taskRef) {
	t := target.task
	switch {
	case dep.Condition == ConditionHealthy && t.Readiness == nil:
		d.errorAt(dep.Pos, fmt.Sprintf("give %s a readiness probe, or wait for started", t.Name),
			"task %q waits for %q to be healthy, but %q has no readiness probe", from.task.Name, t.Name, t.Name)
	case dep.Condition == ConditionLogReady && t.ReadyLogLine == "":
		d.errorAt(dep.Pos, fmt.Sprintf("give %s a ready_log_line, or wait for started", t.Name),
			"task %q waits for %q to be log_ready, but %q has no ready_log_line", from.task.Name, t.Name, t.Name)
	}
}

// checkReplicaNames reports a task whose name is also a replica's name
// (web-2 when web has replicas: 3).
func checkReplicaNames(d *decoder, refs []taskRef, byName map[string][]taskRef) {
	for _, r := range refs {
		for i := 1; r.task.Replicas > 1 && i <= r.task.Replicas; i++ {
			checkReplicaName(d, r, i, byName)
		}
	}
}

func checkReplicaName(d *decoder, r taskRef, i int, byName map[string][]taskRef) {
	name := fmt.Sprintf("%s-%d", r.task.Name, i)
	for _, other := range byName[name] {
		d.errorAt(other.task.Pos, "rename it, or lower "+r.task.Name+"'s replicas",
			"task %q has the name of replica %d of %q (line %d)", name, i, r.task.Name, r.task.Pos.Line)
	}
}

// edge is one dependency: the task depended on (its key) and where it is written.
type edge struct {
	to string
	at Pos
}

// reportCycles reports each cycle of dependencies once, as "a → b → c → a",
// at the first edge of it in the file's order.
func reportCycles(d *decoder, refs []taskRef, edges map[string][]edge) {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	display := map[string]string{}
	for _, r := range refs {
		display[r.key()] = r.task.Name
	}
	reported := map[string]bool{}
	var path []string
	var pathEdges []Pos
	var visit func(k string)
	visit = func(k string) {
		state[k] = onPath
		path = append(path, k)
		for _, e := range edges[k] {
			switch state[e.to] {
			case unseen:
				pathEdges = append(pathEdges, e.at)
				visit(e.to)
				pathEdges = pathEdges[:len(pathEdges)-1]
			case onPath:
				start := slices.Index(path, e.to)
				cycle := slices.Clone(path[start:])
				at := append(slices.Clone(pathEdges[start:]), e.at)
				reportCycle(d, cycle, at, display, reported)
			}
		}
		path = path[:len(path)-1]
		state[k] = done
	}
	for _, r := range refs {
		if state[r.key()] == unseen {
			visit(r.key())
		}
	}
}

// reportCycle reports the cycle through keys, whose edges are written at at
// (at[i] is the edge from keys[i]), unless it was reported already.
func reportCycle(d *decoder, keys []string, at []Pos, display map[string]string, reported map[string]bool) {
	first := 0 // the edge written first in the file
	for i := range at {
		if at[i].Line < at[first].Line || at[i].Line == at[first].Line && at[i].Col < at[first].Col {
			first = i
		}
	}
	rotated := append(slices.Clone(keys[first:]), keys[:first]...)
	id := strings.Join(slices.Sorted(slices.Values(keys)), "\x00")
	if reported[id] {
		return
	}
	reported[id] = true
	shown := make([]string, 0, len(rotated)+1)
	for _, k := range rotated {
		shown = append(shown, display[k])
	}
	shown = append(shown, display[rotated[0]])
	what := "a dependency cycle"
	if len(keys) == 1 {
		what = "a task that depends on itself"
	}
	d.errorAt(at[first], "remove one of these dependencies: none of them could ever start",
		"%s: %s", what, strings.Join(shown, " → "))
}

// clipNames shortens a long list of names for a hint.
func clipNames(names []string) []string {
	const most = 10
	if len(names) <= most {
		return names
	}
	return append(slices.Clone(names[:most]), fmt.Sprintf("… (%d more)", len(names)-most))
}

// checkDirs reports a dir that exists but is not a directory: the task could
// never start there. (A dir that does not exist yet is a warning: see
// File.Warnings.)
func (f *File) checkDirs(d *decoder) {
	check := func(raw, resolved, what, name string, at Pos) {
		if raw == "" {
			return
		}
		if fi, err := os.Stat(resolved); err == nil && !fi.IsDir() {
			d.errorAt(at, "dir names a directory", "%s %q: dir %s is not a directory", what, name, raw)
		}
	}
	for _, r := range f.allTasks() {
		check(r.task.DirRaw, r.task.Dir, "task", r.task.Name, r.task.Pos)
	}
	for _, p := range f.Pollers {
		check(p.DirRaw, p.Dir, "poller", p.Name, p.Pos)
	}
}
