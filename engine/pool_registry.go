package engine

import (
	"slices"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/rate"
	"github.com/spindle-tui/spindle/engine/internal/ring"
	"github.com/spindle-tui/spindle/engine/internal/tail"
	"github.com/spindle-tui/spindle/model"
)

// poolRegistry is every pool an engine has: by unique name (for Apply and
// snapshots) and the root namespace (id → pool) that ResolvePool falls back to.
// Guarded by Engine.mu.
type poolRegistry struct {
	byName map[string]*Pool
	sorted []*Pool // by name
	root   map[string]*Pool
	anon   int       // generated ids handed out
	epoch  time.Time // the clock base of Pool.now, set with the first pool
}

// newPoolLocked registers an idle pool for namespace id, created by the task
// running creator (nil: the root).
func (e *Engine) newPoolLocked(id string, creator *run) *Pool {
	r := &e.pools
	name := e.claimNamedLocked(id, kindPool)
	if r.epoch.IsZero() {
		r.epoch = time.Now()
	}
	p := &Pool{e: e, id: id, state: model.PoolIdle, epoch: r.epoch, epochWall: r.epoch.UnixNano(),
		recent: ring.New[doneTask](e.cfg.history), throughput: rate.New(throughputSamples)}
	p.name = name
	p.cond.L = &p.mu
	if creator != nil {
		p.creator, p.creatorName = creator.t.ident(), creator.t.name
	}
	if r.byName == nil {
		r.byName = make(map[string]*Pool)
	}
	r.byName[name] = p
	at, _ := slices.BinarySearchFunc(r.sorted, name, func(q *Pool, n string) int { return strings.Compare(q.name, n) })
	r.sorted = slices.Insert(r.sorted, at, p)
	by := "the root"
	if creator != nil {
		by = quote(creator.t)
	}
	e.eventLocked(model.LevelInfo, nil, name, "pool "+name+": created by "+by)
	return p
}

// Pool returns the pool registered under name (its unique Name).
func (e *Engine) Pool(name string) (*Pool, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, ok := e.pools.byName[name]
	return p, ok
}

// poolTaskLocked finds pool work by id for Apply: live, at the head of a queue
// (what snapshots show) or in a pool's history. Pool work is not in e.tasks,
// so that submitting stays cheap; a user's command can afford the scan. It
// returns the task with its pool's lock and every worker's held, and the
// unlock; or nil. A task found queued or finished is rebuilt for the command
// (its changes reach the queue and the history through the pool).
func (e *Engine) poolTaskLocked(id model.TaskID) (*task, func()) {
	preview := e.cfg.queuePreview
	for _, p := range e.pools.sorted {
		p.mu.Lock()
		unlockWorkers := p.lockWorkersLocked()
		if t := p.findLocked(id, preview); t != nil {
			return t, func() {
				unlockWorkers()
				p.mu.Unlock()
			}
		}
		unlockWorkers()
		p.mu.Unlock()
	}
	return nil, nothing
}

// findLocked returns the pool's work with id among its live work, the first
// preview queued and its history, or nil. The caller holds p.mu and every
// worker's lock.
func (p *Pool) findLocked(id model.TaskID, preview int) *task {
	nid, ok := parseTaskID(id)
	if !ok {
		return nil
	}
	for _, w := range p.ws {
		if w.t.state.Live() && w.t.nid == nid {
			return &w.t
		}
	}
	var found *Future
	p.eachQueuedLocked(preview, func(f *Future) {
		if f.nid == nid {
			found = f
		}
	})
	if found != nil {
		return p.queuedTask(found)
	}
	if t := p.backoffFindLocked(nid); t != nil { // pool_restart.go
		return t
	}
	for _, r := range p.ringsLocked() {
		if i := r.Index(func(d *doneTask) bool { return d.fut.nid == nid }); i >= 0 {
			return p.doneTaskOf(r.At(i))
		}
	}
	return nil
}

// eachQueuedLocked calls fn on the first n queued, in the order they start:
// the workers' batches, then the shared queue.
func (p *Pool) eachQueuedLocked(n int, fn func(*Future)) {
	visit := func(f *Future) bool {
		if n <= 0 {
			return false
		}
		fn(f)
		n--
		return true
	}
	for _, w := range p.ws {
		if !w.eachQueued(visit) {
			return
		}
	}
	p.q.Each(visit)
}

// queuedTask rebuilds queued work f as a task, for Apply.
func (p *Pool) queuedTask(f *Future) *task {
	src := f.source()
	return &task{nid: f.nid, name: p.nameOf(f), fn: f.fn, own: p, created: f.created,
		state: model.StateQueued, restarts: src.restarts, proc: src.proc, policy: src.policy,
		pool: &poolJob{typ: src.typ, parentID: src.parentID, fut: f}}
}

// doneTaskOf rebuilds finished work d as a task, for Apply.
func (p *Pool) doneTaskOf(d *doneTask) *task {
	r := &run{e: p.e, started: d.started, ended: d.ended, asked: d.asked, over: true,
		errText: d.errText, stack: d.stack, log: tail.Continue(p.e.cfg.logLines, d.log)}
	f := d.fut
	src := f.source()
	t := &task{nid: f.nid, name: p.nameOf(f), fn: f.fn, own: p, run: r, created: d.created,
		restarts: d.restarts, state: d.state, proc: src.proc, policy: src.policy, // a restart by hand resets its window
		pool: &poolJob{typ: src.typ, parentID: src.parentID, fut: f}}
	r.t = t
	return t
}

// poolsSnapshotLocked adds the pools to s, each read under its own locks:
// their stats, their state counts (pool work is counted by its pool and its
// workers only), their live work and the head of each queue (appended to
// s.Tasks), and returns the rows of their history, newest first per pool, for
// the caller to append after the engine's own history.
func (e *Engine) poolsSnapshotLocked(s *model.Snapshot, now int64, preview, tail int) (finished []model.Task) {
	if len(e.pools.sorted) == 0 {
		return nil
	}
	s.Pools = make([]model.Pool, len(e.pools.sorted))
	for i, p := range e.pools.sorted {
		p.mu.Lock()
		unlock := p.lockWorkersLocked()
		s.Pools[i] = p.statsLocked(now)
		for st, n := range p.counts {
			s.Counts[st] += n
		}
		for _, w := range p.ws {
			for st, n := range w.counts {
				s.Counts[st] += n
			}
			if w.t.state.Live() {
				s.Tasks = append(s.Tasks, model.Task{})
				w.t.view(&s.Tasks[len(s.Tasks)-1], tail)
			}
		}
		p.eachQueuedLocked(preview, func(f *Future) {
			s.Tasks = append(s.Tasks, model.Task{})
			p.viewQueued(f, &s.Tasks[len(s.Tasks)-1])
		})
		mergeNewest(p.ringsLocked(), e.cfg.history, func(d *doneTask) {
			finished = append(finished, model.Task{})
			d.view(&finished[len(finished)-1], p, tail)
		})
		unlock()
		p.mu.Unlock()
	}
	return finished
}

// viewQueued fills v with queued work f as a viewer sees it.
func (p *Pool) viewQueued(f *Future, v *model.Task) {
	src := f.source()
	*v = model.Task{ID: f.ID(), Name: p.nameOf(f), Group: p.name, Type: src.typ, Kind: model.KindGoroutine,
		State: model.StateQueued, Created: unixTime(f.created), Queued: unixTime(src.queued), Parent: src.parentID, Restarts: int(src.restarts),
		From: originOf(src)}
	if src.proc != nil {
		src.proc.view(v)
		v.ExitCode, v.Signal = nil, "" // the last run's end, not this one's
	}
}
