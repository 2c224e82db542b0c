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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/logstore"
	"github.com/spindle-tui/spindle/engine/internal/ring"
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

	mu       sync.Mutex             // guards everything below up to the snapshot bus
	closing  bool                   // Close has begun: nothing new starts
	closed   bool                   // Close has finished waiting
	managers []*Manager             // sorted by name
	tasks    map[model.TaskID]*task // queued, live, and in the history ring
	history  ring.Ring[*task]       // managers' finished tasks (pools keep their own)
	events   ring.Ring[model.Event]
	counts   model.StateCounts
	leaked   int
	seq      uint64

	// nextID is the last task id handed out; atomic so that pools reserve ids
	// without mu.
	nextID atomic.Uint64

	// names is the one namespace of managers, pools and pollers (names.go);
	// it has its own lock.
	names nameRegistry
	// pollers is the registry of pollers (poller_set.go); it has its own lock.
	pollers pollerSet
	// pools is the registry of pools (pool_registry.go), guarded by mu.
	pools poolRegistry
	// gview samples the process's goroutines when asked (goroutines.go).
	gview goroutineView

	// callbacks are the Future callbacks running on goroutines of their own
	// (future.go); Close waits for them.
	callbacks asyncCalls

	// Process work and reloads, guarded by mu.
	children  childSet                    // running children, their sampler (sample.go)
	backoff   []*task                     // tasks waiting to be restarted (restart.go)
	held      []*task                     // waiting, blocked and disabled tasks (depends.go)
	haltAfter int                         // tasks an ordered halt will halt after their dependents (shutdown.go); 0 outside one
	sets      []*ReplicaSet               // replica sets, sorted by name (replicas.go)
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

	logs *logstore.Store // every task's lines (logs.go); its own lock
	disk diskSink        // the log files (logs_disk.go)
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
		tasks:      make(map[model.TaskID]*task),
		history:    ring.New[*task](cfg.history),
		events:     ring.New[model.Event](eventRing),
		notify:     make(chan struct{}, 1),
		subscribed: make(chan struct{}, 1),
		stop:       make(chan struct{}),
		pubDone:    make(chan struct{}),
		closeDone:  make(chan struct{}),
		subs:       make(map[*subscriber]struct{}),
		logs:       logstore.New(logstore.Options{PerTask: cfg.logPerTask, Total: cfg.logTotal}),
	}
	e.refresh.Store(int64(cfg.refresh))
	e.base, e.baseCancel = context.WithCancel(context.Background())
	go e.publish()
	return e
}

// NewManager registers a manager: a queue of work of which at most limit tasks run
// at once. A limit below 1 is treated as 1. Managers, pools and pollers share
// one namespace: a name already taken (by any of them) gets "-2", "-3" appended
// (see Manager.Name), and an event says what holds the name. After Close the
// manager exists but Append on it returns ErrClosed.
func (e *Engine) NewManager(name string, limit int) *Manager {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := &Manager{e: e, name: e.claimNamedLocked(name, kindManager), limit: max(limit, 1)}
	at, _ := slices.BinarySearchFunc(e.managers, m.name, func(m *Manager, n string) int { return strings.Compare(m.name, n) })
	e.managers = slices.Insert(e.managers, at, m)
	e.markDirty()
	return m
}

// Manager returns the manager registered under name.
func (e *Engine) Manager(name string) (*Manager, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.managerLocked(name)
	return m, m != nil
}

// managerLocked returns the manager named name, or nil.
func (e *Engine) managerLocked(name string) *Manager {
	i, ok := slices.BinarySearchFunc(e.managers, name, func(m *Manager, n string) int { return strings.Compare(m.name, n) })
	if !ok {
		return nil
	}
	return e.managers[i]
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
		ev.Task, ev.Group = t.ident(), t.own.ownerName()
	}
	e.events.Push(ev)
	if t != nil {
		e.storeLine(t, logstore.Spindle, text)
	}
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
// So are the Future callbacks that work settled by halting or abandoning it
// runs on goroutines of their own.
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
	for _, m := range e.managers {
		m.watching = false
		dropped += e.dropQueueLocked(m)
		dropped += e.haltBackoffLocked(m) // restart.go: no restart after close
	}
	dropped += e.dropHeldLocked(nil)      // shutdown.go
	_, waits = e.haltOrderedLocked(waits) // dependents before what they depend on
	e.eventLocked(model.LevelInfo, nil, "", fmt.Sprintf("close: halting %d live tasks, dropped %d queued", len(waits), dropped))
	closingPools := e.closePoolsLocked() // daemon pools halted, the others drain
	e.baseCancel()
	e.mu.Unlock()

	var err error
	if awaitClosed(ctx, returnedChans(waits)) != nil {
		e.mu.Lock()
		e.haltLeftLocked() // shutdown.go: what still waited for its dependents
		e.mu.Unlock()
		e.reapOnGiveUp(waits) // process_run.go: SIGKILL and reap every child
	}
	stuckPollers := e.closePollers(ctx) // kills every poller, waits for their runs
	stuckPools := e.waitPools(ctx, closingPools)
	e.reapChildren() // sample.go: no process outlives the engine
	e.stopSampling()
	e.closeLogFiles()

	e.mu.Lock()
	var stuck []model.Task
	for _, r := range waits {
		if r.over {
			continue
		}
		e.abandonLocked(r.t, r, "did not return before close gave up")
		stuck = append(stuck, model.Task{ID: r.t.ident(), Name: r.t.name, Group: r.t.own.ownerName()})
	}
	e.closed = true
	e.mu.Unlock()
	stuck = append(stuck, stuckPollers...)
	stuck = append(stuck, stuckPools...)
	if n := e.callbacks.wait(ctx); n > 0 { // halted or abandoned pool work settled them
		stuck = append(stuck, model.Task{Name: plural(n, "Future.OnDone callback") + " still running", Group: "pools"})
	}
	if len(stuck) > 0 {
		err = &CloseError{Tasks: stuck, Err: ctx.Err()}
	}

	close(e.stop)
	<-e.pubDone
	close(e.closeDone)
	return err
}

// dropQueueLocked marks every queued task of m halted without running it and
// empties the queue. The dropped tasks are counted, not kept in the history ring
// (they would evict the runs worth seeing).
func (e *Engine) dropQueueLocked(m *Manager) int {
	n := 0
	m.queue.Each(func(t *task) bool {
		e.setStateLocked(t, model.StateHalted)
		m.endedLocked(t)
		delete(e.tasks, t.ident())
		n++
		return true
	})
	m.queue.Reset()
	return n
}
