package ui

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// replicaSnapshot is the stack fixture with its workers running as a replica
// set of three (one in backoff) beside the demo's pools.
func replicaSnapshot() model.Snapshot {
	s := stackSnapshot()
	s.Tasks = append([]model.Task(nil), s.Tasks...)
	var counts model.StateCounts
	for i := range s.Tasks {
		t := &s.Tasks[i]
		if strings.HasPrefix(t.Name, "worker-") {
			t.ReplicaOf, t.State, t.Reason, t.Deps = "worker", model.StateRunning, "", nil
			t.Started, t.PID = ago(2*time.Second), 5200+i
			if t.Name == "worker-3" {
				t.State, t.PID, t.Retry = model.StateBackoff, 0, fixtureNow.Add(time.Second)
			}
			counts[t.State]++
		}
	}
	s.Pools = fixturePools()
	s.Replicas = []model.ReplicaSet{ // by name, as the engine sends them
		{Name: "solo", Manager: "stack", Desired: 1, Running: 1, Ready: 1, Counts: model.StateCounts{model.StateRunning: 1}, Target: "t99"},
		{Name: "worker", Manager: "stack", Desired: 3, Running: 2, Ready: 2, Counts: counts, Target: "t4"},
	}
	return s
}

// selectSet switches to Pools and selects the replica set named name.
func (h *harness) selectSet(name string) {
	h.t.Helper()
	selectRow(h, "2", &h.m.pools.rowList, "replica set", name)
	if h.m.pools.SelectedSet() == nil {
		h.t.Fatalf("row %s is no replica set", name)
	}
}

// TestReplicaKeys: + and - on a replica's row in Workers and on its set's
// row in Pools send a relative OpResize naming a replica; at one replica -
// says why it cannot, and other keys on a set say where they apply.
func TestReplicaKeys(t *testing.T) {
	resize := func(target model.TaskID, step int64) []model.Command {
		return []model.Command{{Op: model.OpResize, Target: target, Step: step}}
	}
	tests := []struct {
		name   string
		row    model.TaskID // a Workers row, or
		set    string       // a Pools row
		keys   []string
		errs   map[model.Op]error
		want   []model.Command
		status string
	}{
		{"+ on a replica", "t5", "", []string{"+"}, nil, resize("t5", 1), "scale replica set worker by +1 replica: ok"},
		{"- on a replica", "t4", "", []string{"-"}, nil, resize("t4", -1),
			"scale replica set worker by -1 replica (the highest, worker-3 or above, halts and goes): ok"},
		{"+ twice counts twice", "t4", "", []string{"+", "+"}, nil, append(resize("t4", 1), resize("t4", 1)...),
			"scale replica set worker by +1 replica: ok"},
		{"+ on a task that is no replica", "t3", "", []string{"+"}, nil, nil,
			"cannot grow: + and - scale a replica's set, resize a pool (2) or change a poller's period (3)"},
		{"+ in Pools", "", "worker", []string{"+"}, nil, resize("t4", 1), "scale replica set worker by +1 replica: ok"},
		{"- in Pools", "", "worker", []string{"-"}, nil, resize("t4", -1),
			"scale replica set worker by -1 replica (the highest, worker-3 or above, halts and goes): ok"},
		{"- at one replica", "", "solo", []string{"-"}, nil, nil,
			"cannot scale down replica set solo: it has 1 replica, the fewest a replica set can have"},
		{"halt on a set", "", "worker", []string{"h"}, nil, nil,
			"cannot halt replica set worker: a replica set scales with + and -; the other keys act on its replicas (enter lists them)"},
		{"engine refuses", "", "worker", []string{"+"}, map[model.Op]error{model.OpResize: errors.New("engine closed")},
			resize("t4", 1), "cannot scale replica set worker by +1 replica: engine closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.publish(replicaSnapshot())
				h.failing(tt.errs)
				if tt.set != "" {
					h.selectSet(tt.set)
				} else {
					h.selectID(tt.row)
				}
				h.keys(tt.keys...)
				h.checkSent(tt.want, tt.status)
			})
		})
	}
}

// TestReplicaSetRow: the set's row in Pools says its manager, its replicas
// running/desired and their states; enter lists its replicas in Workers.
func TestReplicaSetRow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(replicaSnapshot())
		h.selectSet("worker")
		var row string
		for _, l := range strings.Split(h.screen(), "\n") {
			if strings.Contains(l, "worker") && strings.Contains(l, "replicas") {
				row = l
			}
		}
		for _, want := range []string{"manager stack", "2/3", "2 running, 1 backoff"} {
			if !strings.Contains(row, want) {
				t.Errorf("row %q lacks %q", row, want)
			}
		}
		if got := h.screen(); !strings.Contains(got, "more replicas") || !strings.Contains(got, "fewer replicas") {
			t.Errorf("the footer does not say what + and - do on a set:\n%s", got)
		}
		h.keys("enter")
		if h.m.active != viewWorkers || len(h.m.workers.rows) != 3 {
			t.Fatalf("enter: view %v with %d rows, want Workers with the 3 replicas", h.m.active, len(h.m.workers.rows))
		}
	})
}
