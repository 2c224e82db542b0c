package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/spindle-tui/spindle/model"
)

// MaxReplicas is the most replicas a ReplicaSet has: each is a process of
// its own.
const MaxReplicas = 1024

// Errors of replica sets.
var (
	// ErrReplicaCount is matched by a *ReplicaCountError: a scale outside
	// 1..MaxReplicas.
	ErrReplicaCount = errors.New("engine: replica count out of range")
	// ErrNotReplica: OpResize named a task (Command.Target) that is no
	// replica of a set; only a replica set's tasks scale.
	ErrNotReplica = errors.New("engine: not a replica")
	// ErrReplicaSetExists: AppendReplicas was given the name of a replica set
	// the engine has already.
	ErrReplicaSetExists = errors.New("engine: replica set exists")
	// ErrReplicaSetRemoved: the set was removed (Remove, or its manager was).
	ErrReplicaSetRemoved = errors.New("engine: replica set removed")
)

// ReplicaCountError is a scale a replica set cannot take: Want replicas,
// outside 1..MaxReplicas. It matches ErrReplicaCount.
type ReplicaCountError struct {
	Set  string
	Have int // the replicas it has (0 when it is being made)
	Want int
}

// Error reads like `engine: replica set "worker": cannot scale 1 → 0: a replica set has 1 to 1024 replicas`.
func (e *ReplicaCountError) Error() string {
	what := "cannot have " + strconv.Itoa(e.Want) + " replicas"
	if e.Have > 0 {
		what = "cannot scale " + strconv.Itoa(e.Have) + " → " + strconv.Itoa(e.Want)
	}
	return fmt.Sprintf("engine: replica set %q: %s: a replica set has 1 to %d replicas", e.Set, what, MaxReplicas)
}

// Unwrap returns ErrReplicaCount.
func (e *ReplicaCountError) Unwrap() error { return ErrReplicaCount }

// ReplicaSet is one process task run as several copies of one manager,
// named NAME-1..NAME-N (a process-compose "replicas"). Each replica is an
// ordinary task: its own id, row, restarts and log. The set adds three
// things: Scale and ScaleBy add replicas at the next free index and remove
// the highest, halting them one after another, highest first, and forgetting
// each once it has returned; DependsOnReplicas makes a task depend on every
// replica the set has, including those a later scale-up adds; and snapshots
// show the set as a group (model.ReplicaSet) that OpResize, naming any of its
// replicas, scales.
//
// Make one with Manager.AppendReplicas. The replicas queue and start like any
// task of the manager, so a manager whose limit is lower than the set's size
// keeps the rest queued. All methods are safe for concurrent use; scaling
// operations on one set are serialised.
type ReplicaSet struct {
	e    *Engine
	m    *Manager
	name string

	scaleMu sync.Mutex // serialises Scale, ScaleBy, Redefine and Remove
	spec    ProcessSpec
	opts    []TaskOption // the template's options (dependencies, probes, …)

	// Guarded by Engine.mu.
	members    []*task // by index, lowest first
	leaving    []*task // scaled away, halted one at a time, first first
	dependents []*task // tasks that depend on every member (DependsOnReplicas)
	removed    bool
	drained    chan struct{} // closed once leaving is empty again; nil while it is
}

// replicaName is the name of a set's replica i: "worker-3".
func replicaName(set string, i int) string { return set + "-" + strconv.Itoa(i) }

// AppendReplicas appends n copies of the process spec to the manager as the
// replica set name: tasks named name-1..name-n, each appended as
// AppendProcess appends one, with opts (dependencies, probes, a ready line,
// Disabled) for every replica, those added later included. It returns a
// *ReplicaCountError for n outside 1..MaxReplicas, an error wrapping
// ErrReplicaSetExists for a name another set has, ErrNoCommand for an empty
// command, and Append's errors; then no replica is left behind.
func (m *Manager) AppendReplicas(name string, spec ProcessSpec, n int, opts ...TaskOption) (*ReplicaSet, error) {
	if n < 1 || n > MaxReplicas {
		return nil, &ReplicaCountError{Set: name, Want: n}
	}
	if _, err := newProcess(spec); err != nil {
		return nil, errorf("append replicas %q: %w", name, err)
	}
	e := m.e
	rs := &ReplicaSet{e: e, m: m, name: name, spec: spec, opts: slices.Clone(opts)}
	e.mu.Lock()
	if _, ok := e.replicaSetLocked(name); ok {
		e.mu.Unlock()
		return nil, errorf("append replicas %q: %w", name, ErrReplicaSetExists)
	}
	at, _ := slices.BinarySearchFunc(e.sets, name, func(s *ReplicaSet, n string) int { return strings.Compare(s.name, n) })
	e.sets = slices.Insert(e.sets, at, rs)
	e.mu.Unlock()
	rs.scaleMu.Lock()
	defer rs.scaleMu.Unlock()
	for range n {
		if err := rs.addOne(); err != nil {
			e.mu.Lock()
			rs.forgetSetLocked()
			ids := rs.idsLocked()
			e.mu.Unlock()
			for _, id := range ids {
				_ = e.Remove(context.Background(), id)
			}
			return nil, err
		}
	}
	return rs, nil
}

