package distributed

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hibiken/asynq"
	"github.com/spindle-tui/spindle/engine"
)

// HandlerFunc does one task of a distributed pool: its payload, as enqueued.
// ctx is the task's engine context (halt cancels it; engine.Checkpoint,
// engine.Logf and engine.Progress work on it) and carries asynq's task
// metadata (asynq.GetTaskID, asynq.GetRetryCount).
type HandlerFunc func(ctx context.Context, payload []byte) error

// ErrClosed is returned by a Pool's methods after Close.
var ErrClosed = errors.New("distributed: pool closed")

// Pool is an engine pool whose queue is a Redis queue shared by every engine
// that joins it (see the package doc). It is the engine.PoolBackend of its
// local pool. Its methods are safe for concurrent use.
type Pool struct {
	e     *engine.Engine
	local *engine.Pool
	cfg   Config
	redis asynq.RedisClientOpt

	client    *asynq.Client
	inspector *asynq.Inspector

	mu       sync.Mutex
	closed   bool
	handlers map[string]submitter
	srv      *server // the server taking work now; nil until a handler is added
	draining sync.WaitGroup
	watch    *watcher // the Handles waited for (handle.go)

	stats *clusterStats // the cluster figures' reader (cluster.go)
}

// Join makes the engine's pool name (resolved at the root, created if need
// be) a member of the distributed queue cfg names, and starts it. The pool
// takes work once a handler is added (Handle, HandleCommands); an engine that
// only enqueues needs none. Close it before closing the engine.
func Join(ctx context.Context, e *engine.Engine, name string, cfg Config) (*Pool, error) {
	if err := CheckAddress(cfg.Redis); err != nil {
		return nil, fmt.Errorf("pool %q: %w", name, err)
	}
	_, local, err := engine.ResolvePool(context.Background(), e, name)
	if err != nil {
		return nil, fmt.Errorf("pool %q: %w", name, err)
	}
	cfg = cfg.withDefaults(local.Name())
	pcfg := engine.PoolConfig{MaxWorkers: cfg.MaxWorkers, TaskType: cfg.TaskType, Daemon: cfg.Daemon}
	if err := local.Start(pcfg); err != nil && !errors.Is(err, engine.ErrPoolActive) {
		return nil, fmt.Errorf("pool %q: %w", name, err)
	}
	opt := asynq.RedisClientOpt{Addr: cfg.Redis, Password: cfg.Password, DB: cfg.DB}
	p := &Pool{e: e, local: local, cfg: cfg, redis: opt,
		client: asynq.NewClient(opt), inspector: asynq.NewInspector(opt),
		handlers: make(map[string]submitter)}
	p.watch = newWatcher(p)
	p.stats = startClusterStats(p)
	local.SetBackend(p)
	return p, nil
}

// Local returns the engine pool the distributed pool runs its work in.
func (p *Pool) Local() *engine.Pool { return p.local }

// Queue returns the asynq queue's name.
func (p *Pool) Queue() string { return p.cfg.Queue }

// Origin returns what this engine's enqueued tasks say they came from.
func (p *Pool) Origin() string { return p.cfg.Origin }

// Handle makes this engine run tasks of taskType with fn, and starts taking
// work from the queue if it did not yet. A type the pool does not take is
// refused with a *engine.UnknownTaskError; a second handler for a type
// replaces the first.
func (p *Pool) Handle(taskType string, fn HandlerFunc) error {
	if fn == nil {
		return fmt.Errorf("pool %q: handle %q: %w", p.local.Name(), taskType, engine.ErrNilFunc)
	}
	return p.handle(taskType, func(ctx context.Context, name string, payload []byte) (*engine.Future, error) {
		return p.local.SubmitNamed(ctx, name, taskType, func(c context.Context) error { return fn(c, payload) })
	})
}

// submitter runs a delivered task's payload as work of the local pool.
type submitter func(ctx context.Context, name string, payload []byte) (*engine.Future, error)

// handle registers run for taskType (see Handle).
func (p *Pool) handle(taskType string, run submitter) error {
	if err := p.typeAllowed(taskType); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	p.handlers[taskType] = run
	if p.srv == nil {
		srv, err := p.startServerLocked(p.local.Stats().MaxWorkers)
		if err != nil {
			delete(p.handlers, taskType)
			return err
		}
		p.srv = srv
	}
	return nil
}

// handler returns the handler of taskType, or nil.
func (p *Pool) handler(taskType string) submitter {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.handlers[taskType]
}

// typeAllowed is task-type protection: nil, or the engine's
// *UnknownTaskError naming both types.
func (p *Pool) typeAllowed(taskType string) error {
	if t := p.cfg.TaskType; t != "" && taskType != t {
		return &engine.UnknownTaskError{TaskType: taskType, PoolType: t, Pool: p.local.Name()}
	}
	return nil
}

// Close makes this engine leave the queue: it takes no more work, waits up to
// Config.ShutdownTimeout for the tasks it took, gives those still running
// back to the queue (another engine runs them again, from the start) and
// halts them here, and closes its Redis connections once their handlers have
// returned (or ctx is done). The local pool stays, stopped
// from taking queue work; the engine's other work is untouched.
func (p *Pool) Close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	srv := p.srv
	p.srv = nil
	p.mu.Unlock()
	p.local.SetBackend(nil)
	p.stats.stop()
	p.watch.stop()
	if srv != nil {
		srv.shutdown(ctx, p.local)
	}
	p.draining.Wait()
	return errors.Join(p.client.Close(), p.inspector.Close())
}
