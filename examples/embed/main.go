// Command embed is a small service that supervises its goroutine work with
// spindle's engine and serves the control API, the way a service serves pprof:
//
//	go run ./examples/embed                     # a Unix socket in the runtime dir
//	go run ./examples/embed -listen :7070       # TCP on loopback, with a token
//
// It prints where it listens (and the token); from another terminal,
// `spindle attach ADDR` opens the dashboard on it, `spindle status ADDR` prints
// it, and `curl --unix-socket PATH http://spindle/metrics` scrapes it.
// SIGINT or SIGTERM stops the API and closes the engine, waiting for the work.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/remote"
)

func main() {
	listen := flag.String("listen", "", "address: empty for a Unix socket, unix:/path, or host:port")
	token := flag.String("token", "", "bearer token for TCP (default: $SPINDLE_TOKEN, else generated)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *listen, remote.TokenFrom(*token), os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

// run builds the workload, serves the API until ctx is done (a signal), then
// closes the engine. The address and token are logged to logTo.
func run(ctx context.Context, listen, token string, logTo io.Writer) error {
	e := engine.New(engine.WithSource("embed example"))
	if err := addWork(ctx, e); err != nil {
		_ = e.Close(context.Background())
		return err
	}

	var opts []remote.Option
	if token != "" {
		opts = append(opts, remote.WithToken(token))
	}
	log := slog.New(slog.NewTextHandler(logTo, nil))
	err := remote.Serve(ctx, e, listen, append(opts, remote.WithLogger(log))...)

	closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if cerr := e.Close(closeCtx); cerr != nil {
		err = errors.Join(err, cerr)
	}
	return err
}

// addWork registers a manager of jobs, a pool of typed work and two pollers.
func addWork(ctx context.Context, e *engine.Engine) error {
	jobs := e.NewManager("jobs", 2)
	for i := 1; i <= 6; i++ {
		if _, err := jobs.Append(fmt.Sprintf("report %d", i), job(20+5*i)); err != nil {
			return err
		}
	}
	if err := jobs.Watch(); err != nil {
		return err
	}

	poolCtx, pool, err := engine.ResolvePool(ctx, e, "render")
	if err != nil {
		return err
	}
	// A daemon pool: on shutdown its work is halted rather than drained, as
	// thumbnails can be made again.
	if err := pool.Start(engine.PoolConfig{MaxWorkers: 3, TaskType: "thumbnail", Daemon: true}); err != nil {
		return err
	}
	// A feeder keeps the pool busy until the service stops; it is ordinary
	// service code, not engine work, so it watches ctx itself.
	go func() {
		for i := 1; ctx.Err() == nil; i++ {
			if _, err := pool.SubmitNamed(poolCtx, fmt.Sprintf("thumb %d", i), "thumbnail", job(8)); err != nil {
				return // stopped or closing
			}
			select {
			case <-time.After(700 * time.Millisecond):
			case <-ctx.Done():
			}
		}
	}()

	start := time.Now()
	uptime := e.NewPoller("uptime", time.Second, func(context.Context) (any, error) {
		return time.Since(start).Round(time.Second), nil
	})
	queue := e.NewPoller("queue depth", 500*time.Millisecond, func(ctx context.Context) (any, error) {
		select { // pretend to ask a broker
		case <-time.After(time.Duration(rand.IntN(40)) * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if rand.IntN(10) == 0 {
			return nil, errors.New("broker timed out")
		}
		return rand.IntN(100), nil
	}, engine.MinWait(10*time.Millisecond), engine.Timeout(time.Second))
	return errors.Join(uptime.Start(), queue.Start())
}

// job returns work of steps steps, 100-300 ms each, that reports progress,
// logs, and can be paused or halted at every step.
func job(steps int) engine.Func {
	return func(ctx context.Context) error {
		for i := range steps {
			if err := engine.Checkpoint(ctx); err != nil {
				return err
			}
			engine.Progress(ctx, int64(i), int64(steps))
			if i%5 == 0 {
				engine.Logf(ctx, "step %d of %d", i+1, steps)
			}
			select {
			case <-time.After(time.Duration(100+rand.IntN(200)) * time.Millisecond):
			case <-ctx.Done():
				return engine.ErrHalted
			}
		}
		engine.Progress(ctx, int64(steps), int64(steps))
		return nil
	}
}
