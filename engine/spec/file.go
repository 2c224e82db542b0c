package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// The defaults applied to what a task file leaves out (see the package doc).
const (
	DefaultRefresh       = 100 * time.Millisecond
	DefaultLimit         = 1
	DefaultMaxWorkers    = 1
	DefaultConcurrency   = 1
	DefaultBackoffInit   = 500 * time.Millisecond
	DefaultBackoffMax    = 30 * time.Second
	DefaultMaxRestarts   = 5
	DefaultRestartWindow = 60 * time.Second
	DefaultStopSignal    = syscall.SIGTERM
	DefaultStopGrace     = 5 * time.Second

	// MaxCount bounds limits, worker counts and concurrency: a typo such as
	// 10000000 should be an error, not ten million goroutines.
	MaxCount = 1 << 16
)

// Pos is a position in the task file, 1-based.
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// String renders p as "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// RestartPolicy says when a process that ended is started again.
type RestartPolicy string

// The restart policies a task file accepts.
const (
	RestartNever     RestartPolicy = "never"      // the default
	RestartOnFailure RestartPolicy = "on-failure" // only after a non-zero exit or a signal
	RestartAlways    RestartPolicy = "always"     // after any exit, until halted
)

// RestartPolicies lists every RestartPolicy, for validation, hints and the schema.
func RestartPolicies() []RestartPolicy {
	return []RestartPolicy{RestartNever, RestartOnFailure, RestartAlways}
}

// Backoff is the exponential delay between restarts: Initial, doubling up to Max.
type Backoff struct {
	Initial time.Duration `json:"initial"`
	Max     time.Duration `json:"max"`
}

// File is a parsed, valid task file. Slices keep the file's order.
type File struct {
	Path     string        `json:"path"`    // as given to Parse or Load
	Dir      string        `json:"dir"`     // the absolute directory relative dirs are resolved against
	Refresh  time.Duration `json:"refresh"` // the snapshot interval
	Managers []Manager     `json:"managers"`
	Pools    []Pool        `json:"pools"`
	Pollers  []Poller      `json:"pollers"`
	Logs     Logs          `json:"logs,omitzero"` // log files (logs.go)
	// Fleet lists the served engines `spindle attach` opens together when it
	// is given no address (fleet.go), as written.
	Fleet []string `json:"fleet,omitempty"`

	// Format is what the file was read as: FormatSpindle, FormatProcessCompose
	// or FormatProcfile (detected from the content).
	Format Format `json:"format,omitempty"`

	// EmptyOnPurpose is set when the file writes managers: {}, pools: {} or
	// pollers: {} (an empty mapping, not a bare key). A file that declares
	// nothing looks the same as a save caught half-written, so a reload
	// applies one, stopping everything, only when it says so this way.
	EmptyOnPurpose bool `json:"empty_on_purpose,omitempty"`

	// ReadWarnings is what reading the file noticed and did not refuse: a
	// process-compose field spindle does not support, an undefined variable
	// there. Warnings includes them.
	ReadWarnings ErrorList `json:"read_warnings,omitempty"`
}

// Empty reports whether f declares no managers, pools or pollers.
func (f *File) Empty() bool { return len(f.Managers)+len(f.Pools)+len(f.Pollers) == 0 }

// Manager is a limit and a queue of tasks (engine.Manager).
type Manager struct {
	Name  string `json:"name"`
	Limit int    `json:"limit"`
	Watch bool   `json:"watch"` // keep starting queued work as slots free
	Tasks []Task `json:"tasks"`
	Pos   Pos    `json:"pos"`
}

// Pool is a namespace of workers with task-type protection (engine.Pool).
type Pool struct {
	Name       string `json:"name"`
	MaxWorkers int    `json:"max_workers"`
	TaskType   string `json:"task_type"`
	Daemon     bool   `json:"daemon"` // halted on close instead of drained
	// Backend makes the pool distributed (backend.go); nil: its queue is the
	// engine's memory.
	Backend *PoolBackend `json:"backend,omitempty"`
	Tasks   []Task       `json:"tasks"`
	Pos     Pos          `json:"pos"`
}

