package distributed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// The headers spindle adds to a task: who enqueued it and its display name.
// The payload is the caller's, as given.
const (
	headerFrom = "spindle-from"
	headerName = "spindle-name"
)

// ErrNoHandler is the error of a task of a type this engine has no handler
// for (another engine of the pool may have one: the task is retried).
var ErrNoHandler = errors.New("distributed: no handler for the task type on this engine")

// haltGrace is how long a task whose asynq context ended (canceled through
// the pubsub, timed out) is given to return once halted, before its handler
// gives it up to asynq.
const haltGrace = 5 * time.Second

// process is the asynq handler: it runs t as work of the local pool, so that
// it is a row in Workers and the engine's controls reach it, and returns how
// it ended. A halted task is not retried; a task cut short because its asynq
// context ended (canceled, timed out, the server shutting down) is halted
// here and returns that context's error.
func (p *Pool) process(ctx context.Context, t *asynq.Task) error {
	typ := t.Type()
	fn := p.handler(typ)
	if fn == nil {
		if err := p.typeAllowed(typ); err != nil {
			return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
		}
		return fmt.Errorf("%w %q (%s)", ErrNoHandler, typ, p.cfg.Origin)
	}
	hdr := t.Headers()
	payload := t.Payload()
	sctx := ctx
	if from := hdr[headerFrom]; from != "" {
		sctx = engine.WithOrigin(ctx, from)
	}
	fut, err := fn(sctx, hdr[headerName], payload)
	if err != nil {
		if errors.Is(err, engine.ErrUnknownTaskType) {
			err = fmt.Errorf("%w: %w", err, asynq.SkipRetry)
		}
		return err
	}
	err = fut.Wait(ctx)
	if ctx.Err() != nil {
		cause := context.Cause(ctx)
		_ = p.e.Apply(context.Background(), model.Command{Op: model.OpHalt, Target: fut.ID()})
		wait, cancel := context.WithTimeout(context.Background(), haltGrace)
		_ = fut.Wait(wait)
		cancel()
		return cause
	}
	return p.outcome(t, err)
}

// outcome is what process returns for work that ended by itself: success is
// recorded with where it ran (the task's result, what Handle.DoneBy reads); a
// halt is final, unless the local pool stopped under it or the pool is
// closing (then another engine should run it).
func (p *Pool) outcome(t *asynq.Task, err error) error {
	switch {
	case err == nil:
		if w := t.ResultWriter(); w != nil && p.cfg.Retention > 0 {
			_, _ = w.Write([]byte(p.cfg.Origin))
		}
		return nil
	case errors.Is(err, engine.ErrHalted) && (p.isClosed() || p.local.Stats().State == model.PoolStopping):
		return fmt.Errorf("%w (on %s, which is closing)", err, p.cfg.Origin)
	case errors.Is(err, engine.ErrHalted):
		return fmt.Errorf("%w (on %s): %w", err, p.cfg.Origin, asynq.SkipRetry)
	}
	return err
}

// isClosed reports whether Close has begun.
func (p *Pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}
