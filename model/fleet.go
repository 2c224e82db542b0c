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
	q := func(name string) string { return Qualify(origin, name) }
	id := func(t TaskID) TaskID { return QualifyID(origin, t) }

	tasks := make([]Task, len(s.Tasks))
	for i, t := range s.Tasks {
		t.Origin, t.ID, t.Parent, t.Group, t.ReplicaOf = origin, id(t.ID), id(t.Parent), q(t.Group), q(t.ReplicaOf)
		if len(t.Deps) > 0 {
			deps := slices.Clone(t.Deps)
			for j := range deps {
				deps[j].ID, deps[j].Group = id(deps[j].ID), q(deps[j].Group)
			}
			t.Deps = deps
		}
		tasks[i] = t
	}
	s.Tasks = tasks
	s.Managers = qualifyRows(s.Managers, func(m *Manager) { m.Origin, m.Name = origin, q(m.Name) })
	s.Pools = qualifyRows(s.Pools, func(p *Pool) { p.Origin, p.Name, p.Owner = origin, q(p.Name), id(p.Owner) })
	s.Replicas = qualifyRows(s.Replicas, func(r *ReplicaSet) {
		r.Origin, r.Name, r.Manager, r.Target = origin, q(r.Name), q(r.Manager), id(r.Target)
	})
	s.Pollers = qualifyRows(s.Pollers, func(p *Poller) { p.Origin, p.Name, p.Group = origin, q(p.Name), q(p.Group) })
	s.Events = qualifyRows(s.Events, func(e *Event) { e.Origin, e.Task, e.Group = origin, id(e.Task), q(e.Group) })
	return s
}

// qualifyRows returns a copy of rows with mark applied to each.
func qualifyRows[T any](rows []T, mark func(*T)) []T {
	if len(rows) == 0 {
		return nil
	}
	out := slices.Clone(rows)
	for i := range out {
		mark(&out[i])
	}
	return out
}
