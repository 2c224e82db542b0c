package model

import (
	"slices"
	"strings"
	"time"
)

// OriginSep joins an origin and a name in a fleet snapshot: the task "t1f" of
// the engine "api" is "api/t1f" there, its manager "crawl" is "api/crawl", so
// the ids and names of different engines never collide, and a command naming
// one says which engine it goes to.
const OriginSep = "/"

// Qualify returns name as a fleet snapshot spells it for origin: "api/t1f".
// An empty origin leaves name as it is.
func Qualify(origin, name string) string {
	if origin == "" || name == "" {
		return name
	}
	return origin + OriginSep + name
}

// SplitOrigin splits a qualified name into its origin and the name the engine
// knows: "api/t1f" is ("api", "t1f"); ok is false when there is no origin.
func SplitOrigin(qualified string) (origin, name string, ok bool) {
	return strings.Cut(qualified, OriginSep)
}

// Unqualify returns name without the origin prefix it carries in a fleet
// snapshot, for display next to an ORIGIN column: ("api/t1f", "api") is "t1f".
func Unqualify(name, origin string) string {
	if origin == "" {
		return name
	}
	if rest, ok := strings.CutPrefix(name, origin+OriginSep); ok {
		return rest
	}
	return name
}

// Origin is one engine of a fleet snapshot and the state of its connection.
type Origin struct {
	Name   string `json:"name"`             // short and distinct: the ORIGIN column's text
	Addr   string `json:"addr"`             // the address it is reached at
	Source string `json:"source,omitempty"` // what the engine runs, as its snapshot says
	// Stale: the connection is lost; its rows are the last it sent, kept
	// until it comes back. Error says why and when it is tried again.
	Stale bool   `json:"stale,omitempty"`
	Error string `json:"error,omitempty"`
	// Seen is the time of the last snapshot it sent (zero: none yet).
	Seen time.Time `json:"seen,omitzero"`
}

// QualifyID returns a task id (or a log's "poller:NAME") as the fleet spells
// it for origin: "api/t1f", "poller:api/disk".
func QualifyID(origin string, id TaskID) TaskID {
	if rest, ok := strings.CutPrefix(string(id), pollerLogPrefix); ok {
		return TaskID(pollerLogPrefix + Qualify(origin, rest))
	}
	return TaskID(Qualify(origin, string(id)))
}

// SplitID is QualifyID undone: the origin and the engine's own id.
func SplitID(id TaskID) (origin string, own TaskID, ok bool) {
	if rest, isPoller := strings.CutPrefix(string(id), pollerLogPrefix); isPoller {
		o, name, ok := SplitOrigin(rest)
		return o, TaskID(pollerLogPrefix + name), ok
	}
	o, name, ok := SplitOrigin(string(id))
	return o, TaskID(name), ok
}

// pollerLogPrefix starts the log "task" of a poller's runs.
const pollerLogPrefix = "poller:"

// QualifySnapshot returns s with every id and name qualified by origin and every row
// marked with it, so snapshots of several engines merge without collisions.
// s's slices are shared with other snapshots: it copies what it changes.
func QualifySnapshot(s Snapshot, origin string) Snapshot {
	q := NewQualifier(origin)
	s.Tasks = q.AppendTasks(nil, s.Tasks)
	s.Managers = q.AppendManagers(nil, s.Managers)
	s.Pools = q.AppendPools(nil, s.Pools)
	s.Replicas = q.AppendReplicas(nil, s.Replicas)
	s.Pollers = q.AppendPollers(nil, s.Pollers)
	s.Events = q.AppendEvents(nil, s.Events)
	return s
}

// Qualifier qualifies the rows of one origin's snapshots. It keeps the
// qualified spelling of every name it made ("t1f" → "api/t1f") for the next
// snapshot, whose tasks are mostly the same: a fleet re-qualifies each
// engine's rows for every merged frame without making their strings again.
// It is not safe for concurrent use.
type Qualifier struct {
	origin string
	names  map[string]string // name → origin/name, of this snapshot and the last
	last   map[string]string // the previous snapshot's, moved here on Reset
}

