package ui

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spindle-tui/spindle/model"
)

// distributedSnapshot is the fixture with two distributed pools: "render"
// working its queue with two engines, "mail" whose Redis stopped answering
// 12 s ago (its last figures kept); a row of this engine's work came from
// another engine.
func distributedSnapshot() model.Snapshot {
	s := fixtureSnapshot()
	s.Seq++
	read := fixtureNow.Add(-500 * time.Millisecond)
	s.Pools = append([]model.Pool{
		{Name: "mail", Type: "mail", State: model.PoolRunning, MaxWorkers: 2, Busy: 1, Done: 40,
			Cluster: &model.PoolCluster{Backend: "redis 10.0.0.5:6379", Queue: "mail", Pending: 7, Active: 1, ProcessedPerMin: 30,
				Latency: 4 * time.Second, Engines: 3, Read: fixtureNow.Add(-13 * time.Second),
				Lost: "dial tcp 10.0.0.5:6379: connect: connection refused", LostSince: fixtureNow.Add(-12 * time.Second)}},
	}, fixturePools()...)
	s.Tasks = append([]model.Task(nil), s.Tasks...)
	for i := range s.Tasks {
		if s.Tasks[i].Group == "render" {
			s.Tasks[i].From = "build-2/4120"
		}
	}
	for i := range s.Pools {
		if s.Pools[i].Name == "render" {
			s.Pools[i].State = model.PoolRunning
			s.Pools[i].Cluster = &model.PoolCluster{Backend: "redis 127.0.0.1:6379", Queue: "render", Pending: 12, Active: 4,
				Retry: 1, Archived: 2, ProcessedPerMin: 120, FailedPerMin: 3, Latency: 3200 * time.Millisecond, Engines: 2, Read: read}
		}
	}
	return s
}

// TestRenderPoolCluster: the CLUSTER cell says what the queue holds across
// every engine, leaves out what is zero, and leads with a lost backend.
func TestRenderPoolCluster(t *testing.T) {
	now := fixtureNow
	tests := []struct {
		name string
		c    *model.PoolCluster
		want string
	}{
		{"in-memory pool", nil, noValue},
		{"not read yet", &model.PoolCluster{}, "no figures yet"},
		{"idle", &model.PoolCluster{Read: now, Engines: 1}, "pending 0 · active 0 · 0 done/min · 1 engine"},
		{"busy", &model.PoolCluster{Read: now, Pending: 12, Active: 4, Scheduled: 2, Retry: 1, Archived: 3, ProcessedPerMin: 120, FailedPerMin: 2.5,
			Latency: 3 * time.Second, Engines: 2},
			"pending 12 · active 4 · scheduled 2 · retry 1 · archived 3 · 120 done/min · 2.5 failed/min · oldest 3s · 2 engines"},
		{"lost", &model.PoolCluster{Read: now.Add(-time.Minute), Pending: 1, Lost: "connection refused", LostSince: now.Add(-90 * time.Second)},
			"lost 1m30s (connection refused) · pending 1 · active 0 · 0 done/min · oldest 0s"},
	}
	narrow := &model.PoolCluster{Read: now, Pending: 12, Active: 4, Scheduled: 2, Retry: 1, Archived: 3, ProcessedPerMin: 120, Latency: 3 * time.Second, Engines: 2}
	if got, want := renderPoolCluster(&model.Pool{Cluster: narrow}, now, 50), "pending 12 · active 4 · 120 done/min · oldest 3s"; got != want {
		t.Errorf("at 50 cells: %q, want %q (the least useful figures go)", got, want)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &model.Pool{Name: "q", Cluster: tt.c}
			if got := renderPoolCluster(p, now, 0); got != tt.want {
				t.Errorf("renderPoolCluster = %q\n                  want %q", got, tt.want)
			}
		})
	}
}

// TestLostRedisShowsInHeaderAndRow: a distributed pool whose Redis does not
// answer says so in the header (which pool, where, for how long) and in its
// row's STATE, in the alert colour's place.
func TestLostRedisShowsInHeaderAndRow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(distributedSnapshot())
		h.keys("2")
		frame := ansi.Strip(h.m.View().Content)
		lines := strings.Split(frame, "\n")
		if !strings.Contains(lines[0], "redis lost: pool mail (redis 10.0.0.5:6379) 12s") {
			t.Errorf("header does not say redis is lost:\n%s", lines[0])
		}
		var row string
		for _, l := range lines {
			if strings.Contains(l, " mail ") {
				row = l
			}
		}
		if !strings.Contains(row, "redis lost") || !strings.Contains(row, "lost 12s (connection refused)") {
			t.Errorf("the mail row does not say redis is lost:\n%s", row)
		}
	})
}

// TestWorkersShowWhereDistributedWorkCameFrom: a row of work a distributed
// pool took from its queue says, in its GROUP cell and its detail, which
// engine enqueued it.
func TestWorkersShowWhereDistributedWorkCameFrom(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(distributedSnapshot())
		frame := ansi.Strip(h.m.View().Content)
		if !strings.Contains(frame, "render ← build-2/4120") {
			t.Errorf("no row says where its work came from:\n%s", frame)
		}
		h.selectID("t4")
		h.keys("enter")
		if frame := ansi.Strip(h.m.View().Content); !strings.Contains(frame, "From") || !strings.Contains(frame, "build-2/4120 (enqueued it") {
			t.Errorf("the detail does not say where the work came from:\n%s", frame)
		}
	})
}
