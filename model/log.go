package model

import "time"

// LogStream says where a line of a task's log came from.
type LogStream string

// The streams of a log line.
const (
	StreamStdout  LogStream = "stdout"  // a child's standard output
	StreamStderr  LogStream = "stderr"  // a child's standard error
	StreamLog     LogStream = "log"     // engine.Logf, a poller's values and errors
	StreamSpindle LogStream = "spindle" // spindle's lifecycle lines for the task
	StreamProbe   LogStream = "probe"   // a probe's failures
)

// LogEntry is one line of the log store.
type LogEntry struct {
	Seq    uint64    `json:"seq"` // one sequence across every task, increasing by one per line
	Time   time.Time `json:"time"`
	Task   TaskID    `json:"task"`             // a task's id, or "poller:" and a poller's name
	Origin string    `json:"origin,omitempty"` // the engine that logged it, in a fleet
	Name   string    `json:"name"`             // the task's name
	Stream LogStream `json:"stream"`
	Text   string    `json:"text"` // as the task wrote it, control sequences and all: clean it before showing it
}

// LogQuery selects lines of the log store. Its zero value reads every line
// held, from the oldest.
type LogQuery struct {
	Tasks   []TaskID    `json:"tasks,omitempty"`   // none: every task
	Streams []LogStream `json:"streams,omitempty"` // none: every stream
	// Where to start, the first that is set: the line after sequence number
	// Since (resume where the last batch's Next left off: Since is Next-1), the
	// last Tail lines, the lines at or after SinceTime; else the oldest held.
	Since     uint64    `json:"since_seq,omitempty"`
	Tail      int       `json:"tail,omitempty"`
	SinceTime time.Time `json:"since_time,omitzero"`
	Limit     int       `json:"limit,omitempty"` // lines per batch; 0: 1000
}

// LogBatch is what one read of the log store returns.
type LogBatch struct {
	Lines []LogEntry `json:"lines"`
	// Gap counts the lines selected that were evicted (by the store's bounds)
	// before they could be read: they were before Lines.
	Gap uint64 `json:"gap,omitempty"`
	// Next is the sequence number to go on from: set Since to Next-1.
	Next uint64 `json:"next"`
}
