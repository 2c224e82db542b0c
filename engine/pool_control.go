package engine

import (
	"errors"

	"github.com/spindle-tui/spindle/model"
)

// applyPool carries out a command that names a pool (Command.Pool) and reports
// whether cmd was one: OpResize (Value workers, or Step more or fewer), OpPause and OpResume (queued
// work waits; running work goes on), OpHalt (halt its running work) and OpStop
// (take no more work; what was submitted drains). Other ops on a pool return an
// error wrapping errors.ErrUnsupported.
func (e *Engine) applyPool(cmd model.Command) (bool, error) {
	if cmd.Pool == "" {
		return false, nil
	}
	e.mu.Lock()
	p := e.pools.byName[cmd.Pool]
	closing := e.closing
	e.mu.Unlock()
	switch {
	case closing:
		return true, ErrClosed
	case p == nil:
		return true, errNoPool(cmd.Pool, e.wrongKind(cmd.Pool))
	}
	switch cmd.Op {
	case model.OpResize:
		if cmd.Relative() {
			_, err := p.ResizeBy(int(max(min(cmd.Step, maxPoolWorkers), -maxPoolWorkers)))
			return true, err
		}
		if cmd.Value < 1 {
			return true, errorf("%s: %w", cmd, ErrPoolSize)
		}
		p.Resize(int(min(cmd.Value, maxPoolWorkers)))
	case model.OpPause:
		return true, p.Pause()
	case model.OpResume:
		return true, p.Resume()
	case model.OpHalt:
		p.Halt()
	case model.OpStop:
		p.Stop(false)
	default:
		return true, errorf("%s: %w", cmd, errors.ErrUnsupported)
	}
	return true, nil
}

// haltPoolsLocked is the pools' part of halt all: every running pool is paused
// (so its queue does not start in place of what is halted; Resume undoes it)
// and its live work halted. It returns how many tasks were halted.
func (e *Engine) haltPoolsLocked() int {
	n, paused := 0, 0
	for _, p := range e.pools.sorted {
		p.mu.Lock()
		if p.state == model.PoolRunning {
			p.pauseLocked()
			paused++
		}
		unlock := p.lockWorkersLocked()
		n += p.haltLiveLocked()
		unlock()
		p.mu.Unlock()
	}
	if paused > 0 {
		e.eventLocked(model.LevelInfo, nil, "", "halt all: "+itoa(paused)+" pools paused")
	}
	return n
}

// maxPoolWorkers bounds a pool's size through Apply: a held key or a typo must
// not ask for millions of workers.
const maxPoolWorkers = 1 << 20

// Resize sets MaxWorkers to n (at least 1) at once. Growing starts queued work
// at once; shrinking lets running work finish, and the workers beyond n exit as
// they come back for more.
func (p *Pool) Resize(n int) {
	n = max(n, 1)
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.resizeLocked(n)
}

// ResizeBy changes MaxWorkers by delta (negative: fewer) from what it is when
// the call takes the pool's lock, so concurrent callers each make their step.
// It returns the new size; a size below 1 or above maxPoolWorkers is an error
// wrapping ErrPoolSize, and the size is left as it was.
func (p *Pool) ResizeBy(delta int) (int, error) {
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.limit
	n := old + delta
	switch {
	case delta < 0 && n < 1:
		return old, errorf("pool %q has %d workers, cannot remove %d (1 is the fewest): %w", p.name, old, -delta, ErrPoolSize)
	case delta > 0 && (n > maxPoolWorkers || n < old):
		return old, errorf("pool %q has %d workers, cannot add %d (%d is the most): %w", p.name, old, delta, maxPoolWorkers, ErrPoolSize)
	}
	p.resizeLocked(n)
	return n, nil
}

// resizeLocked sets MaxWorkers to n (at least 1). The caller holds Engine.mu
// and p.mu.
func (p *Pool) resizeLocked(n int) {
	e := p.e
	old := p.limit
	if n == old {
		return
	}
	p.cfg.MaxWorkers, p.limit = n, n
	e.eventLocked(model.LevelInfo, nil, p.name, "pool "+p.name+": resized from "+itoa(old)+" to "+itoa(n)+" workers")
	if p.backend != nil {
		p.backend.Resized(n)
	}
	if n > old {
		p.wakeLocked()
		return
	}
	unlock := p.lockWorkersLocked()
	for _, w := range p.ws {
		w.recheck = true // workers beyond n give their slot up after their task
	}
	unlock()
	p.broadcastLocked() // idle workers beyond n exit
}

// Pause makes queued work wait; running work goes on. It returns an error
// wrapping ErrPoolStopped unless the pool is running or already paused.
func (p *Pool) Pause() error {
	if b := p.Backend(); b != nil {
		return p.pauseCluster(b, true)
	}
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.state {
	case model.PoolPaused:
		return nil
	case model.PoolRunning:
		p.pauseLocked()
		e.eventLocked(model.LevelInfo, nil, p.name, "pool "+p.name+": paused, "+itoa(p.q.Len())+" queued wait")
		return nil
	}
	return poolError(p.name, ErrPoolStopped)
}

// Resume lets queued work start again after Pause. It returns an error wrapping
// ErrPoolStopped unless the pool is paused or running.
func (p *Pool) Resume() error {
	if b := p.Backend(); b != nil {
		return p.pauseCluster(b, false)
	}
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.state {
	case model.PoolRunning:
		return nil
	case model.PoolPaused:
		p.state = model.PoolRunning
		e.eventLocked(model.LevelInfo, nil, p.name, "pool "+p.name+": resumed")
		p.wakeLocked()
		return nil
	}
	return poolError(p.name, ErrPoolStopped)
}

// pauseLocked pauses a running pool: claimed work goes back to the shared
// queue, so that no worker starts it.
func (p *Pool) pauseLocked() {
	p.state = model.PoolPaused
	unlock := p.lockWorkersLocked()
	for _, w := range p.ws {
		p.handBackLocked(w)
	}
	unlock()
}

// Halt halts the pool's running work (each task ends at its next Checkpoint)
// and its work in backoff (not restarted), and returns how many were asked.
// Queued work is untouched: pause first to keep it from starting.
func (p *Pool) Halt() int {
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	unlock := p.lockWorkersLocked()
	n := p.haltLiveLocked()
	unlock()
	b := e.haltBackoffLocked(p) // pool_restart.go: pending restarts are cancelled too
	e.eventLocked(model.LevelInfo, nil, p.name, "pool "+p.name+": halt, "+itoa(n)+" running")
	return n + b
}
