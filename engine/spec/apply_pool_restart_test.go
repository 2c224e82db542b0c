package spec

import (
	"context"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestSupervisorPoolTaskRestarts: a pool task's restart keys are its restart
// policy, as a manager task's: a command that keeps failing is run again in
// its pool, under the same id, and goes fatal after max_restarts.
func TestSupervisorPoolTaskRestarts(t *testing.T) {
	if !engine.ProcessesSupported {
		t.Skip("no processes on this platform")
	}
	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	defer e.Close(context.Background())
	f, err := Parse("pool.yaml", []byte(`
pools:
  io:
    max_workers: 1
    tasks:
      - name: flaky
        command: [sh, -c, "exit 3"]
        restart: on-failure
        backoff: {initial: 10ms, max: 20ms}
        max_restarts: 2
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSupervisor(e).Apply(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, e, "flaky fatal", func(s model.Snapshot) bool {
		for _, t := range s.Tasks {
			if t.Name == "flaky" && t.State == model.StateFatal {
				return true
			}
		}
		return false
	})
	n := 0
	for _, task := range s.Tasks {
		if task.Name != "flaky" {
			continue
		}
		n++
		if task.Restarts != 2 || task.Group != "io" || task.Kind != model.KindProcess || task.ExitCode == nil || *task.ExitCode != 3 {
			t.Errorf("flaky: %d restarts, group %q, %s, exit %v; want 2 restarts in io, a process that exited 3",
				task.Restarts, task.Group, task.Kind, task.ExitCode)
		}
	}
	if n != 1 {
		t.Errorf("%d rows named flaky, want 1 (restarts keep the id)", n)
	}
}
