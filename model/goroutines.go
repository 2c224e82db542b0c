package model

import "time"

// Goroutines is a sample of a process's goroutines grouped by identical stack
// and owner: what Engine.Goroutines and GET /v1/goroutines return, and what a
// Go service's /debug/pprof/goroutine profiles read as. It is taken on demand
// (only while someone looks) and kept apart from Snapshot, which stays small.
type Goroutines struct {
	Time     time.Time     `json:"time"`
	Took     time.Duration `json:"took"`     // what taking it cost (the world stops for part of it)
	Interval time.Duration `json:"interval"` // the next sample comes no sooner than this after Time
	Total    int           `json:"total"`    // goroutines in all
	Labelled bool          `json:"labelled"` // pprof labels were read (tasks can be told)
	// StatesAt is when the groups' State, Wait and CreatedBy were read (the
	// last full dump, which stops the world, taken more rarely than counts);
	// Time itself when this sample took one, zero when not known. A group
	// the dump did not see has none of them.
	StatesAt time.Time `json:"states_at,omitzero"`

	Groups []GoroutineGroup `json:"groups"` // largest first
	// ByTask counts each task's goroutines (Workers' GOROUTINES column).
	ByTask map[TaskID]int `json:"by_task,omitempty"`
	// Stale names, in a fleet's sample, the engines that did not answer this
	// time: their groups, if any, are those of the last sample each gave.
	Stale []StaleSample `json:"stale,omitempty"`
}

// StaleSample is an engine of a fleet missing from a fresh goroutine sample.
type StaleSample struct {
	Origin string    `json:"origin"`
	Error  string    `json:"error"`         // why it did not answer
	Time   time.Time `json:"time,omitzero"` // when its groups shown were sampled; zero: it never answered, none are
}

// GoroutineGroup is goroutines with the same stack and the same owner.
type GoroutineGroup struct {
	Key    string        `json:"key"`              // the same group in the next sample has the same key
	Origin string        `json:"origin,omitempty"` // the engine whose goroutines they are, in a fleet
	Count  int           `json:"count"`
	State  string        `json:"state"` // chan receive, select, IO wait, semacquire, sleep, running ...
	Wait   time.Duration `json:"wait"`  // the longest any of them has waited in this state, as far as seen

	// The owner: the task whose run started them (directly or through other
	// goroutines), or a pool or poller (Group with no Task); both empty when
	// they belong to no spindle work ("not a task").
	Task     TaskID `json:"task,omitempty"`
	TaskName string `json:"task_name,omitempty"`
	Group    string `json:"group,omitempty"`
	Labels   string `json:"labels,omitempty"` // other pprof labels, k=v, for a service's own

	Func      string  `json:"func"`       // where they are: the innermost function of the program's own code
	Where     string  `json:"where"`      // its file:line, the line of the call that blocks
	CreatedBy string  `json:"created_by"` // function and file:line that started the first of them
	Stack     []Frame `json:"stack"`      // innermost first

	History []int `json:"history,omitempty"` // the count in recent samples, oldest first
	Growing bool  `json:"growing,omitempty"` // it rose and never fell over those samples: a likely leak
}

// Frame is one call of a stack.
type Frame struct {
	Func string `json:"func"`
	File string `json:"file"`
	Line int    `json:"line"`
}

// Owned returns the groups of task id.
func (g *Goroutines) Owned(id TaskID) []GoroutineGroup {
	var out []GoroutineGroup
	for _, gr := range g.Groups {
		if gr.Task == id {
			out = append(out, gr)
		}
	}
	return out
}
