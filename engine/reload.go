package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// The engine API a task file applier needs to follow a reloaded file: name the
// source, report a bad file, change the refresh and limits, and take away what
// the file no longer declares.

// ErrNothingToReload is returned by Apply(OpReload) when no reloader is set.
var ErrNothingToReload = errors.New("engine: nothing to reload")

// SetSource sets Snapshot.Source: what the engine runs ("demo", a file name).
func (e *Engine) SetSource(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cfg.source = name
	e.markDirty()
}

// SetSourceError sets Snapshot.SourceError, the current problem with the source
// (say the task file's last save did not validate, "file:line:col: message"),
// and records it as an error event; "" clears it.
func (e *Engine) SetSourceError(msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if msg == e.sourceErr {
		return
	}
	e.sourceErr = msg
	if msg != "" {
		e.eventLocked(model.LevelError, nil, "", msg)
	}
	e.markDirty()
}

// SetRefresh changes the snapshot coalescing interval (see WithRefresh); it
// takes effect after the next snapshot. d <= 0 is ignored.
func (e *Engine) SetRefresh(d time.Duration) {
	if d > 0 {
		e.refresh.Store(int64(d))
	}
}

// SetReloader sets what Apply(OpReload) calls (nil removes it). It runs in the
// caller of Apply, with Apply's context, and must not hold up a viewer for long.
func (e *Engine) SetReloader(f func(ctx context.Context) error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reloader = f
}

// reload is Apply(OpReload).
func (e *Engine) reload(ctx context.Context) error {
	e.mu.Lock()
	f, closing := e.reloader, e.closing
	e.mu.Unlock()
	switch {
	case closing:
		return ErrClosed
	case f == nil:
		return ErrNothingToReload
	}
	if err := f(ctx); err != nil {
		return fmt.Errorf("engine: reload: %w", err)
	}
	return nil
}

// SetLimit changes how many of the manager's tasks run at once (at least 1).
// Growing starts queued work at once if the manager is watching; shrinking lets
// running work finish, and no more starts until the live count is below it.
func (m *Manager) SetLimit(n int) {
	n = max(n, 1)
	e := m.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if n == m.g.limit {
		return
	}
	old := m.g.limit
	m.g.limit = n
	e.eventLocked(model.LevelInfo, nil, m.g.name, m.g.name+": limit "+itoa(old)+" → "+itoa(n))
	e.fillLocked(&m.g)
}

