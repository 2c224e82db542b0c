package spec

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// fakeJoined is a pool joined to a fake queue: it records its backend and
// whether it was closed.
type fakeJoined struct {
	backend PoolBackend
	closed  bool
}

func (f *fakeJoined) Close(context.Context) error { f.closed = true; return nil }

// fakeJoiner starts the engine's pool as the real one would and records
// every join.
type fakeJoiner struct{ joins []*fakeJoined }

func (j *fakeJoiner) join(_ context.Context, e *engine.Engine, p *Pool) (Joined, error) {
	_, local, err := engine.ResolvePool(context.Background(), e, p.Name)
	if err != nil {
		return nil, err
	}
	if err := local.Start(engine.PoolConfig{MaxWorkers: p.MaxWorkers, TaskType: p.TaskType}); err != nil && !errors.Is(err, engine.ErrPoolActive) {
		return nil, err
	}
	f := &fakeJoined{backend: *p.Backend}
	j.joins = append(j.joins, f)
	return f, nil
}

func distributedFile(t *testing.T, queue string, workers int) *File {
	t.Helper()
	return mustParse(t, "d.yaml", fmt.Sprintf(`
managers:
  local:
    tasks: [{name: beat, command: [sleep, "30"]}]
pools:
  render:
    max_workers: %d
    backend: {redis: 127.0.0.1:6379, queue: %s}
    tasks: [{name: frame, command: [echo, hi]}]
`, workers, queue))
}

// TestDistributedPoolApply: a pool with a backend joins its queue once per
// load and submits none of its tasks (spindle enqueue does); a resize resizes
// it in place; a change of backend leaves the old queue (what it ran goes back
// there) and joins the new one, and the engine's other work keeps running
// untouched; removing the pool leaves its queue.
func TestDistributedPoolApply(t *testing.T) {
	ctx := context.Background()
	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	defer e.Close(ctx)
	j := &fakeJoiner{}
	s := NewSupervisor(e)
	WithJoiner(j.join)(s)

	if _, err := s.Apply(ctx, distributedFile(t, "a", 2)); err != nil {
		t.Fatal(err)
	}
	snap := waitFor(t, e, "beat running", func(s model.Snapshot) bool { return taskRows(s)["beat"].State == model.StateRunning })
	beat := taskRows(snap)["beat"].ID
	if len(j.joins) != 1 || j.joins[0].backend.Queue != "a" {
		t.Fatalf("joins = %+v, want one, queue a", j.joins)
	}
	if p := snap.Pools[0]; p.Submitted != 0 {
		t.Errorf("the pool's tasks were submitted on load (%d): two engines loading the file would run each twice", p.Submitted)
	}

	if _, err := s.Apply(ctx, distributedFile(t, "a", 5)); err != nil {
		t.Fatal(err)
	}
	if len(j.joins) != 1 {
		t.Errorf("a resize joined again: %d joins", len(j.joins))
	}
	if p, _ := e.Pool("render"); p.Stats().MaxWorkers != 5 {
		t.Errorf("MaxWorkers = %d after the resize, want 5", p.Stats().MaxWorkers)
	}

	if _, err := s.Apply(ctx, distributedFile(t, "b", 5)); err != nil {
		t.Fatal(err)
	}
	if len(j.joins) != 2 || !j.joins[0].closed || j.joins[1].closed || j.joins[1].backend.Queue != "b" {
		t.Fatalf("after a change of queue: joins %+v, want the first closed and a second on b", j.joins)
	}
	if got := taskRows(e.Snapshot())["beat"]; got.ID != beat || got.State != model.StateRunning {
		t.Errorf("the local task after the change: %s %s, want %s running", got.ID, got.State, beat)
	}

	if _, err := s.Apply(ctx, mustParse(t, "d.yaml", "managers:\n  local:\n    tasks: [{name: beat, command: [sleep, \"30\"]}]\n")); err != nil {
		t.Fatal(err)
	}
	if !j.joins[1].closed {
		t.Errorf("removing the pool did not leave its queue")
	}
}

// TestDistributedPoolWithoutJoiner: a program with no distributed pools
// refuses a pool with a backend, saying so, and runs the rest of the file.
func TestDistributedPoolWithoutJoiner(t *testing.T) {
	ctx := context.Background()
	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	defer e.Close(ctx)
	_, err := NewSupervisor(e).Apply(ctx, distributedFile(t, "a", 2))
	if !errors.Is(err, ErrNoBackends) {
		t.Fatalf("Apply = %v, want ErrNoBackends", err)
	}
	waitFor(t, e, "beat running", func(s model.Snapshot) bool { return taskRows(s)["beat"].State == model.StateRunning })
}
