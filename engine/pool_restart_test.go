package engine_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// settledErr reports whether f has resolved (without blocking: the caller
// has let the bubble settle) and with what.
func settledErr(f *engine.Future) (err error, settled bool) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = f.Wait(ctx)
	if errors.Is(err, context.Canceled) {
		return nil, false
	}
	return err, true
}

// runCounter counts a function's runs and ends each the way its nth says.
type runCounter struct {
	mu  sync.Mutex
	n   int
	nth func(ctx context.Context, n int) error // n from 1
}

func (c *runCounter) fn(ctx context.Context) error {
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	return c.nth(ctx, n)
}

func (c *runCounter) runs() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// TestPoolRestartPolicy: policy × how the first run of pool work ended. A
// failure (an error, a panic, runtime.Goexit) is rerun by on-failure and
// always, a nil return by always only, a halted run never. In backoff the
// work holds no worker, shows its retry time and keeps its id; its Future
// resolves only with the run that ends it for good.
func TestPoolRestartPolicy(t *testing.T) {
	boom := errors.New("disk full")
	outcomes := []struct {
		name  string
		first func(ctx context.Context) error
		halt  bool        // halted while it runs
		ended model.State // how the first run ends
	}{
		{"nil", returns(nil), false, model.StateDone},
		{"error", returns(boom), false, model.StateFailed},
		{"panic", func(context.Context) error { panic("boom") }, false, model.StateFailed},
		{"goexit", func(context.Context) error { runtime.Goexit(); return nil }, false, model.StateFailed},
		{"halt", untilHalted, true, model.StateHalted},
	}
	for _, policy := range policies {
		for _, oc := range outcomes {
			t.Run(policy.String()+"/"+oc.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					e := engine.New()
					defer closeEngine(t, e)
					p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
					c := &runCounter{nth: func(ctx context.Context, n int) error {
						if n == 1 {
							return oc.first(ctx)
						}
						return untilHalted(ctx)
					}}
					f, err := p.Submit(context.Background(), "", c.fn, engine.WithRestart(engine.RestartSpec{
						Policy: policy, Backoff: engine.Backoff{Initial: 10 * time.Second, Jitter: -1}}))
					if err != nil {
						t.Fatal(err)
					}
					synctest.Wait()
					if oc.halt {
						if err := apply(e, model.OpHalt, f.ID()); err != nil {
							t.Fatal(err)
						}
						synctest.Wait()
					}
					restarted := policyRestarts[policy][oc.ended]
					got := taskOf(t, e, f.ID())
					_, settled := settledErr(f)
					if !restarted {
						if got.State != oc.ended || !settled || c.runs() != 1 {
							t.Fatalf("after the first run: %s, settled %v, %d runs; want %s, settled, 1 run", got.State, settled, c.runs(), oc.ended)
						}
						time.Sleep(time.Minute)
						synctest.Wait()
						if c.runs() != 1 {
							t.Fatalf("%d runs without a restart", c.runs())
						}
						return
					}
					if got.State != model.StateBackoff || got.Retry.IsZero() || got.Group != "io" || settled {
						t.Fatalf("after the first run: %s, retry %v, group %q, settled %v; want backoff with a retry time, not settled",
							got.State, got.Retry, got.Group, settled)
					}
					if oc.ended == model.StateFailed && got.Error == "" {
						t.Fatal("in backoff, the failure is not shown")
					}
					if s := poolOf(t, e, "io"); s.Busy != 0 {
						t.Fatalf("in backoff the work holds a worker: %+v", s)
					}
					time.Sleep(11 * time.Second)
					synctest.Wait()
					got = taskOf(t, e, f.ID())
					err, settled = settledErr(f)
					if c.runs() != 2 || got.Restarts != 1 || got.State != model.StateRunning || settled {
						t.Fatalf("after the backoff: %d runs, restarts %d, %s, settled %v (%v); want 2 runs, 1 restart, running, not settled",
							c.runs(), got.Restarts, got.State, settled, err)
					}
					if err := apply(e, model.OpHalt, f.ID()); err != nil {
						t.Fatal(err)
					}
					synctest.Wait()
					if err, settled = settledErr(f); !settled || !errors.Is(err, engine.ErrHalted) {
						t.Fatalf("halted in its second run: Future %v (settled %v), want ErrHalted", err, settled)
					}
				})
			})
		}
	}
}

