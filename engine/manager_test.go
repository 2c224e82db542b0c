package engine_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

func TestManagerErrors(t *testing.T) {
	tests := []struct {
		name    string
		do      func(e *engine.Engine, m *engine.Manager) error
		want    error
		wantMsg string
	}{
		{"run with nothing queued", func(_ *engine.Engine, m *engine.Manager) error {
			return m.Run()
		}, engine.ErrNoTasks, ""},
		{"run while a run's work is live", func(_ *engine.Engine, m *engine.Manager) error {
			_, _ = m.Append("a", untilHalted)
			_, _ = m.Append("b", untilHalted)
			_ = m.Run()
			return m.Run()
		}, engine.ErrAlreadyRunning, ""},
		{"watch twice", func(_ *engine.Engine, m *engine.Manager) error {
			_ = m.Watch()
			return m.Watch()
		}, engine.ErrAlreadyWatching, ""},
		{"run while watching", func(_ *engine.Engine, m *engine.Manager) error {
			_ = m.Watch()
			return m.Run()
		}, engine.ErrAlreadyWatching, ""},
		{"append a nil func", func(_ *engine.Engine, m *engine.Manager) error {
			_, err := m.Append("nil", nil)
			return err
		}, engine.ErrNilFunc, ""},
		{"apply to an unknown task", func(e *engine.Engine, _ *engine.Manager) error {
			return apply(e, model.OpHalt, "t99")
		}, engine.ErrUnknownTask, `engine: no task "t99"`},
		{"run an unknown manager", func(e *engine.Engine, _ *engine.Manager) error {
			return e.Apply(context.Background(), model.Command{Op: model.OpRun, Group: "nope"})
		}, engine.ErrUnknownManager, `engine: no manager "nope"`},
		{"apply an unknown op", func(e *engine.Engine, _ *engine.Manager) error {
			return e.Apply(context.Background(), model.Command{Op: "explode", Target: "t1"})
		}, engine.ErrUnknownOp, `engine: unknown op "explode"`},
		{"apply with a done context", func(e *engine.Engine, _ *engine.Manager) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return e.Apply(ctx, model.Command{Op: model.OpHaltAll})
		}, context.Canceled, ""},
		{"append after close", func(e *engine.Engine, m *engine.Manager) error {
			closeEngineQuiet(e)
			_, err := m.Append("late", untilHalted)
			return err
		}, engine.ErrClosed, ""},
		{"apply after close", func(e *engine.Engine, m *engine.Manager) error {
			id, _ := m.Append("a", untilHalted)
			closeEngineQuiet(e)
			return apply(e, model.OpRestart, id)
		}, engine.ErrClosed, ""},
		{"run and watch after close", func(e *engine.Engine, m *engine.Manager) error {
			closeEngineQuiet(e)
			return errors.Join(m.Run(), m.Watch())
		}, engine.ErrClosed, ""},
		{"append to a manager made after close", func(e *engine.Engine, _ *engine.Manager) error {
			closeEngineQuiet(e)
			_, err := e.NewManager("late", 1).Append("x", untilHalted)
			return err
		}, engine.ErrClosed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				err := tt.do(e, e.NewManager("m", 1))
				if !errors.Is(err, tt.want) {
					t.Fatalf("got %v, want %v", err, tt.want)
				}
				if tt.wantMsg != "" && err.Error() != tt.wantMsg {
					t.Fatalf("message %q, want %q", err, tt.wantMsg)
				}
			})
		})
	}
}

func closeEngineQuiet(e *engine.Engine) { _ = e.Close(context.Background()) }

func TestRunStartsUpToTheLimitOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("m", 2)
		release := make(chan struct{})
		for range 5 {
			mustAppend(t, m, "w", stubborn(release))
		}
		if err := m.Run(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if st := m.Stats(); st.Running != 2 || st.Queued != 3 || st.Watching {
			t.Fatalf("after Run: %+v", st)
		}
		close(release)
		synctest.Wait()
		if st := m.Stats(); st.Running != 0 || st.Queued != 3 || st.Counts[model.StateDone] != 2 {
			t.Fatalf("Run must not refill: %+v", st)
		}
		if err := e.Apply(context.Background(), model.Command{Op: model.OpRun, Group: "m"}); err != nil {
			t.Fatalf("second run: %v", err)
		}
		synctest.Wait()
		if st := m.Stats(); st.Queued != 1 || st.Counts[model.StateDone] != 4 {
			t.Fatalf("after OpRun: %+v", st)
		}
	})
}

func TestWatchKeepsSlotsFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("m", 3)
		var maxLive, live atomic.Int32
		work := func(ctx context.Context) error {
			n := live.Add(1)
			for m := maxLive.Load(); n > m && !maxLive.CompareAndSwap(m, n); m = maxLive.Load() {
			}
			time.Sleep(10 * time.Millisecond)
			live.Add(-1)
			return nil
		}
		for range 10 {
			mustAppend(t, m, "w", work)
		}
		if err := m.Watch(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if st := m.Stats(); st.Counts[model.StateDone] != 10 || maxLive.Load() != 3 {
			t.Fatalf("stats %+v, max live %d", st, maxLive.Load())
		}
		// Appends while watching start at once; Stop leaves new work queued.
		id := mustAppend(t, m, "later", untilHalted)
		synctest.Wait()
		if got := stateOf(t, e, id); got != model.StateRunning {
			t.Fatalf("appended while watching: %s", got)
		}
		m.Stop()
		id2 := mustAppend(t, m, "after stop", untilHalted)
		synctest.Wait()
		if got := stateOf(t, e, id2); got != model.StateQueued {
			t.Fatalf("appended after Stop: %s", got)
		}
		if got := stateOf(t, e, id); got != model.StateRunning {
			t.Fatalf("Stop must not halt running work: %s", got)
		}
	})
}

func TestManagerHaltWaitsAndAbandonsTheStubborn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithKillGrace(time.Second))
		defer closeEngine(t, e)
		m := e.NewManager("m", 3)
		release := make(chan struct{})
		polite := mustAppend(t, m, "polite", checkpointLoop)
		mule := mustAppend(t, m, "mule", stubborn(release))
		queued := mustAppend(t, m, "queued", untilHalted)
		m2 := e.NewManager("m2", 1)
		mustAppend(t, m2, "other", untilHalted)
		_ = m2.Watch()
		_ = m.Watch()
		synctest.Wait()
		m.Halt() // stops watching: "queued" started (limit 3), so halt it too
		if got := stateOf(t, e, polite); got != model.StateHalted {
			t.Fatalf("polite: %s", got)
		}
		if got := stateOf(t, e, mule); got != model.StateAbandoned {
			t.Fatalf("mule: %s", got)
		}
		if got := stateOf(t, e, queued); got != model.StateHalted {
			t.Fatalf("third: %s", got)
		}
		s := e.Snapshot()
		if s.Leaked != 1 || m.Stats().Watching {
			t.Fatalf("leaked %d, stats %+v", s.Leaked, m.Stats())
		}
		if st := m2.Stats(); st.Running != 1 || !st.Watching {
			t.Fatalf("other manager touched: %+v", st)
		}
		close(release)
		synctest.Wait()
		s = e.Snapshot()
		if s.Leaked != 0 || stateOf(t, e, mule) != model.StateAbandoned {
			t.Fatalf("late return: leaked %d, state %s", s.Leaked, stateOf(t, e, mule))
		}
	})
}

func TestHaltAllStopsEveryWatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		a, b := e.NewManager("a", 1), e.NewManager("b", 2)
		for range 3 {
			mustAppend(t, a, "x", untilHalted)
			mustAppend(t, b, "y", checkpointLoop)
		}
		_ = a.Watch()
		_ = b.Watch()
		synctest.Wait()
		if err := e.Apply(context.Background(), model.Command{Op: model.OpHaltAll}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		s := e.Snapshot()
		if s.Counts[model.StateHalted] != 3 || s.Counts[model.StateQueued] != 3 {
			t.Fatalf("counts %v", s.Counts)
		}
		for _, m := range s.Managers {
			if m.Watching || m.Running != 0 {
				t.Fatalf("manager %+v", m)
			}
		}
	})
}

func TestNamesAndIDs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		names := []string{"crawl", "crawl", "b", "crawl"}
		var got []string
		for _, n := range names {
			got = append(got, e.NewManager(n, 0).Name())
		}
		want := []string{"crawl", "crawl-2", "b", "crawl-3"}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("names %v, want %v", got, want)
			}
		}
		m, ok := e.Manager("crawl-2")
		if !ok || m.Stats().Limit != 1 {
			t.Fatalf("Manager(crawl-2) = %v %v", m, ok)
		}
		s := e.Snapshot()
		for i, w := range []string{"b", "crawl", "crawl-2", "crawl-3"} {
			if s.Managers[i].Name != w {
				t.Fatalf("managers not sorted: %+v", s.Managers)
			}
		}
		seen := map[model.TaskID]bool{}
		var last model.TaskID
		for range 40 {
			id := mustAppend(t, m, "x", untilHalted)
			if seen[id] {
				t.Fatalf("id %s reused", id)
			}
			seen[id], last = true, id
		}
		if last != "t14" { // 40 in base 36
			t.Fatalf("40th id %s, want t14", last)
		}
	})
}
