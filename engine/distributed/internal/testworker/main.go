// Command testworker is an engine with one distributed pool, for the
// distributed package's tests: they run two or more of it as separate
// processes sharing a Redis. It prints a line per event on stdout:
//
//	ready                      the pool takes work
//	start <payload>            a task began
//	done <payload> <task id>   a task returned nil
//
// A task's payload is its text; "slow" tasks block for -slow (or until
// halted) before they end; the others take -pace.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/hibiken/asynq"
	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/distributed"
)

func main() {
	redis := flag.String("redis", "", "Redis address")
	queue := flag.String("queue", "work", "queue")
	workers := flag.Int("workers", 4, "this engine's concurrency")
	slow := flag.Duration("slow", time.Minute, "how long a task whose payload starts with slow takes")
	origin := flag.String("origin", "", "what this engine is called")
	pace := flag.Duration("pace", 0, "how long every other task takes")
	flag.Parse()
	if err := run(*redis, *queue, *workers, *slow, *pace, *origin); err != nil {
		fmt.Fprintln(os.Stderr, "testworker:", err)
		os.Exit(1)
	}
}

func run(redis, queue string, workers int, slow, pace time.Duration, origin string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	e := engine.New()
	dp, err := distributed.Join(ctx, e, "work", distributed.Config{
		Redis: redis, Queue: queue, MaxWorkers: workers, TaskType: "job", Origin: origin,
		PollEvery: 50 * time.Millisecond, RetryDelay: func(int, error) time.Duration { return 0 },
	})
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(out, format+"\n", args...)
		out.Flush()
	}
	err = dp.Handle("job", func(ctx context.Context, payload []byte) error {
		id, _ := asynq.GetTaskID(ctx)
		if len(payload) >= 4 && string(payload[:4]) == "slow" {
			say("start %s", payload)
			select {
			case <-time.After(slow):
			case <-ctx.Done():
				return engine.ErrHalted
			}
		}
		time.Sleep(pace)
		say("done %s %s", payload, id)
		return nil
	})
	if err != nil {
		return err
	}
	say("ready")
	<-ctx.Done()
	closing, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(dp.Close(closing), e.Close(closing))
}