// TestPoolRestartFatal: work that fails every time is rerun MaxRestarts times
// within the window, then is fatal; its Future resolves then, once, with an
// error that says so and wraps the last run's. The pool counts it failed once.
func TestPoolRestartFatal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 2})
		boom := errors.New("connection refused")
		c := &runCounter{nth: func(context.Context, int) error { return boom }}
		var calls int
		f, err := p.SubmitNamed(context.Background(), "fetch", "", c.fn, engine.WithRestart(engine.RestartSpec{
			Policy: engine.RestartOnFailure, Backoff: engine.Backoff{Initial: time.Second, Jitter: -1},
			MaxRestarts: 3, Window: time.Minute}))
		if err != nil {
			t.Fatal(err)
		}
		f.OnDone(func(error) { calls++ })
		time.Sleep(time.Minute)
		synctest.Wait()
		got := taskOf(t, e, f.ID())
		err, settled := settledErr(f)
		if got.State != model.StateFatal || got.Restarts != 3 || c.runs() != 4 {
			t.Fatalf("%s after %d restarts and %d runs; want fatal after 3 and 4", got.State, got.Restarts, c.runs())
		}
		if !settled || !errors.Is(err, boom) || !strings.Contains(err.Error(), "fatal after 3 restarts within 1m0s") || calls != 1 {
			t.Fatalf("Future: %v (settled %v, %d callbacks); want the fatal error wrapping %v, once", err, settled, calls, boom)
		}
		if s := poolOf(t, e, "io"); s.Failed != 1 || s.Done != 0 {
			t.Fatalf("pool counts %+v, want 1 failed", s)
		}
		want := f.ID() + ` "fetch" fatal: failed after 3 restarts within 1m0s; not restarting`
		if !hasEvent(e.Snapshot(), model.LevelError, string(want)) {
			t.Fatalf("no event %q", want)
		}
		// A restart by hand gives it a fresh window: 3 more restarts.
		if err := apply(e, model.OpRestart, f.ID()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if got := taskOf(t, e, f.ID()); got.State != model.StateFatal || c.runs() != 8 {
			t.Fatalf("restarted by hand: %s after %d runs, want fatal after 8", got.State, c.runs())
		}
	})
}

// TestPoolRestartBackoffJitter: each rerun of pool work waits the doubled
// delay (capped at Max) less at most Jitter of it, and shows when it is due.
func TestPoolRestartBackoffJitter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1, Restart: engine.RestartSpec{
			Policy:      engine.RestartOnFailure,
			Backoff:     engine.Backoff{Initial: time.Second, Max: 8 * time.Second, Jitter: 0.5},
			MaxRestarts: 6,
		}})
		var mu sync.Mutex
		var starts []time.Time
		f := mustSubmit(t, context.Background(), p, "", func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			starts = append(starts, time.Now())
			return errors.New("crash")
		})
		synctest.Wait()
		if got := taskOf(t, e, f.ID()); got.State != model.StateBackoff ||
			got.Retry.Before(got.Ended.Add(500*time.Millisecond)) || got.Retry.After(got.Ended.Add(time.Second)) {
			t.Fatalf("first backoff: %s, ended %v, retry %v; want a retry within [0.5s, 1s] of the end", got.State, got.Ended, got.Retry)
		}
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		if got := stateOf(t, e, f.ID()); got != model.StateFatal {
			t.Fatalf("state %s, want fatal", got)
		}
		mu.Lock()
		defer mu.Unlock()
		checkBackoffGaps(t, starts, []time.Duration{1, 2, 4, 8, 8, 8}, 0.5) // seconds: doubling, capped
	})
}

