package engine

import (
	"errors"
	"fmt"

	"github.com/spindle-tui/spindle/model"
)

// Poller sentinel errors; test them with errors.Is.
var (
	// ErrUnknownPoller is returned by Apply for a poller name the engine does not know.
	ErrUnknownPoller = errors.New("engine: unknown poller")
	// ErrPollerKilled is returned by Start, Pause and Resume on a killed poller
	// (Restart brings it back).
	ErrPollerKilled = errors.New("engine: poller killed")
	// ErrInvalidPeriod is returned by SetPeriod, Apply(OpSetPeriod) and
	// PollDict.Add for a period <= 0 or below the poller's floor
	// (MinPollPeriod, or what PeriodFloor set), and by Start and Restart for a
	// poller NewPoller made with a period below its floor.
	ErrInvalidPeriod = errors.New("engine: invalid poller period")
	// ErrPollTimeout is the error of a run that outlasted its Timeout.
	ErrPollTimeout = errors.New("engine: poll timed out")
)

// PollerStateError reports a poller command that makes no sense in the poller's
// current state: pausing an idle or paused poller, resuming a running one. It
// matches ErrBadTransition with errors.Is.
type PollerStateError struct {
	Name  string
	Op    model.Op
	State string // as model.Poller.PollerState says it: idle, running, paused
}

// Error reads like `cannot resume poller "disk": it is running, not paused`.
func (e *PollerStateError) Error() string {
	why := "it is " + e.State
	switch {
	case e.Op == model.OpPause && e.State == "paused":
		why = "it is already paused"
	case e.Op == model.OpResume:
		why += ", not paused"
	}
	return fmt.Sprintf("cannot %s poller %q: %s", e.Op, e.Name, why)
}

// Is makes errors.Is(err, ErrBadTransition) true.
func (e *PollerStateError) Is(target error) bool { return target == ErrBadTransition }
