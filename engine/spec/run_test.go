package spec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// runRig is Run on a real file, with an engine that is closed at the end.
type runRig struct {
	path string
	e    *engine.Engine
	sup  *Supervisor
}

func startRun(t *testing.T, content string) *runRig {
	t.Helper()
	r := &runRig{path: filepath.Join(t.TempDir(), "spindle.yaml"), e: engine.New(engine.WithRefresh(10 * time.Millisecond))}
	r.save(t, content)
	ctx, cancel := context.WithCancel(context.Background())
	sup, err := Run(ctx, r.e, r.path)
	if err != nil {
		cancel()
		_ = r.e.Close(context.Background())
		t.Fatal(err)
	}
	r.sup = sup
	t.Cleanup(func() {
		cancel()
		<-sup.Done()
		cctx, stop := context.WithTimeout(context.Background(), 2*time.Second) // then SIGKILL
		defer stop()
		_ = r.e.Close(cctx)
	})
	return r
}

// save writes the file in place, as an editor that truncates and writes does.
func (r *runRig) save(t *testing.T, content string) {
	t.Helper()
	if err := os.WriteFile(r.path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReloadRefusesAnEmptyFile: a save that declares nothing (as one caught
// between its truncation and its write does) changes nothing while tasks run;
// managers: {} says it on purpose, and stops everything.
func TestReloadRefusesAnEmptyFile(t *testing.T) {
	const full = "managers:\n  m:\n    tasks:\n      - {name: keep, command: [sleep, \"7301\"]}\n"
	r := startRun(t, full)
	running := func(s model.Snapshot) bool { return taskRows(s)["keep"].PID != 0 }
	before := taskRows(waitFor(t, r.e, "keep running", running))["keep"]
	for _, empty := range []string{"", "# all comments\n", "refresh: 1s\n", "managers:\npools:\n"} {
		r.save(t, empty)
		s := waitFor(t, r.e, "the empty file's error", func(s model.Snapshot) bool { return s.SourceError != "" })
		if !strings.Contains(s.SourceError, "spindle.yaml:1:1: the file declares no managers") || !strings.Contains(s.SourceError, "managers: {}") {
			t.Errorf("saving %q: source error %q, want the empty file's error and its hint", empty, s.SourceError)
		}
		if got := taskRows(s)["keep"]; got.ID != before.ID || got.PID != before.PID {
			t.Fatalf("saving %q touched keep: was %s pid %d, now %s pid %d", empty, before.ID, before.PID, got.ID, got.PID)
		}
		r.save(t, full) // the same as what runs: clears the error, changes nothing
		waitFor(t, r.e, "the error cleared", func(s model.Snapshot) bool { return s.SourceError == "" })
	}
	r.save(t, "managers: {}\n")
	s := waitFor(t, r.e, "keep stopped", func(s model.Snapshot) bool { return !running(s) })
	if s.SourceError != "" {
		t.Errorf("source error %q after managers: {}", s.SourceError)
	}
	if pids := sleeping("7301"); len(pids) > 0 {
		t.Errorf("sleep 7301 outlived an empty file saved on purpose: %v", pids)
	}
}

// TestReloadDoesNotHoldTheWatcher: while a reload waits for a task that
// ignores its stop signal, the watcher goes on: a later invalid save shows
// its error at once, not when the wait ends. Ending the context ends both
// goroutines (Done), and no process is left.
func TestReloadDoesNotHoldTheWatcher(t *testing.T) {
	const stubborn = "managers:\n  m:\n    tasks:\n" +
		"      - {name: stubborn, command: [sh, -c, \"trap '' TERM; exec sleep 7302\"], stop_grace: 60s}\n" +
		"      - {name: other, command: [sleep, \"7303\"]}\n"
	r := startRun(t, stubborn)
	waitFor(t, r.e, "stubborn running", func(s model.Snapshot) bool { return taskRows(s)["stubborn"].PID != 0 })
	r.save(t, "managers:\n  m:\n    tasks:\n      - {name: other, command: [sleep, \"7303\"]}\n")
	waitFor(t, r.e, "stubborn halting", func(s model.Snapshot) bool { return taskRows(s)["stubborn"].State == model.StateHalting })
	r.save(t, "managers:\n  m:\n    bogus: 1\n")
	s := waitFor(t, r.e, "the invalid save's error while the reload waits", func(s model.Snapshot) bool {
		return strings.Contains(s.SourceError, `unknown field "bogus"`)
	})
	if taskRows(s)["stubborn"].State != model.StateHalting {
		t.Fatalf("the test needs the reload still waiting; stubborn is %s", taskRows(s)["stubborn"].State)
	}
}
