package engine

import (
	"context"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// PoolBackend is where a pool's queue lives when it is not this engine's
// memory: a distributed queue (engine/distributed: asynq on Redis) that every
// engine joining the pool takes work from. A pool with no backend is the
// in-memory pool, whose queue and workers are all here.
//
// A pool with a backend still runs its work here as pool tasks (each delivered
// task is submitted to the pool, so it shows in Workers, and halt, pause and
// kill reach it as they reach any pool work); its MaxWorkers is this engine's
// share of the cluster. What changes is what the pool's controls mean:
//   - Pause and Resume act on the queue, for every engine (PauseCluster and
//     ResumeCluster are called instead of pausing the local queue);
//   - Resize changes how much of the queue this engine takes at once
//     (Resized is called after the local size changed).
//
// The backend reports the queue's cluster-wide figures with Pool.SetCluster.
type PoolBackend interface {
	// PauseCluster makes every engine stop taking work from the queue.
	PauseCluster(ctx context.Context) error
	// ResumeCluster undoes PauseCluster.
	ResumeCluster(ctx context.Context) error
	// Resized tells the backend the pool now runs up to n tasks at once on
	// this engine. It is called with the engine's locks held: it must not
	// block or call back into the engine.
	Resized(n int)
}

// backendTimeout bounds a pause or resume of a backend through Apply, so that
// a backend that does not answer (Redis lost) cannot hang a key press.
const backendTimeout = 5 * time.Second

// SetBackend makes b the pool's backend (nil: the in-memory pool again). See
// PoolBackend.
func (p *Pool) SetBackend(b PoolBackend) {
	p.mu.Lock()
	p.backend = b
	if b == nil {
		p.cluster = nil
	}
	p.mu.Unlock()
	p.e.mu.Lock()
	p.e.markDirty()
	p.e.mu.Unlock()
}

// Backend returns the pool's backend, nil for the in-memory pool.
func (p *Pool) Backend() PoolBackend {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.backend
}

// SetCluster records the cluster-wide figures of the pool's queue, for
// snapshots (model.Pool.Cluster). A backend calls it when it has read them.
func (p *Pool) SetCluster(c model.PoolCluster) {
	p.mu.Lock()
	p.cluster = &c
	p.mu.Unlock()
	p.e.mu.Lock()
	p.e.markDirty()
	p.e.mu.Unlock()
}

// pauseCluster is Pause for a pool with a backend: the queue is paused for
// every engine, and the pool shows paused at once (the next figures read from
// the backend confirm it).
func (p *Pool) pauseCluster(b PoolBackend, paused bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), backendTimeout)
	defer cancel()
	op, err := "paused", error(nil)
	if paused {
		err = b.PauseCluster(ctx)
	} else {
		op, err = "resumed", b.ResumeCluster(ctx)
	}
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		err = poolError(p.name, errorf("queue not %s: %w", op, err))
		e.eventLocked(model.LevelWarn, nil, p.name, err.Error())
		return err
	}
	p.mu.Lock()
	if p.cluster != nil {
		c := *p.cluster
		c.Paused = paused
		p.cluster = &c
	}
	p.mu.Unlock()
	e.eventLocked(model.LevelInfo, nil, p.name, "pool "+p.name+": queue "+op+" for every engine")
	return nil
}

// clusterLocked adds the backend's figures to the pool's row: a paused queue
// shows the pool paused. The caller holds p.mu.
func (p *Pool) clusterLocked(v *model.Pool) {
	c := p.cluster
	if c == nil {
		return
	}
	v.Cluster = c
	if c.Paused && v.State == model.PoolRunning {
		v.State = model.PoolPaused
	}
}

// originKey is the context key of WithOrigin.
type originKey struct{}

// WithOrigin returns ctx marked as coming from origin (an engine, a host):
// pool work submitted with it shows origin as its row's From. A distributed
// pool submits the work it takes from the queue this way, with the enqueuing
// engine's name.
func WithOrigin(ctx context.Context, origin string) context.Context {
	return context.WithValue(ctx, originKey{}, origin)
}

// originOf is what WithOrigin put in the submitter's context, or "".
func originOf(src *jobSource) string {
	if src.values == nil {
		return ""
	}
	s, _ := src.values.Value(originKey{}).(string)
	return s
}