// ReplicaSet returns the replica set named name.
func (e *Engine) ReplicaSet(name string) (*ReplicaSet, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.replicaSetLocked(name)
}

func (e *Engine) replicaSetLocked(name string) (*ReplicaSet, bool) {
	i, ok := slices.BinarySearchFunc(e.sets, name, func(s *ReplicaSet, n string) int { return strings.Compare(s.name, n) })
	if !ok {
		return nil, false
	}
	return e.sets[i], true
}

// Name returns the set's name; its replicas are named Name-1, Name-2, ….
func (rs *ReplicaSet) Name() string { return rs.name }

// Manager returns the manager the replicas belong to.
func (rs *ReplicaSet) Manager() *Manager { return rs.m }

// IDs returns the ids of the replicas, lowest index first (not those a
// scale-down is still halting).
func (rs *ReplicaSet) IDs() []model.TaskID {
	rs.e.mu.Lock()
	defer rs.e.mu.Unlock()
	return rs.idsLocked()
}

func (rs *ReplicaSet) idsLocked() []model.TaskID {
	ids := make([]model.TaskID, len(rs.members))
	for i, t := range rs.members {
		ids[i] = t.id
	}
	return ids
}

// Stats returns the set as a snapshot shows it.
func (rs *ReplicaSet) Stats() model.ReplicaSet {
	rs.e.mu.Lock()
	defer rs.e.mu.Unlock()
	return rs.statsLocked()
}

func (rs *ReplicaSet) statsLocked() model.ReplicaSet {
	v := model.ReplicaSet{Name: rs.name, Manager: rs.m.name, Desired: len(rs.members), Leaving: len(rs.leaving)}
	for _, t := range rs.members {
		v.Counts[t.state]++
		if t.state.Live() {
			v.Running++
		}
		if t.ready() {
			v.Ready++
		}
	}
	switch {
	case len(rs.members) > 0:
		v.Target = rs.members[0].id
	case len(rs.leaving) > 0:
		v.Target = rs.leaving[0].id
	}
	return v
}

// Scale gives the set n replicas: new ones take the next free indexes and
// start as appended tasks do; the highest ones above n are halted for good,
// one after another from the highest (each its stop signal or Shutdown
// command, then the next once it has returned), and forgotten as each
// returns. Scale does not wait for them. It returns a *ReplicaCountError for
// n outside 1..MaxReplicas and ErrReplicaSetRemoved once the set is removed.
func (rs *ReplicaSet) Scale(n int) error {
	rs.scaleMu.Lock()
	defer rs.scaleMu.Unlock()
	return rs.scaleTo(func(int) int { return n })
}

// ScaleBy adds delta replicas to the set (a negative delta removes them, as
// Scale does) reading and changing its size in one step, and returns the
// new size. Its errors are Scale's.
func (rs *ReplicaSet) ScaleBy(delta int) (int, error) {
	rs.scaleMu.Lock()
	defer rs.scaleMu.Unlock()
	var to int
	err := rs.scaleTo(func(have int) int {
		to = have + max(min(delta, MaxReplicas), -MaxReplicas)
		return to
	})
	if err != nil {
		return len(rs.IDs()), err
	}
	return to, nil
}

// scaleTo scales the set to target(its size now). The caller holds scaleMu.
func (rs *ReplicaSet) scaleTo(target func(have int) int) error {
	e := rs.e
	e.mu.Lock()
	have := len(rs.members)
	n := target(have)
	switch {
	case rs.removed:
		e.mu.Unlock()
		return errorf("replica set %q: %w", rs.name, ErrReplicaSetRemoved)
	case e.closing:
		e.mu.Unlock()
		return ErrClosed
	case n < 1 || n > MaxReplicas:
		e.mu.Unlock()
		return &ReplicaCountError{Set: rs.name, Have: have, Want: n}
	case n == have:
		e.mu.Unlock()
		return nil
	}
	e.eventLocked(model.LevelInfo, nil, rs.m.name, rs.name+": replicas "+itoa(have)+" → "+itoa(n))
	for len(rs.members) > n {
		rs.dropLocked(rs.members[len(rs.members)-1])
	}
	e.mu.Unlock()
	for range n - have {
		if err := rs.addOne(); err != nil {
			return err
		}
	}
	return nil
}

