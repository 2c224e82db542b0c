package spec

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// Supervisor runs a task file on an engine and applies later versions of it as
// differences: new tasks start, removed ones halt, changed ones restart in
// place (a manager task keeps its id, row, restart count and log), and
// unchanged ones keep running untouched. Tasks start in dependency order, so
// a depends_on names the ids of what it waits for. It is safe for concurrent use; applies
// are serialised.
type Supervisor struct {
	e    *engine.Engine
	done <-chan struct{} // see Done

	mu    sync.Mutex
	cur   *File                         // the file last applied; nil before the first
	tasks map[string][]model.TaskID     // task name (unique in a file) → its id (a pool task's, or a manager task's without replicas)
	sets  map[string]*engine.ReplicaSet // a manager task with replicas: 2 or more → its replica set (apply_orch.go)
	pools map[string]*engine.Pool
	cron  map[string]string // a scheduled task's name → its manager's (schedule_apply.go)

	join   Joiner            // how a pool with a backend joins its queue; nil: refused (backend_apply.go)
	joined map[string]Joined // pools joined to their queue, by name
}

// NewSupervisor returns a Supervisor that applies files to e.
func NewSupervisor(e *engine.Engine) *Supervisor {
	done := make(chan struct{})
	close(done)
	return &Supervisor{e: e, done: done, tasks: make(map[string][]model.TaskID), sets: make(map[string]*engine.ReplicaSet), pools: make(map[string]*engine.Pool), cron: make(map[string]string),
		joined: make(map[string]Joined)}
}

// Done is closed once the goroutines Run started for s (the watcher and the
// applier) have ended, after Run's context is done; it is closed already for
// a Supervisor Run did not start. Wait for it before closing the engine so
// that no reload is under way while it closes.
func (s *Supervisor) Done() <-chan struct{} { return s.done }

