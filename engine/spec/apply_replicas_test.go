//go:build unix

package spec

import (
	"context"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// replicaFile is a manager with worker ×n and api, which depends on worker
// (every replica) started.
func replicaFile(n int) *File {
	task := func(name string, argv ...string) Task {
		return Task{Name: name, Command: argv, Restart: RestartNever, StopSignal: DefaultStopSignal,
			StopGrace: time.Second, RestartWindow: DefaultRestartWindow}
	}
	worker := task("worker", "sleep", "7301")
	worker.Replicas = n
	api := task("api", "sleep", "7302")
	api.DependsOn = []Dependency{{Name: "worker", Owner: "stack", Condition: ConditionStarted}}
	return &File{Refresh: DefaultRefresh, Managers: []Manager{{Name: "stack", Limit: 8, Watch: true, Tasks: []Task{api, worker}}}}
}

// TestReloadScalesTheReplicaSet: a reload that changes replicas scales the
// engine's replica set, and what depends on the task follows it: after a
// scale-down a restarted dependent runs (it is not blocked by the replica
// that went), and a replica the dashboard adds (OpResize on a replica's row)
// is one more it depends on.
func TestReloadScalesTheReplicaSet(t *testing.T) {
	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	defer e.Close(context.Background())
	sup := NewSupervisor(e)
	ctx := context.Background()
	if _, err := sup.Apply(ctx, replicaFile(3)); err != nil {
		t.Fatal(err)
	}
	byName := func(s model.Snapshot) map[string]model.Task {
		m := map[string]model.Task{}
		for _, task := range s.Tasks {
			m[task.Name] = task
		}
		return m
	}
	s := waitFor(t, e, "api running", func(s model.Snapshot) bool { return byName(s)["api"].State == model.StateRunning })
	w1 := byName(s)["worker-1"]
	if len(s.Replicas) != 1 || s.Replicas[0].Desired != 3 || w1.ReplicaOf != "worker" {
		t.Fatalf("replica sets %+v, worker-1 of %q", s.Replicas, w1.ReplicaOf)
	}
	if _, err := sup.Apply(ctx, replicaFile(2)); err != nil {
		t.Fatal(err)
	}
	api := byName(e.Snapshot())["api"]
	if err := e.Apply(ctx, model.Command{Op: model.OpRestart, Target: api.ID}); err != nil {
		t.Fatal(err)
	}
	s = waitFor(t, e, "api restarted", func(s model.Snapshot) bool {
		a := byName(s)["api"]
		return a.Restarts == 1 && (a.State == model.StateRunning || a.State == model.StateBlocked)
	})
	if a := byName(s)["api"]; a.State != model.StateRunning || len(a.Deps) != 2 {
		t.Fatalf("api after the scale-down and a restart: %s %q with %d deps, want running with 2", a.State, a.Reason, len(a.Deps))
	}
	if got := byName(s)["worker-1"]; got.ID != w1.ID || got.Restarts != 0 {
		t.Fatalf("worker-1 is %s (%d restarts), was %s: the kept replica keeps running", got.ID, got.Restarts, w1.ID)
	}
	if err := e.Apply(ctx, model.Command{Op: model.OpResize, Target: w1.ID, Step: 1}); err != nil {
		t.Fatal(err)
	}
	s = waitFor(t, e, "worker-3 again", func(s model.Snapshot) bool { return byName(s)["worker-3"].State == model.StateRunning })
	if a := byName(s)["api"]; len(a.Deps) != 3 {
		t.Fatalf("api has %d deps after + on a replica, want 3", len(a.Deps))
	}
}
