package ui

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/spindle-tui/spindle/model"
)

// goroutinesSample is a sample with a leak that only grows (owned by no
// task), a task's worker goroutines and the runtime's own.
func goroutinesSample() model.Goroutines {
	frames := func(fn, file string, line int) []model.Frame {
		return []model.Frame{{Func: fn, File: file, Line: line}, {Func: "main.main", File: "main.go", Line: 12}}
	}
	return model.Goroutines{
		Time: fixtureNow, Took: 3 * time.Millisecond, Interval: time.Second, Total: 171, Labelled: true,
		Groups: []model.GoroutineGroup{
			{Key: "a", Count: 120, State: "chan send", Wait: 95 * time.Second, Func: "main.fetchUpstream", Where: "leaky/main.go:49",
				CreatedBy: "main.handle leaky/main.go:39", Stack: frames("main.fetchUpstream", "leaky/main.go", 49),
				History: []int{20, 40, 60, 80, 100, 120}, Growing: true},
			{Key: "b", Count: 40, State: "select", Wait: 2 * time.Second, Task: "t1", TaskName: "crawl root", Group: "crawl",
				Func: "sampletasks.crawl", Where: "sampletasks/demo.go:88", CreatedBy: "engine.(*Manager).execute engine/manager_run.go:45",
				Stack: frames("sampletasks.crawl", "sampletasks/demo.go", 88), History: []int{40, 40, 38, 40, 40, 40}},
			{Key: "c", Count: 11, State: "IO wait", Func: "net.(*netFD).accept", Where: "net/fd_unix.go:172",
				CreatedBy: "net/http.(*Server).Serve net/http/server.go:3340", Stack: frames("net.(*netFD).accept", "net/fd_unix.go", 172)},
		},
		ByTask: map[model.TaskID]int{"t1": 40},
	}
}

// TestGoldenGoroutines: the Goroutines view of a sample, largest group first,
// the leak marked as growing; enter opens a group's stack.
func TestGoldenGoroutines(t *testing.T) {
	for _, tt := range []struct {
		name string
		keys []string
	}{
		{"goroutines", nil},
		{"goroutine_stack", []string{"enter"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys("5")
				h.send(goroutinesMsg{g: goroutinesSample()})
				h.keys(tt.keys...)
				golden.RequireEqual(t, []byte(ansi.Strip(h.m.View().Content)))
			})
		})
	}
}

// TestGoroutinesColumnOnlyForGoroutineTasks: Workers shows GOROUTINES once a
// sample came and some task is a goroutine; a file of processes only never
// shows the column, which could only say "·" there.
func TestGoroutinesColumnOnlyForGoroutineTasks(t *testing.T) {
	for _, tt := range []struct {
		name string
		snap func() model.Snapshot
		want bool
	}{
		{"goroutine tasks", fixtureSnapshot, true},
		{"processes only", processOnlySnapshot, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.publish(tt.snap())
				h.send(goroutinesMsg{g: goroutinesSample()})
				if got := strings.Contains(h.screen(), "GOROUTINES"); got != tt.want {
					t.Errorf("GOROUTINES shown %v, want %v:\n%s", got, tt.want, h.screen())
				}
			})
		})
	}
}

// processOnlySnapshot is processSnapshot without its goroutine tasks.
func processOnlySnapshot() model.Snapshot {
	s := processSnapshot()
	var tasks []model.Task
	for _, t := range s.Tasks {
		if t.Kind == model.KindProcess {
			tasks = append(tasks, t)
		}
	}
	s.Tasks = tasks
	return s
}

// TestGoroutinesStatesAge: between two full dumps the counts are fresh and
// the states are the last dump's: the title says how old they are, and a
// group that formed since the dump says so instead of a state.
func TestGoroutinesStatesAge(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("5")
		g := goroutinesSample()
		g.StatesAt = g.Time.Add(-40 * time.Second)
		g.Groups[2].State, g.Groups[2].CreatedBy = "", ""
		h.send(goroutinesMsg{g: g})
		scr := h.screen()
		if !strings.Contains(scr, "171 goroutines, sampled in 3ms, states as of 40s ago") {
			t.Errorf("title does not say how old the states are:\n%s", scr)
		}
		var row string
		for _, l := range strings.Split(scr, "\n") {
			if strings.Contains(l, "netFD") {
				row = l
			}
		}
		if f := strings.Fields(row); len(f) < 4 || f[1] != "11" || f[2]+" "+f[3] != "new group" {
			t.Errorf("a group the dump did not see: %q, want it marked new group", row)
		}
		g.StatesAt = g.Time // a sample that took the dump itself
		h.send(goroutinesMsg{g: g})
		if strings.Contains(h.screen(), "states as of") {
			t.Error("a sample with fresh states says they are old")
		}
	})
}

// TestGoroutinesStaleOrigins: in a fleet's sample, the groups of an engine
// that did not answer are its last sample's: their ORIGIN cell says stale,
// and the title names it with how old its groups are (or that it never
// answered).
func TestGoroutinesStaleOrigins(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("5")
		g := goroutinesSample()
		for i := range g.Groups {
			g.Groups[i].Origin = []string{"api", "web"}[i%2]
			g.Groups[i].Key = g.Groups[i].Origin + "/" + g.Groups[i].Key
		}
		g.Stale = []model.StaleSample{{Origin: "db", Error: "db: not connected"}, {Origin: "web", Error: "web: timeout", Time: g.Time.Add(-12 * time.Second)}}
		h.send(goroutinesMsg{g: g})
		scr := h.screen()
		if !strings.Contains(scr, "stale: db never sampled, web 12s ago") {
			t.Errorf("the title does not name the stale engines:\n%s", scr)
		}
		rows := map[string]int{}
		for _, l := range strings.Split(scr, "\n") {
			f := strings.Fields(strings.Trim(l, "│ "))
			if len(f) < 2 || (f[0] != "api" && f[0] != "web") {
				continue
			}
			rows[f[0]]++
			if stale := f[1] == "stale"; stale != (f[0] == "web") {
				t.Errorf("row %q: stale mark %v, want it on web's rows only", l, stale)
			}
		}
		if rows["api"] == 0 || rows["web"] == 0 {
			t.Errorf("rows by origin %v, want both engines' groups:\n%s", rows, scr)
		}
	})
}