// Current returns the file last applied, or nil.
func (s *Supervisor) Current() *File {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// Apply makes the engine run f: it diffs f against the file last applied and
// carries out the Plan, halting what is removed or replaced before starting what
// is added (a name may move between managers and pools). It clears the engine's
// source error and returns the plan it carried out. Errors from single steps are
// joined; the steps that worked stay applied.
func (s *Supervisor) Apply(ctx context.Context, f *File) (Plan, error) {
	plan, err := s.apply(ctx, f)
	s.e.SetSourceError("")
	return plan, err
}

// apply is Apply but for the source error, which the caller sets.
func (s *Supervisor) apply(ctx context.Context, f *File) (Plan, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	plan := Diff(s.cur, f)
	var errs []error
	if plan.RefreshChanged {
		errs = append(errs, s.e.SetRefresh(plan.Refresh))
	}
	s.applyLogsLocked(s.cur, f) // logs.go
	errs = append(errs, s.removeLocked(ctx, plan)...)
	errs = append(errs, s.addLocked(ctx, plan)...)
	s.cur = f
	return plan, errors.Join(errs...)
}

// Reject reports a file that did not validate: nothing changes, and the error
// shows in the dashboard (status bar and events) until a valid save.
func (s *Supervisor) Reject(err error) {
	s.e.SetSourceError(err.Error() + "\n(nothing changed; fix the file and save)")
}

// removeLocked halts and forgets everything the plan removes or replaces.
func (s *Supervisor) removeLocked(ctx context.Context, plan Plan) []error {
	var errs []error
	for _, md := range plan.Managers {
		if md.Change == Removed {
			errs = append(errs, s.e.RemoveManager(ctx, md.Name))
			for _, td := range md.Tasks {
				delete(s.tasks, td.Name)
				delete(s.sets, td.Name) // RemoveManager took its replica sets
				delete(s.cron, td.Name) // RemoveManager ended its schedules
			}
			continue
		}
		errs = append(errs, s.removeTasksLocked(ctx, inPlace(md.Tasks))...)
	}
	for _, pd := range plan.Pools {
		if pd.Change == Removed || pd.Change == Replaced {
			errs = append(errs, s.leaveLocked(ctx, pd.Name)) // what it ran goes back to its queue
			errs = append(errs, s.e.RemovePool(ctx, pd.Name))
			delete(s.pools, pd.Name)
			for _, td := range pd.Tasks {
				delete(s.tasks, td.Name)
			}
			continue
		}
		errs = append(errs, s.removeTasksLocked(ctx, pd.Tasks)...)
	}
	for _, pd := range plan.Pollers {
		// A poller's min_wait and timeout are set when it is made, so a change
		// to them restarts it, as a change of command does.
		if pd.Change == Removed || pd.Change == Replaced || pd.MinWaitChanged || pd.TimeoutChanged {
			errs = append(errs, s.e.RemovePoller(pd.Name))
		}
	}
	return errs
}

// removeTasksLocked halts and forgets the removed and replaced tasks of one
// manager or pool that stays.
func (s *Supervisor) removeTasksLocked(ctx context.Context, tds []TaskDiff) []error {
	var errs []error
	for _, td := range tds {
		if td.Change != Removed && td.Change != Replaced {
			continue
		}
		if handled, err := s.unscheduleLocked(ctx, td.Name); handled { // schedule_apply.go
			errs = append(errs, err)
			continue
		}
		if rs := s.sets[td.Name]; rs != nil {
			if err := rs.Remove(ctx); err != nil {
				errs = append(errs, fmt.Errorf("remove task %q: %w", td.Name, err))
			}
			delete(s.sets, td.Name)
		}
		for _, id := range s.tasks[td.Name] {
			if err := s.e.Remove(ctx, id); err != nil && !errors.Is(err, engine.ErrUnknownTask) {
				errs = append(errs, fmt.Errorf("remove task %q: %w", td.Name, err))
			}
		}
		delete(s.tasks, td.Name)
	}
	return errs
}

// addLocked starts what the plan adds or replaces and updates what changes in
// place.
func (s *Supervisor) addLocked(ctx context.Context, plan Plan) []error {
	var errs []error
	pools := map[string]bool{}
	for _, pd := range plan.Pools {
		if pd.New != nil {
			pools[pd.Name] = true
		}
	}
	for _, md := range plan.Managers {
		if md.Change != Removed {
			errs = append(errs, s.applyManagerLocked(md)...)
		}
	}
	for _, ref := range dependencyOrder(plan.Managers) { // apply_orch.go
		if ref.diff.Change == Added || ref.diff.Change == Replaced {
			errs = append(errs, s.addTaskLocked(ctx, ref, pools)...)
		}
	}
	for _, md := range plan.Managers {
		if md.Change != Removed {
			errs = append(errs, s.watchLocked(md)...)
		}
	}
	for _, pd := range plan.Pools {
		if pd.Change != Removed {
			errs = append(errs, s.applyPoolLocked(ctx, pd)...)
		}
	}
	for _, pd := range plan.Pollers {
		switch {
		case pd.Change == Removed:
		case pd.Change == Added || pd.Change == Replaced || pd.MinWaitChanged || pd.TimeoutChanged:
			errs = append(errs, s.startPoller(pd.New))
		case pd.PeriodChanged:
			if p, ok := s.e.Poller(pd.Name); ok {
				errs = append(errs, p.SetPeriod(pd.New.Period))
			}
		}
	}
	return errs
}

func (s *Supervisor) applyManagerLocked(md ManagerDiff) []error {
	n := md.New
	m, ok := s.e.Manager(n.Name)
	if !ok {
		m = s.e.NewManager(n.Name, n.Limit)
		if m.Name() != n.Name { // what held the name is still going away (it did not stop in time)
			_ = s.e.RemoveManager(context.Background(), m.Name())
			return []error{fmt.Errorf("manager %q: the name is still taken (what had it has not stopped); not started", n.Name)}
		}
	} else if md.LimitChanged {
		m.SetLimit(n.Limit)
	}
	return nil
}

// watchLocked starts or stops the manager's watching as the file says, once
// its tasks are in.
func (s *Supervisor) watchLocked(md ManagerDiff) []error {
	n := md.New
	m, ok := s.e.Manager(n.Name)
	if !ok {
		return nil
	}
	var errs []error
	switch {
	case n.Watch && (md.Change == Added || md.WatchChanged):
		if err := m.Watch(); err != nil && !errors.Is(err, engine.ErrAlreadyWatching) {
			errs = append(errs, fmt.Errorf("manager %q: %w", n.Name, err))
		}
	case !n.Watch && md.WatchChanged:
		m.Stop()
	}
	return errs
}

func (s *Supervisor) applyPoolLocked(ctx context.Context, pd PoolDiff) []error {
	n := pd.New
	p, ok := s.pools[n.Name]
	if !ok && n.Backend != nil {
		return []error{s.joinPoolLocked(ctx, n)}
	}
	if n.Backend != nil {
		if pd.Resized {
			p.Resize(n.MaxWorkers)
		}
		return nil // its tasks are enqueued by spindle enqueue, never on load
	}
	if !ok {
		_, np, err := engine.ResolvePool(context.Background(), s.e, n.Name)
		if err != nil {
			return []error{fmt.Errorf("pool %q: %w", n.Name, err)}
		}
		if np.Name() != n.Name {
			_ = s.e.RemovePool(context.Background(), np.Name())
			return []error{fmt.Errorf("pool %q: the name is still taken (what had it has not stopped); not started", n.Name)}
		}
		cfg := engine.PoolConfig{MaxWorkers: n.MaxWorkers, TaskType: n.TaskType, Daemon: n.Daemon}
		if err := np.Start(cfg); err != nil && !errors.Is(err, engine.ErrPoolActive) {
			return []error{fmt.Errorf("pool %q: %w", n.Name, err)}
		}
		p = np
		s.pools[n.Name] = p
	} else if pd.Resized {
		p.Resize(n.MaxWorkers)
	}
	var errs []error
	for _, td := range pd.Tasks {
		if td.Change != Added && td.Change != Replaced {
			continue
		}
		if len(td.New.DependsOn) > 0 {
			errs = append(errs, fmt.Errorf("task %q of pool %q: depends_on works between manager tasks only; not started", td.New.Name, n.Name))
			continue
		}
		fut, err := p.SubmitProcess(ctx, td.New.Name, td.New.Type, ProcessSpec(td.New))
		if err != nil {
			errs = append(errs, fmt.Errorf("task %q: %w", td.New.Name, err))
			continue
		}
		s.tasks[td.New.Name] = []model.TaskID{fut.ID()}
	}
	return errs
}

func (s *Supervisor) startPoller(p *Poller) error {
	// A command poller's floor stays with it, so set_period cannot go below it.
	opts := []engine.PollerOption{engine.Concurrency(p.Concurrency), engine.PeriodFloor(engine.MinCommandPollPeriod)}
	if p.MinWait > 0 {
		opts = append(opts, engine.MinWait(p.MinWait))
	}
	if p.Timeout > 0 {
		opts = append(opts, engine.Timeout(p.Timeout))
	}
	if p.Cron != nil {
		opts = append(opts, engine.CronSchedules(p.Cron, nil))
	}
	spec := engine.ProcessSpec{Command: p.Command, Dir: p.Dir, Env: p.Environ()}
	pl := s.e.NewPoller(p.Name, p.Period, engine.CommandPoll(spec), opts...)
	if pl.Name() != p.Name {
		_ = s.e.RemovePoller(pl.Name())
		return fmt.Errorf("poller %q: the name is still taken (what had it has not stopped); not started", p.Name)
	}
	if err := pl.Start(); err != nil {
		return fmt.Errorf("poller %q: %w", p.Name, err)
	}
	return nil
}

// ProcessSpec converts a task of the file into what the engine runs. Every
// value of the file is already resolved (defaults applied), so a zero in it
// is the file's zero and goes to the engine as its "none" (negative), never
// as a zero the engine would replace with its default.
func ProcessSpec(t *Task) engine.ProcessSpec {
	return engine.ProcessSpec{
		Command:       t.Command,
		Dir:           t.Dir,
		Env:           t.Environ(),
		Restart:       restartPolicy(t.Restart),
		Backoff:       engine.Backoff{Initial: none(t.Backoff.Initial), Max: none(t.Backoff.Max)},
		MaxRestarts:   none(t.MaxRestarts),
		RestartWindow: t.RestartWindow, // more than 0: validated
		StopSignal:    t.StopSignal,
		StopGrace:     none(t.StopGrace),

		SuccessExitCodes: t.SuccessExitCodes,
		Shutdown:         shutdownCommand(t.Shutdown),
		ShutdownTimeout:  shutdownTimeout(t.Shutdown),
	}
}

func shutdownCommand(s *Shutdown) []string {
	if s == nil {
		return nil
	}
	return s.Command
}

func shutdownTimeout(s *Shutdown) time.Duration {
	if s == nil {
		return 0
	}
	return s.Timeout
}

// inPlace leaves out of tds the manager tasks a change restarts in place
// (addTaskLocked redefines them): only those whose rows change names (one
// replica became several, or back) are removed and added again.
func inPlace(tds []TaskDiff) []TaskDiff {
	var out []TaskDiff
	for _, td := range tds {
		if td.Change == Replaced && (td.Old.Replicas > 1) == (td.New.Replicas > 1) && td.Old.Cron == nil && td.New.Cron == nil {
			continue // redefined in place by addTaskLocked
		}
		out = append(out, td)
	}
	return out
}

// none turns a zero into the engine's way of saying zero: -1.
func none[T int | time.Duration](v T) T {
	if v == 0 {
		return -1
	}
	return v
}

func restartPolicy(p RestartPolicy) engine.RestartPolicy {
	switch p {
	case RestartOnFailure:
		return engine.RestartOnFailure
	case RestartAlways:
		return engine.RestartAlways
	}
	return engine.RestartNever
}
