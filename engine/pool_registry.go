package engine

import (
	"slices"
	"strings"
	"time"

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
	name := id
	for i := 2; r.byName[name] != nil || e.managers[name] != nil; i++ {
		name = id + "-" + itoa(i)
	}
	if r.epoch.IsZero() {
		r.epoch = time.Now()
	}
	p := &Pool{e: e, id: id, state: model.PoolIdle, epoch: r.epoch, epochWall: r.epoch.UnixNano(),
		recent: newHistoryRing(e.cfg.history)}
	p.g = group{name: name, pool: p}
	p.cond.L = &p.mu
	if creator != nil {
		p.owner, p.ownerName = creator.t.id, creator.t.name
	}
	if r.byName == nil {
		r.byName = make(map[string]*Pool)
	}
	r.byName[name] = p
	at, _ := slices.BinarySearchFunc(r.sorted, name, func(q *Pool, n string) int { return strings.Compare(q.g.name, n) })
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
// (what snapshots show) or in a pool's history ring. Pool work is not in
// e.tasks, so that submitting stays cheap; a user's command can afford the scan.
// It returns the task with its pool's lock held (the caller unlocks it), or nil.
func (e *Engine) poolTaskLocked(id model.TaskID) (*task, *Pool) {
	preview := e.cfg.queuePreview
	for _, p := range e.pools.sorted {
		p.mu.Lock()
		if t := p.findLocked(id, preview); t != nil {
			return t, p
		}
		p.mu.Unlock()
	}
	return nil, nil
}

// findLocked returns the pool's work with id among its live work, the first
// preview queued and its history ring, or nil.
func (p *Pool) findLocked(id model.TaskID, preview int) *task {
	for _, t := range p.g.live {
		if t.id == id {
			return t
		}
	}
	var found *task
	left := preview
	p.g.queue.each(func(t *task) bool {
		if t.id == id {
			found = t
		}
		left--
		return found == nil && left > 0
	})
	if found != nil {
		return found
	}
	p.recent.newestFirst(func(t *task) {
		if found == nil && t.id == id {
			found = t
		}
	})
	return found
}

// poolsSnapshotLocked adds the pools to s, each read under its own lock: their
// stats, their state counts (pool work is counted by its pool only), their live
// work and the head of each queue (appended to s.Tasks), and returns the rows
// of their history rings, newest first per pool, for the caller to append after
// the engine's own history.
func (e *Engine) poolsSnapshotLocked(s *model.Snapshot, now int64, preview, tail int) (finished []model.Task) {
	if len(e.pools.sorted) == 0 {
		return nil
	}
	s.Pools = make([]model.Pool, len(e.pools.sorted))
	for i, p := range e.pools.sorted {
		p.mu.Lock()
		s.Pools[i] = p.statsLocked(now)
		for st, n := range p.g.counts {
			s.Counts[st] += n
		}
		for _, t := range p.g.live {
			s.Tasks = append(s.Tasks, model.Task{})
			t.view(&s.Tasks[len(s.Tasks)-1], tail)
		}
		left := preview
		p.g.queue.each(func(t *task) bool {
			if left == 0 {
				return false
			}
			s.Tasks = append(s.Tasks, model.Task{})
			t.view(&s.Tasks[len(s.Tasks)-1], tail)
			left--
			return true
		})
		p.recent.newestFirst(func(t *task) {
			finished = append(finished, model.Task{})
			t.view(&finished[len(finished)-1], tail)
		})
		p.mu.Unlock()
	}
	return finished
}

// viewPool adds what pool work shows beyond a manager task: its type and parent.
func (j *poolJob) view(v *model.Task) {
	v.Type, v.Parent = j.typ, j.parentID
}
