package spec

import "time"

// This file declares what a task file says about how its tasks depend on each
// other, how their health is probed and how they shut down. Parsing fills these
// fields (from spindle.yaml, a process-compose file or a Procfile); the applier
// turns them into the engine's dependencies, probes and shutdown steps.

// Condition is what a dependency must reach before its dependent starts.
type Condition string

// The conditions depends_on accepts (process-compose's process_* names map to these).
const (
	ConditionStarted               Condition = "started"                // its run has started
	ConditionHealthy               Condition = "healthy"                // its readiness probe passes
	ConditionCompleted             Condition = "completed"              // it ended, however
	ConditionCompletedSuccessfully Condition = "completed_successfully" // it ended with a success exit code
	ConditionLogReady              Condition = "log_ready"              // a line of its output matched its ready_log_line
)

// Conditions lists every Condition, for validation, hints and the schema.
func Conditions() []Condition {
	return []Condition{ConditionStarted, ConditionHealthy, ConditionCompleted,
		ConditionCompletedSuccessfully, ConditionLogReady}
}

// Dependency is one entry of a task's depends_on: the task it waits for and
// what that task must reach. Validate resolves Name to the manager or pool that
// holds it (Owner), so the applier never guesses between two tasks of one name.
type Dependency struct {
	Name      string    `json:"name"`      // the task depended on, as written
	Owner     string    `json:"owner"`     // the manager or pool holding it (resolved)
	Condition Condition `json:"condition"` // default: started
	Pos       Pos       `json:"pos"`
}

// Probe checks a task's health periodically: readiness says whether it is ready
// (the healthy condition), liveness whether it must be restarted. Exactly one of
// Exec, HTTPGet and TCP is set.
type Probe struct {
	Exec    []string   `json:"exec,omitempty"` // argv; exit 0 passes
	HTTPGet *HTTPProbe `json:"http_get,omitempty"`
	TCP     *TCPProbe  `json:"tcp,omitempty"`

	InitialDelay     time.Duration `json:"initial_delay"`     // after the run starts, before the first check
	Period           time.Duration `json:"period"`            // between checks
	Timeout          time.Duration `json:"timeout"`           // one check's limit
	SuccessThreshold int           `json:"success_threshold"` // passes in a row that make it pass
	FailureThreshold int           `json:"failure_threshold"` // failures in a row that make it fail

	Pos Pos `json:"pos"`
}

// HTTPProbe passes when a GET answers with Status (default: any 2xx or 3xx when 0).
type HTTPProbe struct {
	Scheme string `json:"scheme"` // http (default) or https
	Host   string `json:"host"`   // default 127.0.0.1
	Port   int    `json:"port"`
	Path   string `json:"path"` // default /
	Status int    `json:"status,omitempty"`
}

// TCPProbe passes when a TCP connection to Host:Port opens.
type TCPProbe struct {
	Host string `json:"host"` // default 127.0.0.1
	Port int    `json:"port"`
}

// Shutdown is what stopping a task runs before its stop signal: a command, with
// a limit on how long it may take. The signal and the grace after it are the
// task's StopSignal and StopGrace.
type Shutdown struct {
	Command []string      `json:"command,omitempty"` // argv, run in the task's dir and env
	Timeout time.Duration `json:"timeout"`           // the command's limit; then the stop signal is sent anyway
	Pos     Pos           `json:"pos"`
}

// Format is the kind of file a task file was read as.
type Format string

// The formats a task file is read in, detected from its content.
const (
	FormatSpindle        Format = "spindle"         // spindle.yaml
	FormatProcessCompose Format = "process-compose" // a process-compose file, read as it is
	FormatProcfile       Format = "procfile"        // foreman/overmind: "name: command" lines
)

// Article names the format in prose: "a spindle file", "a process-compose
// file", "a Procfile".
func (f Format) Article() string {
	switch f {
	case FormatProcessCompose:
		return "a process-compose file"
	case FormatProcfile:
		return "a Procfile"
	}
	return "a spindle file"
}
