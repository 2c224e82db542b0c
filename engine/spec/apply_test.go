package spec

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// taskRows returns the live tasks of s by name.
func taskRows(s model.Snapshot) map[string]model.Task {
	rows := make(map[string]model.Task)
	for _, t := range s.Tasks {
		if t.State.Live() || t.State == model.StateQueued {
			rows[t.Name] = t
		}
	}
	return rows
}

// waitFor polls the engine's snapshot until ok holds, or fails with what.
func waitFor(t *testing.T, e *engine.Engine, what string, ok func(model.Snapshot) bool) model.Snapshot {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := e.Snapshot()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; tasks: %v", what, taskRows(s))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sleeping returns the pids of live processes running `sleep <arg>`.
func sleeping(arg string) []string {
	matches, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var pids []string
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil || string(b) != "sleep\x00"+arg+"\x00" {
			continue
		}
		// Only this test binary's children: other test runs on the machine
		// may sleep the same number of seconds.
		st, err := os.ReadFile(filepath.Join(filepath.Dir(m), "stat"))
		if err != nil {
			continue
		}
		f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
		if len(f) > 1 && f[0] != "Z" && f[1] == strconv.Itoa(os.Getpid()) {
			pids = append(pids, filepath.Base(filepath.Dir(m)))
		}
	}
	return pids
}

