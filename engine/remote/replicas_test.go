//go:build unix

package remote

import (
	"context"
	"errors"
	"testing"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestReplicaResizeThroughTheClient: + and - on a replica's row of an
// attached dashboard (OpResize naming the replica, by a step) scale its set
// in the engine, and the engine's refusals come back as its sentinels.
func TestReplicaResizeThroughTheClient(t *testing.T) {
	e := newEngine(t)
	m := e.NewManager("stack", 8)
	rs, err := m.AppendReplicas("worker", engine.ProcessSpec{Command: []string{"sleep", "100"}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := m.AppendProcess("api", engine.ProcessSpec{Command: []string{"sleep", "100"}})
	if err != nil {
		t.Fatal(err)
	}
	c := dialT(t, listenT(t, e, shortSocket(t)))
	ctx := context.Background()
	first := rs.IDs()[0]
	for range 2 {
		if err := c.Apply(ctx, model.Command{Op: model.OpResize, Target: first, Step: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(rs.IDs()); got != 4 {
		t.Errorf("%d replicas after two +1 from 2, want 4", got)
	}
	err = c.Apply(ctx, model.Command{Op: model.OpResize, Target: first, Step: -4})
	if !errors.Is(err, engine.ErrReplicaCount) {
		t.Errorf("scaling to 0: %v, want ErrReplicaCount", err)
	}
	err = c.Apply(ctx, model.Command{Op: model.OpResize, Target: plain, Step: 1})
	if !errors.Is(err, engine.ErrNotReplica) {
		t.Errorf("resizing a task that is no replica: %v, want ErrNotReplica", err)
	}
}
