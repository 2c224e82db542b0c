package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

func TestPoolRunsWorkAndSettlesFutures(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name  string
		fn    engine.Func
		want  error
		state model.State
	}{
		{"ok", returns(nil), nil, model.StateDone},
		{"error", returns(boom), boom, model.StateFailed},
		{"panic", func(context.Context) error { panic("oops") }, nil, model.StateFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 2, TaskType: "io"})
				f := mustSubmit(t, context.Background(), p, "io", c.fn)
				err := f.Wait(context.Background())
				switch {
				case c.name == "panic":
					if err == nil || !strings.Contains(err.Error(), "panic: oops") {
						t.Fatalf("Wait: %v, want the panic", err)
					}
				case !errors.Is(err, c.want):
					t.Fatalf("Wait: %v, want %v", err, c.want)
				}
				synctest.Wait()
				task := taskOf(t, e, f.ID())
				if task.State != c.state || task.Group != "io" || task.Type != "io" {
					t.Fatalf("task %+v", task)
				}
				if c.name == "panic" && !strings.Contains(task.Stack, "panic") {
					t.Fatalf("no stack recorded: %q", task.Stack)
				}
				// The worker survives a failure: the next task runs.
				if err := mustSubmit(t, context.Background(), p, "io", returns(nil)).Wait(context.Background()); err != nil {
					t.Fatalf("next task: %v", err)
				}
			})
		})
	}
}

func TestPoolSubmitRefusals(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	_, idle, _ := engine.ResolvePool(context.Background(), e, "idle")
	p := startPool(t, e, "render", engine.PoolConfig{MaxWorkers: 1, TaskType: "component_render"})

	if _, err := idle.Submit(context.Background(), "x", returns(nil)); !errors.Is(err, engine.ErrPoolStopped) {
		t.Fatalf("Submit to an idle pool: %v", err)
	}
	_, err := p.Submit(context.Background(), "io", returns(nil))
	var ute *engine.UnknownTaskError
	if !errors.As(err, &ute) || !errors.Is(err, engine.ErrUnknownTaskType) {
		t.Fatalf("Submit of the wrong type: %v", err)
	}
	want := `engine: pool "render" runs tasks of type "component_render", not "io": submit it as "component_render", ` +
		`or to a pool started with TaskType "io" (ResolvePool(ctx, e, id) and Start(PoolConfig{TaskType: "io"}))`
	if err.Error() != want || ute.TaskType != "io" || ute.PoolType != "component_render" || ute.Pool != "render" {
		t.Fatalf("message:\n got %s\nwant %s", err, want)
	}
	if err := p.Start(engine.PoolConfig{}); !errors.Is(err, engine.ErrPoolActive) {
		t.Fatalf("Start of a running pool: %v", err)
	}
	if _, err := p.Submit(context.Background(), "component_render", nil); !errors.Is(err, engine.ErrNilFunc) {
		t.Fatalf("Submit(nil): %v", err)
	}
	p.Stop(true)
	if _, err := p.Submit(context.Background(), "component_render", returns(nil)); !errors.Is(err, engine.ErrPoolStopped) {
		t.Fatalf("Submit after Stop: %v", err)
	}
	if s := poolOf(t, e, "render"); s.Rejected != 2 || s.State != model.PoolStopped {
		t.Fatalf("stats %+v", s)
	}
	if err := p.Start(engine.PoolConfig{MaxWorkers: 1}); err != nil { // a stopped pool starts again
		t.Fatalf("restart: %v", err)
	}
	if err := mustSubmit(t, context.Background(), p, "anything", returns(nil)).Wait(context.Background()); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}

func TestRejectionEventsAreRateLimited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "cpu", engine.PoolConfig{MaxWorkers: 1, TaskType: "cpu"})
		for range 100 {
			_, _ = p.Submit(context.Background(), "io", returns(nil))
		}
		if n := countEvents(e.Snapshot(), "pool cpu: rejected"); n != 1 {
			t.Fatalf("%d rejection events for a flood, want 1", n)
		}
		time.Sleep(time.Second)
		_, _ = p.Submit(context.Background(), "io", returns(nil))
		s := e.Snapshot()
		if n := countEvents(s, "pool cpu: rejected"); n != 2 || !strings.HasSuffix(s.Events[0].Text, "(and 99 more since the last report)") {
			t.Fatalf("%d events, newest %q", n, s.Events[0].Text)
		}
		if st := poolOf(t, e, "cpu"); st.Rejected != 101 {
			t.Fatalf("rejected %d", st.Rejected)
		}
	})
}

func TestResizeUnderLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 2})
		gate := make(chan struct{})
		for range 12 {
			mustSubmit(t, context.Background(), p, "io", gated(gate))
		}
		busy := func(want, queued int) {
			t.Helper()
			synctest.Wait()
			if s := p.Stats(); s.Busy != want || s.Queued != queued {
				t.Fatalf("busy %d queued %d, want %d and %d", s.Busy, s.Queued, want, queued)
			}
		}
		busy(2, 10)
		p.Resize(5) // growing starts queued work at once
		busy(5, 7)
		p.Resize(1) // shrinking lets running work finish
		busy(5, 7)
		for _, want := range []int{4, 3, 2, 1} {
			gate <- struct{}{}
			busy(want, 7)
		}
		gate <- struct{}{} // now at the limit: the next one starts
		busy(1, 6)
		p.Resize(3)
		busy(3, 4)
		close(gate)
		p.Stop(true)
		if s := p.Stats(); s.Done != 12 || s.State != model.PoolStopped || s.MaxWorkers != 3 {
			t.Fatalf("after drain %+v", s)
		}
	})
}

func TestStopWaitsOrNot(t *testing.T) {
	for _, wait := range []bool{false, true} {
		t.Run(map[bool]string{false: "nowait", true: "wait"}[wait], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
				gate := make(chan struct{})
				futs := []*engine.Future{
					mustSubmit(t, context.Background(), p, "io", gated(gate)),
					mustSubmit(t, context.Background(), p, "io", gated(gate)),
				}
				synctest.Wait()
				var stopped atomic.Bool
				go func() {
					p.Stop(wait)
					stopped.Store(true)
				}()
				synctest.Wait()
				if got := stopped.Load(); got == wait {
					t.Fatalf("Stop(%v) returned %v before the drain", wait, got)
				}
				if s := p.Stats(); s.State != model.PoolStopping || s.Busy != 1 || s.Queued != 1 {
					t.Fatalf("while stopping %+v", s)
				}
				if _, err := p.Submit(context.Background(), "io", returns(nil)); !errors.Is(err, engine.ErrPoolStopped) {
					t.Fatalf("Submit while stopping: %v", err)
				}
				close(gate) // the running one finishes and the queued one still runs
				synctest.Wait()
				if !stopped.Load() {
					t.Fatal("Stop(true) did not return after the drain")
				}
				for _, f := range futs {
					if err := f.Wait(context.Background()); err != nil {
						t.Fatalf("drained work: %v", err)
					}
				}
				if s := p.Stats(); s.State != model.PoolStopped || s.Done != 2 {
					t.Fatalf("after drain %+v", s)
				}
			})
		})
	}
}

func TestPoolTaskCommandsAndSnapshotRows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithKillGrace(time.Second))
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1, TaskType: "io"})
		release := make(chan struct{})
		mule := mustSubmit(t, context.Background(), p, "io", stubborn(release))
		next, err := p.SubmitNamed(context.Background(), "sync", "io", checkpointLoop)
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if task := taskOf(t, e, next.ID()); task.State != model.StateQueued || task.Name != "sync" {
			t.Fatalf("queued row %+v", task)
		}
		// A kill that the work ignores abandons it; a fresh worker takes the queue.
		if err := apply(e, model.OpKill, mule.ID()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if s := e.Snapshot(); s.Leaked != 1 || stateOf(t, e, mule.ID()) != model.StateAbandoned || stateOf(t, e, next.ID()) != model.StateRunning {
			t.Fatalf("after abandon: leaked %d, %v", s.Leaked, s.Counts)
		}
		if err := mule.Wait(context.Background()); !errors.Is(err, engine.ErrHalted) {
			t.Fatalf("abandoned future: %v", err)
		}
		for _, op := range []model.Op{model.OpPause, model.OpResume, model.OpRestart} {
			if err := apply(e, op, next.ID()); err != nil {
				t.Fatalf("%s: %v", op, err)
			}
			synctest.Wait()
		}
		if task := taskOf(t, e, next.ID()); task.State != model.StateRunning || task.Restarts != 1 {
			t.Fatalf("after restart %+v", task)
		}
		if err := apply(e, model.OpHalt, next.ID()); err != nil {
			t.Fatal(err)
		}
		if err := next.Wait(context.Background()); !errors.Is(err, engine.ErrHalted) {
			t.Fatalf("halted future: %v", err)
		}
		close(release)
		synctest.Wait()
		if s := e.Snapshot(); s.Leaked != 0 {
			t.Fatalf("leaked %d after the late return", s.Leaked)
		}
	})
}

