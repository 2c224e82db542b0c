package model

import (
	"fmt"
	"strconv"
	"time"
)

// Op is what a Command asks for.
type Op string

// The operations a viewer can ask of an engine.
const (
	OpHalt    Op = "halt"     // cancel a task's context; it ends at its next Checkpoint
	OpPause   Op = "pause"    // park a task at its next Checkpoint
	OpResume  Op = "resume"   // let a paused task go on
	OpKill    Op = "kill"     // cancel at once; a goroutine that does not return is abandoned
	OpRestart Op = "restart"  // run a task again (halting it first if it is live)
	OpHaltAll Op = "halt_all" // halt every live task; Target is ignored
	OpRun     Op = "run"      // start a manager's queued work up to its limit; Group names it

	OpResize    Op = "resize"     // set a pool's MaxWorkers (Pool names it) or a replica set's replicas (Target names a replica) to Value, or change it by Step
	OpStop      Op = "stop"       // stop a pool (no more work; running work finishes); Pool names it
	OpSetPeriod Op = "set_period" // set a poller's period to Value nanoseconds, or double it Step times; Poller names it
	OpPauseAll  Op = "pause_all"  // pause every poller
	OpResumeAll Op = "resume_all" // resume every paused poller
	OpKillAll   Op = "kill_all"   // kill every poller
	OpReload    Op = "reload"     // re-read the task file now (the same as saving it)
)

// Ops lists every Op, for validation and help.
var Ops = []Op{
	OpHalt, OpPause, OpResume, OpKill, OpRestart, OpHaltAll, OpRun,
	OpResize, OpStop, OpSetPeriod, OpPauseAll, OpResumeAll, OpKillAll, OpReload,
}

// Valid reports whether op is one of Ops.
func (op Op) Valid() bool {
	for _, o := range Ops {
		if o == op {
			return true
		}
	}
	return false
}

// Command is a request from a viewer to an engine. Exactly one of Target, Group,
// Pool and Poller names what it acts on (none for the *_all ops): halt, pause,
// resume, kill and restart apply to a task, a pool (pause/resume its queue, halt
// its running work) or a poller (restart = start again with fresh stats).
//
// OpResize and OpSetPeriod come in two forms: absolute (Value: the new size or
// period) and relative (Step: how many steps from the current value, which the
// engine reads and changes in one atomic operation). A key pressed four times
// before a snapshot shows the first press sends four relative commands and
// makes four steps, where four absolute ones computed from the same stale
// snapshot would make one.
type Command struct {
	Op     Op     `json:"op"`
	Target TaskID `json:"target,omitempty"` // a task
	Group  string `json:"group,omitempty"`  // a manager, for OpRun
	Pool   string `json:"pool,omitempty"`   // a pool namespace
	Poller string `json:"poller,omitempty"` // a poller
	Value  int64  `json:"value,omitempty"`  // OpResize: workers; OpSetPeriod: nanoseconds
	// Step, when not zero, makes OpResize and OpSetPeriod relative, and Value is
	// ignored: OpResize adds Step workers (a negative Step removes them);
	// OpSetPeriod doubles the period Step times (a negative Step halves it).
	// Other ops take no Step.
	Step int64 `json:"step,omitempty"`
}

// Relative reports whether c changes a quantity by steps rather than setting it.
func (c Command) Relative() bool { return c.Step != 0 }

// String renders c the way the status bar reports it: "halt t3", "run batch".
func (c Command) String() string {
	var s string
	switch {
	case c.Target != "":
		s = fmt.Sprintf("%s %s", c.Op, c.Target)
	case c.Group != "":
		s = fmt.Sprintf("%s %s", c.Op, c.Group)
	case c.Pool != "":
		s = fmt.Sprintf("%s pool %s", c.Op, c.Pool)
	case c.Poller != "":
		s = fmt.Sprintf("%s poller %s", c.Op, c.Poller)
	default:
		s = string(c.Op)
	}
	switch {
	case c.Relative() && c.Op == OpSetPeriod:
		s += " " + periodFactor(c.Step)
	case c.Relative():
		s += fmt.Sprintf(" by %+d", c.Step)
	case c.Op == OpResize:
		s += fmt.Sprintf(" to %d", c.Value)
	case c.Op == OpSetPeriod:
		s += " to " + FormatDuration(time.Duration(c.Value))
	}
	return s
}

// periodFactor renders a period step as the factor it applies: "×2", "÷4".
func periodFactor(step int64) string {
	op := "×"
	if step < 0 {
		op, step = "÷", -step
	}
	if step >= 63 {
		return op + "2^" + strconv.FormatInt(step, 10)
	}
	return op + strconv.FormatInt(1<<step, 10)
}
