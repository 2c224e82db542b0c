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

func TestCloseNamesTheStubbornTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		crawl := e.NewManager("crawl", 2)
		release := make(chan struct{})
		polite := mustAppend(t, crawl, "polite", checkpointLoop)
		mule := mustAppend(t, crawl, "stubborn", stubborn(release))
		_ = crawl.Watch()
		synctest.Wait()

		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		err := e.Close(ctx)
		want := `engine: close: 1 task did not stop: ` + string(mule) + ` "stubborn" (crawl)`
		var ce *engine.CloseError
		if !errors.As(err, &ce) || err.Error() != want || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Close: %v, want %q", err, want)
		}
		if len(ce.Tasks) != 1 || ce.Tasks[0].ID != mule || ce.Tasks[0].Group != "crawl" {
			t.Fatalf("CloseError.Tasks %+v", ce.Tasks)
		}
		s := e.Snapshot()
		if stateOf(t, e, mule) != model.StateAbandoned || stateOf(t, e, polite) != model.StateHalted || s.Leaked != 1 {
			t.Fatalf("after close: %v leaked %d", s.Counts, s.Leaked)
		}
		if err := e.Close(context.Background()); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		close(release)
		synctest.Wait()
		if s := e.Snapshot(); s.Leaked != 0 {
			t.Fatalf("leaked %d after the late return", s.Leaked)
		}
	})
}

func TestCloseHaltsLiveAndDropsQueued(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		a, b := e.NewManager("a", 2), e.NewManager("b", 1)
		for range 5 {
			mustAppend(t, a, "loop", checkpointLoop)
			mustAppend(t, b, "wait", untilHalted)
		}
		_ = a.Watch()
		_ = b.Run()
		pausedID := mustAppend(t, e.NewManager("c", 1), "paused", checkpointLoop)
		m, _ := e.Manager("c")
		_ = m.Run()
		time.Sleep(5 * time.Millisecond)
		_ = apply(e, model.OpPause, pausedID)
		time.Sleep(5 * time.Millisecond)
		synctest.Wait()
		if got := stateOf(t, e, pausedID); got != model.StatePaused {
			t.Fatalf("arranging: %s", got)
		}

		closeEngine(t, e)
		s := e.Snapshot()
		want := model.StateCounts{}
		want[model.StateHalted] = 11
		if s.Counts != want || s.Leaked != 0 {
			t.Fatalf("after close: %v", s.Counts)
		}
		for _, m := range s.Managers {
			if m.Running != 0 || m.Queued != 0 || m.Watching {
				t.Fatalf("manager after close %+v", m)
			}
		}
	})
}

func TestCloseWaitsForConcurrentClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		m := e.NewManager("m", 1)
		id := mustAppend(t, m, "slow", func(ctx context.Context) error {
			<-ctx.Done()
			time.Sleep(time.Second)
			return nil
		})
		_ = m.Run()
		synctest.Wait()
		done := make(chan error, 2)
		for range 2 {
			go func() { done <- e.Close(context.Background()) }()
		}
		for range 2 {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		if got := stateOf(t, e, id); got != model.StateHalted {
			t.Fatalf("after both Close calls returned: %s", got)
		}
	})
}
