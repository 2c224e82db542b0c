//go:build unix

package engine_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// replicaStep is one scaling of a replica set in TestReplicaSetScale.
type replicaStep struct {
	by, to int  // ScaleBy(by), or Scale(to) when by is 0
	apply  bool // through Engine.Apply (OpResize naming a replica), as the dashboard does
}

// TestReplicaSetScale scales a set and checks the replicas it has after
// each step: names, kept ids, the one removed forgotten, errors at the limits.
func TestReplicaSetScale(t *testing.T) {
	cases := []struct {
		name    string
		n       int
		steps   []replicaStep
		want    []string // names of the replicas after the last step
		wantErr error    // of the last step
	}{
		{"up by one", 2, []replicaStep{{by: 1}}, []string{"w-1", "w-2", "w-3"}, nil},
		{"down by one removes the highest", 3, []replicaStep{{by: -1}}, []string{"w-1", "w-2"}, nil},
		{"+ through Apply", 1, []replicaStep{{by: 1, apply: true}, {by: 1, apply: true}}, []string{"w-1", "w-2", "w-3"}, nil},
		{"- through Apply", 3, []replicaStep{{by: -1, apply: true}}, []string{"w-1", "w-2"}, nil},
		{"to five", 2, []replicaStep{{to: 5}}, []string{"w-1", "w-2", "w-3", "w-4", "w-5"}, nil},
		{"down to one", 4, []replicaStep{{to: 1}}, []string{"w-1"}, nil},
		{"down then up takes the freed index", 3, []replicaStep{{by: -1}, {by: 1}}, []string{"w-1", "w-2", "w-3"}, nil},
		{"below one", 1, []replicaStep{{by: -1}}, []string{"w-1"}, engine.ErrReplicaCount},
		{"below one through Apply", 1, []replicaStep{{by: -1, apply: true}}, []string{"w-1"}, engine.ErrReplicaCount},
		{"above the most", 1, []replicaStep{{to: engine.MaxReplicas + 1}}, []string{"w-1"}, engine.ErrReplicaCount},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := engine.New()
			defer closeEngine(t, e)
			m := e.NewManager("m", 8)
			_ = m.Watch()
			rs, err := m.AppendReplicas("w", sh("exec sleep 100"), c.n)
			if err != nil {
				t.Fatal(err)
			}
			first := rs.IDs()
			for _, id := range first {
				untilState(t, e, id, model.StateRunning)
			}
			for _, s := range c.steps {
				switch {
				case s.apply:
					err = e.Apply(context.Background(), model.Command{Op: model.OpResize, Target: rs.IDs()[0], Step: int64(s.by)})
				case s.by != 0:
					_, err = rs.ScaleBy(s.by)
				default:
					err = rs.Scale(s.to)
				}
				eventually(t, "the scale-down to finish", func() bool { return rs.Stats().Leaving == 0 })
			}
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("last step: %v, want %v", err, c.wantErr)
			}
			ids := rs.IDs()
			var names []string
			for _, id := range ids {
				names = append(names, untilState(t, e, id, model.StateRunning).Name)
			}
			if !slices.Equal(names, c.want) {
				t.Fatalf("replicas %v, want %v", names, c.want)
			}
			for i := range min(len(first), len(ids)) {
				if c.name != "down then up takes the freed index" || i < 2 {
					if ids[i] != first[i] {
						t.Errorf("replica %d is %s, was %s: a kept replica keeps its id", i+1, ids[i], first[i])
					}
				}
			}
			for _, id := range first {
				if !slices.Contains(ids, id) && findTask(e, id).ID != "" {
					t.Errorf("removed replica %s is still a row: %+v", id, findTask(e, id))
				}
			}
			st := rs.Stats()
			if st.Desired != len(c.want) || st.Running != len(c.want) || st.Counts[model.StateRunning] != len(c.want) {
				t.Errorf("stats %+v, want %d desired and running", st, len(c.want))
			}
		})
	}
}

