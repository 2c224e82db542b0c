package engine

import (
	"context"

	"github.com/spindle-tui/spindle/model"
)

// owner is what owns a task: a Manager (a limit and a queue) or a Pool
// (workers and task types). The lifecycle code (halt, pause, kill, restart,
// abandon, remove, snapshots) calls it and never asks which one it is.
//
// Every method is called with Engine.mu held and, for one task, with what
// lockLocked took for it: a manager's tasks need nothing more, a pool's need
// the pool's lock and their worker's.
type owner interface {
	// ownerName is the name the owner's tasks show as their Group.
	ownerName() string
	// lockLocked takes what guards t beyond Engine.mu and returns the unlock.
	lockLocked(t *task) (unlock func())
	// countLocked moves t's state count from t.state to s, in the counters
	// that count t (the caller then sets t.state).
	countLocked(t *task, s model.State)
	// unqueueLocked takes queued t out of the queue without running it.
	unqueueLocked(t *task)
	// releaseLocked frees the slot of t's run, which will not give it back:
	// the run was abandoned and its goroutine is stuck in it.
	releaseLocked(t *task)
	// retireLocked keeps t, finished for good, in the owner's history.
	retireLocked(t *task)
	// requeueLocked takes t, restarted, out of the history (if it is there)
	// and puts it at the head of the queue; a free slot starts it at once.
	requeueLocked(t *task)
	// fillLocked starts queued work in the free slots.
	fillLocked()
	// forgetLocked drops t, finished, from the history and from lookups.
	forgetLocked(t *task)
	// eachLiveLocked calls fn on every live task (holding a slot).
	eachLiveLocked(fn func(t *task))
	// returnedLocked returns what waits until t's live run has returned (or
	// ctx is done: then it returns ctx's error).
	returnedLocked(t *task) func(ctx context.Context) error
	// describe adds what the owner knows of t to its row.
	describe(t *task, v *model.Task)
}

// lockTask takes what guards t: Engine.mu and what its owner adds. It returns
// the unlock.
func (e *Engine) lockTask(t *task) (unlock func()) {
	e.mu.Lock()
	release := t.own.lockLocked(t)
	return func() {
		release()
		e.mu.Unlock()
	}
}

// haltOwnerLocked halts every live task of o that is not halting yet and
// cancels their pending restarts. It returns how many it halted and appends
// the run of every live task to runs (for the callers that wait for them).
func (e *Engine) haltOwnerLocked(o owner, runs []*run) (halted int, _ []*run) {
	o.eachLiveLocked(func(t *task) {
		t.run.restart = false
		if t.state != model.StateHalting {
			e.haltLiveLocked(t)
			halted++
		}
		runs = append(runs, t.run)
	})
	return halted, runs
}

// awaitClosed waits until every channel in chs is closed, or ctx is done, and
// then returns ctx's error.
func awaitClosed(ctx context.Context, chs []<-chan struct{}) error {
	for _, ch := range chs {
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// returnedChans returns the channels closed when each of runs has returned.
func returnedChans(runs []*run) []<-chan struct{} {
	chs := make([]<-chan struct{}, len(runs))
	for i, r := range runs {
		chs[i] = r.returned
	}
	return chs
}
