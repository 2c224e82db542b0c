package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

func TestQuitWithoutShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("q")
		if !h.quit {
			t.Fatal("q did not quit")
		}
		if !h.src.isClosed() {
			t.Error("the subscription was not ended")
		}
	})
}

func TestQuitGraceful(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan error)
		var called context.Context
		shutdown := func(ctx context.Context) error { called = ctx; return <-release }
		h := newHarness(t, WithShutdown(shutdown))
		h.keys("q")
		if h.quit || called == nil {
			t.Fatalf("quit %v, shutdown called %v", h.quit, called != nil)
		}
		if dl, ok := called.Deadline(); !ok || time.Until(dl) != shutdownTimeout {
			t.Errorf("shutdown deadline %v %v", dl, ok)
		}
		if got := h.m.status.Text(); got != "quitting: halting 5 tasks… (q again to force)" {
			t.Errorf("status %q", got)
		}
		if !strings.Contains(h.screen(), "quitting…") {
			t.Error("header does not say quitting")
		}
		s := fixtureSnapshot() // tasks go halting → halted while the table keeps updating
		for i := range s.Tasks {
			if s.Tasks[i].State.Live() {
				s.Counts[s.Tasks[i].State]--
				s.Counts[model.StateHalted]++
				s.Tasks[i].State = model.StateHalted
			}
		}
		h.publish(s)
		if got := h.m.status.Text(); got != "quitting: waiting for the engine to close… (q again to force)" {
			t.Errorf("status %q", got)
		}
		boom := errors.New("2 tasks did not stop")
		release <- boom
		h.settle()
		if !h.quit {
			t.Fatal("did not quit after the shutdown returned")
		}
		if err := h.m.Err(); !errors.Is(err, boom) {
			t.Errorf("Err() = %v", err)
		}
	})
}

// TestQuitShowsThePoolsDraining: while quitting, non-daemon pools that still
// have work say they are draining (their running work is not being halted);
// a daemon pool's work is halted with the rest.
func TestQuitShowsThePoolsDraining(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan error)
		h := newHarness(t, WithShutdown(func(context.Context) error { return <-release }))
		h.keys("q")
		s := fixtureSnapshot() // 5 live tasks
		s.Pools = []model.Pool{
			{Name: "io", State: model.PoolStopping, Busy: 2, Queued: 7},
			{Name: "render", State: model.PoolStopping, Busy: 1},
			{Name: "bg", State: model.PoolStopping, Daemon: true, Busy: 1},
			{Name: "done", State: model.PoolStopped},
		}
		h.publish(s)
		if got, want := h.m.status.Text(), "quitting: draining 2 pools (3 running, 7 queued), halting 2 tasks… (q again to force)"; got != want {
			t.Errorf("status %q, want %q", got, want)
		}
		s.Pools = s.Pools[:1]
		s.Pools[0].Busy, s.Pools[0].Queued = 5, 1
		h.publish(s)
		if got, want := h.m.status.Text(), "quitting: draining 1 pool (5 running, 1 queued)… (q again to force)"; got != want {
			t.Errorf("status %q, want %q", got, want)
		}
		release <- nil
		h.settle()
	})
}

func TestQuitForced(t *testing.T) {
	for _, second := range []string{"q", "ctrl+c"} {
		t.Run(second, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				shutdown := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
				h := newHarness(t, WithShutdown(shutdown))
				h.keys("q")
				if h.quit {
					t.Fatal("first q quit at once")
				}
				h.keys(second)
				if !h.quit {
					t.Fatal("second key did not quit")
				}
				if err := h.m.Err(); !errors.Is(err, ErrForcedQuit) {
					t.Errorf("Err() = %v", err)
				}
			})
		})
	}
}

func TestCtrlCQuitsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		called := false
		h := newHarness(t, WithShutdown(func(context.Context) error { called = true; return nil }))
		h.keys("ctrl+c")
		if !h.quit || called {
			t.Errorf("quit %v, shutdown called %v", h.quit, called)
		}
	})
}
