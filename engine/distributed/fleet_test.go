package distributed_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/distributed"
)

// enqueuer joins the queue from this test process, which runs no handler:
// what it enqueues is done by the worker processes.
func enqueuer(ctx context.Context, t *testing.T, addr string) *distributed.Pool {
	t.Helper()
	e := engine.New()
	dp, err := distributed.Join(ctx, e, "work", distributed.Config{Redis: addr, Queue: "work", TaskType: "job", Origin: "tester", WaitEvery: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = dp.Close(ctx)
		_ = e.Close(ctx)
	})
	return dp
}

// queueSettled reports whether nothing of the queue is pending, active or
// waiting to be retried.
func queueSettled(addr string) func() bool {
	return func() bool {
		in := asynq.NewInspector(asynq.RedisClientOpt{Addr: addr})
		defer in.Close()
		q, err := in.GetQueueInfo("work")
		return err == nil && q.Pending+q.Active+q.Scheduled+q.Retry == 0
	}
}

// TestWorkEnqueuedHereIsDoneThere: a task enqueued by one engine (this
// process, which handles nothing) is done by another (a worker process), and
// the Handle says so and by whom.
func TestWorkEnqueuedHereIsDoneThere(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := startRedis(t, false)
	a := startWorker(ctx, t, "engine-a", r.Addr)
	dp := enqueuer(ctx, t, r.Addr)
	h, err := dp.Enqueue(ctx, "job", []byte("hello"), distributed.Name("greet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Wait(ctx); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if got := h.DoneBy(); got != "engine-a" {
		t.Errorf("DoneBy = %q, want engine-a", got)
	}
	if got := a.done(); len(got) != 1 || got[0] != "hello" {
		t.Errorf("engine-a did %q, want [hello]", got)
	}
}

// TestTenThousandTasksCompleteExactlyOnce: 10,000 tasks enqueued, two engines
// in processes of their own working the queue: exactly 10,000 completions,
// each task once (delivery is at least once; in this, the normal path, the
// duplicates counted must be 0).
func TestTenThousandTasksCompleteExactlyOnce(t *testing.T) {
	const n = 10000
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	r := startRedis(t, false)
	a := startWorker(ctx, t, "engine-a", r.Addr, "-workers", "8")
	b := startWorker(ctx, t, "engine-b", r.Addr, "-workers", "8")
	dp := enqueuer(ctx, t, r.Addr)
	for i := range n {
		if _, err := dp.Enqueue(ctx, "job", []byte(strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	eventually(ctx, t, "the queue to drain", queueSettled(r.Addr))
	eventually(ctx, t, n_("completions", n), func() bool { return len(a.done())+len(b.done()) >= n })
	seen := make(map[string]int, n)
	for _, p := range append(a.done(), b.done()...) {
		seen[p]++
	}
	dups := 0
	for _, c := range seen {
		dups += c - 1
	}
	t.Logf("engine-a did %d, engine-b %d; %d distinct, %d duplicates", len(a.done()), len(b.done()), len(seen), dups)
	if len(seen) != n || dups != 0 {
		t.Errorf("%d distinct tasks done and %d duplicates, want %d and 0", len(seen), dups, n)
	}
}

func n_(what string, n int) string { return fmt.Sprintf("%d %s", n, what) }

// TestKilledEngineTaskIsRecoveredByAnother: an engine SIGKILLed in the middle
// of a task leaves it active in Redis; once its lease has expired, another
// engine runs it to the end. asynq v0.26.0 waits 60-120 s for that (a 30 s
// lease, taken back 30 s after it expired, by a recoverer that runs when a
// server starts and every minute): the test moves the dead lease back in time
// instead of waiting, then starts the other engine, whose recoverer runs at
// once.
func TestKilledEngineTaskIsRecoveredByAnother(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := startRedis(t, false)
	a := startWorker(ctx, t, "engine-a", r.Addr, "-slow", "10m")
	dp := enqueuer(ctx, t, r.Addr)
	h, err := dp.Enqueue(ctx, "job", []byte("slow-1"), distributed.MaxRetry(3))
	if err != nil {
		t.Fatal(err)
	}
	a.waitFor(ctx, "start slow-1")
	a.kill()

	expireLease(ctx, t, r.Addr, h.ID())

	b := startWorker(ctx, t, "engine-b", r.Addr, "-slow", "0s")
	if err := h.Wait(ctx); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if got := h.DoneBy(); got != "engine-b" {
		t.Errorf("DoneBy = %q, want engine-b", got)
	}
	if got := b.done(); len(got) != 1 || got[0] != "slow-1" {
		t.Errorf("engine-b did %q, want [slow-1]", got)
	}
}

// TestTaskEndingWhileRedisIsDownIsRecorded: a task that returns while Redis
// is stopped is recorded as done once Redis is back (a short outage, as a
// restart is). asynq v0.26.0 tries the write once and its own retry of it
// runs on a canceled context, so without the pool's retrying Redis client
// the task stays active for 60-120 s, until asynq's recoverer runs it again.
func TestTaskEndingWhileRedisIsDownIsRecorded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := startRedis(t, true)
	a := startWorker(ctx, t, "engine-a", r.Addr, "-slow", "1500ms")
	dp := enqueuer(ctx, t, r.Addr)
	h, err := dp.Enqueue(ctx, "job", []byte("slow-1"))
	if err != nil {
		t.Fatal(err)
	}
	a.waitFor(ctx, "start slow-1")
	r.stop()
	a.waitFor(ctx, "done slow-1")
	time.Sleep(500 * time.Millisecond) // the write fails while Redis is down
	r.start()
	// Well under the recoverer's 60 s: a task left active would sit there.
	settled, stop := context.WithTimeout(ctx, 15*time.Second)
	defer stop()
	eventually(settled, t, "the task to be recorded as done", queueSettled(r.Addr))
	if err := h.Wait(ctx); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if got := a.done(); len(got) != 1 {
		t.Errorf("engine-a did %q, want [slow-1] once", got)
	}
}

// TestRedisRestartLosesNothing: Redis (append-only) is stopped and started
// again while two engines work the queue; every task enqueued is done.
// Delivery is at least once: a task done while Redis was down may be done
// again, and the duplicates are counted (logged), not forbidden.
//
// A task that was done must not be left active: its end is recorded once
// Redis is back. A task Redis handed out as it stopped can be left active with
// nobody on it (Redis ran the dequeue, and its reply was lost with the
// connection): that is asynq's recoverer's to take back, 60-120 s later. The
// test moves such tasks' leases back in time and starts another engine, whose
// recoverer runs at once, as TestKilledEngineTaskIsRecoveredByAnother does.
func TestRedisRestartLosesNothing(t *testing.T) {
	const n = 2000
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := startRedis(t, true)
	a := startWorker(ctx, t, "engine-a", r.Addr, "-workers", "4", "-pace", "2ms")
	b := startWorker(ctx, t, "engine-b", r.Addr, "-workers", "4", "-pace", "2ms")
	dp := enqueuer(ctx, t, r.Addr)
	for i := range n {
		if _, err := dp.Enqueue(ctx, "job", []byte(strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	eventually(ctx, t, "a tenth of the work done", func() bool { return len(a.done())+len(b.done()) > n/10 })
	before := len(a.done()) + len(b.done())
	r.restart()
	workers := []*worker{a, b}
	completions := func() map[string]int {
		seen := map[string]int{}
		for _, w := range workers {
			for _, p := range w.done() {
				seen[p]++
			}
		}
		return seen
	}
	settled := queueSettled(r.Addr)
	for wait := time.Now().Add(15 * time.Second); !settled() && time.Now().Before(wait); {
		time.Sleep(20 * time.Millisecond)
	}
	if !settled() {
		orphans := 0
		for _, task := range activeTasks(t, r.Addr) {
			if completions()[string(task.Payload)] > 0 {
				t.Errorf("task %s (payload %s) was done but is still active 15 s after the restart: its end was lost", task.ID, task.Payload)
				continue
			}
			expireLease(ctx, t, r.Addr, task.ID)
			orphans++
		}
		t.Logf("%d tasks handed out as Redis stopped, never run: recovered by a third engine", orphans)
		workers = append(workers, startWorker(ctx, t, "engine-c", r.Addr, "-workers", "4"))
		eventually(ctx, t, "the queue to drain after the recovery", settled)
	}
	seen := completions()
	total := 0
	for _, k := range seen {
		total += k
	}
	t.Logf("%d done before the restart; after: %d distinct of %d, %d completions", before, len(seen), n, total)
	if len(seen) != n {
		t.Errorf("%d distinct tasks done, want %d: the restart lost %d", len(seen), n, n-len(seen))
	}
}

// activeTasks lists the queue's active tasks.
func activeTasks(t *testing.T, addr string) []*asynq.TaskInfo {
	t.Helper()
	in := asynq.NewInspector(asynq.RedisClientOpt{Addr: addr})
	defer in.Close()
	tasks, err := in.ListActiveTasks("work")
	if err != nil {
		t.Fatalf("list the active tasks: %v", err)
	}
	return tasks
}

// expireLease moves the lease of an active task two minutes back in time, so
// that the next recoverer to run takes the task back (asynq's recoverer takes
// tasks whose lease expired 30 s ago or more).
func expireLease(ctx context.Context, t *testing.T, addr, id string) {
	t.Helper()
	rc := redis.NewClient(&redis.Options{Addr: addr})
	defer rc.Close()
	lease := "asynq:{work}:lease"
	expired := float64(time.Now().Add(-2 * time.Minute).Unix())
	// ZADD XX reports 0 changed for an update: the lease was there.
	if n, err := rc.ZAddXX(ctx, lease, redis.Z{Score: expired, Member: id}).Result(); err != nil || n != 0 {
		t.Fatalf("move the lease of %s back: %v (%d)", id, err, n)
	}
	if s, err := rc.ZScore(ctx, lease, id).Result(); err != nil || s != expired {
		t.Fatalf("the lease of %s is not in %s: %v", id, lease, err)
	}
}