// TestPoolRestartEndsInBackoff: what ends work waiting out its backoff. A halt
// or a kill of it, a halt of its pool or of everything, a Stop, a RemovePool
// or Close: it is not restarted, its timer is stopped, and its Future resolves
// with an error wrapping ErrHalted and the last run's error. Nothing is left
// behind (the bubble would not end with a goroutine or timer still waiting).
func TestPoolRestartEndsInBackoff(t *testing.T) {
	boom := errors.New("upstream 503")
	ends := []struct {
		name  string
		end   func(t *testing.T, e *engine.Engine, p *engine.Pool, id model.TaskID)
		state model.State // the work's state after
		gone  bool        // the work is gone from view (its pool with it)
	}{
		{"halt", func(t *testing.T, e *engine.Engine, _ *engine.Pool, id model.TaskID) {
			if err := apply(e, model.OpHalt, id); err != nil {
				t.Fatal(err)
			}
		}, model.StateHalted, false},
		{"kill", func(t *testing.T, e *engine.Engine, _ *engine.Pool, id model.TaskID) {
			if err := apply(e, model.OpKill, id); err != nil {
				t.Fatal(err)
			}
		}, model.StateKilled, false},
		{"pool halt", func(t *testing.T, _ *engine.Engine, p *engine.Pool, _ model.TaskID) {
			if n := p.Halt(); n != 1 {
				t.Fatalf("Halt: %d, want 1", n)
			}
		}, model.StateHalted, false},
		{"halt all", func(t *testing.T, e *engine.Engine, _ *engine.Pool, _ model.TaskID) {
			if err := e.Apply(context.Background(), model.Command{Op: model.OpHaltAll}); err != nil {
				t.Fatal(err)
			}
		}, model.StateHalted, false},
		{"pool stop", func(t *testing.T, _ *engine.Engine, p *engine.Pool, _ model.TaskID) {
			p.Stop(true) // returns at once: nothing is waited for but the backoff
		}, model.StateHalted, false},
		{"remove pool", func(t *testing.T, e *engine.Engine, p *engine.Pool, _ model.TaskID) {
			if err := e.RemovePool(context.Background(), p.Name()); err != nil {
				t.Fatal(err)
			}
		}, model.StateHalted, true},
		{"close", func(t *testing.T, e *engine.Engine, _ *engine.Pool, _ model.TaskID) {
			closeEngine(t, e)
		}, model.StateHalted, false},
	}
	for _, daemon := range []bool{false, true} {
		for _, end := range ends {
			name := end.name
			if daemon {
				name += "/daemon"
			}
			t.Run(name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					e := engine.New()
					defer closeEngine(t, e)
					p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1, Daemon: daemon})
					c := &runCounter{nth: func(context.Context, int) error { return boom }}
					f, err := p.Submit(context.Background(), "", c.fn, engine.WithRestart(engine.RestartSpec{
						Policy: engine.RestartOnFailure, Backoff: engine.Backoff{Initial: time.Hour, Jitter: -1}}))
					if err != nil {
						t.Fatal(err)
					}
					synctest.Wait()
					if got := stateOf(t, e, f.ID()); got != model.StateBackoff {
						t.Fatalf("after the first run: %s, want backoff", got)
					}
					start := time.Now()
					end.end(t, e, p, f.ID())
					if waited := time.Since(start); waited != 0 {
						t.Fatalf("ending it waited %s (for the backoff?)", waited)
					}
					synctest.Wait()
					err, settled := settledErr(f)
					if !settled || !errors.Is(err, engine.ErrHalted) || !errors.Is(err, boom) {
						t.Fatalf("Future: %v (settled %v), want ErrHalted and %v", err, settled, boom)
					}
					if !end.gone {
						if got := stateOf(t, e, f.ID()); got != end.state {
							t.Fatalf("after %s: %s, want %s", end.name, got, end.state)
						}
					}
					time.Sleep(2 * time.Hour) // past the backoff: no rerun
					synctest.Wait()
					if c.runs() != 1 {
						t.Fatalf("%d runs after %s in backoff, want 1", c.runs(), end.name)
					}
				})
			})
		}
	}
}

