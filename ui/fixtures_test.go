package ui

import (
	"fmt"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// fixtureNow is the time of the fixture snapshot; every age is measured to it.
var fixtureNow = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

// ago returns fixtureNow minus d.
func ago(d time.Duration) time.Time { return fixtureNow.Add(-d) }

// fixtureStack is the recovered panic of task t8.
const fixtureStack = `goroutine 42 [running]:
main.renderFooter(0xc000123450, 0x5)
	/src/render/footer.go:88 +0x1d4
github.com/spindle-tui/spindle/engine.(*Manager).run.func1()
	/src/engine/manager.go:211 +0x9a
created by github.com/spindle-tui/spindle/engine.(*Manager).start in goroutine 7
	/src/engine/manager.go:190 +0x2c5`

// fixtureSnapshot is a fixed picture with every state, a leak, a panic and events.
func fixtureSnapshot() model.Snapshot {
	logs := func(n int, start time.Duration) []model.LogLine {
		var ls []model.LogLine
		for i := range n {
			ls = append(ls, model.LogLine{Time: ago(start - time.Duration(i)*time.Second), Text: fmt.Sprintf("step %d of the work", i+1)})
		}
		return ls
	}
	tasks := []model.Task{
		{ID: "t1", Name: "crawl root", Group: "crawl", State: model.StateRunning, Created: ago(6 * time.Minute), Started: ago(5 * time.Minute), Done: 7, Total: 10, Log: logs(3, 60*time.Second)},
		{ID: "t2", Name: "fetch page 3", Group: "crawl", Parent: "t1", State: model.StateRunning, Created: ago(time.Minute), Started: ago(30 * time.Second)},
		{ID: "t3", Name: "fetch page 7", Group: "crawl", Parent: "t1", State: model.StatePaused, Created: ago(time.Minute), Started: ago(12 * time.Second), Done: 3, Total: 10},
		{ID: "t4", Name: "render header", Group: "render", State: model.StatePausing, Created: ago(3 * time.Minute), Started: ago(90 * time.Second), Asked: ago(time.Second)},
		{ID: "t5", Name: "fetch page 9", Group: "crawl", Parent: "t1", State: model.StateQueued, Created: ago(2 * time.Minute)},
		{ID: "t6", Name: "fetch page 10", Group: "crawl", Parent: "t1", State: model.StateQueued, Created: ago(100 * time.Second)},
		{ID: "t7", Name: "disk check", Group: "io", Kind: model.KindProcess, State: model.StateFailed, Created: ago(10 * time.Minute), Started: ago(41 * time.Second), Ended: ago(40 * time.Second), Restarts: 2, Error: "exit status 1\nstderr: df: /mnt/backup: No such file or directory"},
		{ID: "t8", Name: "render footer", Group: "render", State: model.StateFailed, Created: ago(4 * time.Minute), Started: ago(3 * time.Minute), Ended: ago(170 * time.Second), Error: "panic: runtime error: index out of range [5] with length 3", Stack: fixtureStack, Log: logs(2, 175*time.Second)},
		{ID: "t9", Name: "sync mirror", Group: "io", Kind: model.KindProcess, State: model.StateBackoff, Created: ago(20 * time.Minute), Started: ago(5 * time.Second), Ended: ago(3 * time.Second), Restarts: 3, Error: "exit status 23"},
		{ID: "t10", Name: "resize images", Group: "render", Parent: "t2", State: model.StateHalting, Created: ago(8 * time.Minute), Started: ago(7 * time.Minute), Asked: ago(2 * time.Second), Done: 45, Total: 100},
		{ID: "t11", Name: "compress logs", Group: "io", State: model.StateDone, Created: ago(30 * time.Minute), Started: ago(25 * time.Minute), Ended: ago(3 * time.Minute), Done: 100, Total: 100},
		{ID: "t12", Name: "leaky worker", Group: "render", State: model.StateAbandoned, Created: ago(15 * time.Minute), Started: ago(14 * time.Minute), Ended: ago(9 * time.Minute), Error: "killed: did not return within the kill grace (5s)"},
		{ID: "t13", Name: "old job", Group: "crawl", State: model.StateHalted, Created: ago(2 * time.Hour), Started: ago(time.Hour), Ended: ago(50 * time.Minute), Error: "halted"},
		{ID: "t14", Name: "go vet", Group: "builds", Kind: model.KindProcess, State: model.StateKilled, Created: ago(26 * time.Hour), Started: ago(25 * time.Hour), Ended: ago(25 * time.Hour), Error: "signal: killed"},
		{ID: "t15", Name: "golangci-lint run ./... --timeout 5m", Group: "builds", Kind: model.KindProcess, State: model.StateFatal, Created: ago(40 * time.Minute), Started: ago(31 * time.Minute), Ended: ago(30 * time.Minute), Restarts: 5, Error: "exit status 2: too many restarts (5 within 60s)"},
	}
	var counts model.StateCounts
	for _, t := range tasks {
		counts[t.State]++
	}
	counts[model.StateDone] += 39 // finished runs that fell out of the ring
	return model.Snapshot{
		Seq:    7,
		Time:   fixtureNow,
		Source: "demo",
		Counts: counts,
		Leaked: 1,
		Tasks:  tasks,
		Managers: []model.Manager{
			{Name: "builds", Limit: 2},
			{Name: "crawl", Limit: 3, Watching: true, Running: 2, Queued: 2},
			{Name: "io", Limit: 2, Running: 0},
			{Name: "render", Limit: 4, Running: 2},
		},
		Pools:   fixturePools(),
		Pollers: fixturePollers(),
		Events: []model.Event{
			{Time: ago(time.Second), Level: model.LevelInfo, Task: "t4", Group: "render", Text: "pause asked"},
			{Time: ago(2 * time.Second), Level: model.LevelInfo, Task: "t10", Group: "render", Text: "halt asked"},
			{Time: ago(3 * time.Second), Level: model.LevelWarn, Task: "t9", Group: "io", Text: "exit status 23; restarting in 2s (restart 3)"},
			{Time: ago(40 * time.Second), Level: model.LevelError, Task: "t7", Group: "io", Text: "exit status 1"},
			{Time: ago(170 * time.Second), Level: model.LevelError, Task: "t8", Group: "render", Text: "panic: runtime error: index out of range [5] with length 3"},
			{Time: ago(9 * time.Minute), Level: model.LevelError, Task: "t12", Group: "render", Text: "abandoned: goroutine did not return within 5s (leaked)"},
			{Time: ago(30 * time.Minute), Level: model.LevelError, Task: "t15", Group: "builds", Text: "fatal: too many restarts"},
			{Time: ago(40 * time.Minute), Level: model.LevelInfo, Group: "crawl", Text: "manager crawl watching (limit 3)"},
		},
	}
}

// bigSnapshot returns a snapshot of n tasks: a few running, the rest queued, the
// way a long backlog looks (in ID order, as the engine lists them).
func bigSnapshot(n, running int) model.Snapshot {
	tasks := make([]model.Task, n)
	var counts model.StateCounts
	for i := range tasks {
		t := &tasks[i]
		t.ID = model.TaskID(fmt.Sprintf("t%x", i+1))
		t.Name = fmt.Sprintf("fetch page %d", i+1)
		t.Group = []string{"crawl", "render", "io"}[i%3]
		t.Created = ago(time.Duration(n-i) * time.Millisecond)
		t.State = model.StateQueued
		if i < running {
			t.State = model.StateRunning
			t.Started = ago(time.Duration(i) * time.Millisecond)
			t.Done, t.Total = int64(i%10), 10
		}
		counts[t.State]++
	}
	return model.Snapshot{Seq: 1, Time: fixtureNow, Source: "bench", Counts: counts, Tasks: tasks,
		Managers: []model.Manager{{Name: "crawl", Limit: running, Queued: n - running}}}
}

// fixturePools is a pool in every state, owned by the root and by tasks.
func fixturePools() []model.Pool {
	return []model.Pool{
		{Name: "io", Type: "io", State: model.PoolRunning, MaxWorkers: 4, Busy: 3, Queued: 12,
			Submitted: 117, Done: 100, Failed: 2, Throughput: []float64{3, 5, 8, 6, 9, 12, 10, 11, 12}},
		{Name: "legacy", Type: "batch", State: model.PoolStopped, MaxWorkers: 1, Done: 7},
		{Name: "render", Owner: "t1", OwnerName: "crawl root", Type: "component_render", State: model.PoolPaused,
			MaxWorkers: 2, Busy: 1, Queued: 40, Submitted: 99, Done: 55, Rejected: 3, Throughput: []float64{4, 4, 3, 0.5, 0, 0}},
		{Name: "thumbs", Owner: "t2", OwnerName: "fetch page 3", Type: "image", Daemon: true, State: model.PoolIdle, MaxWorkers: 1},
		{Name: "uploads", Type: "upload", Daemon: true, State: model.PoolStopping, MaxWorkers: 2, Busy: 2,
			Submitted: 12, Done: 9, Failed: 1, Throughput: []float64{1, 2, 1, 1}},
	}
}

// ms is n milliseconds.
func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

// fixturePollers is a poller in every state, on time, late and very late.
func fixturePollers() []model.Poller {
	return []model.Poller{
		{Name: "disk", Period: 2 * time.Second, MinWait: 10 * time.Millisecond, Timeout: time.Second, Concurrency: 1,
			Started: true, Alive: true, Count: 120, Delay: 850 * time.Microsecond, AccDelay: 96 * time.Millisecond, Usage: 0.02,
			Last: ago(1200 * time.Millisecond), Duration: 35 * time.Millisecond, Next: fixtureNow.Add(800 * time.Millisecond),
			Value: "/ 42% used", Delays: []time.Duration{ms(0.4), ms(0.9), ms(0.3), ms(12), ms(0.5), ms(250), ms(0.8), ms(1.1), ms(0.85)},
			Durations: []time.Duration{ms(30), ms(33), ms(41), ms(29), ms(35), ms(90), ms(34), ms(36), ms(35)}},
		{Name: "health", Period: 500 * time.Millisecond, Concurrency: 1, Started: true, Alive: true, Count: 3000, Errors: 12,
			LastError: "GET /healthz: 503 Service Unavailable", Skipped: 4, Delay: 120 * time.Millisecond, AccDelay: 95 * time.Second,
			Usage: 0.8, Last: ago(300 * time.Millisecond), Duration: 410 * time.Millisecond, Next: ago(20 * time.Millisecond),
			Value: "degraded\nsecond line", Delays: []time.Duration{ms(5), ms(20), ms(60), ms(120), ms(300), ms(120)}},
		{Name: "metrics", Period: 10 * time.Second, Concurrency: 1, Started: true, Paused: true, Alive: true, Count: 50,
			Delay: 6 * time.Second, AccDelay: 90 * time.Second, Last: ago(30 * time.Second), Duration: 2 * time.Second,
			Next: fixtureNow.Add(time.Second), Value: "512 series", Delays: []time.Duration{ms(100), ms(2000), ms(6000)}},
		{Name: "temps/rack-1", Group: "temps", Period: time.Second, Concurrency: 2, Started: true, Alive: true, Count: 600,
			Delay: 2 * time.Millisecond, AccDelay: 1200 * time.Millisecond, Usage: 1.3, Last: ago(400 * time.Millisecond),
			Duration: 1300 * time.Millisecond, Next: fixtureNow.Add(600 * time.Millisecond), Value: "41.5°C"},
		{Name: "warmup", Period: 90 * time.Second, Concurrency: 1, Alive: true},
		{Name: "watchdog", Period: 5 * time.Second, Concurrency: 1, Started: true, Alive: false, Count: 10,
			Delay: time.Millisecond, AccDelay: 9 * time.Millisecond, Last: ago(2 * time.Minute), Duration: ms(1.5)},
	}
}
