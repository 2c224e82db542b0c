// Package engine is spindle's supervisor: it runs goroutine work through managers
// (a limit and a queue, after luminal's ThreadManager), tracks every task through
// its lifecycle (model.State), takes commands (halt, pause, resume, kill, restart)
// and publishes coalesced, bounded model.Snapshot values to viewers.
//
// The engine owns all live state. Viewers never reach into it: they Subscribe to
// snapshots and send model.Command values to Apply. *Engine satisfies ui.Source.
//
// Halting is cooperative: a task's context is cancelled and Checkpoint returns
// ErrHalted. Go cannot stop a goroutine, so a killed task that does not return
// within the kill grace is marked abandoned and counted in Snapshot.Leaked.
package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// Func is every unit of work the engine runs. ctx carries the task: pass it to
// Checkpoint, Progress and Logf, and return when it is done.
type Func func(ctx context.Context) error

// Engine supervises tasks and publishes snapshots of them. Create it with New and
// end it with Close. All methods are safe for concurrent use.
type Engine struct {
	cfg config

	// base is the context every task context derives from; Close cancels it.
	base       context.Context
	baseCancel context.CancelFunc

	mu       sync.Mutex // guards everything below up to the snapshot bus
	closing  bool       // Close has begun: nothing new starts
	closed   bool       // Close has finished waiting
	groups   []*group   // every manager's bookkeeping, sorted by name
	managers map[string]*Manager
	tasks    map[model.TaskID]*task // queued, live, and in the history ring
	history  historyRing
	events   eventLog
	counts   model.StateCounts
	leaked   int
	seq      uint64

	// nextID is the last task id handed out; atomic so that pools reserve ids
	// without mu.
	nextID atomic.Uint64

	// pollers is the registry of pollers (poller_set.go); it has its own lock.
	pollers pollerSet
	// pools is the registry of pools (pool_registry.go), guarded by mu.
	pools poolRegistry

	// Process work and reloads, guarded by mu.
	children  childSet                    // running children, their sampler (sample.go)
	backoff   []*task                     // tasks waiting to be restarted (restart.go)
	sourceErr string                      // Snapshot.SourceError (reload.go)
	reloader  func(context.Context) error // what Apply(OpReload) calls (reload.go)

	// The snapshot bus (bus.go).
	refresh atomic.Int64  // the coalescing interval in ns; SetRefresh changes it
	dirty   atomic.Bool   // a change is waiting to be published
	notify  chan struct{} // cap 1: wakes the publisher
	// subscribed (cap 1) wakes a publisher that found nobody subscribed.
	subscribed chan struct{}
	stop       chan struct{} // closed by Close to end the publisher
	pubDone    chan struct{} // closed when the publisher has exited
	closeDone  chan struct{} // closed when Close has finished
	subMu      sync.Mutex
	subs       map[*subscriber]struct{}
	subsEnded  bool // the final snapshot went out and every channel is closed
}

// New returns a running Engine. It starts one goroutine, the snapshot publisher,
// which Close ends.
func New(opts ...Option) *Engine {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	e := &Engine{
		cfg:        cfg,
		managers:   make(map[string]*Manager),
		tasks:      make(map[model.TaskID]*task),
		history:    newHistoryRing(cfg.history),
		notify:     make(chan struct{}, 1),
		subscribed: make(chan struct{}, 1),
		stop:       make(chan struct{}),
		pubDone:    make(chan struct{}),
		closeDone:  make(chan struct{}),
		subs:       make(map[*subscriber]struct{}),
	}
	e.refresh.Store(int64(cfg.refresh))
	e.base, e.baseCancel = context.WithCancel(context.Background())
	go e.publish()
	return e
}

// NewManager registers a manager: a queue of work of which at most limit tasks run
// at once. A limit below 1 is treated as 1; a name already taken gets "-2", "-3"
// appended (see Manager.Name). After Close the manager exists but Append on it
// returns ErrClosed.
func (e *Engine) NewManager(name string, limit int) *Manager {
	e.mu.Lock()
	defer e.mu.Unlock()
	unique := name
	for i := 2; e.managers[unique] != nil; i++ {
		unique = name + "-" + strconv.Itoa(i)
	}
	m := &Manager{e: e, g: group{name: unique, limit: max(limit, 1)}}
	e.managers[unique] = m
	at, _ := slices.BinarySearchFunc(e.groups, unique, func(g *group, n string) int {
		switch {
		case g.name < n:
			return -1
		case g.name > n:
			return 1
		}
		return 0
	})
	e.groups = slices.Insert(e.groups, at, &m.g)
	e.markDirty()
	return m
}

// Manager returns the manager registered under name.
func (e *Engine) Manager(name string) (*Manager, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, ok := e.managers[name]
	return m, ok
}

