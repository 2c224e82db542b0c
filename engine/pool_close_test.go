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

// sleepy takes d unless halted first.
func sleepy(d time.Duration) engine.Func {
	return func(ctx context.Context) error {
		select {
		case <-time.After(d):
			return nil
		case <-ctx.Done():
			return engine.ErrHalted
		}
	}
}

func TestCloseDrainsNonDaemonAndHaltsDaemonPools(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithPoolDrain(time.Second))
		work := startPool(t, e, "work", engine.PoolConfig{MaxWorkers: 1})
		bg := startPool(t, e, "bg", engine.PoolConfig{MaxWorkers: 1, Daemon: true})
		var drained, daemon []*engine.Future
		for range 3 {
			drained = append(drained, mustSubmit(t, context.Background(), work, "w", sleepy(100*time.Millisecond)))
			daemon = append(daemon, mustSubmit(t, context.Background(), bg, "b", untilHalted))
		}
		synctest.Wait()
		start := time.Now()
		closeEngine(t, e)
		if took := time.Since(start); took != 300*time.Millisecond {
			t.Fatalf("close took %v, want the 300ms drain", took)
		}
		for i, f := range drained {
			if err := f.Wait(context.Background()); err != nil {
				t.Fatalf("non-daemon work %d: %v", i, err)
			}
		}
		for i, f := range daemon {
			if err := f.Wait(context.Background()); !errors.Is(err, engine.ErrHalted) {
				t.Fatalf("daemon work %d: %v", i, err)
			}
		}
		s := e.Snapshot()
		for _, p := range s.Pools {
			if p.State != model.PoolStopped || p.Busy != 0 || p.Queued != 0 {
				t.Fatalf("after close %+v", p)
			}
		}
		if countEvents(s, "pool work: draining 2 queued and 1 running") != 1 || countEvents(s, "pool bg: daemon: halting 1 running, dropped 2 queued") != 1 {
			t.Fatalf("close events missing: %+v", s.Events)
		}
	})
}

func TestCloseCutsTheDrainShortAndNamesTheStuck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithPoolDrain(time.Second))
		p := startPool(t, e, "work", engine.PoolConfig{MaxWorkers: 2})
		release := make(chan struct{})
		long := mustSubmit(t, context.Background(), p, "w", sleepy(time.Hour))
		mule := mustSubmit(t, context.Background(), p, "w", stubborn(release))
		queued := mustSubmit(t, context.Background(), p, "w", returns(nil))
		synctest.Wait()

		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		start := time.Now()
		err := e.Close(ctx)
		if took := time.Since(start); took != 3*time.Second {
			t.Fatalf("close took %v", took)
		}
		var ce *engine.CloseError
		if !errors.As(err, &ce) || len(ce.Tasks) != 1 || ce.Tasks[0].ID != mule.ID() || ce.Tasks[0].Group != "work" {
			t.Fatalf("Close: %v", err)
		}
		if err := long.Wait(context.Background()); !errors.Is(err, engine.ErrHalted) {
			t.Fatalf("long work: %v", err)
		}
		if err := queued.Wait(context.Background()); !errors.Is(err, engine.ErrHalted) {
			t.Fatalf("queued work: %v", err)
		}
		if err := mule.Wait(context.Background()); !errors.Is(err, engine.ErrHalted) {
			t.Fatalf("abandoned work: %v", err)
		}
		if s := e.Snapshot(); s.Leaked != 1 || s.Pools[0].State != model.PoolStopped {
			t.Fatalf("leaked %d, pool %+v", s.Leaked, s.Pools[0])
		}
		close(release)
		synctest.Wait()
		if s := e.Snapshot(); s.Leaked != 0 {
			t.Fatalf("leaked %d after the late return", s.Leaked)
		}
	})
}

func TestSubmitAndResolveAfterClose(t *testing.T) {
	e := engine.New()
	_, p, _ := engine.ResolvePool(context.Background(), e, "io")
	closeEngine(t, e)
	if err := p.Start(engine.PoolConfig{}); !errors.Is(err, engine.ErrClosed) {
		t.Fatalf("Start after Close: %v", err)
	}
	if _, _, err := engine.ResolvePool(context.Background(), e, "new"); !errors.Is(err, engine.ErrClosed) {
		t.Fatalf("ResolvePool after Close: %v", err)
	}
	if err := e.Apply(context.Background(), model.Command{Op: model.OpResize, Pool: "io", Value: 2}); !errors.Is(err, engine.ErrClosed) {
		t.Fatalf("Apply after Close: %v", err)
	}
}
