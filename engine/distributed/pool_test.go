package distributed_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/distributed"
	"github.com/spindle-tui/spindle/model"
)

// joined is an engine of this process with the pool "work" joined to addr.
func joined(ctx context.Context, t *testing.T, addr string, workers int) (*engine.Engine, *distributed.Pool) {
	t.Helper()
	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	dp, err := distributed.Join(ctx, e, "work", distributed.Config{Redis: addr, Queue: "work", MaxWorkers: workers, TaskType: "job",
		Origin: "here", StatsEvery: 50 * time.Millisecond, WaitEvery: 20 * time.Millisecond, PollEvery: 50 * time.Millisecond,
		RetryDelay: func(int, error) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := dp.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := e.Close(ctx); err != nil {
			t.Errorf("engine Close: %v", err)
		}
	})
	return e, dp
}

// blockUntilHalted is a handler that runs until its task is halted.
func blockUntilHalted(started chan<- string) distributed.HandlerFunc {
	return func(ctx context.Context, payload []byte) error {
		started <- string(payload)
		<-ctx.Done()
		return engine.ErrHalted
	}
}

// row returns the Workers row of the pool's running task, if there is one.
func row(e *engine.Engine) (model.Task, bool) {
	for _, t := range e.Snapshot().Tasks {
		if t.Group == "work" && t.State == model.StateRunning {
			return t, true
		}
	}
	return model.Task{}, false
}

// TestHaltEndsTheTaskWhereItRuns: halting a distributed task ends it on the
// engine that runs it, whether the halt comes from that engine's controls
// (Apply, the dashboard's h) or from anywhere through its Handle (asynq's
// cancelation pubsub); a halted task is archived, not retried. The running
// row shows the task type, its name and where it came from.
func TestHaltEndsTheTaskWhereItRuns(t *testing.T) {
	r := startRedis(t, false)
	for _, by := range []string{"apply", "handle"} {
		t.Run(by, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			e, dp := joined(ctx, t, r.Addr, 2)
			started := make(chan string, 1)
			if err := dp.Handle("job", blockUntilHalted(started)); err != nil {
				t.Fatal(err)
			}
			// MaxRetry 0: a task canceled through asynq is retried if it
			// can be (Cancel archives it once it is back in the queue, which
			// with this test's retry delay of 0 would be a race).
			h, err := dp.Enqueue(ctx, "job", []byte(by), distributed.Name("long "+by), distributed.MaxRetry(0))
			if err != nil {
				t.Fatal(err)
			}
			<-started
			var v model.Task
			eventually(ctx, t, "the running row", func() (ok bool) { v, ok = row(e); return ok })
			if v.Type != "job" || v.Name != "long "+by || v.From != "here" || v.Started.IsZero() {
				t.Errorf("row = type %q name %q from %q started %v; want job, %q, here, a time", v.Type, v.Name, v.From, v.Started, "long "+by)
			}
			if by == "apply" {
				err = e.Apply(ctx, model.Command{Op: model.OpHalt, Target: v.ID})
			} else {
				err = h.Cancel(ctx)
			}
			if err != nil {
				t.Fatal(err)
			}
			err = h.Wait(ctx)
			if !errors.Is(err, distributed.ErrTaskFailed) {
				t.Fatalf("Wait = %v, want ErrTaskFailed", err)
			}
			t.Logf("Wait: %v", err)
		})
	}
}