// addOne appends a replica at the lowest index no replica (leaving ones
// included) has. The caller holds scaleMu.
func (rs *ReplicaSet) addOne() error {
	e := rs.e
	e.mu.Lock()
	i := rs.freeIndexLocked()
	e.mu.Unlock()
	p, err := newProcess(rs.spec)
	if err != nil {
		return errorf("replica set %q: %w", rs.name, err)
	}
	opts := append(slices.Clone(rs.opts), func(o *taskOptions) { o.replica, o.replicaIndex = rs, i })
	_, err = rs.m.append(replicaName(rs.name, i), p.run, p, opts, rs.joinLocked)
	if err != nil {
		return errorf("replica set %q: replica %d: %w", rs.name, i, err)
	}
	return nil
}

// freeIndexLocked returns the lowest index from 1 up that no replica has.
func (rs *ReplicaSet) freeIndexLocked() int {
	used := map[int]bool{}
	for _, t := range rs.members {
		used[t.orch.replicaIndex] = true
	}
	for _, t := range rs.leaving {
		used[t.orch.replicaIndex] = true
	}
	i := 1
	for used[i] {
		i++
	}
	return i
}

// Remove removes the set: its replicas are halted for good, highest first,
// one after another, and forgotten; Remove waits until the last has
// returned, or ctx is done (then it returns ctx's error and the halting goes
// on). The name can then be used by another set.
func (rs *ReplicaSet) Remove(ctx context.Context) error {
	rs.scaleMu.Lock()
	defer rs.scaleMu.Unlock()
	e := rs.e
	e.mu.Lock()
	if !rs.removed {
		rs.forgetSetLocked()
		for len(rs.members) > 0 {
			rs.dropLocked(rs.members[len(rs.members)-1])
		}
		e.eventLocked(model.LevelInfo, nil, rs.m.name, rs.name+": replica set removed")
	}
	e.mu.Unlock()
	if err := rs.AwaitScaleDown(ctx); err != nil {
		return errorf("remove replica set %q: %w", rs.name, err)
	}
	return nil
}

// AwaitScaleDown waits until every replica a scale-down (or Remove) took out
// of the set has returned and been forgotten, or ctx is done (then it
// returns ctx's error; the halting goes on).
func (rs *ReplicaSet) AwaitScaleDown(ctx context.Context) error {
	rs.e.mu.Lock()
	drained := rs.drained
	rs.e.mu.Unlock()
	if drained == nil {
		return nil
	}
	return awaitClosed(ctx, []<-chan struct{}{drained})
}

// forgetSetLocked takes the set out of the engine's sets: no more scaling,
// and its name is free.
func (rs *ReplicaSet) forgetSetLocked() {
	rs.removed = true
	if i := slices.Index(rs.e.sets, rs); i >= 0 {
		rs.e.sets = slices.Delete(rs.e.sets, i, i+1)
	}
	rs.e.markDirty()
}

// forgetReplicaSetsLocked is RemoveManager's part: the manager's sets go
// with it (its tasks are halted and forgotten by RemoveManager itself).
func (e *Engine) forgetReplicaSetsLocked(m *Manager) {
	for _, rs := range slices.Clone(e.sets) {
		if rs.m == m {
			rs.forgetSetLocked()
		}
	}
}

// replicasSnapshotLocked returns the sets as a snapshot shows them.
func (e *Engine) replicasSnapshotLocked() []model.ReplicaSet {
	if len(e.sets) == 0 {
		return nil
	}
	out := make([]model.ReplicaSet, len(e.sets))
	for i, rs := range e.sets {
		out[i] = rs.statsLocked()
	}
	return out
}

// resizeReplicas carries out OpResize naming a task (Command.Target): it
// scales that task's replica set by Step, or to Value.
func (e *Engine) resizeReplicas(cmd model.Command) error {
	e.mu.Lock()
	t := e.tasks[cmd.Target]
	var rs *ReplicaSet
	if t != nil && t.orch != nil {
		rs = t.orch.replica
	}
	e.mu.Unlock()
	switch {
	case t == nil:
		return errNoTask(cmd.Target)
	case rs == nil:
		return errorf("%s: %s %q is no replica of a set (only replicas scale): %w", cmd, cmd.Target, t.name, ErrNotReplica)
	case cmd.Relative():
		_, err := rs.ScaleBy(int(max(min(cmd.Step, MaxReplicas), -MaxReplicas)))
		return err
	}
	return rs.Scale(int(max(min(cmd.Value, MaxReplicas+1), -1)))
}
