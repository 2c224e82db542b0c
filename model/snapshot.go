package model

import "time"

// TaskID identifies one task for its whole life, across restarts. It is a short
// string such as "t1f"; model.Command.Target takes it.
type TaskID string

// LogLine is one line of a task's bounded log.
type LogLine struct {
	Time time.Time `json:"time"`
	Text string    `json:"text"`
}

// Task is one unit of work as a viewer sees it at the time of a snapshot.
type Task struct {
	ID   TaskID `json:"id"`
	Name string `json:"name"`
	// Origin names the engine the task runs on when one dashboard shows
	// several (fleet.go); empty for a single engine.
	Origin string `json:"origin,omitempty"`
	Group  string `json:"group"`            // the manager (or pool) that owns it
	Type   string `json:"type,omitempty"`   // the task type, for pool work
	Parent TaskID `json:"parent,omitempty"` // the task that started it, if any
	// From is where the work was submitted from when that is not this engine:
	// for a distributed pool's work, the engine that enqueued it ("host/pid").
	From  string `json:"from,omitempty"`
	Kind  Kind   `json:"kind"`
	State State  `json:"state"`
	// ReplicaOf names the replica set the task is a replica of (replicas.go); empty for other tasks.
	ReplicaOf string `json:"replica_of,omitempty"`

	Created time.Time `json:"created"`          // when it was appended
	Queued  time.Time `json:"queued,omitzero"`  // when a restart queued it again (zero: queued since Created)
	Started time.Time `json:"started,omitzero"` // when the current (or last) run began; zero while queued
	Ended   time.Time `json:"ended,omitzero"`   // when the last run returned; zero while queued
	Asked   time.Time `json:"asked,omitzero"`   // when a pending pause/halt/kill was asked

	Done     int64 `json:"done,omitempty"`  // progress: units done
	Total    int64 `json:"total,omitempty"` // progress: units in all (0 = unknown)
	Restarts int   `json:"restarts,omitempty"`

	// Process tasks only: the child's pid while it runs, how its last run ended
	// (exit code, or the signal that ended it), and its resources sampled about
	// once a second (CPU as a percentage of one core, resident memory in bytes).
	PID      int     `json:"pid,omitempty"`
	ExitCode *int    `json:"exit_code,omitempty"`
	Signal   string  `json:"signal,omitempty"`
	CPU      float64 `json:"cpu,omitempty"`
	RSS      int64   `json:"rss,omitempty"`
	Command  string  `json:"command,omitempty"` // the argv, quoted for display
	// Retry is when a task in backoff will be restarted.
	Retry time.Time `json:"retry,omitzero"`

	// Orchestration (orchestration.go): health from the readiness probe, what
	// a waiting or blocked task waits for (Reason), its dependencies and probes.
	Health Health        `json:"health,omitempty"`
	Reason string        `json:"reason,omitempty"` // waiting: "waiting for db (healthy)"; blocked: why it never will
	Deps   []Dependency  `json:"deps,omitempty"`
	Probes []ProbeStatus `json:"probes,omitempty"`

	Error string    `json:"error,omitempty"` // the last run's error, if any (none while queued again)
	Stack string    `json:"stack,omitempty"` // the stack of a recovered panic
	Log   []LogLine `json:"log,omitempty"`   // the tail of the task's log, oldest first
}

// Progress returns done/total in [0, 1], or -1 when the task reported no total.
func (t *Task) Progress() float64 {
	if t.Total <= 0 {
		return -1
	}
	p := float64(t.Done) / float64(t.Total)
	return min(max(p, 0), 1)
}

// Manager is one engine.Manager: a limit and a queue of requested work.
type Manager struct {
	Name     string `json:"name"`
	Origin   string `json:"origin,omitempty"` // the engine it belongs to, in a fleet
	Limit    int    `json:"limit"`
	Watching bool   `json:"watching"`
	Running  int    `json:"running"`          // tasks holding a slot (running, pausing, paused, halting)
	Queued   int    `json:"queued"`           // the whole queue; Snapshot.Tasks holds only its head
	Serial   bool   `json:"serial,omitempty"` // an engine.Serial: one call at a time, in order, results handed back

	Counts StateCounts `json:"counts"` // every task the manager has had, by current state
}

// Event is one thing that happened, for the Events view and the status bar.
type Event struct {
	Time   time.Time `json:"time"`
	Origin string    `json:"origin,omitempty"` // the engine it happened on, in a fleet
	Level  Level     `json:"level"`
	Task   TaskID    `json:"task,omitempty"`
	Group  string    `json:"group,omitempty"`
	Text   string    `json:"text"`
}

// Level grades an Event.
type Level string

// Event levels.
const (
	LevelInfo  Level = "info"
	LevelWarn  Level = "warn"
	LevelError Level = "error"
)

// Snapshot is an immutable picture of an engine. Its size depends on the running
// work, the limits and the configured previews, never on the backlog: a long queue
// is a count (Manager.Queued) plus its first entries, finished work is a bounded
// ring of recent runs plus the counters in Counts.
//
// Slices in a Snapshot are shared with later snapshots and must not be modified.
type Snapshot struct {
	Seq    uint64    `json:"seq"`    // increases with every published snapshot
	Time   time.Time `json:"time"`   // when it was taken; ages are measured against it
	Source string    `json:"source"` // what the engine runs: "demo", a file name, a service
	// NotEngine: the source is a Go service's /debug/pprof/, not a spindle
	// engine; it has goroutines to show and nothing else.
	NotEngine bool `json:"not_engine,omitempty"`

	// SourceError is the current problem with the source, e.g. the task file's
	// last save did not validate (file:line:col: message); empty when all is well.
	SourceError string `json:"source_error,omitempty"`

	Counts StateCounts `json:"counts"` // every task known, by state
	Leaked int         `json:"leaked"` // goroutines abandoned and still not returned

	Tasks    []Task    `json:"tasks"`    // live work, the head of every queue, recent finished runs
	Managers []Manager `json:"managers"` // sorted by name
	Pools    []Pool    `json:"pools"`    // sorted by name
	// Replicas are the replica sets, sorted by name (shown with the pools).
	Replicas []ReplicaSet `json:"replicas,omitempty"`
	Pollers  []Poller     `json:"pollers"` // sorted by name
	Events   []Event      `json:"events"`  // recent events, newest first

	// Origins are the engines a fleet snapshot merges (fleet.go), sorted by
	// name; nil for a single engine.
	Origins []Origin `json:"origins,omitempty"`
}