// TestTypeProtectionHoldsAcrossTheCluster: a type the pool does not take is
// refused on enqueue and on Handle with the engine's *UnknownTaskError, and a
// task of that type put on the queue by someone else (asynq alone) is refused
// by the engine that takes it: archived with the error, not retried.
func TestTypeProtectionHoldsAcrossTheCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := startRedis(t, false)
	_, dp := joined(ctx, t, r.Addr, 1)
	var ute *engine.UnknownTaskError
	if _, err := dp.Enqueue(ctx, "mail", nil); !errors.As(err, &ute) || ute.TaskType != "mail" || ute.PoolType != "job" {
		t.Errorf("Enqueue(mail) = %v, want *UnknownTaskError mail/job", err)
	}
	if err := dp.Handle("mail", func(context.Context, []byte) error { return nil }); !errors.As(err, &ute) {
		t.Errorf("Handle(mail) = %v, want *UnknownTaskError", err)
	}
	if err := dp.Handle("job", func(context.Context, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	c := asynq.NewClient(asynq.RedisClientOpt{Addr: r.Addr})
	defer c.Close()
	info, err := c.Enqueue(asynq.NewTask("mail", nil), asynq.Queue("work"), asynq.MaxRetry(5))
	if err != nil {
		t.Fatal(err)
	}
	in := asynq.NewInspector(asynq.RedisClientOpt{Addr: r.Addr})
	defer in.Close()
	eventually(ctx, t, "the foreign task archived", func() bool {
		ti, err := in.GetTaskInfo("work", info.ID)
		return err == nil && ti.State == asynq.TaskStateArchived && strings.Contains(ti.LastErr, `runs tasks of type "job", not "mail"`) && ti.Retried == 0
	})
}

// TestTimeoutHaltsAndFails: a task that runs past its Timeout is halted
// where it runs; out of retries, it has failed with the deadline as its error.
func TestTimeoutHaltsAndFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := startRedis(t, false)
	_, dp := joined(ctx, t, r.Addr, 1)
	var runs atomic.Int32
	if err := dp.Handle("job", func(ctx context.Context, _ []byte) error {
		runs.Add(1)
		<-ctx.Done()
		return ctx.Err()
	}); err != nil {
		t.Fatal(err)
	}
	h, err := dp.Enqueue(ctx, "job", nil, distributed.Timeout(time.Second), distributed.MaxRetry(1))
	if err != nil {
		t.Fatal(err)
	}
	err = h.Wait(ctx)
	if !errors.Is(err, distributed.ErrTaskFailed) || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Fatalf("Wait = %v, want ErrTaskFailed: deadline exceeded", err)
	}
	if n := runs.Load(); n != 2 {
		t.Errorf("ran %d times, want 2 (MaxRetry 1)", n)
	}
}

