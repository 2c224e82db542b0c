package engine

import (
	"context"
	"errors"
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
// takes effect after the next snapshot. For d below MinRefresh it changes
// nothing and returns an error wrapping ErrInvalidRefresh that says the floor.
func (e *Engine) SetRefresh(d time.Duration) error {
	if d < MinRefresh {
		return errorf("refresh %s is below the floor of %s: %w", d, MinRefresh, ErrInvalidRefresh)
	}
	e.refresh.Store(int64(d))
	return nil
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
		return errorf("reload: %w", err)
	}
	return nil
}

// Remove halts the task (a queued or backoff one never runs again) and, once
// its function has returned, forgets it: it leaves snapshots and the history
// ring, and Apply no longer finds it; the counters keep it. Remove waits until
// the task has returned or ctx is done (then it returns ctx's error and the task
// stays, halting). It returns an error wrapping ErrUnknownTask for an id the
// engine does not know.
func (e *Engine) Remove(ctx context.Context, id model.TaskID) error {
	e.mu.Lock()
	t, unlock := e.taskLocked(id)
	if t == nil {
		e.mu.Unlock()
		return errNoTask(id)
	}
	wait := e.haltForRemoveLocked(t)
	unlock()
	e.mu.Unlock()
	if err := wait(ctx); err != nil {
		return errorf("remove %s: %w", id, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// Look it up again: pool work that has ended is in its pool's history now,
	// and its worker's record (what t may be) runs other work.
	if t, unlock = e.taskLocked(id); t != nil {
		defer unlock()
		if t.state.Finished() { // not restarted meanwhile
			t.own.forgetLocked(t)
			e.markDirty()
		}
	}
	return nil
}

// haltForRemoveLocked halts t for good (no restart, by the user or the policy)
// and returns what waits for its function to return. The caller holds what
// lockTask takes for t.
func (e *Engine) haltForRemoveLocked(t *task) func(context.Context) error {
	switch {
	case t.state.Pending() || t.state == model.StateBackoff:
		_ = e.haltLocked(t)
	case t.state.Live():
		t.run.restart = false
		if t.state != model.StateHalting {
			e.haltLiveLocked(t)
		}
		return t.own.returnedLocked(t)
	}
	return func(context.Context) error { return nil }
}

// RemoveManager halts the manager's work (its queue is dropped, backoffs and
// watching end), waits until every live task has returned or ctx is done, then
// unregisters it and forgets its tasks: the name can be used again. The removed
// Manager must not be used again (Append on it returns ErrUnknownManager). It
// returns an error wrapping ErrUnknownManager for a name that is no manager, and
// ctx's error (leaving the manager registered) if its work did not return in time.
func (e *Engine) RemoveManager(ctx context.Context, name string) error {
	e.mu.Lock()
	m := e.managerLocked(name)
	if m == nil {
		e.mu.Unlock()
		return errNoManager(name, e.wrongKind(name))
	}
	m.watching = false
	m.removed = true // no restart policy, no new work
	e.dropQueueLocked(m)
	e.dropHeldLocked(m) // shutdown.go: its waiting, blocked and disabled tasks
	e.haltBackoffLocked(m)
	_, runs := e.haltOwnerLocked(m, nil)
	e.mu.Unlock()
	m.endSchedules() // manager_cron.go: its cron tasks' pollers go with it
	if err := awaitClosed(ctx, returnedChans(runs)); err != nil {
		return errorf("remove manager %q: %w", name, err)
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	e.forgetOwnedLocked(m)
	e.forgetReplicaSetsLocked(m) // replicas.go
	if i := slices.Index(e.managers, m); i >= 0 {
		e.managers = slices.Delete(e.managers, i, i+1)
	}
	e.names.release(name)
	e.eventLocked(model.LevelInfo, nil, name, name+": removed")
	return nil
}

// forgetOwnedLocked forgets o's finished tasks in the engine's history ring.
func (e *Engine) forgetOwnedLocked(o owner) {
	var gone []*task
	e.history.NewestFirst(func(t **task) bool {
		if (*t).own == o {
			gone = append(gone, *t)
		}
		return true
	})
	for _, t := range gone {
		t.own.forgetLocked(t)
	}
	e.markDirty()
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
		return errNoPool(name, e.wrongKind(name))
	}
	var calls []func()
	p.mu.Lock()
	switch p.state {
	case model.PoolIdle, model.PoolStopped:
		p.state = model.PoolStopped
	default:
		p.state = model.PoolStopping
		e.haltBackoffLocked(p) // pool_restart.go: its pending restarts are cancelled
		var n int
		n, calls = p.dropQueueLocked()
		unlock := p.lockWorkersLocked()
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
		if err := awaitClosed(ctx, []<-chan struct{}{quiet}); err != nil {
			return errorf("remove pool %q: %w", name, err)
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
	e.names.release(name)
	e.eventLocked(model.LevelInfo, nil, name, "pool "+name+": removed")
	return nil
}

// RemovePoller kills the poller and unregisters it: it leaves snapshots and the
// name can be used again. It does not wait for a run under way (Close does).
// It returns an error wrapping ErrUnknownPoller for a name that is no poller.
func (e *Engine) RemovePoller(name string) error {
	p, ok := e.pollers.get(name)
	if !ok {
		return errNoPoller(name, e.wrongKind(name))
	}
	p.kill()
	e.pollers.remove(p)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.eventLocked(model.LevelInfo, nil, name, "poller "+name+": removed")
	return nil
}
