package engine

import (
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/deque"
	"github.com/spindle-tui/spindle/engine/internal/rate"
	"github.com/spindle-tui/spindle/engine/internal/ring"
	"github.com/spindle-tui/spindle/model"
)

// PoolConfig is how Pool.Start runs a pool (Duck's ThreadPoolManager.start).
type PoolConfig struct {
	// MaxWorkers is how many tasks run at once; below 1 it is GOMAXPROCS.
	MaxWorkers int
	// TaskType is the only type Submit accepts (task-type protection); empty
	// accepts any type.
	TaskType string
	// Daemon pools are halted on Engine.Close; the others drain first (their
	// queued and running work finishes, within the engine's pool drain grace).
	Daemon bool
	// NamePrefix is the display name of work submitted without a name; empty
	// means the pool's name.
	NamePrefix string
	// Restart is the restart policy of work submitted without one of its own
	// (WithRestart, or a process's): the zero value (RestartNever) is none.
	// See pool_restart.go.
	Restart RestartSpec
}

// Pool is a namespace of workers with task-type protection (Duck's
// ThreadPoolManager): Start it, Submit typed work to it, Resize it, Stop it.
// Get one with ResolvePool. Its work runs as engine tasks (halt, pause and kill
// reach them through Checkpoint), shown with Group = the pool's name.
//
// A fixed set of worker goroutines, started as work arrives and never more than
// MaxWorkers, takes work from the pool's queue. Submit takes only the pool's
// lock; a worker takes it once per batch of queued work it claims, and its own
// lock (worker.mu) between two tasks of the batch, so pools do not contend with
// each other or with the engine, and workers hardly with Submit; see Pool.mu.
type Pool struct {
	e  *Engine
	id string // the namespace id it was resolved with

	// The clock base every pool of the engine shares (see now).
	epoch     time.Time
	epochWall int64

	creator     model.TaskID // the task whose code created it; empty for the root
	creatorName string

	// mu guards everything below. Lock order: Engine.mu, then Pool.mu, then
	// worker.mu (of one worker, or of all of them: lockWorkersLocked), never
	// the reverse; code holding only mu that needs the engine (events, the
	// leak count) unlocks it, takes Engine.mu, then mu again. The live and
	// finished work of a worker is guarded by its worker.mu (see worker).
	// Snapshots and Close lock the pools one at a time, in name order.
	mu     sync.Mutex
	name   string            // unique among managers, pools and pollers (names.go)
	limit  int               // MaxWorkers
	counts model.StateCounts // of work not on a worker's record (see worker.counts)
	q      deque.Deque[*Future]
	cfg    PoolConfig
	// restart is cfg.Restart with its defaults, shared by the sources of work
	// that takes it; nil when the pool has no default policy.
	restart *RestartSpec
	state   model.PoolState
	// closing is Engine.closing as the pool saw it (set by closePoolsLocked), so
	// that Submit can refuse with ErrClosed without the engine lock.
	closing bool
	cond    sync.Cond           // idle workers wait here; L is &mu
	quiet   chan struct{}       // closed once a stopping pool has drained (state stopped)
	recent  ring.Ring[doneTask] // finished work not in a worker's ring (WithHistory)

	// Workers, by what they do; all but stuck count toward MaxWorkers.
	ws       []*worker     // every worker goroutine
	workers  int           // goroutines alive
	nworker  uint64        // the highest worker number given (labels.go)
	labels   []workerLabel // numbers handed back by workers that exited
	busy     int           // workers holding a slot (running work, or between two)
	idle     int           // waiting on cond, not yet signalled
	starting int           // spawned or signalled, not yet back under the lock
	stuck    int           // in a run that was abandoned; discounted until it returns

	// Counters of work that ended without a worker, and of exited workers;
	// a live worker keeps its own (worker.done, worker.failed, worker.halted).
	submitted, done, failed, halted, rejected int64
	rejectedAt, rejectedQuiet                 int64 // last rejection event (unix ns), rejections since
	throughput                                rate.Rates
	ids                                       poolIDs
	stamp                                     queueStamp
	foldScratch                               []doneTask // foldLocked's merge buffer
	lastSrc                                   *jobSource // see sourceLocked

	// A distributed pool's backend and its last cluster figures (pool_backend.go).
	backend PoolBackend
	cluster *model.PoolCluster
}

// poolJob is what pool work adds to a task: its type, parent and future, and
// the worker whose record the task is (nil for a task rebuilt from the queue
// or the history for Apply).
type poolJob struct {
	typ      string
	parentID model.TaskID
	fut      *Future
	w        *worker
	restart  *RestartSpec // the run's restart policy (pool_restart.go); nil: none
	// A task waiting out its backoff (pool_restart.go) is retrying, with the
	// error of the run that failed (nil: it was done, under RestartAlways).
	retrying bool
	lastErr  error
}

// Name returns the pool's unique name (its id, suffixed "-2", "-3" when several
// lineages hold pools of the same id). Command.Pool takes it.
func (p *Pool) Name() string { return p.name }

// ID returns the namespace id the pool was resolved with.
func (p *Pool) ID() string { return p.id }