// newTaskID returns the next id: "t" and the counter in base 36. Ids are never
// reused.
func (e *Engine) newTaskID() model.TaskID {
	var buf [16]byte
	return model.TaskID(strconv.AppendUint(append(buf[:0], 't'), e.nextID.Add(1), 36))
}

// eventLocked records an event about t (nil for a group or engine event).
func (e *Engine) eventLocked(level model.Level, t *task, group, text string) {
	ev := model.Event{Time: time.Now(), Level: level, Group: group, Text: text}
	if t != nil {
		ev.Task, ev.Group = t.ident(), t.grp.name
	}
	e.events.add(ev)
	e.markDirty()
}

// Close stops every watch, drops the queued work (it becomes halted without
// running), halts every live task and waits until every live function has
// returned or ctx is done. Tasks not returned by then are marked abandoned and
// Close returns a *CloseError naming them. Snapshots keep flowing during the
// drain; a final one is published and then every subscription channel is closed.
//
// Every child process gets its stop signal, then SIGKILL when its stop grace
// ends or as soon as ctx is done, whichever comes first; Close returns only once
// every child (and what was left of its process group) is reaped, whatever ctx
// says, so no process outlives the engine.
//
// Every poller is killed and its runs are waited for the same way; a poller
// whose run has not returned is named in the *CloseError as "poller <name>".
//
// Close is idempotent: a later call waits for the first to finish (or ctx) and
// returns nil. After Close, Append, Run, Watch and Apply return ErrClosed. A task
// must not call Close: it would wait for itself until ctx is done.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	if e.closing {
		e.mu.Unlock()
		select {
		case <-e.closeDone:
		case <-ctx.Done():
		}
		return nil
	}
	e.closing = true
	var waits []*run
	dropped := 0
	for _, g := range e.groups {
		g.watching = false
		dropped += e.dropQueueLocked(g)
		dropped += e.haltBackoffLocked(g) // restart.go: no restart after close
		for _, t := range g.live {
			r := t.run
			r.restart = false
			if t.state != model.StateHalting {
				e.haltLiveLocked(t)
			}
			waits = append(waits, r)
		}
	}
	e.eventLocked(model.LevelInfo, nil, "", fmt.Sprintf("close: halting %d live tasks, dropped %d queued", len(waits), dropped))
	closingPools := e.closePoolsLocked() // daemon pools halted, the others drain
	e.baseCancel()
	e.mu.Unlock()

	var err error
wait:
	for _, r := range waits {
		select {
		case <-r.returned:
		case <-ctx.Done():
			break wait
		}
	}

	if ctx.Err() != nil {
		e.reapOnGiveUp(waits) // process_run.go: SIGKILL and reap every child
	}
	stuckPollers := e.closePollers(ctx) // kills every poller, waits for their runs
	stuckPools := e.waitPools(ctx, closingPools)
	e.reapChildren() // sample.go: no process outlives the engine
	e.stopSampling()

	e.mu.Lock()
	var stuck []model.Task
	for _, r := range waits {
		if r.over {
			continue
		}
		e.abandonLocked(r.t, r, "did not return before close gave up")
		stuck = append(stuck, model.Task{ID: r.t.ident(), Name: r.t.name, Group: r.t.grp.name})
	}
	e.closed = true
	e.mu.Unlock()
	stuck = append(stuck, stuckPollers...)
	stuck = append(stuck, stuckPools...)
	if len(stuck) > 0 {
		err = &CloseError{Tasks: stuck, Err: ctx.Err()}
	}

	close(e.stop)
	<-e.pubDone
	close(e.closeDone)
	return err
}

// dropQueueLocked marks every queued task of g halted without running it and
// empties the queue. The dropped tasks are counted, not kept in the history ring
// (they would evict the runs worth seeing).
func (e *Engine) dropQueueLocked(g *group) int {
	n := 0
	g.queue.each(func(t *task) bool {
		e.setStateLocked(t, model.StateHalted)
		delete(e.tasks, t.ident())
		n++
		return true
	})
	g.queue.reset()
	g.queued = 0
	return n
}

// setStateLocked moves t to s, keeping the engine's and the group's counters.
// Pool work is counted by its pool only, under the pool's lock (which the caller
// holds); snapshots add the pools' counts to the engine's.
//
// A pool worker's live task is counted by its worker (under the worker's lock,
// which the caller holds too); the pool sums its workers' counts.
func (e *Engine) setStateLocked(t *task, s model.State) {
	c := &t.grp.counts
	switch {
	case t.grp.pool == nil:
		e.counts[t.state]--
		e.counts[s]++
	case t.pool != nil && t.pool.w != nil && t == &t.pool.w.t:
		c = &t.pool.w.counts
	}
	c[t.state]--
	t.state = s
	c[s]++
	e.markDirty()
}
