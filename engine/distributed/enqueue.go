package distributed

import (
	"context"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// EnqueueOption changes how one task is enqueued.
type EnqueueOption func(*enqueueConfig)

type enqueueConfig struct {
	name string
	opts []asynq.Option
}

// Name is the task's display name in the Workers row of the engine that runs
// it; the default is the pool's name.
func Name(name string) EnqueueOption {
	return func(c *enqueueConfig) { c.name = name }
}

// MaxRetry is how many times a failed task is tried again (asynq's default:
// 25); 0 tries it once.
func MaxRetry(n int) EnqueueOption { return Asynq(asynq.MaxRetry(n)) }

// Timeout bounds one run of the task: past it the task is halted where it
// runs, and retried (asynq.Timeout). asynq keeps whole seconds (a timeout
// under a second would be none): d is rounded up to the next second.
func Timeout(d time.Duration) EnqueueOption {
	whole := (max(d, 0) + time.Second - 1) / time.Second * time.Second
	return Asynq(asynq.Timeout(whole))
}

// Deadline is when the task must be done by: a run still going then is
// halted, and it is not tried after it (asynq.Deadline).
func Deadline(t time.Time) EnqueueOption { return Asynq(asynq.Deadline(t)) }

// In delays the task: no engine takes it before d has passed
// (asynq.ProcessIn).
func In(d time.Duration) EnqueueOption { return Asynq(asynq.ProcessIn(d)) }

// Asynq passes an asynq option as it is (asynq.TaskID, asynq.Unique, …). The
// queue is the pool's: an asynq.Queue option is overridden.
func Asynq(o asynq.Option) EnqueueOption {
	return func(c *enqueueConfig) { c.opts = append(c.opts, o) }
}

// Enqueue puts a task of taskType with payload on the pool's queue, for any
// engine of the pool to run, and returns its Handle. A type the pool does not
// take is refused with a *engine.UnknownTaskError (and counted as rejected
// by the local pool's figures only when it reaches a worker).
func (p *Pool) Enqueue(ctx context.Context, taskType string, payload []byte, opts ...EnqueueOption) (*Handle, error) {
	if err := p.typeAllowed(taskType); err != nil {
		return nil, err
	}
	if p.isClosed() {
		return nil, ErrClosed
	}
	var c enqueueConfig
	for _, o := range opts {
		o(&c)
	}
	hdr := map[string]string{headerFrom: p.cfg.Origin}
	if c.name != "" {
		hdr[headerName] = c.name
	}
	aopts := append(c.opts, asynq.Queue(p.cfg.Queue))
	if p.cfg.Retention > 0 {
		aopts = append(aopts, asynq.Retention(p.cfg.Retention))
	}
	info, err := p.client.EnqueueContext(ctx, asynq.NewTaskWithHeaders(taskType, payload, hdr), aopts...)
	if err != nil {
		return nil, fmt.Errorf("pool %q: enqueue %q on queue %q at %s: %w", p.local.Name(), taskType, p.cfg.Queue, p.cfg.Redis, err)
	}
	return &Handle{p: p, id: info.ID, done: make(chan struct{})}, nil
}