// Remove halts the task (a queued or backoff one never runs again) and, once
// its function has returned, forgets it: it leaves snapshots and the history
// ring, and Apply no longer finds it; the counters keep it. Remove waits until
// the task has returned or ctx is done (then it returns ctx's error and the task
// stays, halting). It returns an error wrapping ErrUnknownTask for an id the
// engine does not know.
func (e *Engine) Remove(ctx context.Context, id model.TaskID) error {
	e.mu.Lock()
	t := e.tasks[id]
	var (
		p          *Pool
		unlockPool func()
	)
	if t == nil {
		t, p, unlockPool = e.poolTaskLocked(id) // with its pool's locks held
	}
	if t == nil {
		e.mu.Unlock()
		return errNoTask(id)
	}
	wait := e.haltForRemoveLocked(t)
	if unlockPool != nil {
		unlockPool()
	}
	e.mu.Unlock()
	if err := wait(ctx); err != nil {
		return fmt.Errorf("engine: remove %s: %w", id, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if p != nil { // t may be a worker's record, running other work by now
		p.mu.Lock()
		defer p.mu.Unlock()
		unlock := p.lockWorkersLocked()
		defer unlock()
		p.forgetLocked(id)
		return nil
	}
	e.forgetLocked(t)
	return nil
}

// haltForRemoveLocked halts t for good (no restart, by the user or the policy)
// and returns what waits for its function to return. For pool work the caller
// holds its pool's lock too.
func (e *Engine) haltForRemoveLocked(t *task) func(context.Context) error {
	switch {
	case t.state == model.StateQueued || t.state == model.StateBackoff:
		_ = e.haltLocked(t)
	case t.state.Live():
		r := t.run
		r.restart = false
		if t.state != model.StateHalting {
			e.haltLiveLocked(t)
		}
		if t.pool != nil { // pool runs have no returned channel; the future settles once it ends
			fut := t.pool.fut
			return func(ctx context.Context) error {
				err := fut.Wait(ctx)
				if ctx.Err() != nil {
					return err
				}
				return nil
			}
		}
		return func(ctx context.Context) error {
			select {
			case <-r.returned:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return func(context.Context) error { return nil }
}

// forgetLocked takes a finished task out of its history ring (the engine's,
// or its pool's: the caller then holds the pool's lock too) and the id map. A
// task that is not finished (restarted meanwhile) is left alone.
func (e *Engine) forgetLocked(t *task) {
	switch {
	case !t.state.Finished():
		return
	case t.pool != nil:
		t.grp.pool.forgetLocked(t.ident())
	default:
		e.history.remove(t)
		delete(e.tasks, t.ident())
	}
	e.markDirty()
}

// RemoveManager halts the manager's work (its queue is dropped, backoffs and
// watching end), waits until every live task has returned or ctx is done, then
// unregisters it and forgets its tasks: the name can be used again. The removed
// Manager must not be used again (Append on it returns ErrUnknownManager). It
// returns an error wrapping ErrUnknownManager for a name that is no manager, and
// ctx's error (leaving the manager registered) if its work did not return in time.
func (e *Engine) RemoveManager(ctx context.Context, name string) error {
	e.mu.Lock()
	m := e.managers[name]
	if m == nil {
		e.mu.Unlock()
		return errNoManager(name)
	}
	g := &m.g
	g.watching = false
	g.removed = true // no restart policy, no new work
	e.dropQueueLocked(g)
	e.haltBackoffLocked(g)
	var waits []*run
	for _, t := range g.live {
		t.run.restart = false
		if t.state != model.StateHalting {
			e.haltLiveLocked(t)
		}
		waits = append(waits, t.run)
	}
	e.mu.Unlock()
	for _, r := range waits {
		select {
		case <-r.returned:
		case <-ctx.Done():
			return fmt.Errorf("engine: remove manager %q: %w", name, ctx.Err())
		}
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	e.forgetGroupLocked(g)
	delete(e.managers, name)
	if i := slices.Index(e.groups, g); i >= 0 {
		e.groups = slices.Delete(e.groups, i, i+1)
	}
	e.eventLocked(model.LevelInfo, nil, name, name+": removed")
	return nil
}

// forgetGroupLocked forgets g's finished tasks (they leave the history ring).
func (e *Engine) forgetGroupLocked(g *group) {
	var gone []*task
	e.history.newestFirst(func(t *task) {
		if t.grp == g {
			gone = append(gone, t)
		}
	})
	for _, t := range gone {
		e.forgetLocked(t)
	}
}

// RemovePool stops the pool (no more work; its queue is dropped, its futures
// settle with ErrHalted), halts its running work, waits until that has
// returned or ctx is done, then unregisters it and forgets its tasks: the name
// can be used again. It returns an error wrapping ErrUnknownPool for a name
// that is no pool, and ctx's error (leaving it registered, stopping) if its
// work did not return in time.
func (e *Engine) RemovePool(ctx context.Context, name string) error {
	e.mu.Lock()
	p := e.pools.byName[name]
	if p == nil {
		e.mu.Unlock()
		return &notFoundError{msg: fmt.Sprintf("engine: no pool %q", name), sentinel: ErrUnknownPool}
	}
	var calls []func()
	p.mu.Lock()
	switch p.state {
	case model.PoolIdle, model.PoolStopped:
		p.state = model.PoolStopped
	default:
		p.state = model.PoolStopping
		var n int
		unlock := p.lockWorkersLocked()
		n, calls = p.dropQueueLocked()
		h := p.haltLiveLocked()
		unlock()
		e.eventLocked(model.LevelInfo, nil, name, "pool "+name+": removing: halting "+
			itoa(h)+" running, dropped "+itoa(n)+" queued")
		p.broadcastLocked()
		p.wakeLocked()
		p.quietLocked()
	}
	quiet := p.quiet
	p.mu.Unlock()
	e.mu.Unlock()
	runAll(calls)
	if quiet != nil {
		select {
		case <-quiet:
		case <-ctx.Done():
			return fmt.Errorf("engine: remove pool %q: %w", name, ctx.Err())
		}
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	r := &e.pools // its history ring goes with it
	delete(r.byName, name)
	if i := slices.Index(r.sorted, p); i >= 0 {
		r.sorted = slices.Delete(r.sorted, i, i+1)
	}
	if r.root[p.id] == p {
		delete(r.root, p.id)
	}
	e.eventLocked(model.LevelInfo, nil, name, "pool "+name+": removed")
	return nil
}

// RemovePoller kills the poller and unregisters it: it leaves snapshots and the
// name can be used again. It does not wait for a run under way (Close does).
// It returns an error wrapping ErrUnknownPoller for a name that is no poller.
func (e *Engine) RemovePoller(name string) error {
	p, ok := e.pollers.get(name)
	if !ok {
		return &notFoundError{msg: fmt.Sprintf("engine: no poller %q", name), sentinel: ErrUnknownPoller}
	}
	p.kill()
	e.pollers.remove(p)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.eventLocked(model.LevelInfo, nil, name, "poller "+name+": removed")
	return nil
}
