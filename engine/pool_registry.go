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
	p := &Pool{e: e, id: id, state: model.PoolIdle, epoch: r.epoch, epochWall: r.epoch.UnixNano()}
	p.g = group{name: name, pool: p}
	p.cond.L = &e.mu
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
// (what snapshots show) or in the history ring. Pool work is not in e.tasks, so
// that submitting stays cheap; a user's command can afford the scan.
func (e *Engine) poolTaskLocked(id model.TaskID) *task {
	preview := e.cfg.queuePreview
	for _, p := range e.pools.sorted {
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
	}
	var found *task
	e.history.newestFirst(func(t *task) {
		if found == nil && t.pool != nil && t.id == id {
			found = t
		}
	})
	return found
}

// poolTaskCountLocked is how many task rows the pools add to a snapshot.
func (e *Engine) poolTaskCountLocked(preview int) int {
	n := 0
	for _, p := range e.pools.sorted {
		n += len(p.g.live) + min(p.g.queued, preview)
	}
	return n
}

// poolTasksLocked fills tasks from i with the pools' live work, then the head of
// each queue, and returns the next index.
func (e *Engine) poolTasksLocked(tasks []model.Task, i, preview, tail int) int {
	for _, p := range e.pools.sorted {
		for _, t := range p.g.live {
			t.view(&tasks[i], tail)
			i++
		}
	}
	for _, p := range e.pools.sorted {
		left := preview
		p.g.queue.each(func(t *task) bool {
			if left == 0 {
				return false
			}
			t.view(&tasks[i], tail)
			i++
			left--
			return true
		})
	}
	return i
}

// poolStatsLocked returns every pool as a snapshot shows it, sorted by name.
func (e *Engine) poolStatsLocked(now int64) []model.Pool {
	if len(e.pools.sorted) == 0 {
		return nil
	}
	out := make([]model.Pool, len(e.pools.sorted))
	for i, p := range e.pools.sorted {
		out[i] = p.statsLocked(now)
	}
	return out
}

// viewPool adds what pool work shows beyond a manager task: its type and parent.
func (j *poolJob) view(v *model.Task) {
	v.Type, v.Parent = j.typ, j.parentID
}
