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
