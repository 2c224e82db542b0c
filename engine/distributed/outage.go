package distributed

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// How long a server's Redis command is retried through an outage, and the
// waits between tries (doubling from the first to the longest).
const (
	outageBudget    = 10 * time.Second
	outageFirstWait = 50 * time.Millisecond
	outageLongWait  = 500 * time.Millisecond
)

// outageRetry is a go-redis hook that retries a command while Redis cannot
// be reached, up to outageBudget (or the command's context), so that a server
// rides out a Redis restart. asynq v0.26.0 records a task's end with one
// write and, when that fails, retries it on a context it has already
// canceled: with go-redis's own retries (about 50 ms of them), a task that
// ends while Redis restarts stays active until asynq's recoverer runs it
// again, 60-120 s later. It retries only between start and stop: a server
// that cannot reach Redis when it starts says so at once, and one that shuts
// down (an engine leaving the queue) is not held up by a Redis that is gone.
type outageRetry struct {
	started atomic.Bool
	once    sync.Once
	stopped chan struct{}
}

func newOutageRetry() *outageRetry { return &outageRetry{stopped: make(chan struct{})} }

// start makes the hook retry.
func (h *outageRetry) start() { h.started.Store(true) }

// stop ends the retries, those waiting now included.
func (h *outageRetry) stop() { h.once.Do(func() { close(h.stopped) }) }

// DialHook is redis.Hook's: dials are go-redis's own.
func (h *outageRetry) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessPipelineHook is redis.Hook's: pipelines keep go-redis's retries.
func (h *outageRetry) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// ProcessHook is redis.Hook's: it runs the command and tries it again, after
// a wait, for as long as the error says Redis cannot be reached.
func (h *outageRetry) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if !h.started.Load() || !unreachable(err) {
			return err
		}
		giveUp := time.NewTimer(outageBudget)
		defer giveUp.Stop()
		for wait := outageFirstWait; ; wait = min(2*wait, outageLongWait) {
			pause := time.NewTimer(wait)
			select {
			case <-pause.C:
			case <-giveUp.C:
				pause.Stop()
				return err
			case <-h.stopped:
				pause.Stop()
				return err
			case <-ctx.Done():
				pause.Stop()
				return err
			}
			if err = next(ctx, cmd); !unreachable(err) {
				return err
			}
		}
	}
}

// unreachable reports whether err says Redis could not be reached (a refused
// or broken connection, a timeout, a server still loading its data) rather
// than answered: a reply, a closed client or a context's end is final.
func unreachable(err error) bool {
	switch {
	case err == nil, errors.Is(err, redis.ErrClosed),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	var reply redis.Error
	if errors.As(err, &reply) {
		return strings.HasPrefix(reply.Error(), "LOADING ")
	}
	return true
}
