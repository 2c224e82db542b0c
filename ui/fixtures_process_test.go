package ui

import (
	"time"

	"github.com/spindle-tui/spindle/model"
)

// exitCode returns a pointer to code, for model.Task.ExitCode.
func exitCode(code int) *int { return &code }

// fixtureSourceError is a task file that did not validate, as the engine words it.
const fixtureSourceError = `spindle.yaml:12:7: unknown field "comand" (did you mean "command"?) — nothing changed; fix and save`

// processSnapshot is a task file's supervisor: processes running (with CPU and
// RSS), backing off, given up, ended by exit codes and a signal, and one
// goroutine task, whose resource cells stay blank.
func processSnapshot() model.Snapshot {
	proc := model.KindProcess
	tasks := []model.Task{
		{ID: "t1", Name: "api", Group: "services", Kind: proc, State: model.StateRunning, PID: 41822,
			Command: "./bin/api --listen :8080 --config 'conf/api prod.toml'", CPU: 3.24, RSS: 12_900_000,
			Created: ago(10 * time.Minute), Started: ago(5 * time.Minute), Restarts: 1,
			Log: []model.LogLine{
				{Time: ago(62 * time.Second), Text: "listening on :8080"},
				{Time: ago(61 * time.Second), Text: "stderr: warning: config key \"timeout\" is deprecated"},
				{Time: ago(30 * time.Second), Text: "GET /healthz 200 1.2ms"},
				{Time: ago(2 * time.Second), Text: "stderr: panic: runtime error\tin handler (recovered)"},
			}},
		{ID: "t2", Name: "indexer", Group: "services", Kind: proc, State: model.StateRunning, PID: 41830,
			Command: "indexer --workers 8", CPU: 187.5, RSS: 1_610_612_736, Created: ago(10 * time.Minute), Started: ago(9 * time.Minute)},
		{ID: "t3", Name: "tailer", Group: "services", Kind: proc, State: model.StatePaused, PID: 41877,
			Command: "tail -F /var/log/syslog", CPU: 0, RSS: 900_000, Created: ago(10 * time.Minute), Started: ago(8 * time.Minute)},
		{ID: "t4", Name: "vet", Group: "builds", Kind: proc, State: model.StateBackoff, Command: "go vet ./...",
			Created: ago(3 * time.Minute), Started: ago(4 * time.Second), Ended: ago(3 * time.Second), Restarts: 2,
			ExitCode: exitCode(1), Error: "exit status 1\nstderr: ./main.go:12:2: unreachable code",
			Retry: fixtureNow.Add(1500 * time.Millisecond)},
		{ID: "t5", Name: "lint", Group: "builds", Kind: proc, State: model.StateFatal, Command: "golangci-lint run",
			Created: ago(20 * time.Minute), Started: ago(12 * time.Minute), Ended: ago(12 * time.Minute), Restarts: 5,
			ExitCode: exitCode(1), Error: "exit status 1"},
		{ID: "t6", Name: "migrate", Group: "builds", Kind: proc, State: model.StateDone, Command: "./bin/migrate up",
			Created: ago(30 * time.Minute), Started: ago(29 * time.Minute), Ended: ago(28 * time.Minute), ExitCode: exitCode(0)},
		{ID: "t7", Name: "tests", Group: "builds", Kind: proc, State: model.StateFailed, Command: "go test ./...",
			Created: ago(25 * time.Minute), Started: ago(24 * time.Minute), Ended: ago(22 * time.Minute),
			ExitCode: exitCode(3), Error: "exit status 3"},
		{ID: "t8", Name: "tail audit", Group: "services", Kind: proc, State: model.StateKilled, Command: "tail -F audit.log",
			Created: ago(time.Hour), Started: ago(time.Hour), Ended: ago(40 * time.Minute), Signal: "SIGKILL", Error: "signal: killed"},
		{ID: "t9", Name: "warm cache", Group: "services", State: model.StateRunning, Created: ago(time.Minute),
			Started: ago(time.Minute), Done: 4, Total: 10},
	}
	var counts model.StateCounts
	for _, t := range tasks {
		counts[t.State]++
	}
	return model.Snapshot{
		Seq: 3, Time: fixtureNow, Source: "./spindle.yaml", Counts: counts, Tasks: tasks,
		Managers: []model.Manager{{Name: "builds", Limit: 2}, {Name: "services", Limit: 5, Running: 4}},
		Events: []model.Event{
			{Time: ago(3 * time.Second), Level: model.LevelWarn, Task: "t4", Group: "builds", Text: "exit status 1; restarting in 2s (restart 2)"},
		},
	}
}

// withSourceError returns s with its SourceError set and its Seq moved on.
func withSourceError(s model.Snapshot, text string) model.Snapshot {
	s.Seq++
	s.SourceError = text
	return s
}
