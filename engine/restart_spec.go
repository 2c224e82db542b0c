package engine

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// DefaultBackoffJitter is the share of each restart delay drawn at random
// when a Backoff's Jitter is 0: a delay d becomes one between 0.8·d and d, so
// tasks that failed together (the replicas of a set, the workers behind one
// dead database) do not all come back in the same instant.
const DefaultBackoffJitter = 0.2

// ErrBadBackoff is matched by the error of Append (WithRestart) and
// AppendProcess given a Backoff whose Jitter is over 1.
var ErrBadBackoff = errors.New("engine: bad backoff")

// RestartSpec is a manager task's restart policy, its backoff and its limit:
// whether it runs again when it ends by itself (see RestartPolicy), after what
// delay (Backoff), and how many restarts within Window are allowed before it
// is fatal. A ProcessSpec has the same fields (Restart, Backoff, MaxRestarts,
// RestartWindow); WithRestart gives them to a goroutine task. Both kinds go
// through the same restart path: the same backoff and fatal states, the same
// RESTARTS count, the same events.
//
// Zero fields take the defaults a ProcessSpec's do (Backoff 500ms doubling to
// 30s with DefaultBackoffJitter, 5 restarts within a minute); a negative count,
// duration or jitter is none (MaxRestarts -1: the first restart the policy
// would make is fatal instead).
type RestartSpec struct {
	Policy      RestartPolicy
	Backoff     Backoff
	MaxRestarts int
	Window      time.Duration
}

// withDefaults fills s's zero fields (see RestartSpec); in the result zero
// means zero.
func (s RestartSpec) withDefaults() RestartSpec {
	s.Backoff.Initial = orDefault(s.Backoff.Initial, DefaultBackoffInitial)
	s.Backoff.Max = max(orDefault(s.Backoff.Max, DefaultBackoffMax), s.Backoff.Initial)
	switch {
	case s.Backoff.Jitter == 0:
		s.Backoff.Jitter = DefaultBackoffJitter
	case s.Backoff.Jitter < 0:
		s.Backoff.Jitter = 0
	}
	s.MaxRestarts = orDefault(s.MaxRestarts, DefaultMaxRestarts)
	if s.Window <= 0 {
		s.Window = DefaultRestartWindow
	}
	return s
}

// validate reports what makes s unusable.
func (s RestartSpec) validate() error {
	if s.Policy > RestartAlways {
		return errBadPolicy(s.Policy)
	}
	if s.Backoff.Jitter > 1 {
		return fmt.Errorf("%w: jitter %g is over 1 (the share of each delay drawn at random)", ErrBadBackoff, s.Backoff.Jitter)
	}
	return nil
}

// WithRestart gives a goroutine task appended with Manager.Append, or pool
// work, a restart policy: with RestartOnFailure it runs again after it
// returns an error, panics or calls runtime.Goexit; with RestartAlways after
// a nil return too.
// A task the user halted or killed, or one abandoned, is never restarted by
// its policy. Between runs the task is in backoff (holding no slot, shown with
// its retry time); after MaxRestarts restarts within Window it is fatal. Each
// run gets a fresh context; its log goes on from the run before.
//
// Given to AppendProcess or RedefineProcess it replaces the ProcessSpec's
// restart fields. Given to Pool.Submit, SubmitNamed or SubmitProcess it is the
// work's policy (PoolConfig.Restart is a pool's default): a failed run is
// queued again in the same pool, under the same id, after its backoff, and
// the Future resolves once no more restarts will happen (pool_restart.go).
func WithRestart(s RestartSpec) TaskOption {
	return func(o *taskOptions) { o.restart = &s }
}

// restarter is a manager task's restart policy and bookkeeping (task.policy):
// every process task has one, a goroutine task one given WithRestart. Guarded
// by Engine.mu.
type restarter struct {
	spec RestartSpec // with defaults
	restartState
}

// newRestarter returns the restarter of a task appended with proc (nil for a
// goroutine) and the options' WithRestart spec (nil if none): the option's
// spec, else the process's (whose defaults newProcess applied: applying
// them twice would make a "none" the default), else none (nil).
func newRestarter(proc *process, opt *RestartSpec) (*restarter, error) {
	switch {
	case opt != nil:
		if err := opt.validate(); err != nil {
			return nil, err
		}
		return &restarter{spec: opt.withDefaults()}, nil
	case proc != nil:
		return &restarter{spec: proc.spec.restartSpec()}, nil
	}
	return nil, nil
}

// restartSpec is s's restart fields as a RestartSpec.
func (s ProcessSpec) restartSpec() RestartSpec {
	return RestartSpec{Policy: s.Restart, Backoff: s.Backoff, MaxRestarts: s.MaxRestarts, Window: s.RestartWindow}
}

// jitterDraw is the random number a restart's delay is jittered with, in
// [0, 1). math/rand/v2's top-level functions are safe for concurrent use and
// need no seeding.
func jitterDraw() float64 { return rand.Float64() }