// TestReplicaSetScaleDownInOrder: a scale-down halts the replicas it removes
// one after another, the highest first.
func TestReplicaSetScaleDownInOrder(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("m", 8)
	_ = m.Watch()
	rs, err := m.AppendReplicas("w", sh("trap 'sleep 0.05; exit 0' TERM; echo up; while :; do sleep 0.01; done"), 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range rs.IDs() {
		untilOutput(t, e, id, "up")
	}
	if err := rs.Scale(2); err != nil {
		t.Fatal(err)
	}
	if got := rs.Stats(); got.Desired != 2 || got.Leaving != 3 {
		t.Fatalf("right after Scale(2): %+v, want 2 desired and 3 leaving", got)
	}
	eventually(t, "the scale-down to finish", func() bool { return rs.Stats().Leaving == 0 })
	var left []string
	for _, ev := range slices.Backward(e.Snapshot().Events) { // oldest first
		if name, ok := strings.CutSuffix(ev.Text, " left replica set w"); ok {
			left = append(left, name)
		}
	}
	want := []string{`"w-5"`, `"w-4"`, `"w-3"`}
	for i := range left {
		if i >= len(want) || !strings.HasSuffix(left[i], want[i]) {
			t.Fatalf("left in the order %v, want %v", left, want)
		}
	}
	if len(left) != len(want) {
		t.Fatalf("left: %v, want %v", left, want)
	}
}

// TestDependsOnReplicas: a dependent waits for every replica, those a
// scale-up adds included, and no longer for those a scale-down removes.
func TestDependsOnReplicas(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	workers := e.NewManager("workers", 2) // the third replica queues
	_ = workers.Watch()
	rs, err := workers.AppendReplicas("worker", sh("exec sleep 100"), 3)
	if err != nil {
		t.Fatal(err)
	}
	apps := e.NewManager("apps", 4)
	_ = apps.Watch()
	api, err := apps.AppendProcess("api", sh("exec sleep 100"), engine.DependsOnReplicas(rs, engine.Started))
	if err != nil {
		t.Fatal(err)
	}
	if got := untilState(t, e, api, model.StateWaiting); got.Reason != "waiting for worker-3 (started)" || len(got.Deps) != 3 {
		t.Fatalf("api: %q with %d deps, want waiting for worker-3 with 3", got.Reason, len(got.Deps))
	}
	workers.SetLimit(3)
	untilState(t, e, api, model.StateRunning)

	// Scaled up beyond the limit: worker-4 queues, and what is appended now waits for it.
	if n, err := rs.ScaleBy(1); err != nil || n != 4 {
		t.Fatalf("ScaleBy(1) = %d, %v", n, err)
	}
	late, err := apps.AppendProcess("late", sh("exec sleep 100"), engine.DependsOnReplicas(rs, engine.Started))
	if err != nil {
		t.Fatal(err)
	}
	if got := untilState(t, e, late, model.StateWaiting); got.Reason != "waiting for worker-4 (started)" {
		t.Fatalf("late: %q, want waiting for worker-4", got.Reason)
	}
	if got := findTask(e, api); got.State != model.StateRunning || len(got.Deps) != 4 {
		t.Fatalf("api: %s with %d deps, want running (it had started) with 4", got.State, len(got.Deps))
	}
	// Scaled down: worker-4 goes, late no longer waits for it.
	if n, err := rs.ScaleBy(-1); err != nil || n != 3 {
		t.Fatalf("ScaleBy(-1) = %d, %v", n, err)
	}
	untilState(t, e, late, model.StateRunning)
	if got := findTask(e, api); len(got.Deps) != 3 {
		t.Fatalf("api has %d deps after the scale-down, want 3", len(got.Deps))
	}
	// A scale-up while a dependent is waiting: it waits for the new replica too.
	gate := e.NewManager("gate", 1)
	_ = gate.Watch()
	hold := mustAppendProcess(t, gate, "hold", sh("exec sleep 100"))
	untilState(t, e, hold, model.StateRunning)
	last, err := apps.AppendProcess("last", sh("exec sleep 100"),
		engine.DependsOnReplicas(rs, engine.Started), engine.DependsOn(hold, engine.CompletedSuccessfully))
	if err != nil {
		t.Fatal(err)
	}
	untilState(t, e, last, model.StateWaiting)
	workers.SetLimit(4)
	if _, err := rs.ScaleBy(1); err != nil {
		t.Fatal(err)
	}
	if got := findTask(e, last); len(got.Deps) != 5 {
		t.Fatalf("last has %d deps, want 5 (4 replicas and hold)", len(got.Deps))
	}
}

// TestReplicaSetErrors: what AppendReplicas and OpResize refuse.
func TestReplicaSetErrors(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("m", 4)
	if _, err := m.AppendReplicas("w", sh("exec sleep 100"), 0); !errors.Is(err, engine.ErrReplicaCount) {
		t.Errorf("0 replicas: %v", err)
	}
	if _, err := m.AppendReplicas("w", engine.ProcessSpec{}, 2); !errors.Is(err, engine.ErrNoCommand) {
		t.Errorf("no command: %v", err)
	}
	rs, err := m.AppendReplicas("w", sh("exec sleep 100"), 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.AppendReplicas("w", sh("exec sleep 100"), 2); !errors.Is(err, engine.ErrReplicaSetExists) {
		t.Errorf("the same name again: %v", err)
	}
	plain := mustAppendProcess(t, m, "plain", sh("exec sleep 100"))
	err = e.Apply(context.Background(), model.Command{Op: model.OpResize, Target: plain, Step: 1})
	if !errors.Is(err, engine.ErrNotReplica) || !strings.Contains(err.Error(), `"plain" is no replica`) {
		t.Errorf("resize a plain task: %v", err)
	}
	if err := e.Apply(context.Background(), model.Command{Op: model.OpResize, Target: "t999", Step: 1}); !errors.Is(err, engine.ErrUnknownTask) {
		t.Errorf("resize an unknown task: %v", err)
	}
	if err := rs.Remove(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.ReplicaSet("w"); ok {
		t.Error("the removed set is still there")
	}
	if err := rs.Scale(3); !errors.Is(err, engine.ErrReplicaSetRemoved) {
		t.Errorf("scale a removed set: %v", err)
	}
	if _, err := m.AppendProcess("x", sh("true"), engine.DependsOnReplicas(rs, engine.Started)); !errors.Is(err, engine.ErrUnknownDependency) {
		t.Errorf("depend on a removed set: %v", err)
	}
	if n := len(e.Snapshot().Replicas); n != 0 {
		t.Errorf("%d sets in the snapshot, want 0", n)
	}
}
