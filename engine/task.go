package engine

import (
	"context"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/tail"
	"github.com/spindle-tui/spindle/model"
)

// task is one unit of work for its whole life, across restarts. A queued task is
// only this struct (plus its map entry and queue slot), so a million queued tasks
// stay small; everything a run needs lives in run, allocated when it starts.
//
// All fields are guarded by what lockTask takes: Engine.mu, and for pool work
// its pool's lock and its worker's.
type task struct {
	id       model.TaskID // empty for pool work, which has nid: see ident
	nid      uint64       // pool work's id as a number (formatTaskID)
	name     string
	fn       Func
	own      owner // the manager or pool it belongs to
	run      *run  // the current or last run; nil until first started
	created  int64 // unix nanoseconds (a time.Time would cost 16 more bytes)
	restarts int32
	state    model.State
	pool     *poolJob       // pool work: its submitter, type and future (pool.go); nil for manager work
	proc     *process       // a child process: its spec, child and restarts (process.go); nil for a goroutine
	orch     *orchestration // dependencies, dependents, probes (depends.go); nil for plain work
	policy   *restarter     // restart policy and bookkeeping (restart_spec.go); nil: none (pool work, plain goroutine tasks)
}

// Flags a task function reads without the engine lock (Checkpoint's fast path).
const (
	runHalt  uint32 = 1 << iota // halted, killed, or the engine is closing
	runPause                    // a pause was asked and not yet resumed
)

// run is one execution of a task's function.
type run struct {
	e *Engine
	t *task

	ctx    context.Context // the task context handed to the function
	cancel context.CancelFunc

	flags       atomic.Uint32 // runHalt | runPause
	done, total atomic.Int64  // progress

	// Pool work only: a worker reuses its run record, so a count of runs (a
	// kill timer checks it) tells the runs apart; a run's poolCtx is finished
	// when it ends, so its Value no longer leads here.
	gen uint64
	// haslog is set once log is not empty, so that a worker resetting its run
	// record takes logMu only when there is a log to drop.
	haslog atomic.Bool

	// Guarded by Engine.mu.
	slot      int           // index in the group's live slice
	started   int64         // unix nanoseconds
	ended     int64         // unix nanoseconds; 0 while the function runs
	asked     int64         // when a pending pause/halt/kill was asked; 0 if none
	requeued  int64         // when a restart queued the task again after this run; 0 if not
	resume    chan struct{} // closed by resume; made by pause
	returned  chan struct{} // closed once the function returned and was accounted for
	killTimer *time.Timer   // abandons the run when the kill grace ends
	over      bool          // the function has returned
	killed    bool          // a kill was asked
	abandoned bool          // given up on; its goroutine is counted in Leaked
	restart   bool          // run again in the same slot once the function returns
	byRun     bool          // started by Manager.Run (for ErrAlreadyRunning)
	errText   string
	stack     string
	liveFail  string // its liveness probe failed: why (probe.go); the run ends failed

	// readyLine is the task's ReadyLogLine, fixed for the run; readySeen is
	// set once a line matched it (depends.go).
	readyLine *regexp.Regexp
	readySeen atomic.Bool

	logMu sync.Mutex
	log   tail.Buffer[model.LogLine] // see appendLog
}

// runKey is the context key under which a task context carries its *run.
type runKey struct{}

// runFrom returns the run ctx belongs to, or nil for a context with no task.
func runFrom(ctx context.Context) *run {
	r, _ := ctx.Value(runKey{}).(*run)
	return r
}

// newRootTaskContext returns a context for work with no parent of its own
// (manager tasks, poller runs): cancelled by its own cancel and by Close.
func (e *Engine) newRootTaskContext() (context.Context, context.CancelFunc) {
	return context.WithCancel(e.base)
}

// outcome is how a function call ended.
type outcome struct {
	returned bool // false: runtime.Goexit (t.FailNow in a task, say)
	panicked bool
	err      error
	stack    string
}

// ident is t's id: pool work keeps it as a number and formats it on demand.
func (t *task) ident() model.TaskID {
	if t.id == "" && t.nid != 0 {
		return formatTaskID(t.nid)
	}
	return t.id
}
