package bench

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/distributed"
)

// The distributed pool's throughput against asynq alone, on one redis-server
// on this machine: distTasks no-op tasks are put on the queue, then 1, 2 or 4
// engines (each an engine with the pool joined, in this process, 8 workers)
// work it until it is empty; the same with 1, 2 or 4 bare asynq servers (8
// workers each) running the same handler. A run is timed from the servers'
// start to the last completion. Runs alternate, spindle then asynq, in
// distPairs pairs; the ratio is spindle's time over asynq's, reported as
// the median and the worst pair.
//
//	cd bench && go test -run '^$' -bench Distributed -benchtime 1x
const (
	distTasks   = 5000
	distWorkers = 8
	distPairs   = 5
)

// distRunner works the queue at addr with engines engines until want tasks
// have run, and returns how long that took.
type distRunner func(b *testing.B, addr string, engines int, want int64) time.Duration

func BenchmarkDistributedVsAsynq(b *testing.B) {
	addr := startBenchRedis(b)
	for _, engines := range []int{1, 2, 4} {
		b.Run("engines="+strconv.Itoa(engines), func(b *testing.B) {
			var ratios []float64
			var sp, as []time.Duration
			for range b.N {
				for range distPairs {
					s := distRun(b, addr, engines, runSpindleEngines)
					a := distRun(b, addr, engines, runAsynqServers)
					sp, as = append(sp, s), append(as, a)
					ratios = append(ratios, float64(s)/float64(a))
				}
			}
			slices.Sort(ratios)
			med, worst := ratios[len(ratios)/2], ratios[len(ratios)-1]
			b.ReportMetric(med, "ratio-median")
			b.ReportMetric(worst, "ratio-worst")
			b.ReportMetric(float64(distTasks)/median(sp).Seconds(), "spindle-tasks/s")
			b.ReportMetric(float64(distTasks)/median(as).Seconds(), "asynq-tasks/s")
			b.Logf("engines=%d: spindle %v (median of %d), asynq %v; spindle/asynq median %.3f, worst pair %.3f",
				engines, median(sp), len(sp), median(as), med, worst)
		})
	}
}

// distRun empties the queue, enqueues distTasks tasks and times run on them.
func distRun(b *testing.B, addr string, engines int, run distRunner) time.Duration {
	b.Helper()
	opt := asynq.RedisClientOpt{Addr: addr}
	rc := asynq.NewClient(opt)
	defer rc.Close()
	in := asynq.NewInspector(opt)
	defer in.Close()
	_ = in.DeleteQueue("bench", true)
	for i := range distTasks {
		if _, err := rc.Enqueue(asynq.NewTask("job", []byte(strconv.Itoa(i))), asynq.Queue("bench")); err != nil {
			b.Fatal(err)
		}
	}
	return run(b, addr, engines, distTasks)
}

// distNoop is the handler both run.
func distNoop(done *atomic.Int64, all chan struct{}, want int64) func(context.Context, []byte) error {
	return func(context.Context, []byte) error {
		if done.Add(1) == want {
			close(all)
		}
		return nil
	}
}

func runSpindleEngines(b *testing.B, addr string, engines int, want int64) time.Duration {
	var done atomic.Int64
	all := make(chan struct{})
	handler := distNoop(&done, all, want)
	ctx := context.Background()
	type member struct {
		e  *engine.Engine
		dp *distributed.Pool
	}
	var ms []member
	start := time.Now()
	for range engines {
		e := engine.New()
		dp, err := distributed.Join(ctx, e, "bench", distributed.Config{Redis: addr, Queue: "bench", MaxWorkers: distWorkers,
			TaskType: "job", Retention: -1, PollEvery: 10 * time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		if err := dp.Handle("job", handler); err != nil {
			b.Fatal(err)
		}
		ms = append(ms, member{e, dp})
	}
	<-all
	took := time.Since(start)
	for _, m := range ms {
		_ = m.dp.Close(ctx)
		_ = m.e.Close(ctx)
	}
	return took
}

func runAsynqServers(b *testing.B, addr string, engines int, want int64) time.Duration {
	var done atomic.Int64
	all := make(chan struct{})
	handler := distNoop(&done, all, want)
	var srvs []*asynq.Server
	start := time.Now()
	for range engines {
		srv := asynq.NewServer(asynq.RedisClientOpt{Addr: addr}, asynq.Config{Concurrency: distWorkers, Queues: map[string]int{"bench": 1},
			TaskCheckInterval: 10 * time.Millisecond, DelayedTaskCheckInterval: 10 * time.Millisecond, LogLevel: asynq.FatalLevel})
		if err := srv.Start(asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error { return handler(ctx, t.Payload()) })); err != nil {
			b.Fatal(err)
		}
		srvs = append(srvs, srv)
	}
	<-all
	took := time.Since(start)
	for _, s := range srvs {
		s.Shutdown()
	}
	return took
}

// startBenchRedis starts redis-server on a free loopback port for the
// benchmark's length.
func startBenchRedis(b *testing.B) string {
	b.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		b.Skipf("redis-server not found (apt-get install redis-server): %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", b.TempDir())
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.Dial("tcp", addr); err == nil {
			fmt.Fprint(c, "PING\r\n")
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "+PONG") {
				return addr
			}
		}
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "redis-server did not answer")
			b.FailNow()
		}
		time.Sleep(10 * time.Millisecond)
	}
}
