package spec

import (
	"context"
	"errors"
	"fmt"

	"github.com/spindle-tui/spindle/engine"
)

// Joiner makes the engine's pool p.Name a member of the distributed queue
// p.Backend names, working its command tasks (of type p.TaskType) as child
// processes: the local pool of that name runs them. The CLI passes
// engine/distributed's (see WithJoiner), so that this package carries none of
// asynq: a program that runs task files without it refuses a pool with a
// backend.
type Joiner func(ctx context.Context, e *engine.Engine, p *Pool) (Joined, error)

// Joined is a pool joined to its queue: Close makes the engine leave it,
// giving what it still runs back to the queue.
type Joined interface {
	Close(ctx context.Context) error
}

// ErrNoBackends is the error of a pool with a backend applied by a program
// that has no Joiner.
var ErrNoBackends = errors.New("spec: this program runs no distributed pools")

// RunOption changes how Run runs a task file.
type RunOption func(*Supervisor)

// WithJoiner makes pools with a backend work their queue through j.
func WithJoiner(j Joiner) RunOption {
	return func(s *Supervisor) { s.join = j }
}

// joinPoolLocked starts pool n, which has a backend: the engine joins its
// queue. Its tasks are not submitted: `spindle enqueue` puts them on the
// queue, so that two engines loading the file do not run each twice.
func (s *Supervisor) joinPoolLocked(ctx context.Context, n *Pool) error {
	if s.join == nil {
		return fmt.Errorf("pool %q: backend redis %s: %w", n.Name, n.Backend.Redis, ErrNoBackends)
	}
	j, err := s.join(ctx, s.e, n)
	if err != nil {
		return fmt.Errorf("pool %q: %w", n.Name, err)
	}
	p, ok := s.e.Pool(n.Name)
	if !ok {
		_ = j.Close(ctx)
		return fmt.Errorf("pool %q: joined, but the engine has no pool of that name", n.Name)
	}
	s.pools[n.Name] = p
	s.joined[n.Name] = j
	return nil
}

// leaveLocked makes the engine leave pool name's queue, if it joined one.
func (s *Supervisor) leaveLocked(ctx context.Context, name string) error {
	j := s.joined[name]
	if j == nil {
		return nil
	}
	delete(s.joined, name)
	if err := j.Close(ctx); err != nil {
		return fmt.Errorf("pool %q: leave its queue: %w", name, err)
	}
	return nil
}

// leaveAll makes the engine leave every queue it joined (the end of Run).
func (s *Supervisor) leaveAll(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for name := range s.joined {
		errs = append(errs, s.leaveLocked(ctx, name))
	}
	return errors.Join(errs...)
}
