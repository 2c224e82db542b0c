package engine

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/spindle-tui/spindle/model"
)

// Condition is what a dependency must reach before its dependent starts (see
// DependsOn).
type Condition uint8

// The conditions a dependency can wait for.
const (
	// Started holds once the dependency's run has started.
	Started Condition = iota
	// Healthy holds while its readiness probe passes; a task without one is
	// healthy once started (as a Kubernetes pod without a readiness probe is ready).
	Healthy
	// Completed holds once it ended by itself, however: done, failed or fatal.
	Completed
	// CompletedSuccessfully holds once it ended with success (done: a nil
	// error, or for a process an exit code counted as success).
	CompletedSuccessfully
	// LogReady holds once a line of its output matched its ReadyLogLine.
	LogReady
)

var conditionNames = [...]string{"started", "healthy", "completed", "completed_successfully", "log_ready"}

// String returns the condition's name as a task file writes it ("healthy").
func (c Condition) String() string {
	if int(c) < len(conditionNames) {
		return conditionNames[c]
	}
	return fmt.Sprintf("condition(%d)", uint8(c))
}

// ParseCondition returns the condition named s ("started", "healthy",
// "completed", "completed_successfully", "log_ready"), or an error wrapping
// ErrBadCondition.
func ParseCondition(s string) (Condition, error) {
	for i, n := range conditionNames {
		if n == s {
			return Condition(i), nil
		}
	}
	return 0, fmt.Errorf("%w %q (want started, healthy, completed, completed_successfully or log_ready)", ErrBadCondition, s)
}

// Errors of dependencies. A *DependencyError matches ErrUnknownDependency or
// ErrDependencyCycle with errors.Is.
var (
	// ErrUnknownDependency: a dependency names a task the engine does not
	// know, or one it cannot wait for (pool work, which has no fixed record).
	ErrUnknownDependency = errors.New("engine: unknown dependency")
	// ErrDependencyCycle: the dependencies would make a task wait for itself.
	ErrDependencyCycle = errors.New("engine: dependency cycle")
	// ErrBadCondition is matched by ParseCondition's error and by DependsOn
	// given a Condition that is none of the conditions.
	ErrBadCondition = errors.New("engine: unknown condition")
)

// DependencyError is a dependency that cannot be made: Task (by name, when it
// has one yet) depends on Dep, which is unknown, or which would close a cycle
// (Cycle lists it: a → b → a).
type DependencyError struct {
	Task  string
	Dep   model.TaskID
	Cycle []string
	Err   error // ErrUnknownDependency, ErrDependencyCycle or ErrBadCondition
}

// Error reads like `engine: task "api": dependency cycle: api → db → api`.
func (e *DependencyError) Error() string {
	msg := "engine: task " + fmt.Sprintf("%q", e.Task) + ": "
	switch {
	case len(e.Cycle) > 0:
		msg += "dependency cycle: " + joinArrow(e.Cycle)
	case errors.Is(e.Err, ErrBadCondition):
		msg += e.Err.Error()
	default:
		msg += fmt.Sprintf("depends on %q, which is no manager task", e.Dep)
	}
	return msg
}

// Unwrap returns the sentinel.
func (e *DependencyError) Unwrap() error { return e.Err }

func joinArrow(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += " → "
		}
		s += n
	}
	return s
}

// TaskOption configures a task in Manager.Append and Manager.AppendProcess:
// what it depends on, its probes, its ready log line, whether it is disabled.
type TaskOption func(*taskOptions)

// taskOptions is what the TaskOptions of one Append set.
type taskOptions struct {
	deps      []depSpec
	readiness *Probe
	liveness  *Probe
	readyLine *regexp.Regexp
	disabled  bool
	restart   *RestartSpec // WithRestart (restart_spec.go)

	// Replica sets (replicas.go): the set a replica is made for, and its
	// index; the sets depended on (expanded into deps once, under Engine.mu).
	replica      *ReplicaSet
	replicaIndex int
	setDeps      []setDep
	expanded     bool
}

type depSpec struct {
	id   model.TaskID
	cond Condition
}

// DependsOn makes the task wait until the manager task id reaches cond: it
// stays waiting (holding no slot and not in its manager's queue) until every
// dependency holds, then joins the back of its manager's queue. A dependency
// that can never hold (it failed, was halted, killed, disabled or removed)
// makes it blocked instead, with the reason; it goes back to waiting when that
// dependency is restarted. Append returns a *DependencyError (ErrUnknownDependency)
// for an id that is no manager task.
func DependsOn(id model.TaskID, cond Condition) TaskOption {
	return func(o *taskOptions) { o.deps = append(o.deps, depSpec{id: id, cond: cond}) }
}

// ReadyLogLine makes the task log_ready (see LogReady) once a line of its
// output (a process's stdout or stderr, a goroutine's Logf) matches re.
func ReadyLogLine(re *regexp.Regexp) TaskOption {
	return func(o *taskOptions) { o.readyLine = re }
}

// Disabled declares the task without starting it: it shows as disabled until
// it is restarted (OpRestart), which starts it as if just appended.
func Disabled() TaskOption {
	return func(o *taskOptions) { o.disabled = true }
}

// orchestration is what a task adds when it has dependencies, dependents,
// probes or a ready line. Plain tasks have none (task.orch is nil), so a
// queued task stays small. Guarded by Engine.mu.
type orchestration struct {
	deps       []dep
	dependents []*task
	readyLine  *regexp.Regexp
	probes     *probeSet // nil without probes (probe.go)
	next       *process  // RedefineProcess's definition for the next run (redefine.go)
	// Replica sets (replicas.go, replicas_members.go): the set t is a
	// replica of, its index there and whether a scale-down took it out
	// (leaving: halted, then forgotten); the sets t depends on every member of.
	replica      *ReplicaSet
	replicaIndex int
	leaving      bool
	setDeps      []setDep

	// What the current life has reached (reset when it is queued again).
	started  bool
	logReady bool
	removed  bool   // Remove took it away: what depends on it is blocked
	held     bool   // listed in Engine.held: waiting, blocked or disabled
	reason   string // why it is waiting or blocked
	// haltAfter is set by an ordered halt: halt it once its live dependents
	// have returned (shutdown.go).
	haltAfter bool
}

type dep struct {
	t    *task
	cond Condition
}

// orchOf returns t's orchestration, made if it has none.
func orchOf(t *task) *orchestration {
	if t.orch == nil {
		t.orch = &orchestration{started: t.run != nil && !t.state.Pending()}
	}
	return t.orch
}

// ready reports whether t's readiness holds now: its probe passes, or, with
// none, it is live.
func (t *task) ready() bool {
	if o := t.orch; o != nil && o.probes != nil && o.probes.readiness != nil {
		return o.probes.readiness.passing && t.state.Live()
	}
	return t.state.Live()
}