// TestPoolRestartStoppingPool: work that fails while its pool drains is not
// put in backoff: a stopping pool restarts nothing, and Stop(true) returns
// once the queue has drained.
func TestPoolRestartStoppingPool(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1,
			Restart: engine.RestartSpec{Policy: engine.RestartAlways}})
		gate := make(chan struct{})
		boom := errors.New("boom")
		f := mustSubmit(t, context.Background(), p, "", func(context.Context) error { <-gate; return boom })
		synctest.Wait()
		go func() {
			time.Sleep(time.Second)
			close(gate)
		}()
		p.Stop(true)
		if err, settled := settledErr(f); !settled || err != boom {
			t.Fatalf("Future: %v (settled %v), want %v", err, settled, boom)
		}
		if got := stateOf(t, e, f.ID()); got != model.StateFailed {
			t.Fatalf("%s, want failed", got)
		}
	})
}

// TestPoolRestartOptions: the pool's default policy applies to work
// submitted without one; WithRestart replaces it (RestartNever: none); an
// option only manager tasks take is refused; a bad default is Start's error.
func TestPoolRestartOptions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 2, Restart: engine.RestartSpec{
			Policy: engine.RestartOnFailure, Backoff: engine.Backoff{Initial: time.Hour}}})
		boom := errors.New("boom")
		byDefault := mustSubmit(t, context.Background(), p, "", returns(boom))
		never, err := p.Submit(context.Background(), "", returns(boom), engine.WithRestart(engine.RestartSpec{}))
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if got := stateOf(t, e, byDefault.ID()); got != model.StateBackoff {
			t.Fatalf("with the pool's default: %s, want backoff", got)
		}
		if got := stateOf(t, e, never.ID()); got != model.StateFailed {
			t.Fatalf("with RestartNever: %s, want failed", got)
		}
		_, err = p.Submit(context.Background(), "", returns(nil), engine.Disabled())
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Fatalf("Submit(Disabled()): %v, want errors.ErrUnsupported", err)
		}
		_, err = p.Submit(context.Background(), "", returns(nil), engine.WithRestart(engine.RestartSpec{
			Policy: engine.RestartAlways, Backoff: engine.Backoff{Jitter: 2}}))
		if !errors.Is(err, engine.ErrBadBackoff) {
			t.Fatalf("Submit(jitter 2): %v, want ErrBadBackoff", err)
		}
		_, q, _ := engine.ResolvePool(context.Background(), e, "bad")
		err = q.Start(engine.PoolConfig{Restart: engine.RestartSpec{Policy: 9}})
		if !errors.Is(err, engine.ErrBadRestartPolicy) {
			t.Fatalf("Start(policy 9): %v, want ErrBadRestartPolicy", err)
		}
	})
}

// TestPoolRestartByHandInBackoff: `r` on pool work in backoff skips the rest
// of the backoff: it runs at once, under the same id, one restart counted.
func TestPoolRestartByHandInBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
		c := &runCounter{nth: func(ctx context.Context, n int) error {
			if n == 1 {
				return errors.New("boom")
			}
			return untilHalted(ctx)
		}}
		f, err := p.Submit(context.Background(), "", c.fn, engine.WithRestart(engine.RestartSpec{
			Policy: engine.RestartOnFailure, Backoff: engine.Backoff{Initial: time.Hour}}))
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if err := apply(e, model.OpRestart, f.ID()); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		got := taskOf(t, e, f.ID())
		if got.State != model.StateRunning || got.Restarts != 1 || c.runs() != 2 || !got.Retry.IsZero() {
			t.Fatalf("restarted in backoff: %s, %d restarts, %d runs, retry %v; want running at once after 1 restart",
				got.State, got.Restarts, c.runs(), got.Retry)
		}
		if _, settled := settledErr(f); settled {
			t.Fatal("the Future resolved while the work runs again")
		}
	})
}