// TestSupervisorAppliesOnlyTheDifference: an unchanged task keeps running
// untouched (same id, same pid), a changed one restarts, a removed one halts,
// a new one starts, a pool resizes and a poller's period changes in place.
func TestSupervisorAppliesOnlyTheDifference(t *testing.T) {
	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	defer e.Close(context.Background())
	v1 := `
managers:
  web:
    limit: 5
    tasks:
      - {name: keep, command: [sleep, "7101"]}
      - {name: change, command: [sleep, "7102"]}
      - {name: drop, command: [sleep, "7103"]}
pools:
  io: {max_workers: 1, task_type: io}
pollers:
  tick: {period: 1s, command: [echo, hi]}
`
	v2 := `
managers:
  web:
    limit: 5
    tasks:
      - {name: keep, command: [sleep, "7101"]}
      - {name: change, command: [sleep, "7104"]}
      - {name: added, command: [sleep, "7105"]}
pools:
  io: {max_workers: 3, task_type: io}
pollers:
  tick: {period: 250ms, command: [echo, hi]}
`
	f1, err := Parse("v1.yaml", []byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	f2, err := Parse("v2.yaml", []byte(v2))
	if err != nil {
		t.Fatal(err)
	}
	sup := NewSupervisor(e)
	ctx := context.Background()
	if _, err := sup.Apply(ctx, f1); err != nil {
		t.Fatal(err)
	}
	before := waitFor(t, e, "v1 running", func(s model.Snapshot) bool {
		r := taskRows(s)
		return r["keep"].PID != 0 && r["change"].PID != 0 && r["drop"].PID != 0
	})
	plan, err := sup.Apply(ctx, f2)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Empty() {
		t.Fatal("empty plan for a changed file")
	}
	// change keeps its id and restarts in place: v2 runs once its pid is new.
	oldPID := taskRows(before)["change"].PID
	after := waitFor(t, e, "v2 running", func(s model.Snapshot) bool {
		r := taskRows(s)
		return r["change"].PID != 0 && r["change"].PID != oldPID && r["added"].PID != 0
	})
	b, a := taskRows(before), taskRows(after)
	if a["keep"].ID != b["keep"].ID || a["keep"].PID != b["keep"].PID {
		t.Errorf("unchanged task touched: before %s pid %d, after %s pid %d", b["keep"].ID, b["keep"].PID, a["keep"].ID, a["keep"].PID)
	}
	if a["change"].ID != b["change"].ID {
		t.Errorf("changed task got a new id: %s, was %s (it restarts in place)", a["change"].ID, b["change"].ID)
	}
	if _, ok := a["drop"]; ok {
		t.Errorf("removed task still live: %+v", a["drop"])
	}
	for _, arg := range []string{"7102", "7103"} {
		if pids := sleeping(arg); len(pids) > 0 {
			t.Errorf("sleep %s outlived its task: %v", arg, pids)
		}
	}
	for _, p := range after.Pools {
		if p.Name == "io" && p.MaxWorkers != 3 {
			t.Errorf("pool io has %d workers, want 3", p.MaxWorkers)
		}
	}
	for _, p := range after.Pollers {
		if p.Name == "tick" && p.Period != 250*time.Millisecond {
			t.Errorf("poller tick period %v, want 250ms", p.Period)
		}
	}
}

// TestReloadStorm saves the file hundreds of times, some saves invalid, while
// spindle runs it: it ends on the last valid version, with no process of an
// earlier version left, and the error of an invalid save shown until the next
// valid one.
func TestReloadStorm(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "spindle.yaml")
	version := func(i int) string {
		return fmt.Sprintf("managers:\n  m:\n    limit: 3\n    tasks:\n      - {name: t%d, command: [sleep, \"%d\"]}\n", i%7, 7200+i)
	}
	if err := os.WriteFile(path, []byte(version(0)), 0o644); err != nil {
		t.Fatal(err)
	}
	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	defer e.Close(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := Run(ctx, e, path); err != nil {
		t.Fatal(err)
	}
	const saves = 301 // the last save is valid (301 % 5 != 0)
	last := 0
	for i := 1; i <= saves; i++ {
		content := version(i)
		if i%5 == 0 {
			content += "    bogus: true\n" // invalid: an unknown field
		} else {
			last = i
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			time.Sleep(150 * time.Millisecond) // let some reloads land mid-storm
		}
	}
	want := fmt.Sprintf("t%d", last%7)
	s := waitFor(t, e, "the last valid version", func(s model.Snapshot) bool {
		r := taskRows(s)
		return len(r) == 1 && r[want].PID != 0 && r[want].Command == fmt.Sprintf("sleep %d", 7200+last)
	})
	if s.SourceError != "" {
		t.Errorf("source error after a valid last save: %s", s.SourceError)
	}
	for i := 0; i < saves; i++ {
		if i == last {
			continue
		}
		if pids := sleeping(fmt.Sprint(7200 + i)); len(pids) > 0 {
			t.Errorf("version %d's process outlived its reload: %v", i, pids)
		}
	}

	// An invalid save changes nothing and says where the problem is.
	if err := os.WriteFile(path, []byte(version(last)+"    bogus: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = waitFor(t, e, "the error of an invalid save", func(s model.Snapshot) bool { return s.SourceError != "" })
	if !strings.Contains(s.SourceError, "spindle.yaml:6:5") || !strings.Contains(s.SourceError, `unknown field "bogus"`) {
		t.Errorf("source error %q, want spindle.yaml:6:5 and the field", s.SourceError)
	}
	if r := taskRows(s); r[want].PID == 0 {
		t.Errorf("an invalid save stopped %s", want)
	}
}

// TestSupervisorPollerKeepsCommandFloor: a task-file poller runs a command, so
// set_period over the API cannot take it below engine.MinCommandPollPeriod,
// though a goroutine poller may go down to engine.MinPollPeriod (issue 11).
func TestSupervisorPollerKeepsCommandFloor(t *testing.T) {
	e := engine.New()
	defer e.Close(context.Background())
	f, err := Parse("spindle.yaml", []byte("pollers:\n  tick: {period: 1s, command: [echo, hi]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := NewSupervisor(e)
	if _, err := s.Apply(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	err = e.Apply(context.Background(), model.Command{Op: model.OpSetPeriod, Poller: "tick", Value: int64(engine.MinPollPeriod)})
	if !errors.Is(err, engine.ErrInvalidPeriod) || !strings.Contains(err.Error(), "below the floor of 10ms") {
		t.Fatalf("set_period 1ms on a command poller: %v, want ErrInvalidPeriod naming 10ms", err)
	}
	if p, _ := e.Poller("tick"); p.Stats().Period != time.Second {
		t.Fatalf("period %s after a refused set_period", p.Stats().Period)
	}
}