// NewQualifier returns a qualifier for origin.
func NewQualifier(origin string) *Qualifier {
	return &Qualifier{origin: origin, names: map[string]string{}}
}

// Reset starts a new snapshot: names the last two did not use are forgotten,
// so the cache is bounded by what two snapshots hold.
func (q *Qualifier) Reset() {
	q.last, q.names = q.names, q.last
	if q.names == nil {
		q.names = make(map[string]string, len(q.last))
	}
	clear(q.names)
}

// name returns name qualified, from the cache when it can.
func (q *Qualifier) name(name string) string {
	if name == "" {
		return ""
	}
	if v, ok := q.names[name]; ok {
		return v
	}
	v, ok := q.last[name]
	if !ok {
		v = Qualify(q.origin, name)
	}
	q.names[name] = v
	return v
}

// id returns a task id qualified (QualifyID), from the cache when it can.
func (q *Qualifier) id(id TaskID) TaskID {
	if rest, ok := strings.CutPrefix(string(id), pollerLogPrefix); ok {
		return TaskID(pollerLogPrefix + q.name(rest))
	}
	return TaskID(q.name(string(id)))
}

// AppendTasks appends src's tasks, qualified, to dst.
func (q *Qualifier) AppendTasks(dst, src []Task) []Task {
	dst = slices.Grow(dst, len(src))
	for _, t := range src {
		t.Origin, t.ID, t.Parent, t.Group, t.ReplicaOf = q.origin, q.id(t.ID), q.id(t.Parent), q.name(t.Group), q.name(t.ReplicaOf)
		if len(t.Deps) > 0 {
			deps := slices.Clone(t.Deps)
			for j := range deps {
				deps[j].ID, deps[j].Group = q.id(deps[j].ID), q.name(deps[j].Group)
			}
			t.Deps = deps
		}
		dst = append(dst, t)
	}
	return dst
}

// AppendManagers appends src's managers, qualified, to dst.
func (q *Qualifier) AppendManagers(dst, src []Manager) []Manager {
	return appendQualified(dst, src, func(m *Manager) { m.Origin, m.Name = q.origin, q.name(m.Name) })
}

// AppendPools appends src's pools, qualified, to dst.
func (q *Qualifier) AppendPools(dst, src []Pool) []Pool {
	return appendQualified(dst, src, func(p *Pool) { p.Origin, p.Name, p.Owner = q.origin, q.name(p.Name), q.id(p.Owner) })
}

// AppendReplicas appends src's replica sets, qualified, to dst.
func (q *Qualifier) AppendReplicas(dst, src []ReplicaSet) []ReplicaSet {
	return appendQualified(dst, src, func(r *ReplicaSet) {
		r.Origin, r.Name, r.Manager, r.Target = q.origin, q.name(r.Name), q.name(r.Manager), q.id(r.Target)
	})
}

// AppendPollers appends src's pollers, qualified, to dst.
func (q *Qualifier) AppendPollers(dst, src []Poller) []Poller {
	return appendQualified(dst, src, func(p *Poller) { p.Origin, p.Name, p.Group = q.origin, q.name(p.Name), q.name(p.Group) })
}

// AppendEvents appends src's events, qualified, to dst.
func (q *Qualifier) AppendEvents(dst, src []Event) []Event {
	return appendQualified(dst, src, func(e *Event) { e.Origin, e.Task, e.Group = q.origin, q.id(e.Task), q.name(e.Group) })
}

// appendQualified appends src to dst with mark applied to each (nil for none).
func appendQualified[T any](dst, src []T, mark func(*T)) []T {
	if len(src) == 0 {
		return dst
	}
	n := len(dst)
	dst = append(dst, src...)
	for i := n; i < len(dst); i++ {
		mark(&dst[i])
	}
	return dst
}
