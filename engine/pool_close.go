package engine

import (
	"context"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// DefaultPoolDrain is how long Close lets non-daemon pools drain before it
// halts what is left of their work.
const DefaultPoolDrain = 5 * time.Second

// WithPoolDrain sets how long Close lets non-daemon pools drain (their queued
// and running work finishes) before halting what is left (default 5s). d < 0 is
// treated as 0: halt at once, as daemon pools are.
func WithPoolDrain(d time.Duration) Option {
	return func(c *config) { c.poolDrain = max(d, 0) }
}

// poolClose is what Close waits for on the pools.
type poolClose struct {
	pools      []*Pool   // the pools that were stopping
	drainUntil time.Time // when the drain grace ends
	calls      []func()  // callbacks of futures settled by dropping queues
}

// closePoolsLocked is the pools' part of Close's first step: every pool stops
// taking work; daemon pools drop their queues and halt their running work,
// non-daemon pools drain.
func (e *Engine) closePoolsLocked() *poolClose {
	pc := &poolClose{drainUntil: time.Now().Add(e.cfg.poolDrain)}
	for _, p := range e.pools.sorted {
		p.mu.Lock()
		p.closePoolLocked(pc)
		p.mu.Unlock()
	}
	return pc
}

// closePoolLocked is closePoolsLocked for one pool, under its lock.
func (p *Pool) closePoolLocked(pc *poolClose) {
	e := p.e
	p.closing = true
	{
		switch p.state {
		case model.PoolIdle, model.PoolStopped:
			p.state = model.PoolStopped
			return
		}
		p.state = model.PoolStopping
		e.haltBackoffLocked(p) // pool_restart.go: no restart after close
		if p.cfg.Daemon {
			unlock := p.lockWorkersLocked()
			n, calls := p.dropQueueLocked()
			pc.calls = append(pc.calls, calls...)
			h := p.haltLiveLocked()
			unlock()
			e.eventLocked(model.LevelInfo, nil, p.name, "pool "+p.name+": daemon: halting "+
				itoa(h)+" running, dropped "+itoa(n)+" queued")
		} else {
			e.eventLocked(model.LevelInfo, nil, p.name, "pool "+p.name+": draining "+
				itoa(p.queuedExactLocked())+" queued and "+itoa(p.busy)+" running, for up to "+e.cfg.poolDrain.String())
		}
		p.broadcastLocked()
		p.wakeLocked()
		p.quietLocked()
		if p.state == model.PoolStopping {
			pc.pools = append(pc.pools, p)
		}
	}
}

// waitPools is the pools' part of Close's wait: non-daemon pools drain until the
// grace ends (or ctx is done), then what is left is halted (queued work dropped)
// and waited for until ctx is done; what still has not returned is abandoned and
// returned, for the CloseError. It returns once every worker that is not stuck
// in abandoned work has exited.
func (e *Engine) waitPools(ctx context.Context, pc *poolClose) []model.Task {
	runAll(pc.calls)
	if len(pc.pools) == 0 {
		return nil
	}
	quiet := make([]<-chan struct{}, len(pc.pools))
	for i, p := range pc.pools {
		quiet[i] = p.quiet
	}
	drain, cancel := context.WithDeadline(ctx, pc.drainUntil)
	_ = awaitClosed(drain, quiet)
	cancel()

	e.mu.Lock()
	var calls []func()
	for _, p := range pc.pools {
		p.mu.Lock()
		if p.state != model.PoolStopping {
			p.mu.Unlock()
			continue
		}
		unlock := p.lockWorkersLocked()
		n, c := p.dropQueueLocked()
		calls = append(calls, c...)
		h := p.haltLiveLocked()
		unlock()
		e.eventLocked(model.LevelWarn, nil, p.name, "pool "+p.name+": drain cut short: halting "+
			itoa(h)+" running, dropped "+itoa(n)+" queued")
		p.broadcastLocked()
		p.quietLocked()
		p.mu.Unlock()
	}
	e.mu.Unlock()
	runAll(calls)
	_ = awaitClosed(ctx, quiet)

	e.mu.Lock()
	var stuck []model.Task
	for _, p := range pc.pools {
		p.mu.Lock()
		unlock := p.lockWorkersLocked()
		for _, w := range p.ws {
			if t := &w.t; t.state.Live() {
				e.abandonLocked(t, t.run, "did not return before close gave up")
				stuck = append(stuck, model.Task{ID: t.ident(), Name: t.name, Group: p.name})
			}
		}
		unlock()
		p.broadcastLocked()
		p.quietLocked()
		p.mu.Unlock()
	}
	e.mu.Unlock()
	for _, p := range pc.pools {
		<-p.quiet // only idle workers are left, and they were woken to exit
	}
	return stuck
}

// runAll calls every fn; it runs future callbacks outside the engine lock.
func runAll(calls []func()) {
	for _, fn := range calls {
		fn()
	}
}