// TestPauseIsClusterWide: pausing the pool pauses its queue in Redis (every
// engine stops taking work; the row shows paused), and resuming lets the
// work waiting run.
func TestPauseIsClusterWide(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := startRedis(t, false)
	e, dp := joined(ctx, t, r.Addr, 1)
	if err := dp.Handle("job", func(context.Context, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := e.Apply(ctx, model.Command{Op: model.OpPause, Pool: "work"}); err != nil {
		t.Fatal(err)
	}
	in := asynq.NewInspector(asynq.RedisClientOpt{Addr: r.Addr})
	defer in.Close()
	h, err := dp.Enqueue(ctx, "job", nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := in.GetQueueInfo("work")
	if err != nil || !q.Paused {
		t.Fatalf("queue paused = %v (%v), want true", q != nil && q.Paused, err)
	}
	eventually(ctx, t, "the pool shown paused with its task pending", func() bool {
		p := e.Snapshot().Pools[0]
		return p.State == model.PoolPaused && p.Cluster != nil && p.Cluster.Paused && p.Cluster.Pending == 1
	})
	if err := e.Apply(ctx, model.Command{Op: model.OpResume, Pool: "work"}); err != nil {
		t.Fatal(err)
	}
	if err := h.Wait(ctx); err != nil {
		t.Fatalf("Wait after resume: %v", err)
	}
}

// TestResizeChangesThisEnginesConcurrency: a resize of the pool makes this
// engine take that many of the queue's tasks at once (a new asynq server at
// the new size), and the old server leaves once its tasks returned.
func TestResizeChangesThisEnginesConcurrency(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := startRedis(t, false)
	e, dp := joined(ctx, t, r.Addr, 1)
	release := make(chan struct{})
	var running, most atomic.Int32
	if err := dp.Handle("job", func(context.Context, []byte) error {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		running.Add(-1)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var hs []*distributed.Handle
	for range 6 {
		h, err := dp.Enqueue(ctx, "job", nil)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	eventually(ctx, t, "one task running", func() bool { return running.Load() == 1 })
	if err := e.Apply(ctx, model.Command{Op: model.OpResize, Pool: "work", Value: 3}); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "three tasks running", func() bool { return running.Load() == 3 })
	in := asynq.NewInspector(asynq.RedisClientOpt{Addr: r.Addr})
	defer in.Close()
	close(release)
	for _, h := range hs {
		if err := h.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if m := most.Load(); m != 3 {
		t.Errorf("at most %d ran at once, want 3", m)
	}
	eventually(ctx, t, "one server left, at concurrency 3", func() bool {
		ss, err := in.Servers()
		return err == nil && len(ss) == 1 && ss[0].Concurrency == 3
	})
}

// TestLostRedisKeepsLocalWorkRunning: with Redis stopped, the pool's row
// says Redis is lost (and an event says so once), while the engine's other
// work goes on; when Redis is back the row says so.
func TestLostRedisKeepsLocalWorkRunning(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := startRedis(t, false)
	e, dp := joined(ctx, t, r.Addr, 1)
	if err := dp.Handle("job", func(context.Context, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	var ticks atomic.Int64
	m := e.NewManager("local", 1)
	if _, err := m.Append("counter", func(ctx context.Context) error {
		for engine.Checkpoint(ctx) == nil {
			ticks.Add(1)
			time.Sleep(time.Millisecond)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	cluster := func() *model.PoolCluster {
		for _, p := range e.Snapshot().Pools {
			if p.Name == "work" {
				return p.Cluster
			}
		}
		return nil
	}
	eventually(ctx, t, "the first figures", func() bool { c := cluster(); return c != nil && !c.Read.IsZero() })
	r.stop()
	eventually(ctx, t, "the row to say redis is lost", func() bool { c := cluster(); return c != nil && c.Lost != "" })
	at := ticks.Load()
	eventually(ctx, t, "the local task to go on", func() bool { return ticks.Load() > at+50 })
	if c := cluster(); c.LostSince.IsZero() {
		t.Errorf("LostSince not set: %+v", c)
	}
	found := false
	for _, ev := range e.Snapshot().Events {
		found = found || strings.Contains(ev.Text, "redis "+r.Addr+" lost")
	}
	if !found {
		t.Errorf("no event says redis is lost")
	}
	r.start()
	eventually(ctx, t, "the row to say redis answers again", func() bool { c := cluster(); return c != nil && c.Lost == "" })
	h, err := dp.Enqueue(ctx, "job", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestCloseGivesRunningWorkBack: an engine that leaves the queue (Close: a
// reload that changes the backend, the end of serve) gives what it still runs
// back to the queue once its ShutdownTimeout has passed, without spending a
// retry, and halts it there; another engine then runs it to the end.
func TestCloseGivesRunningWorkBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := startRedis(t, false)
	join := func(origin string) (*engine.Engine, *distributed.Pool) {
		e := engine.New()
		dp, err := distributed.Join(ctx, e, "work", distributed.Config{Redis: r.Addr, Queue: "work", MaxWorkers: 1, TaskType: "job",
			Origin: origin, ShutdownTimeout: 200 * time.Millisecond, WaitEvery: 20 * time.Millisecond, PollEvery: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = dp.Close(ctx); _ = e.Close(ctx) })
		return e, dp
	}
	_, leaving := join("leaving")
	started := make(chan string, 1)
	if err := leaving.Handle("job", blockUntilHalted(started)); err != nil {
		t.Fatal(err)
	}
	h, err := leaving.Enqueue(ctx, "job", []byte("long"), distributed.MaxRetry(0))
	if err != nil {
		t.Fatal(err)
	}
	<-started
	if err := leaving.Close(ctx); err != nil {
		t.Fatal(err)
	}
	_, staying := join("staying")
	if err := staying.Handle("job", func(context.Context, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := h.Wait(ctx); !errors.Is(err, distributed.ErrClosed) {
		t.Fatalf("the leaving engine's Handle: %v, want ErrClosed (it closed)", err)
	}
	in := asynq.NewInspector(asynq.RedisClientOpt{Addr: r.Addr})
	defer in.Close()
	eventually(ctx, t, "the task done by the staying engine", func() bool {
		ti, err := in.GetTaskInfo("work", h.ID())
		return err == nil && ti.State == asynq.TaskStateCompleted && string(ti.Result) == "staying"
	})
}

// TestCloseWhileRedisIsDown: an engine leaves a queue whose Redis is gone
// without waiting out the retries that carry its server through an outage
// (10 s of them): Close is as quick as the rest of asynq's shutdown.
func TestCloseWhileRedisIsDown(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := startRedis(t, false)
	e := engine.New()
	defer e.Close(ctx)
	dp, err := distributed.Join(ctx, e, "work", distributed.Config{Redis: r.Addr, Queue: "work", TaskType: "job", PollEvery: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := dp.Handle("job", func(context.Context, []byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	r.stop()
	time.Sleep(200 * time.Millisecond) // the server's polls now fail, and retry
	began := time.Now()
	if err := dp.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("Close took %v with Redis down: it waited for the server's retries", took)
	}
}
