package engine_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

func TestSetLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("crawl", 1)
		for range 4 {
			mustAppend(t, m, "w", untilHalted)
		}
		_ = m.Watch()
		tests := []struct {
			limit, running, queued int
		}{
			{3, 3, 1}, // growing starts queued work at once
			{1, 3, 1}, // shrinking lets running work go on
			{0, 3, 1}, // below 1 is 1
			{5, 4, 0},
		}
		for _, tt := range tests {
			m.SetLimit(tt.limit)
			synctest.Wait()
			if got := m.Stats(); got.Running != tt.running || got.Queued != tt.queued || got.Limit != max(tt.limit, 1) {
				t.Fatalf("SetLimit(%d): %+v", tt.limit, got)
			}
		}
	})
}

func TestRemove(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("crawl", 1)
		live := mustAppend(t, m, "live", untilHalted)
		queued := mustAppend(t, m, "queued", untilHalted)
		finished := mustAppend(t, e.NewManager("other", 1), "finished", returns(nil))
		_ = m.Watch()
		other, _ := e.Manager("other")
		_ = other.Watch()
		synctest.Wait()

		ctx := context.Background()
		for _, id := range []model.TaskID{queued, live, finished} {
			if err := e.Remove(ctx, id); err != nil {
				t.Fatalf("Remove(%s): %v", id, err)
			}
			if got := findTask(e, id); got.ID != "" {
				t.Fatalf("%s still in the snapshot: %+v", id, got)
			}
			if err := apply(e, model.OpRestart, id); !errors.Is(err, engine.ErrUnknownTask) {
				t.Fatalf("restart of removed %s: %v", id, err)
			}
		}
		if err := e.Remove(ctx, "t999"); !errors.Is(err, engine.ErrUnknownTask) {
			t.Fatalf("Remove(unknown): %v", err)
		}
		if s := e.Snapshot(); s.Counts[model.StateHalted] != 2 || s.Counts[model.StateDone] != 1 {
			t.Fatalf("counters forget: %v", s.Counts)
		}
	})
}

func TestRemoveWaitsForItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithKillGrace(time.Hour))
		m := e.NewManager("crawl", 1)
		release := make(chan struct{})
		id := mustAppend(t, m, "stubborn", stubborn(release))
		_ = m.Watch()
		synctest.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := e.Remove(ctx, id); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Remove: %v", err)
		}
		if got := stateOf(t, e, id); got != model.StateHalting {
			t.Fatalf("state %s", got)
		}
		close(release)
		closeEngine(t, e)
	})
}

func TestRemoveProcess(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	spec := sh(`echo ready; exec sleep 1000`)
	spec.Restart = engine.RestartAlways
	task := startedProcess(t, e, spec)
	if err := e.Remove(context.Background(), task.ID); err != nil {
		t.Fatal(err)
	}
	if got := findTask(e, task.ID); got.ID != "" {
		t.Fatalf("still shown: %+v", got)
	}
	noSurvivors(t, task.PID)
}

func TestRemoveManager(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("crawl", 1)
		mustAppend(t, m, "live", checkpointLoop)
		mustAppend(t, m, "queued", untilHalted)
		mustAppend(t, e.NewManager("keep", 1), "kept", untilHalted)
		_ = m.Watch()
		synctest.Wait()
		if err := e.RemoveManager(context.Background(), "crawl"); err != nil {
			t.Fatal(err)
		}
		s := e.Snapshot()
		if len(s.Managers) != 1 || s.Managers[0].Name != "keep" {
			t.Fatalf("managers %+v", s.Managers)
		}
		for _, task := range s.Tasks {
			if task.Group == "crawl" {
				t.Fatalf("task of the removed manager still shown: %+v", task)
			}
		}
		if _, err := m.Append("late", untilHalted); !errors.Is(err, engine.ErrUnknownManager) {
			t.Fatalf("Append on a removed manager: %v", err)
		}
		if again := e.NewManager("crawl", 1); again.Name() != "crawl" {
			t.Fatalf("name not reusable: %q", again.Name())
		}
		if err := e.RemoveManager(context.Background(), "nope"); !errors.Is(err, engine.ErrUnknownManager) {
			t.Fatalf("RemoveManager(unknown): %v", err)
		}
	})
}

