//go:build unix

package engine_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestRedefineKeepsIdentity: a redefined process task keeps its id, row,
// restart count and log, and runs the new command in place.
func TestRedefineKeepsIdentity(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("stack", 2)
	_ = m.Watch()
	db := mustAppendProcess(t, m, "db", sh("echo db up; exec sleep 100"))
	api, err := m.AppendProcess("api", sh("echo v1; exec sleep 100"), engine.DependsOn(db, engine.LogReady))
	if err != nil {
		t.Fatal(err)
	}
	if got := findTask(e, api); got.State != model.StateWaiting {
		t.Fatalf("api is %s before db is log ready (db has no ready line)", got.State)
	}
	// db never has a ready line: redefine api to depend on db started instead.
	if err := m.RedefineProcess(api, sh("echo v1; exec sleep 100"), engine.DependsOn(db, engine.Started)); err != nil {
		t.Fatal(err)
	}
	untilOutput(t, e, api, "v1")
	before := untilState(t, e, api, model.StateRunning)
	if err := m.RedefineProcess(api, sh("echo v2; exec sleep 100"), engine.DependsOn(db, engine.Started)); err != nil {
		t.Fatal(err)
	}
	untilOutput(t, e, api, "v2")
	after := untilState(t, e, api, model.StateRunning)
	if after.ID != before.ID || after.Restarts != before.Restarts+1 || !strings.Contains(after.Command, "echo v2") {
		t.Fatalf("before %s restarts %d; after %s restarts %d %q", before.ID, before.Restarts, after.ID, after.Restarts, after.Command)
	}
	if outputLine(after, "v1") == "" {
		t.Fatalf("the first run's log is gone: %v", after.Log)
	}
	if n := e.Snapshot().Counts.Total(); n != 2 {
		t.Fatalf("%d tasks, want 2 (no new row)", n)
	}
}

// TestSuccessExitCodes: listed codes end the run done, others failed with
// the codes wanted; log_ready reads a process's output.
func TestSuccessExitCodes(t *testing.T) {
	cases := []struct {
		script string
		codes  []int
		want   model.State
		err    string
	}{
		{"exit 3", []int{0, 3}, model.StateDone, ""},
		{"exit 0", []int{3}, model.StateFailed, "exit status 0, not a success exit code (3)"},
		{"exit 4", []int{0, 3}, model.StateFailed, "exit status 4, not a success exit code (0, 3)"},
		{"exit 4", nil, model.StateFailed, "exit status 4"},
	}
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("m", 8)
	_ = m.Watch()
	for _, c := range cases {
		spec := sh(c.script)
		spec.SuccessExitCodes = c.codes
		id := mustAppendProcess(t, m, c.script, spec)
		got := untilState(t, e, id, c.want)
		if got.Error != c.err {
			t.Errorf("%s %v: error %q, want %q", c.script, c.codes, got.Error, c.err)
		}
	}
	db, _ := m.AppendProcess("db", sh("echo starting; sleep 0.05; echo 'ready to accept connections'; exec sleep 100"),
		engine.ReadyLogLine(regexp.MustCompile(`ready to accept`)))
	api, _ := m.AppendProcess("api", sh("exec sleep 100"), engine.DependsOn(db, engine.LogReady))
	untilState(t, e, api, model.StateRunning)
}

// TestShutdownCommand: halting runs the shutdown command before the stop
// signal; the command's outcome is in the task's log.
func TestShutdownCommand(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("m", 1)
	_ = m.Watch()
	dir := t.TempDir()
	spec := sh("trap 'echo got TERM; exit 0' TERM; while :; do sleep 0.01; done")
	spec.Shutdown = []string{"sh", "-c", "echo bye > " + dir + "/bye"}
	id := mustAppendProcess(t, m, "db", spec)
	untilLog(t, e, id, "started pid")
	if err := apply(e, model.OpHalt, id); err != nil {
		t.Fatal(err)
	}
	untilState(t, e, id, model.StateHalted)
	got := findTask(e, id)
	cmd, done, term := -1, -1, -1
	for i, l := range got.Log {
		switch {
		case strings.HasPrefix(l.Text, "spindle: shutdown: sh -c"):
			cmd = i
		case l.Text == "spindle: shutdown command done":
			done = i
		case strings.Contains(l.Text, "sent SIGTERM"):
			term = i
		}
	}
	if cmd < 0 || done < cmd || term < done {
		t.Fatalf("log order: shutdown %d, done %d, SIGTERM %d: %v", cmd, done, term, got.Log)
	}
}
