package distributed

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// server is one asynq server of the pool, at one concurrency. A resize
// retires it for a new one (see Resized).
type server struct {
	srv      *asynq.Server
	rdb      *redis.Client  // the server's own connections (serverRedis)
	retry    *outageRetry   // rdb's retries, stopped when the server shuts down
	inFlight sync.WaitGroup // tasks it handed to the handler, not yet returned
}

// serverRedis is the client a server works through: its commands ride out an
// outage of a few seconds (outageRetry), those of the pool's Client and
// Inspector do not, so that an enqueue fails and the pool's row says Redis is
// lost at once.
func (p *Pool) serverRedis() (*redis.Client, *outageRetry) {
	c := redis.NewClient(&redis.Options{Addr: p.cfg.Redis, Password: p.cfg.Password, DB: p.cfg.DB})
	retry := newOutageRetry()
	c.AddHook(retry)
	return c, retry
}

// startServerLocked starts an asynq server on the pool's queue that runs up
// to n tasks at once. The caller holds p.mu.
func (p *Pool) startServerLocked(n int) (*server, error) {
	s := &server{}
	s.rdb, s.retry = p.serverRedis()
	cfg := asynq.Config{
		Concurrency:     n,
		Queues:          map[string]int{p.cfg.Queue: 1},
		ShutdownTimeout: p.cfg.ShutdownTimeout,
		Logger:          quietLogger{},
		LogLevel:        asynq.FatalLevel,
		// A halted task, a refused type: not worth retrying.
		IsFailure: func(err error) bool { return !errors.Is(err, engine.ErrHalted) },
	}
	if d := p.cfg.RetryDelay; d != nil {
		cfg.RetryDelayFunc = func(n int, err error, _ *asynq.Task) time.Duration { return d(n, err) }
	}
	if d := p.cfg.PollEvery; d > 0 {
		cfg.TaskCheckInterval, cfg.DelayedTaskCheckInterval = d, d
	}
	// asynq leaves a client it was given open: shutdown and drain close it.
	s.srv = asynq.NewServerFromRedisClient(s.rdb, cfg)
	if err := s.srv.Start(asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		s.inFlight.Add(1)
		defer s.inFlight.Done()
		return p.process(ctx, t)
	})); err != nil {
		_ = s.rdb.Close()
		return nil, fmt.Errorf("pool %q: queue %q on %s: %w", p.local.Name(), p.cfg.Queue, p.cfg.Redis, err)
	}
	s.retry.start()
	return s, nil
}

// drain stops s from taking work, waits for what it took to return and
// shuts it down: a resize gives no task back.
func (s *server) drain() {
	s.srv.Stop()
	s.inFlight.Wait()
	s.retry.stop()
	s.srv.Shutdown()
	_ = s.rdb.Close()
}

// shutdown is Close's: s takes no more work and is given Config.ShutdownTimeout
// for what it took; then asynq gives that back to the queue (pending again,
// for any engine, without counting a retry) and it is halted here. It returns
// once the handlers have returned, or ctx is done.
func (s *server) shutdown(ctx context.Context, local *engine.Pool) {
	s.retry.stop()
	s.srv.Shutdown()
	defer s.rdb.Close()
	returned := make(chan struct{})
	go func() {
		s.inFlight.Wait()
		close(returned)
	}()
	select {
	case <-returned:
		return
	default:
	}
	local.Halt()
	select {
	case <-returned:
	case <-ctx.Done():
	}
}

// Resized is engine.PoolBackend's: this engine now runs up to n of the
// queue's tasks at once. asynq fixes a server's concurrency when it starts,
// so a new server at n takes over, and the old one stops taking work and
// shuts down once the tasks it took have returned: no task goes back to the
// queue for a resize. (Until they have, this engine holds up to the old size
// plus n tasks; only n of them run at once, the local pool's size.) It is
// called with the engine's locks held, so the swap happens on a goroutine.
func (p *Pool) Resized(n int) {
	p.draining.Add(1)
	go func() {
		defer p.draining.Done()
		p.mu.Lock()
		old := p.srv
		if p.closed || old == nil {
			p.mu.Unlock()
			return
		}
		srv, err := p.startServerLocked(n)
		if err != nil {
			p.mu.Unlock()
			p.e.Event(model.LevelWarn, fmt.Sprintf("pool %s: resize to %d: %v (still taking work at the old size)", p.local.Name(), n, err))
			return
		}
		p.srv = srv
		p.mu.Unlock()
		old.drain()
	}()
}

// PauseCluster is engine.PoolBackend's: no engine takes new work from the
// queue until ResumeCluster.
func (p *Pool) PauseCluster(ctx context.Context) error {
	return p.withContext(ctx, func() error { return p.inspector.PauseQueue(p.cfg.Queue) })
}

// ResumeCluster is engine.PoolBackend's: every engine takes work again.
func (p *Pool) ResumeCluster(ctx context.Context) error {
	return p.withContext(ctx, func() error { return p.inspector.UnpauseQueue(p.cfg.Queue) })
}

// withContext runs fn (an Inspector call, which takes no context) and
// returns its error, or ctx's if that is done first.
func (p *Pool) withContext(ctx context.Context, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// quietLogger drops asynq's own log lines: what matters of them (a lost Redis)
// shows in the pool's row and the engine's events (cluster.go).
type quietLogger struct{}

func (quietLogger) Debug(...any) {}
func (quietLogger) Info(...any)  {}
func (quietLogger) Warn(...any)  {}
func (quietLogger) Error(...any) {}
func (quietLogger) Fatal(...any) {}
