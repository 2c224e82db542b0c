package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// Managers, pools and pollers share one namespace: a name taken by one kind
// is never given to another, commands that name the wrong kind say what the
// name is, and a removed name can be used again.
func TestOneNamespaceForManagersPoolsAndPollers(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	io := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
	m := e.NewManager("io", 1)
	pl := e.NewPoller("io", time.Hour, func(context.Context) (any, error) { return nil, nil })
	if io.Name() != "io" || m.Name() != "io-2" || pl.Name() != "io-3" {
		t.Fatalf("names: pool %q, manager %q, poller %q", io.Name(), m.Name(), pl.Name())
	}
	s := e.Snapshot()
	if countEvents(s, `manager "io" is named "io-2": "io" is taken by a pool`) != 1 ||
		countEvents(s, `poller "io" is named "io-3": "io" is taken by a pool`) != 1 {
		t.Fatalf("no event says why the names changed: %+v", s.Events)
	}

	// R on a pool's row names the pool as a group: it must not run a manager.
	err := e.Apply(context.Background(), model.Command{Op: model.OpRun, Group: "io"})
	if !errors.Is(err, engine.ErrUnknownManager) || !strings.Contains(err.Error(), `"io" is a pool`) {
		t.Fatalf("run on a pool: %v", err)
	}
	err = e.Apply(context.Background(), model.Command{Op: model.OpResize, Pool: "io-2", Value: 2})
	if !errors.Is(err, engine.ErrUnknownPool) || !strings.Contains(err.Error(), `"io-2" is a manager`) {
		t.Fatalf("resize of a manager: %v", err)
	}
	err = e.Apply(context.Background(), model.Command{Op: model.OpPause, Poller: "io"})
	if !errors.Is(err, engine.ErrUnknownPoller) || !strings.Contains(err.Error(), `"io" is a pool`) {
		t.Fatalf("pause of a pool as a poller: %v", err)
	}

	// A removed name is free again, for any kind.
	if err := e.RemovePool(context.Background(), "io"); err != nil {
		t.Fatal(err)
	}
	if again := e.NewManager("io", 1); again.Name() != "io" {
		t.Fatalf("after RemovePool the manager got %q", again.Name())
	}
	if err := e.RemoveManager(context.Background(), "io-2"); err != nil {
		t.Fatal(err)
	}
	if err := e.RemovePoller("io-3"); err != nil {
		t.Fatal(err)
	}
	if p := e.NewPoller("io-2", time.Hour, nil); p.Name() != "io-2" {
		t.Fatalf("after RemoveManager the poller got %q", p.Name())
	}
}

// A Future callback that cannot run where its work was settled (halted while
// queued: the engine's locks are held there) runs on a goroutine of its own;
// Close waits for it, and names it if it is still running when ctx ends.
func TestCloseWaitsForFutureCallbacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
		if err := p.Pause(); err != nil {
			t.Fatal(err)
		}
		slow := mustSubmit(t, context.Background(), p, "x", returns(nil))
		stuck := mustSubmit(t, context.Background(), p, "x", returns(nil))
		var slowDone time.Time
		release := make(chan struct{})
		defer synctest.Wait()
		defer close(release)
		slow.OnDone(func(error) {
			time.Sleep(time.Second)
			slowDone = time.Now()
		})
		stuck.OnDone(func(error) { <-release })
		for _, f := range []*engine.Future{slow, stuck} {
			if err := e.Apply(context.Background(), model.Command{Op: model.OpHalt, Target: f.ID()}); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		err := e.Close(ctx)
		var ce *engine.CloseError
		if !errors.As(err, &ce) || len(ce.Tasks) != 1 || ce.Tasks[0].Name != "1 Future.OnDone callback still running" {
			t.Fatalf("Close: %v", err)
		}
		if slowDone.IsZero() || slowDone.Sub(start) > time.Second {
			t.Fatalf("Close returned before the slow callback ended (it ended %v after Close began)", slowDone.Sub(start))
		}
	})
}
