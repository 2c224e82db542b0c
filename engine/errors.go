package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// Sentinel errors. Callers test them with errors.Is; the engine wraps them with
// the task, manager or command they concern.
var (
	// ErrHalted is returned by Checkpoint once the task has been halted, killed or
	// the engine is closing. A task function usually returns it as it is.
	ErrHalted = errors.New("engine: halted")
	// ErrNoTasks is returned by Manager.Run when nothing is queued.
	ErrNoTasks = errors.New("engine: no tasks queued")
	// ErrAlreadyRunning is returned by Manager.Run while work a previous Run
	// started is still live.
	ErrAlreadyRunning = errors.New("engine: already running")
	// ErrAlreadyWatching is returned by Manager.Watch while watching, and by
	// Manager.Run while watching (watching already starts everything it can).
	ErrAlreadyWatching = errors.New("engine: already watching")
	// ErrUnknownTask is returned by Apply for an id the engine does not know (never
	// had, or evicted from the history ring).
	ErrUnknownTask = errors.New("engine: unknown task")
	// ErrUnknownManager is returned by Apply(OpRun) for a group that is no manager.
	ErrUnknownManager = errors.New("engine: unknown manager")
	// ErrUnknownOp is returned by Apply for a Command whose Op is not one of model.Ops.
	ErrUnknownOp = errors.New("engine: unknown op")
	// ErrClosed is returned by Append, Run, Watch and Apply once Close has begun
	// (Apply still accepts OpKill while Close drains, so a stuck task can be killed).
	ErrClosed = errors.New("engine: closed")
	// ErrNilFunc is returned by Append for a nil Func.
	ErrNilFunc = errors.New("engine: nil task func")
	// ErrBadTransition is matched (errors.Is) by every *TransitionError.
	ErrBadTransition = errors.New("engine: impossible transition")
)

// TransitionError reports a command that makes no sense in the task's current
// state: pausing a queued task, resuming a running one, anything but restart on a
// finished one. It matches ErrBadTransition with errors.Is.
type TransitionError struct {
	ID    model.TaskID
	Name  string
	Op    model.Op
	State model.State

	// reason, when set, replaces the explanation derived from Op and State (for
	// cases the state alone does not tell, such as a kill already under way).
	reason string
}

// Error reads like `cannot resume t3 "fetch page 7": it is running, not paused`.
func (e *TransitionError) Error() string {
	why := e.reason
	if why == "" {
		why = "it is " + e.State.String()
		switch {
		case e.Op == model.OpHalt && e.State == model.StateHalting,
			e.Op == model.OpPause && (e.State == model.StatePausing || e.State == model.StatePaused):
			why = "it is already " + e.State.String()
		case e.Op == model.OpResume && !e.State.Finished():
			why += ", not paused"
		}
	}
	return fmt.Sprintf("cannot %s %s %q: %s", e.Op, e.ID, e.Name, why)
}

// Is makes errors.Is(err, ErrBadTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrBadTransition }

// notFoundError names what was looked up (`engine: no task "t99"`) and unwraps to
// the sentinel, so the message stays short and errors.Is still works.
type notFoundError struct {
	msg      string
	sentinel error
}

func (e *notFoundError) Error() string { return e.msg }
func (e *notFoundError) Unwrap() error { return e.sentinel }

func errNoTask(id model.TaskID) error {
	return &notFoundError{msg: fmt.Sprintf("engine: no task %q", id), sentinel: ErrUnknownTask}
}

// errNoManager, errNoPool and errNoPoller say that no name of that kind
// exists; why says what holds the name instead, if anything (wrongKind).
func errNoManager(name, why string) error {
	return &notFoundError{msg: fmt.Sprintf("engine: no manager %q%s", name, why), sentinel: ErrUnknownManager}
}

func errNoPool(name, why string) error {
	return &notFoundError{msg: fmt.Sprintf("engine: no pool %q%s", name, why), sentinel: ErrUnknownPool}
}

func errNoPoller(name, why string) error {
	return &notFoundError{msg: fmt.Sprintf("engine: no poller %q%s", name, why), sentinel: ErrUnknownPoller}
}

// CloseError is returned by Engine.Close when some task functions had not
// returned by the time its context was done. Those tasks are marked abandoned
// (their goroutines leak; Go cannot stop them). It unwraps to the context's error.
type CloseError struct {
	// Tasks are the tasks that did not stop (ID, Name and Group are set).
	Tasks []model.Task
	// Err is why Close stopped waiting (the context's error).
	Err error
}

// Error reads like `engine: close: 1 task did not stop: t7 "stubborn" (crawl)`.
func (e *CloseError) Error() string {
	var b strings.Builder
	noun := "tasks"
	if len(e.Tasks) == 1 {
		noun = "task"
	}
	fmt.Fprintf(&b, "engine: close: %d %s did not stop: ", len(e.Tasks), noun)
	for i, t := range e.Tasks {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %q (%s)", t.ID, t.Name, t.Group)
	}
	return b.String()
}

// Unwrap returns the context error that ended the wait.
func (e *CloseError) Unwrap() error { return e.Err }

// errorf is fmt.Errorf for the engine's own errors: the message starts with
// "engine: " and says it once, however many engine errors it wraps (wrapping
// ErrPoolStopped reads `engine: pool "io": pool not running`, not `engine: pool
// "io": engine: pool not running`). errors.Is and errors.As see through it.
func errorf(format string, args ...any) error {
	for i, a := range args {
		if err, ok := a.(error); ok && strings.HasPrefix(err.Error(), "engine: ") {
			args[i] = inner{err}
		}
	}
	return fmt.Errorf("engine: "+format, args...)
}

// inner is an engine error inside another: its text without the "engine: "
// prefix, its chain intact.
type inner struct{ err error }

func (e inner) Error() string { return strings.TrimPrefix(e.err.Error(), "engine: ") }
func (e inner) Unwrap() error { return e.err }