func TestRemovePool(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
		ctx := context.Background()
		running := mustSubmit(t, ctx, p, "", checkpointLoop)
		queued := mustSubmit(t, ctx, p, "", untilHalted)
		synctest.Wait()
		if err := e.RemovePool(ctx, "io"); err != nil {
			t.Fatal(err)
		}
		for _, f := range []*engine.Future{running, queued} {
			if err := f.Wait(ctx); !errors.Is(err, engine.ErrHalted) {
				t.Fatalf("future of %s: %v", f.ID(), err)
			}
		}
		s := e.Snapshot()
		if len(s.Pools) != 0 || len(s.Tasks) != 0 {
			t.Fatalf("after RemovePool: pools %+v tasks %+v", s.Pools, s.Tasks)
		}
		_, again, err := engine.ResolvePool(ctx, e, "io")
		if err != nil || again == p || again.Name() != "io" {
			t.Fatalf("ResolvePool after removal: %v, %v", again, err)
		}
		if err := e.RemovePool(ctx, "nope"); !errors.Is(err, engine.ErrUnknownPool) {
			t.Fatalf("RemovePool(unknown): %v", err)
		}
	})
}

func TestRemovePoller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		pl := e.NewPoller("disk", time.Second, func(context.Context) (any, error) { return 1, nil })
		_ = pl.Start()
		synctest.Wait()
		if err := e.RemovePoller("disk"); err != nil {
			t.Fatal(err)
		}
		if s := e.Snapshot(); len(s.Pollers) != 0 {
			t.Fatalf("pollers %+v", s.Pollers)
		}
		if again := e.NewPoller("disk", time.Second, nil); again.Name() != "disk" {
			t.Fatalf("name not reusable: %q", again.Name())
		}
		if err := e.RemovePoller("nope"); !errors.Is(err, engine.ErrUnknownPoller) {
			t.Fatalf("RemovePoller(unknown): %v", err)
		}
	})
}

func TestSourceAndRefresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithSource("demo"))
		defer closeEngine(t, e)
		e.SetSource("spindle.yaml")
		const bad = "spindle.yaml:3:7: unknown field \"limt\""
		e.SetSourceError(bad)
		s := e.Snapshot()
		if s.Source != "spindle.yaml" || s.SourceError != bad || !hasEvent(s, model.LevelError, bad) {
			t.Fatalf("source %q error %q", s.Source, s.SourceError)
		}
		e.SetSourceError("")
		if s := e.Snapshot(); s.SourceError != "" {
			t.Fatalf("error not cleared: %q", s.SourceError)
		}

		// A longer refresh spaces the snapshots out.
		e.SetRefresh(time.Second)
		ch, cancel := e.Subscribe()
		defer cancel()
		<-ch
		m := e.NewManager("m", 1) // a change: published at once
		first := <-ch
		mustAppend(t, m, "x", untilHalted) // the next waits out the refresh
		second := <-ch
		if gap := second.Time.Sub(first.Time); gap < time.Second {
			t.Fatalf("snapshots %s apart, want the 1s refresh", gap)
		}
	})
}

func TestReload(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		ctx := context.Background()
		reload := model.Command{Op: model.OpReload}
		if err := e.Apply(ctx, reload); !errors.Is(err, engine.ErrNothingToReload) {
			t.Fatalf("without a reloader: %v", err)
		}
		calls := 0
		bad := errors.New("spindle.yaml:1:1: bad")
		e.SetReloader(func(context.Context) error {
			calls++
			if calls == 2 {
				return bad
			}
			return nil
		})
		if err := e.Apply(ctx, reload); err != nil || calls != 1 {
			t.Fatalf("reload: %v, %d calls", err, calls)
		}
		if err := e.Apply(ctx, reload); !errors.Is(err, bad) {
			t.Fatalf("failing reload: %v", err)
		}
		closeEngine(t, e)
		if err := e.Apply(ctx, reload); !errors.Is(err, engine.ErrClosed) {
			t.Fatalf("reload after close: %v", err)
		}
	})
}
