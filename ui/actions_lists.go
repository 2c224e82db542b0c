package ui

import (
	"strconv"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// The plans of the keys in the Pools and Pollers views. Like the task plans they
// spare the user commands that must fail and say why before anything is sent;
// the engine decides in the end.

// The bounds within which the engine steps a period (engine.Poller.ScalePeriod
// refuses to leave them); the dashboard checks them first to dim + and - and
// say why.
const (
	minPollerPeriod = time.Millisecond
	maxPollerPeriod = 24 * time.Hour
)

// sendPlan returns a plan that sends one command.
func sendPlan(verb string, cmd model.Command, label string) plan {
	return plan{verb: verb, cmds: []model.Command{cmd}, labels: []string{label}}
}

// cannotPlan returns a plan that sends nothing, and why: "cannot shrink pool io: …".
func cannotPlan(verb, label, why string) plan {
	return plan{verb: verb, reason: "cannot " + verb + " " + label + ": " + why}
}

// workersNoun returns "1 worker" or "n workers".
func workersNoun(n int) string {
	if n == 1 {
		return "1 worker"
	}
	return strconv.Itoa(n) + " workers"
}

// planPool plans a key's action on pool p: + and - resize it by one worker, p pauses or
// resumes its queue, h halts its running work, x stops it (asking first).
func planPool(a action, p *model.Pool) plan {
	if p == nil {
		return plan{verb: a.verb(), reason: "cannot " + a.verb() + ": no pool selected"}
	}
	label := "pool " + cleanCell(p.Name)
	over := p.State == model.PoolStopping || p.State == model.PoolStopped
	isState := "it is " + string(p.State)
	switch a {
	case actGrow, actShrink:
		// A relative step: the engine adds it to the size it holds, so presses
		// faster than snapshots each count. The checks here only spare a
		// command the last snapshot says must fail.
		step, change := int64(1), "+1 worker"
		if a == actShrink {
			step, change = -1, "-1 worker"
		}
		switch {
		case over:
			return cannotPlan(a.verb(), label, isState)
		case a == actShrink && p.MaxWorkers <= 1:
			return cannotPlan(a.verb(), label, "it has "+workersNoun(p.MaxWorkers)+", the fewest a pool can have")
		}
		return sendPlan("resize", model.Command{Op: model.OpResize, Pool: p.Name, Step: step}, label+" by "+change)
	case actPause:
		switch p.State {
		case model.PoolRunning:
			return sendPlan("pause", model.Command{Op: model.OpPause, Pool: p.Name}, label)
		case model.PoolPaused:
			return sendPlan("resume", model.Command{Op: model.OpResume, Pool: p.Name}, label)
		case model.PoolIdle:
			return cannotPlan("pause", label, "it is idle (not started)")
		}
		return cannotPlan("pause", label, isState)
	case actHalt:
		if p.Busy == 0 {
			return cannotPlan("halt the work of", label, "nothing is running")
		}
		return sendPlan("halt", model.Command{Op: model.OpHalt, Pool: p.Name}, "the running work of "+label+" ("+plural(p.Busy, "task")+")")
	case actKill:
		if over {
			return cannotPlan("stop", label, "it is already "+string(p.State))
		}
		pl := sendPlan("stop", model.Command{Op: model.OpStop, Pool: p.Name}, label)
		pl.confirm = "Stop " + label + "? It takes no new work; its " + strconv.Itoa(p.Busy) +
			" running and " + strconv.Itoa(p.Queued) + " queued tasks finish first"
		return pl
	case actRestart:
		return cannotPlan("restart", label, "restart applies to tasks and pollers")
	case actRun:
		return cannotPlan("run", label, "a pool starts its own work (run starts a manager's queue)")
	}
	return plan{verb: a.verb(), reason: a.verb() + " does not apply to a pool"}
}

// planPoller plans a key's action on poller p: p pauses or resumes it, x kills it
// (asking first), r restarts it with fresh stats, + halves its period (faster)
// and - doubles it (slower).
func planPoller(a action, p *model.Poller) plan {
	if p == nil {
		return plan{verb: a.verb(), reason: "cannot " + a.verb() + ": no poller selected"}
	}
	label := "poller " + cleanCell(p.Name)
	state := p.PollerState()
	switch a {
	case actPause:
		switch state {
		case "running":
			return sendPlan("pause", model.Command{Op: model.OpPause, Poller: p.Name}, label)
		case "paused":
			return sendPlan("resume", model.Command{Op: model.OpResume, Poller: p.Name}, label)
		case "idle":
			return cannotPlan("pause", label, "it was never started (restart starts it)")
		}
		return cannotPlan("pause", label, "it is killed (restart starts it again)")
	case actKill:
		if state == "killed" {
			return cannotPlan("kill", label, "it is already killed")
		}
		pl := sendPlan("kill", model.Command{Op: model.OpKill, Poller: p.Name}, label)
		pl.confirm = "Kill " + label + "? Its schedule ends and a run under way is cancelled (restart brings it back)"
		return pl
	case actRestart:
		return sendPlan("restart", model.Command{Op: model.OpRestart, Poller: p.Name}, label+" with fresh stats")
	case actGrow, actShrink:
		// A relative step, as for pools: the engine halves or doubles the
		// period it holds, within its bounds.
		verb, step, change, d := "speed up", int64(-1), "÷2", p.Period/2
		if a == actShrink {
			verb, step, change, d = "slow down", 1, "×2", p.Period*2
		}
		switch {
		case p.Period <= 0:
			return cannotPlan(verb, label, "it has no period")
		case d < minPollerPeriod:
			return cannotPlan(verb, label, "its period "+model.FormatDuration(p.Period)+" is the shortest the engine sets by steps")
		case d > maxPollerPeriod:
			return cannotPlan(verb, label, "its period "+model.FormatDuration(p.Period)+" is the longest the engine sets by steps")
		}
		return sendPlan(verb, model.Command{Op: model.OpSetPeriod, Poller: p.Name, Step: step}, label+" (period "+change+")")
	case actHalt:
		return cannotPlan("halt", label, "a poller is paused or killed, not halted")
	case actRun:
		return cannotPlan("run", label, "run starts a manager's queue")
	}
	return plan{verb: a.verb(), reason: a.verb() + " does not apply to a poller"}
}

// planPauseAll plans P: pause every poller if any is running, else resume every
// paused one.
func planPauseAll(pollers []model.Poller) plan {
	running, paused := 0, 0
	for i := range pollers {
		switch pollers[i].PollerState() {
		case "running":
			running++
		case "paused":
			paused++
		}
	}
	noun := func(n int, state string) string {
		if n == 1 {
			return "the " + state + " poller"
		}
		return strconv.Itoa(n) + " " + state + " pollers"
	}
	switch {
	case running > 0:
		return sendPlan("pause all", model.Command{Op: model.OpPauseAll}, noun(running, "running"))
	case paused > 0:
		return sendPlan("resume all", model.Command{Op: model.OpResumeAll}, noun(paused, "paused"))
	}
	return plan{verb: "pause all", reason: "cannot pause or resume all pollers: none is running or paused"}
}
