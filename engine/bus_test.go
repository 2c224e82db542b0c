package engine_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

const refresh = 100 * time.Millisecond

// pending returns the snapshot waiting on ch, if any, without blocking.
func pending(ch <-chan model.Snapshot) (model.Snapshot, bool) {
	select {
	case s, ok := <-ch:
		return s, ok
	default:
		return model.Snapshot{}, false
	}
}

// settle lets the engine publish what is pending and drains ch.
func settle(ch <-chan model.Snapshot) {
	time.Sleep(3 * refresh)
	synctest.Wait()
	pending(ch)
}

func TestSubscribeGetsACurrentSnapshotAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithRefresh(refresh), engine.WithSource("demo"))
		defer closeEngine(t, e)
		e.NewManager("m", 1)
		ch, cancel := e.Subscribe()
		defer cancel()
		s, ok := pending(ch)
		if !ok || len(s.Managers) != 1 || s.Source != "demo" || s.Time.IsZero() {
			t.Fatalf("first snapshot %+v (ok %v)", s, ok)
		}
	})
}

func TestIdleEnginePublishesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithRefresh(refresh))
		defer closeEngine(t, e)
		m := e.NewManager("m", 1)
		mustAppend(t, m, "sleeper", untilHalted)
		_ = m.Watch()
		ch, cancel := e.Subscribe()
		defer cancel()
		settle(ch)
		time.Sleep(time.Hour)
		synctest.Wait()
		if s, ok := pending(ch); ok {
			t.Fatalf("idle engine published seq %d", s.Seq)
		}
	})
}

// TestChangesBeforeTheFirstSubscriberStillReachIt: with nobody subscribed the
// publisher sleeps (changes do not wake it), yet a later subscriber gets the
// current state at once and the changes after it within a refresh.
func TestChangesBeforeTheFirstSubscriberStillReachIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithRefresh(refresh))
		defer closeEngine(t, e)
		m := e.NewManager("m", 1)
		for i := range 5 {
			mustAppend(t, m, "t"+strconv.Itoa(i), untilHalted)
		}
		_ = m.Watch()
		time.Sleep(time.Hour)
		synctest.Wait()
		ch, cancel := e.Subscribe()
		defer cancel()
		if s, ok := pending(ch); !ok || len(s.Managers) != 1 || s.Managers[0].Counts[model.StateQueued] != 4 {
			t.Fatalf("first snapshot %+v (ok %v)", s, ok)
		}
		mustAppend(t, m, "late", untilHalted)
		time.Sleep(refresh)
		synctest.Wait()
		if s, ok := pending(ch); !ok || s.Managers[0].Counts[model.StateQueued] != 5 {
			t.Fatalf("no snapshot of the change after subscribing: %+v (ok %v)", s, ok)
		}
	})
}

func TestAtMostOneSnapshotPerRefresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithRefresh(refresh))
		defer closeEngine(t, e)
		m := e.NewManager("m", 1)
		ch, cancel := e.Subscribe()
		defer cancel()
		settle(ch)

		go func() { // a change every millisecond for a second
			for range 1000 {
				_, _ = m.Append("x", untilHalted)
				time.Sleep(time.Millisecond)
			}
		}()
		var got []model.Snapshot
		timeout := time.After(2 * time.Second)
	read:
		for {
			select {
			case s := <-ch:
				got = append(got, s)
			case <-timeout:
				break read
			}
		}
		if len(got) < 9 || len(got) > 11 {
			t.Fatalf("%d snapshots in a busy second, want about 10", len(got))
		}
		for i := 1; i < len(got); i++ {
			if gap := got[i].Time.Sub(got[i-1].Time); gap < refresh {
				t.Fatalf("snapshots %d and %d only %v apart", i-1, i, gap)
			}
			if got[i].Seq <= got[i-1].Seq {
				t.Fatalf("seq went %d -> %d", got[i-1].Seq, got[i].Seq)
			}
		}
		if q := got[len(got)-1].Managers[0].Queued; q != 1000 {
			t.Fatalf("last snapshot has %d queued, want 1000", q)
		}
	})
}

func TestSlowReaderGetsTheLatest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithRefresh(refresh))
		defer closeEngine(t, e)
		m := e.NewManager("m", 1)
		ch, cancel := e.Subscribe()
		defer cancel()
		settle(ch)
		var last model.TaskID
		for range 10 { // ten refresh intervals of changes, none read
			last = mustAppend(t, m, "x", untilHalted)
			time.Sleep(2 * refresh)
		}
		synctest.Wait()
		s, ok := pending(ch)
		if !ok || s.Tasks[len(s.Tasks)-1].ID != last {
			t.Fatalf("slow reader got %+v, want one with %s", s.Tasks, last)
		}
		if _, ok := pending(ch); ok {
			t.Fatal("more than one snapshot was waiting")
		}
	})
}

func TestCancelClosesTheChannelOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithRefresh(refresh))
		defer closeEngine(t, e)
		ch, cancel := e.Subscribe()
		other, cancelOther := e.Subscribe()
		defer cancelOther()
		cancel()
		cancel() // idempotent
		for range ch {
		}
		e.NewManager("m", 1) // the others still get snapshots
		settle(other)
		if _, ok := pending(other); ok {
			t.Fatal("unexpected extra snapshot")
		}
	})
}

func TestCloseSendsAFinalSnapshotAndClosesChannels(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithRefresh(refresh))
		m := e.NewManager("m", 1)
		ch, cancel := e.Subscribe()
		defer cancel() // after Close: a no-op
		settle(ch)
		mustAppend(t, m, "never runs", untilHalted)
		closeEngine(t, e)
		final, ok := <-ch
		if !ok || final.Counts[model.StateHalted] != 1 || final.Managers[0].Queued != 0 {
			t.Fatalf("final snapshot %+v", final)
		}
		if _, ok := <-ch; ok {
			t.Fatal("channel still open after Close")
		}
		late, cancelLate := e.Subscribe()
		defer cancelLate()
		if s, ok := <-late; !ok || s.Counts[model.StateHalted] != 1 {
			t.Fatal("a subscription after Close gets one snapshot")
		}
		if _, ok := <-late; ok {
			t.Fatal("a subscription after Close is closed")
		}
	})
}

func TestSnapshotsFlowWhileClosing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithRefresh(refresh), engine.WithKillGrace(time.Second))
		m := e.NewManager("crawl", 1)
		release := make(chan struct{})
		id := mustAppend(t, m, "stubborn", stubborn(release))
		_ = m.Run()
		ch, cancel := e.Subscribe()
		defer cancel()
		settle(ch)

		closed := make(chan error)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			closed <- e.Close(ctx)
		}()
		s := <-ch // the drain is visible
		if s.Counts[model.StateHalting] != 1 {
			t.Fatalf("during close: %v", s.Counts)
		}
		if err := apply(e, model.OpHalt, id); !errors.Is(err, engine.ErrClosed) {
			t.Fatalf("halt while closing: %v", err)
		}
		if err := apply(e, model.OpKill, id); err != nil {
			t.Fatalf("kill while closing: %v", err)
		}
		time.Sleep(2 * time.Second)
		s = <-ch
		if s.Counts[model.StateAbandoned] != 1 || s.Leaked != 1 {
			t.Fatalf("after the kill grace: %v leaked %d", s.Counts, s.Leaked)
		}
		close(release) // Close waits for the leaked goroutine too, and gets it
		if err := <-closed; err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := apply(e, model.OpKill, id); !errors.Is(err, engine.ErrClosed) {
			t.Fatalf("kill after close: %v", err)
		}
	})
}
