package ui

import (
	"time"

	"github.com/spindle-tui/spindle/model"
)

// stackSnapshot is a development stack coming up: db ready, migrate done,
// api running but not ready yet (its http probe failing), worker-1..3 waiting
// for api (healthy), a cache that is disabled and a seeder blocked by it.
func stackSnapshot() model.Snapshot {
	proc := model.KindProcess
	db := model.Dependency{ID: "t1", Name: "db", Group: "stack", Condition: "healthy", State: model.StateRunning, Holds: true}
	migrate := model.Dependency{ID: "t2", Name: "migrate", Group: "stack", Condition: "completed_successfully", State: model.StateDone, Holds: true}
	api := model.Dependency{ID: "t3", Name: "api", Group: "stack", Condition: "healthy", State: model.StateRunning}
	probe := func(kind, check string, passing bool, succ, fail, count int, failure string) model.ProbeStatus {
		p := model.ProbeStatus{Kind: kind, Check: check, Poller: "", Passing: passing, Successes: succ, Failures: fail,
			Count: count, SuccessThreshold: 1, FailureThreshold: 3, Last: ago(400 * time.Millisecond), Took: 1200 * time.Microsecond}
		if failure != "" {
			p.LastFailure, p.Failure = ago(400*time.Millisecond), failure
		}
		return p
	}
	tasks := []model.Task{
		{ID: "t1", Name: "db", Group: "stack", Kind: proc, State: model.StateRunning, PID: 5100, Command: "python3 -m db",
			Created: ago(time.Minute), Started: ago(time.Minute), Health: model.HealthReady,
			Probes: []model.ProbeStatus{probe("readiness", "tcp 127.0.0.1:5432", true, 12, 0, 12, "")}},
		{ID: "t2", Name: "migrate", Group: "stack", Kind: proc, State: model.StateDone, Command: "./migrate up",
			Created: ago(time.Minute), Started: ago(50 * time.Second), Ended: ago(48 * time.Second), ExitCode: exitCode(0),
			Deps: []model.Dependency{db}},
		{ID: "t3", Name: "api", Group: "stack", Kind: proc, State: model.StateRunning, PID: 5123, Command: "./api --port 8080",
			Created: ago(time.Minute), Started: ago(3 * time.Second), Health: model.HealthNotReady, Deps: []model.Dependency{migrate},
			Probes: []model.ProbeStatus{probe("readiness", "http GET http://127.0.0.1:8080/health", false, 0, 2, 2,
				"GET http://127.0.0.1:8080/health: 503 Service Unavailable: warming up")}},
		{ID: "t7", Name: "cache", Group: "stack", Kind: proc, State: model.StateDisabled, Command: "redis-server", Created: ago(time.Minute)},
		{ID: "t8", Name: "seed", Group: "stack", Kind: proc, State: model.StateBlocked, Command: "./seed", Created: ago(time.Minute),
			Reason: "blocked: cache is disabled", Deps: []model.Dependency{{ID: "t7", Name: "cache", Group: "stack",
				Condition: "started", State: model.StateDisabled, Never: true, Why: "cache is disabled"}}},
	}
	for i, n := range []string{"worker-1", "worker-2", "worker-3"} {
		tasks = append(tasks, model.Task{ID: model.TaskID("t" + string(rune('4'+i))), Name: n, Group: "stack", Kind: proc,
			State: model.StateWaiting, Command: "./worker", Created: ago(time.Minute),
			Reason: "waiting for api (healthy)", Deps: []model.Dependency{api}})
	}
	var counts model.StateCounts
	for _, t := range tasks {
		counts[t.State]++
	}
	return model.Snapshot{
		Seq: 3, Time: fixtureNow, Source: "./spindle.yaml", Counts: counts, Tasks: tasks,
		Managers: []model.Manager{{Name: "stack", Limit: 8, Watching: true, Running: 2, Counts: counts}},
		Events: []model.Event{
			{Time: ago(3 * time.Second), Level: model.LevelInfo, Task: "t3", Group: "stack", Text: `t3 "api": dependencies hold; queued`},
		},
	}
}
