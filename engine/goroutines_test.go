package engine_test

import (
	"context"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// blockedHere parks until release is closed; tests look for its line.
func blockedHere(release <-chan struct{}) { <-release }

// TestGoroutinesOwnedByTasks: a manager task and the goroutines it starts,
// and a pool task, are attributed to their tasks; the rest of the process is
// no task's.
func TestGoroutinesOwnedByTasks(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	m := e.NewManager("crawl", 2)
	id := mustAppend(t, m, "fan out", func(ctx context.Context) error {
		for range 3 {
			go blockedHere(release) // children inherit the task's labels
		}
		started <- struct{}{}
		blockedHere(release)
		return nil
	})
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	ctx, p, err := engine.ResolvePool(context.Background(), e, "render", engine.ForceCreate())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(engine.PoolConfig{MaxWorkers: 1, TaskType: "r"}); err != nil {
		t.Fatal(err)
	}
	fut, err := p.Submit(ctx, "r", func(context.Context) error { started <- struct{}{}; blockedHere(release); return nil })
	if err != nil {
		t.Fatal(err)
	}
	<-started
	<-started
	time.Sleep(10 * time.Millisecond) // the children park

	g, err := e.Goroutines(context.Background())
	close(release)
	if err != nil {
		t.Fatal(err)
	}
	if n := g.ByTask[id]; n != 4 {
		t.Errorf("task %s has %d goroutines, want 4 (itself and its 3 children); groups:\n%s", id, n, groupsText(g))
	}
	if n := g.ByTask[fut.ID()]; n != 1 {
		t.Errorf("pool task %s has %d goroutines, want 1; groups:\n%s", fut.ID(), n, groupsText(g))
	}
	for _, gr := range g.Owned(id) {
		if !strings.HasSuffix(gr.Func, "blockedHere") || !strings.Contains(gr.Where, "goroutines_test.go:") || gr.State != "chan receive" {
			t.Errorf("task group at %s %s (%s), want blockedHere in goroutines_test.go, chan receive", gr.Func, gr.Where, gr.State)
		}
		if gr.Group != "crawl" || gr.TaskName != "fan out" {
			t.Errorf("task group owner %q/%q, want crawl/fan out", gr.Group, gr.TaskName)
		}
	}
	notTask := 0
	for _, gr := range g.Groups {
		if gr.Task == "" && gr.Group == "" {
			notTask += gr.Count
		}
	}
	if notTask == 0 || g.Total < 6 || !g.Labelled {
		t.Errorf("not-a-task goroutines %d, total %d, labelled %v", notTask, g.Total, g.Labelled)
	}
	if err := fut.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func groupsText(g model.Goroutines) string {
	var b strings.Builder
	for _, gr := range g.Groups {
		b.WriteString(string(gr.Task) + " " + gr.Group + " " + gr.Func + " " + gr.State + "\n")
	}
	return b.String()
}

// TestTaskContextCarriesLabels: a manager task's context carries its pprof
// labels, so pprof.Do in the task adds to them rather than replacing them
// (with a context of no labels, the goroutine lost spindle.task for the
// length of the Do, and so did every goroutine started inside it).
func TestTaskContextCarriesLabels(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("m", 1)
	got := make(chan [2]string, 1)
	id := mustAppend(t, m, "labelled", func(ctx context.Context) error {
		pprof.Do(ctx, pprof.Labels("mine", "1"), func(ctx context.Context) {
			task, _ := pprof.Label(ctx, engine.LabelTask)
			mine, _ := pprof.Label(ctx, "mine")
			got <- [2]string{task, mine}
		})
		return nil
	})
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	if g := <-got; g != [2]string{string(id), "1"} {
		t.Errorf("labels inside pprof.Do: %s=%q mine=%q, want %q and \"1\"", engine.LabelTask, g[0], g[1], id)
	}
}
