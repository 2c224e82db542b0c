package engine

import (
	"errors"
	"fmt"

	"github.com/spindle-tui/spindle/engine/internal/tail"
	"github.com/spindle-tui/spindle/model"
)

// Restart policies on pool work: WithRestart given to Submit, SubmitNamed or
// SubmitProcess, a process's own restart fields, or the pool's default
// (PoolConfig.Restart). The policy is the one manager tasks have and goes
// through the same restart path (restartPolicyLocked): on-failure reruns work
// whose run returned an error, panicked or called runtime.Goexit, always a nil
// return too; the delay doubles with jitter; after MaxRestarts restarts within
// Window the work is fatal. A halt, a kill or an abandoned run never restarts.
//
// A worker does not wait out a backoff: the run's record is copied into a task
// of its own (the worker's record is reused by the next work), listed with the
// engine's other tasks in backoff (shown with its retry time, found by Apply,
// cancelled by halt all) and, when the backoff ends, queued again at the head
// of its pool's queue under the same id, one more restart counted. Its Future
// resolves once, when no more restarts will happen: with the run's error (a
// fatal one's says so and wraps it), or, halted or killed in backoff, with an
// error wrapping ErrHalted and the last run's error. A pool that stops (Stop,
// Close, RemovePool) restarts nothing: work in backoff is halted, and work
// that fails while the pool drains ends failed.
//
// Work without a policy costs none of this: its source carries a nil spec and
// only a failed run looks at it.

// poolRestart returns a pool's default policy (PoolConfig.Restart) with its
// defaults, or nil for RestartNever.
func poolRestart(s RestartSpec) (*RestartSpec, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if s.Policy == RestartNever {
		return nil, nil
	}
	s = s.withDefaults()
	return &s, nil
}

// errPoolOption is the error of a submission given an option that only manager
// tasks take.
var errPoolOption = fmt.Errorf("engine: pool work takes WithRestart only (dependencies, probes, a ready log line, Disabled and replicas are for manager tasks): %w", errors.ErrUnsupported)

// submitRestart returns the restart policy a submission's options and process
// give its work (nil: none), and whether they give one at all (an explicit
// RestartNever among them: the pool's default does not apply).
func submitRestart(proc *process, opts []TaskOption) (spec *RestartSpec, own bool, err error) {
	var to taskOptions
	for _, o := range opts {
		if o != nil {
			o(&to)
		}
	}
	if len(to.deps) > 0 || len(to.setDeps) > 0 || to.readiness != nil || to.liveness != nil ||
		to.readyLine != nil || to.disabled || to.replica != nil {
		return nil, false, errPoolOption
	}
	if proc != nil && to.restart == nil && proc.spec.Restart == RestartNever {
		return nil, false, nil // a process that says nothing takes the pool's default
	}
	rs, err := newRestarter(proc, to.restart) // restart_spec.go
	if err != nil || rs == nil {
		return nil, false, err
	}
	if rs.spec.Policy == RestartNever {
		return nil, true, nil
	}
	return &rs.spec, true, nil
}

// sameRestart reports whether a and b are the same policy (both nil: none).
// It compares values: each WithRestart submission carries a spec of its own,
// and alike ones still share one jobSource (sourceLocked).
func sameRestart(a, b *RestartSpec) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// policyLocked applies the work's restart policy (w.job.restart, not nil) to
// a run of w that ended in final with err. It returns StateBackoff when the work
// will run again (handed to a task of its own, see above: w's record is free),
// StateFatal (with the error the Future resolves with) when it has restarted
// too often, and final and err otherwise. The caller holds Engine.mu, p.mu
// and w.mu.
func (w *worker) policyLocked(final model.State, err error) (model.State, error) {
	p, e, spec := w.p, w.p.e, w.job.restart
	again := final == model.StateFailed || (final == model.StateDone && spec.Policy == RestartAlways)
	if !again || !p.accepting() {
		return final, err // asked for (halt, kill), done under on-failure, or the pool is stopping
	}
	rs := w.job.fut.source().policy
	if rs == nil { // its first restart: the bookkeeping of this one task
		rs = &restarter{spec: *spec}
	}
	bt := w.backoffTask(rs, err)
	switch e.restartPolicyLocked(bt, bt.run, final) {
	case model.StateBackoff:
		t := &w.t
		w.counts[t.state]--
		p.counts[model.StateBackoff]++
		t.state, bt.state = model.StateBackoff, model.StateBackoff
		e.markDirty()
		return model.StateBackoff, nil
	case model.StateFatal:
		if err == nil {
			err = errors.New("done")
		}
		return model.StateFatal, errorf("%s fatal after %d restarts within %s: %w",
			quote(bt), len(rs.recent), rs.spec.Window, err)
	}
	return final, err
}

// backoffTask copies the run of w that just ended into a task of its own, to
// wait out its backoff with policy rs; lastErr is the run's error. Its state is
// still the run's (the caller moves it to backoff).
func (w *worker) backoffTask(rs *restarter, lastErr error) *task {
	t, r, j := &w.t, &w.r, &w.job
	e := w.p.e
	br := &run{e: e, started: r.started, ended: r.ended, asked: r.asked, over: true,
		errText: r.errText, stack: r.stack, log: tail.Continue(e.cfg.logLines, r.logTail(-1))}
	bt := &task{nid: t.nid, name: t.name, fn: j.fut.fn, own: w.p, run: br, created: t.created,
		restarts: t.restarts, state: t.state, proc: t.proc, policy: rs,
		pool: &poolJob{typ: j.typ, parentID: j.parentID, fut: j.fut, retrying: true, lastErr: lastErr}}
	br.t = bt
	return bt
}

// backoffFindLocked returns p's work in backoff with numeric id nid, or nil.
// The caller holds Engine.mu.
func (p *Pool) backoffFindLocked(nid uint64) *task {
	for _, t := range p.e.backoff {
		if t.own == owner(p) && t.nid == nid {
			return t
		}
	}
	return nil
}

// haltedInBackoff is the error the Future of work halted or killed in its
// backoff resolves with: ErrHalted, and the last run's error.
func haltedInBackoff(t *task, last error) error {
	if last == nil {
		return errorf("%s %s in backoff, not restarted (its last run was done): %w", quote(t), t.state, ErrHalted)
	}
	return errorf("%s %s in backoff, not restarted (its last run failed: %w): %w", quote(t), t.state, last, ErrHalted)
}