// Task is one command to supervise, in a manager or a pool.
type Task struct {
	Name    string            `json:"name"`
	Command []string          `json:"command"`           // argv; never run through a shell
	Dir     string            `json:"dir"`               // resolved: absolute, or relative to the file's directory
	DirRaw  string            `json:"dir_raw,omitempty"` // as written, for messages; empty when not given
	Env     map[string]string `json:"env,omitempty"`     // added to spindle's environment
	Type    string            `json:"type,omitempty"`    // the task type; pool tasks only

	Restart       RestartPolicy  `json:"restart"`
	Backoff       Backoff        `json:"backoff"`
	MaxRestarts   int            `json:"max_restarts"`   // within RestartWindow, then fatal
	RestartWindow time.Duration  `json:"restart_window"` // the window MaxRestarts counts over
	StopSignal    syscall.Signal `json:"stop_signal"`    // sent on halt
	StopGrace     time.Duration  `json:"stop_grace"`     // then SIGKILL

	// Orchestration (see orchestration.go).
	DependsOn        []Dependency `json:"depends_on,omitempty"`         // started only once each holds
	Readiness        *Probe       `json:"readiness,omitempty"`          // drives the healthy condition
	Liveness         *Probe       `json:"liveness,omitempty"`           // failing restarts it under Restart
	ReadyLogLine     string       `json:"ready_log_line,omitempty"`     // a regexp; drives the log_ready condition
	SuccessExitCodes []int        `json:"success_exit_codes,omitempty"` // exits that count as success; empty: 0 only
	Shutdown         *Shutdown    `json:"shutdown,omitempty"`           // run before the stop signal
	Disabled         bool         `json:"disabled,omitempty"`           // declared, not started until asked
	Replicas         int          `json:"replicas,omitempty"`           // copies named NAME-1..N; 0 or 1: one, named NAME
	EnvFiles         []string     `json:"env_files,omitempty"`          // dotenv files read into Env (resolved paths), for display

	// A cron schedule (schedule.go): manager tasks only.
	Schedule    string               `json:"schedule,omitempty"` // as written; empty: run once, when queued
	Timezone    string               `json:"timezone,omitempty"` // its IANA zone; empty: spindle's
	SchedulePos Pos                  `json:"-"`                  // where the expression's text starts
	Cron        *engine.CronSchedule `json:"-"`                  // Schedule parsed

	Pos Pos `json:"pos"`
}

// Environ returns Env as sorted "KEY=value" strings, ready to append to os.Environ().
func (t *Task) Environ() []string { return environ(t.Env) }

func taskEnv(t *Task) map[string]string     { return t.Env }
func pollerEnv(p *Poller) map[string]string { return p.Env }

// Poller is a command run periodically, with timing diagnostics (engine.Poller).
// The trimmed last line of its stdout is its value.
type Poller struct {
	Name        string            `json:"name"`
	Period      time.Duration     `json:"period"`
	MinWait     time.Duration     `json:"min_wait"` // the least pause between runs
	Timeout     time.Duration     `json:"timeout"`  // 0: none
	Concurrency int               `json:"concurrency"`
	Command     []string          `json:"command"`
	Dir         string            `json:"dir"`
	DirRaw      string            `json:"dir_raw,omitempty"`
	Env         map[string]string `json:"env,omitempty"`
	Pos         Pos               `json:"pos"`

	// A cron schedule instead of Period (schedule.go).
	Schedule    string               `json:"schedule,omitempty"`
	Timezone    string               `json:"timezone,omitempty"`
	SchedulePos Pos                  `json:"-"`
	Cron        *engine.CronSchedule `json:"-"`
}

// Environ returns Env as sorted "KEY=value" strings, ready to append to os.Environ().
func (p *Poller) Environ() []string { return environ(p.Env) }

func environ(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// Summary describes f in one line, for `spindle validate`:
// "ok: 2 managers (5 tasks), 1 pool (1 task), 3 pollers".
func (f *File) Summary() string {
	mt, pt := 0, 0
	for i := range f.Managers {
		mt += len(f.Managers[i].Tasks)
	}
	for i := range f.Pools {
		pt += len(f.Pools[i].Tasks)
	}
	parts := []string{
		fmt.Sprintf("%s (%s)", plural(len(f.Managers), "manager"), plural(mt, "task")),
		fmt.Sprintf("%s (%s)", plural(len(f.Pools), "pool"), plural(pt, "task")),
		plural(len(f.Pollers), "poller"),
	}
	return "ok: " + strings.Join(parts, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
