package spec

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// The applier's part of orchestration: tasks are added in dependency order so
// that every dependency has its id when its dependents are appended; a file's
// (Owner, Name) becomes a task's id, or the engine's replica set of a task
// with replicas (whose size the dashboard may have changed since); probes,
// the ready line, disabled and the shutdown command become engine options.

// plannedTask is one manager task of a plan, with the manager holding it.
type plannedTask struct {
	manager string
	diff    TaskDiff
}

// dependencyOrder returns the tasks of the managers' diffs (those not
// removed) so that each comes after what it depends on; the file's order
// otherwise. What validate let through as a cycle keeps the file's order
// (the engine then reports the dependency it cannot make).
func dependencyOrder(mds []ManagerDiff) []plannedTask {
	var all []plannedTask
	index := map[string]int{}
	for _, md := range mds {
		if md.Change == Removed {
			continue
		}
		for _, td := range md.Tasks {
			if td.Change == Removed {
				continue
			}
			index[td.Name] = len(all)
			all = append(all, plannedTask{manager: md.Name, diff: td})
		}
	}
	out := make([]plannedTask, 0, len(all))
	state := make([]uint8, len(all)) // 0 new, 1 on the path, 2 placed
	var visit func(i int)
	visit = func(i int) {
		if state[i] != 0 {
			return
		}
		state[i] = 1
		for _, d := range all[i].diff.New.DependsOn {
			if j, ok := index[d.Name]; ok {
				visit(j)
			}
		}
		state[i] = 2
		out = append(out, all[i])
	}
	for i := range all {
		visit(i)
	}
	return out
}

// withReplicas returns a copy of t with n replicas.
func withReplicas(t *Task, n int) *Task {
	c := *t
	c.Replicas = n
	return &c
}

// taskOptions turns t's orchestration fields into engine options, resolving
// each dependency to its id, or to every replica of its replica set (s.tasks
// and s.sets hold what has been added so far).
func (s *Supervisor) taskOptions(t *Task, pools map[string]bool) ([]engine.TaskOption, error) {
	var opts []engine.TaskOption
	for _, d := range t.DependsOn {
		if pools[d.Owner] {
			return nil, fmt.Errorf("depends on %q, a task of pool %q: only manager tasks can be depended on", d.Name, d.Owner)
		}
		rs, isSet := s.sets[d.Name]
		ids, ok := s.tasks[d.Name]
		if !ok && !isSet {
			return nil, fmt.Errorf("depends on %q, which is not running (it did not start)", d.Name)
		}
		cond, err := engine.ParseCondition(string(orDefaultCondition(d.Condition)))
		if err != nil {
			return nil, err
		}
		if isSet {
			opts = append(opts, engine.DependsOnReplicas(rs, cond))
			continue
		}
		for _, id := range ids {
			opts = append(opts, engine.DependsOn(id, cond))
		}
	}
	if t.ReadyLogLine != "" {
		re, err := regexp.Compile(t.ReadyLogLine)
		if err != nil {
			return nil, fmt.Errorf("ready_log_line: %w", err)
		}
		opts = append(opts, engine.ReadyLogLine(re))
	}
	if t.Readiness != nil {
		opts = append(opts, engine.Readiness(probe(t, t.Readiness)))
	}
	if t.Liveness != nil {
		opts = append(opts, engine.Liveness(probe(t, t.Liveness)))
	}
	if t.Disabled {
		opts = append(opts, engine.Disabled())
	}
	return opts, nil
}

func orDefaultCondition(c Condition) Condition {
	if c == "" {
		return ConditionStarted
	}
	return c
}

// probe turns a file's probe into the engine's.
func probe(t *Task, p *Probe) engine.Probe {
	var ep engine.Probe
	switch {
	case len(p.Exec) > 0:
		ep = engine.ExecProbe(engine.ProcessSpec{Command: p.Exec, Dir: t.Dir, Env: t.Environ()})
	case p.HTTPGet != nil:
		h := p.HTTPGet
		scheme, host, path := h.Scheme, h.Host, h.Path
		if scheme == "" {
			scheme = "http"
		}
		if host == "" {
			host = "127.0.0.1"
		}
		if path == "" || path[0] != '/' {
			path = "/" + path
		}
		ep = engine.HTTPProbe(scheme+"://"+net.JoinHostPort(host, strconv.Itoa(h.Port))+path, h.Status)
	case p.TCP != nil:
		host := p.TCP.Host
		if host == "" {
			host = "127.0.0.1"
		}
		ep = engine.TCPProbe(net.JoinHostPort(host, strconv.Itoa(p.TCP.Port)))
	}
	ep.InitialDelay, ep.Period, ep.Timeout = p.InitialDelay, p.Period, p.Timeout
	ep.SuccessThreshold, ep.FailureThreshold = p.SuccessThreshold, p.FailureThreshold
	return ep
}

// addTaskLocked starts a manager task the plan adds, or redefines in place
// one it changes (same id, restarted). A task with replicas is the engine's
// replica set: a change of replicas alone scales it (the replicas it keeps
// run on untouched), any other change redefines the replicas it keeps in
// place and scales it to the file's number.
func (s *Supervisor) addTaskLocked(ctx context.Context, ref plannedTask, pools map[string]bool) []error {
	m, ok := s.e.Manager(ref.manager)
	if !ok {
		return nil // its manager did not start: applyManagerLocked said why
	}
	td := ref.diff
	t := td.New
	if t.Cron != nil { // schedule_apply.go; what it replaces, removeTasksLocked took away
		return []error{s.scheduleLocked(m, t)}
	}
	opts, err := s.taskOptions(t, pools)
	if err != nil {
		return []error{fmt.Errorf("task %q: %w", t.Name, err)}
	}
	spec := ProcessSpec(t)
	if t.Replicas > 1 {
		return s.addReplicasLocked(ctx, m, td, spec, opts)
	}
	if old := s.tasks[t.Name]; td.Change == Replaced && len(old) == 1 {
		if err := m.RedefineProcess(old[0], spec, opts...); err != nil {
			return []error{fmt.Errorf("task %q: %w", t.Name, err)}
		}
		return nil
	}
	id, err := m.AppendProcess(t.Name, spec, opts...)
	if err != nil {
		return []error{fmt.Errorf("task %q: %w", t.Name, err)}
	}
	s.tasks[t.Name] = []model.TaskID{id}
	return nil
}

// addReplicasLocked makes, scales or redefines the replica set of t (which
// has replicas: 2 or more).
func (s *Supervisor) addReplicasLocked(ctx context.Context, m *engine.Manager, td TaskDiff, spec engine.ProcessSpec, opts []engine.TaskOption) []error {
	t := td.New
	rs := s.sets[t.Name]
	var err error
	switch {
	case rs == nil:
		if rs, err = m.AppendReplicas(t.Name, spec, t.Replicas, opts...); err == nil {
			s.sets[t.Name] = rs
		}
	case sameTask(withReplicas(td.Old, t.Replicas), t): // only the number changed
		err = rs.Scale(t.Replicas)
	default:
		err = rs.Redefine(spec, t.Replicas, opts...)
	}
	if err == nil { // as a removed task is, the replicas scaled away are gone before the reload ends
		err = rs.AwaitScaleDown(ctx)
	}
	if err != nil {
		return []error{fmt.Errorf("task %q: %w", t.Name, err)}
	}
	return nil
}