func TestApplyPoolCommands(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
		gate := make(chan struct{})
		running := mustSubmit(t, context.Background(), p, "io", gated(gate))
		queued := mustSubmit(t, context.Background(), p, "io", gated(gate))
		synctest.Wait()
		do := func(op model.Op, value int64) error {
			return e.Apply(context.Background(), model.Command{Op: op, Pool: "io", Value: value})
		}
		if err := do(model.OpPause, 0); err != nil {
			t.Fatal(err)
		}
		if err := do(model.OpHalt, 0); err != nil { // halts running work; the paused queue waits
			t.Fatal(err)
		}
		if err := running.Wait(context.Background()); !errors.Is(err, engine.ErrHalted) {
			t.Fatalf("halted: %v", err)
		}
		synctest.Wait()
		if s := p.Stats(); s.State != model.PoolPaused || s.Busy != 0 || s.Queued != 1 {
			t.Fatalf("paused %+v", s)
		}
		if err := do(model.OpResize, 3); err != nil || p.Stats().MaxWorkers != 3 {
			t.Fatalf("resize: %v %+v", err, p.Stats())
		}
		if err := do(model.OpResume, 0); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if stateOf(t, e, queued.ID()) != model.StateRunning {
			t.Fatal("resume did not start the queue")
		}
		errs := []struct {
			cmd  model.Command
			want error
		}{
			{model.Command{Op: model.OpResize, Pool: "io", Value: 0}, engine.ErrPoolSize},
			{model.Command{Op: model.OpKill, Pool: "io"}, errors.ErrUnsupported},
			{model.Command{Op: model.OpHalt, Pool: "nope"}, engine.ErrUnknownPool},
		}
		for _, c := range errs {
			if err := e.Apply(context.Background(), c.cmd); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.cmd, err, c.want)
			}
		}
		if err := do(model.OpStop, 0); err != nil {
			t.Fatal(err)
		}
		close(gate)
		synctest.Wait()
		if s := p.Stats(); s.State != model.PoolStopped {
			t.Fatalf("after OpStop %+v", s)
		}
	})
}

func TestHaltAllPausesPools(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
		f := mustSubmit(t, context.Background(), p, "io", untilHalted)
		mustSubmit(t, context.Background(), p, "io", untilHalted)
		synctest.Wait()
		if err := e.Apply(context.Background(), model.Command{Op: model.OpHaltAll}); err != nil {
			t.Fatal(err)
		}
		_ = f.Wait(context.Background())
		synctest.Wait()
		if s := p.Stats(); s.State != model.PoolPaused || s.Busy != 0 || s.Queued != 1 {
			t.Fatalf("after halt all %+v", s)
		}
	})
}

func TestFutureCallbacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
		gate := make(chan struct{})
		f := mustSubmit(t, context.Background(), p, "io", gated(gate))
		var calls atomic.Int32
		for range 2 {
			f.OnDone(func(err error) {
				_ = e.Snapshot() // would deadlock under the engine lock
				calls.Add(1)
			})
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := f.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait past its ctx: %v", err)
		}
		close(gate)
		synctest.Wait()
		if calls.Load() != 2 {
			t.Fatalf("%d calls, want 2", calls.Load())
		}
		called := false
		f.OnDone(func(err error) { called = err == nil }) // already done: at once
		if !called || calls.Load() != 2 {
			t.Fatal("OnDone after completion did not call at once, or callbacks ran twice")
		}
		// A queued task halted before it ran settles with ErrHalted, callbacks too.
		_ = p.Pause()
		q := mustSubmit(t, context.Background(), p, "io", returns(nil))
		got := make(chan error, 1)
		q.OnDone(func(err error) { got <- err })
		if err := apply(e, model.OpHalt, q.ID()); err != nil {
			t.Fatal(err)
		}
		if err := <-got; !errors.Is(err, engine.ErrHalted) {
			t.Fatalf("halted while queued: %v", err)
		}
	})
}

func TestThroughputSamples(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 2})
		_ = p.Stats() // the first read starts the window
		for range 30 {
			mustSubmit(t, context.Background(), p, "io", returns(nil))
		}
		synctest.Wait()
		time.Sleep(3 * time.Second)
		if tp := p.Stats().Throughput; len(tp) != 3 || tp[0] != 10 || tp[2] != 10 {
			t.Fatalf("throughput %v, want 3 samples of 10/s", tp)
		}
		time.Sleep(100 * time.Second)
		if tp := p.Stats().Throughput; len(tp) != 60 || tp[59] != 0 {
			t.Fatalf("throughput has %d samples (last %v), want 60 ending in 0", len(tp), tp[len(tp)-1])
		}
	})
}
