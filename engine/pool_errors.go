package engine

import (
	"errors"
	"fmt"
)

// Pool sentinel errors. Callers test them with errors.Is; the engine wraps them
// with the pool they concern.
var (
	// ErrPoolNotFound is returned by ResolvePool with StrictlyGet when no pool of
	// that id is bound to the context's lineage or registered at the root.
	ErrPoolNotFound = errors.New("engine: pool not found")
	// ErrPoolActive is returned by Pool.Start while the pool is running (or still
	// draining after Stop).
	ErrPoolActive = errors.New("engine: pool already active")
	// ErrPoolStopped is returned by Pool.Submit when the pool is not running: never
	// started, stopping or stopped.
	ErrPoolStopped = errors.New("engine: pool not running")
	// ErrPoolOptions is returned by ResolvePool for options that contradict each
	// other (ForceCreate with StrictlyGet).
	ErrPoolOptions = errors.New("engine: contradictory pool options")
	// ErrUnknownPool is returned by Apply for a Command.Pool that names no pool.
	ErrUnknownPool = errors.New("engine: unknown pool")
	// ErrPoolSize is returned by Apply(OpResize) for a size below 1.
	ErrPoolSize = errors.New("engine: pool size must be at least 1")
	// ErrUnknownTaskType is matched (errors.Is) by every *UnknownTaskError.
	ErrUnknownTaskType = errors.New("engine: task type not accepted by pool")
)

// UnknownTaskError is returned by Pool.Submit for work whose type is not the
// pool's (Duck's task-type protection). It matches ErrUnknownTaskType.
type UnknownTaskError struct {
	TaskType string // the type the work was submitted with
	PoolType string // the type the pool accepts
	Pool     string // the pool's name
}

// Error names both types and says how to fix it.
func (e *UnknownTaskError) Error() string {
	return fmt.Sprintf("engine: pool %q runs tasks of type %q, not %q: submit it as %q, "+
		"or to a pool started with TaskType %q (ResolvePool(ctx, e, id) and Start(PoolConfig{TaskType: %q}))",
		e.Pool, e.PoolType, e.TaskType, e.PoolType, e.TaskType, e.TaskType)
}

// Is makes errors.Is(err, ErrUnknownTaskType) true.
func (e *UnknownTaskError) Is(target error) bool { return target == ErrUnknownTaskType }

// poolError names the pool an error is about (`engine: pool "io": engine: pool
// not running`) and unwraps to the sentinel.
func poolError(name string, err error) error {
	return errorf("pool %q: %w", name, err)
}
