package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/distributed"
	"github.com/spindle-tui/spindle/engine/spec"
)

// joinDistributed is the task file's Joiner: pool p works its Redis queue,
// running the command tasks it takes as child processes.
func joinDistributed(ctx context.Context, e *engine.Engine, p *spec.Pool) (spec.Joined, error) {
	dp, err := distributed.Join(ctx, e, p.Name, distributed.Config{Redis: p.Backend.Redis, Queue: p.Backend.Queue,
		MaxWorkers: p.MaxWorkers, TaskType: p.TaskType, Daemon: p.Daemon})
	if err != nil {
		return nil, err
	}
	if err := dp.HandleCommands(p.TaskType); err != nil {
		return nil, errors.Join(err, dp.Close(ctx))
	}
	return dp, nil
}

func enqueueCmd(stdout, stderr io.Writer) *cobra.Command {
	var file string
	var count int
	var wait bool
	cmd := &cobra.Command{
		Use:   "enqueue POOL [TASK...]",
		Short: "Put a distributed pool's tasks on its Redis queue, for any engine serving the pool",
		Long: "enqueue reads FILE (default ./" + defaultFile + "), finds POOL, which must have a backend\n" +
			"({redis: host:port, queue: name}), and puts each TASK named (default: all of the pool's)\n" +
			"on its queue, --count times: whichever engine that loaded a file with the same pool has\n" +
			"a free worker runs it. Loading a file never enqueues a distributed pool's tasks (two\n" +
			"engines would run each twice); this does, once per call. The command, env and dir sent\n" +
			"are this file's, resolved here. With --wait it waits and says who ran each one.",
		Args: cobra.MinimumNArgs(1),
		RunE: body(func(_ *cobra.Command, a []string) error {
			if count < 1 {
				return usageError{fmt.Errorf("--count must be at least 1, got %d", count)}
			}
			return enqueue(stdout, taskFile(file), a[0], a[1:], count, wait)
		}),
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "task file that declares the pool (default ./"+defaultFile+")")
	cmd.Flags().IntVarP(&count, "count", "n", 1, "how many times to enqueue each task")
	cmd.Flags().BoolVarP(&wait, "wait", "w", false, "wait for every task to end and say which engine ran it")
	return cmd
}

// enqueue is the enqueue command.
func enqueue(stdout io.Writer, file, pool string, names []string, count int, wait bool) error {
	if file == "" {
		return usageError{fmt.Errorf("no task file: give one with -f, or run where ./%s is", defaultFile)}
	}
	f, err := spec.Load(file)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(f.Pools, func(p spec.Pool) bool { return p.Name == pool })
	if i < 0 {
		return usageError{fmt.Errorf("%s declares no pool %q", file, pool)}
	}
	p := &f.Pools[i]
	if p.Backend == nil {
		return usageError{fmt.Errorf("%s:%d:%d: pool %q has no backend: its tasks run when the file is loaded, not from a queue", file, p.Pos.Line, p.Pos.Col, pool)}
	}
	tasks, err := pickTasks(p, names)
	if err != nil {
		return usageError{err}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := engine.New()
	defer e.Close(context.Background())
	dp, err := distributed.Join(ctx, e, p.Name, distributed.Config{Redis: p.Backend.Redis, Queue: p.Backend.Queue, TaskType: p.TaskType})
	if err != nil {
		return err
	}
	defer dp.Close(context.Background())
	type sent struct {
		name string
		h    *distributed.Handle
		at   time.Time // when it was enqueued: "took" counts from there
	}
	var hs []sent
	for range count {
		for _, t := range tasks {
			c := distributed.Command{Name: t.Name, Argv: t.Command, Env: t.Environ(), Dir: t.Dir}
			h, err := dp.EnqueueCommand(ctx, p.TaskType, c)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "enqueued %s (task %s) on queue %s at redis %s\n", t.Name, h.ID(), p.Backend.Queue, p.Backend.Redis)
			hs = append(hs, sent{t.Name, h, time.Now()})
		}
	}
	if !wait {
		return nil
	}
	var failed []string
	for _, s := range hs {
		if err := s.h.Wait(ctx); err != nil {
			fmt.Fprintf(stdout, "%s (task %s): %v\n", s.name, s.h.ID(), err)
			failed = append(failed, s.name)
			continue
		}
		fmt.Fprintf(stdout, "%s (task %s): done by %s (%s after it was enqueued)\n", s.name, s.h.ID(), s.h.DoneBy(), time.Since(s.at).Round(time.Millisecond))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d tasks failed: %s", len(failed), len(hs), strings.Join(failed, ", "))
	}
	return nil
}

// pickTasks returns the pool's tasks named (all of them for none).
func pickTasks(p *spec.Pool, names []string) ([]spec.Task, error) {
	if len(names) == 0 {
		if len(p.Tasks) == 0 {
			return nil, fmt.Errorf("pool %q declares no tasks to enqueue", p.Name)
		}
		return p.Tasks, nil
	}
	var out []spec.Task
	for _, n := range names {
		i := slices.IndexFunc(p.Tasks, func(t spec.Task) bool { return t.Name == n })
		if i < 0 {
			have := make([]string, len(p.Tasks))
			for j, t := range p.Tasks {
				have[j] = t.Name
			}
			return nil, fmt.Errorf("pool %q has no task %q (it has: %s)", p.Name, n, strings.Join(have, ", "))
		}
		out = append(out, p.Tasks[i])
	}
	return out, nil
}