// Start makes the pool take work with cfg. It returns ErrPoolActive while the
// pool runs or drains, and ErrClosed once the engine is closing. A stopped pool
// can be started again, with a new config.
func (p *Pool) Start(cfg PoolConfig) error {
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case e.closing:
		return poolError(p.name, ErrClosed)
	case p.state != model.PoolIdle && p.state != model.PoolStopped:
		return poolError(p.name, ErrPoolActive)
	}
	restart, err := poolRestart(cfg.Restart) // pool_restart.go
	if err != nil {
		return poolError(p.name, err)
	}
	if cfg.MaxWorkers < 1 {
		cfg.MaxWorkers = runtime.GOMAXPROCS(0)
	}
	if cfg.NamePrefix == "" {
		cfg.NamePrefix = p.name
	}
	p.cfg, p.restart = cfg, restart
	p.limit = cfg.MaxWorkers
	p.state = model.PoolRunning
	p.quiet = make(chan struct{})
	kind := "non-daemon"
	if cfg.Daemon {
		kind = "daemon"
	}
	typ := strconv.Quote(cfg.TaskType)
	if cfg.TaskType == "" {
		typ = "any type"
	}
	e.eventLocked(model.LevelInfo, nil, p.name, "pool "+p.name+": started, "+
		itoa(cfg.MaxWorkers)+" workers, "+kind+", accepts "+typ)
	p.wakeLocked() // a restart may have queued work while it was stopped
	return nil
}

// Stop makes the pool take no more work (Submit returns ErrPoolStopped). What
// was submitted still runs: the queue drains, then the workers exit and the
// pool is stopped. Nothing is restarted from then on: work in backoff is
// halted, and work that fails while the queue drains ends failed. With wait,
// Stop returns once that has happened. Stop on a paused pool resumes its
// queue, so that the drain can end. Work running in the pool must not call
// Stop(true) on it: it would wait for itself.
func (p *Pool) Stop(wait bool) {
	e := p.e
	e.mu.Lock()
	p.mu.Lock()
	switch p.state {
	case model.PoolIdle:
		p.state = model.PoolStopped
		e.markDirty()
	case model.PoolRunning, model.PoolPaused:
		p.state = model.PoolStopping
		e.eventLocked(model.LevelInfo, nil, p.name, "pool "+p.name+": stopping, draining "+
			itoa(p.queuedExactLocked())+" queued and "+itoa(p.busy)+" running")
		e.haltBackoffLocked(p) // pool_restart.go: a stopping pool restarts nothing
		p.broadcastLocked()
		p.wakeLocked()
		p.quietLocked()
	}
	quiet := p.quiet
	p.mu.Unlock()
	e.mu.Unlock()
	if wait && quiet != nil {
		<-quiet
	}
}

// throughputSamples is how many one-second throughput samples a pool keeps.
const throughputSamples = 60

// Stats returns the pool as a snapshot shows it.
func (p *Pool) Stats() model.Pool {
	p.mu.Lock()
	defer p.mu.Unlock()
	unlock := p.lockWorkersLocked()
	defer unlock()
	return p.statsLocked(p.now())
}

// statsLocked returns the pool as a viewer sees it, taking a throughput sample
// when a second or more has passed. The caller holds p.mu and every worker's
// lock.
func (p *Pool) statsLocked(now int64) model.Pool {
	done, failed, halted, busy, queued := p.done, p.failed, p.halted, 0, p.q.Len()
	for _, w := range p.ws {
		done += w.done
		failed += w.failed
		halted += w.halted
		queued += w.blen
		if w.t.state.Live() {
			busy++
		}
	}
	p.throughput.Advance(now, done+failed+halted)
	v := model.Pool{
		Name:       p.name,
		Owner:      p.creator,
		OwnerName:  p.creatorName,
		Type:       p.cfg.TaskType,
		Daemon:     p.cfg.Daemon,
		State:      p.state,
		MaxWorkers: p.limit,
		Busy:       busy,
		Queued:     queued,
		Submitted:  p.submitted,
		Done:       done,
		Failed:     failed,
		Halted:     halted,
		Rejected:   p.rejected,
		Throughput: p.throughput.OldestFirst(),
	}
	p.clusterLocked(&v)
	return v
}

// accepting reports whether Submit takes work: running, or paused (it waits).
func (p *Pool) accepting() bool {
	return p.state == model.PoolRunning || p.state == model.PoolPaused
}

// picking reports whether workers start queued work: running, or draining.
func (p *Pool) picking() bool {
	return p.state == model.PoolRunning || p.state == model.PoolStopping
}

// quietLocked turns a stopping pool whose workers have all left (or are stuck
// in abandoned work) into a stopped one. The caller holds Engine.mu and p.mu.
func (p *Pool) quietLocked() {
	if p.state != model.PoolStopping || p.workers > p.stuck || p.busy > 0 || p.queuedLocked() > 0 {
		return
	}
	p.state = model.PoolStopped
	close(p.quiet)
	p.e.eventLocked(model.LevelInfo, nil, p.name, "pool "+p.name+": stopped")
}

// lockSpins is how many times lockSpinning tries the lock: a few microseconds
// of loads (TryLock does not write while the lock is held).
const lockSpins = 1000

// lockSpinning takes p.mu, trying for a while before it queues for it. A
// worker claiming a batch holds it for well under a microsecond, while a
// submitter that blocks comes back tens of microseconds later: woken on the
// busy worker's processor, it waits for that one to be preempted or for an
// idle one to wake up (sync.Mutex itself gives up spinning when other
// goroutines are runnable, which they are whenever workers are).
func (p *Pool) lockSpinning() {
	for range lockSpins {
		if p.mu.TryLock() {
			return
		}
	}
	p.mu.Lock()
}
