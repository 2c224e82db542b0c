package ui

import (
	"strconv"

	"github.com/spindle-tui/spindle/model"
)

// action is a key that acts on tasks.
type action int

// The task actions.
const (
	actHalt action = iota
	actPause
	actKill
	actRestart
	actRun
	actHaltAll
	actGrow     // a pool: one more worker; a poller: half the period
	actShrink   // a pool: one worker fewer; a poller: twice the period
	actPauseAll // every poller
)

// verb returns the word the status bar uses for a.
func (a action) verb() string {
	switch a {
	case actHalt:
		return "halt"
	case actPause:
		return "pause"
	case actKill:
		return "kill"
	case actRestart:
		return "restart"
	case actRun:
		return "run"
	case actGrow:
		return "grow"
	case actShrink:
		return "shrink"
	case actPauseAll:
		return "pause all"
	}
	return "halt all"
}

// taskOp returns the operation a would send for t, or why it cannot apply. The
// engine decides in the end; this only spares the user commands that must fail,
// and says why before they are sent.
func taskOp(a action, t *model.Task) (model.Op, string) {
	s := t.State
	itIs := "it is " + s.String()
	switch a {
	case actHalt:
		switch s {
		case model.StateRunning, model.StatePausing, model.StatePaused, model.StateQueued, model.StateBackoff,
			model.StateWaiting, model.StateBlocked, model.StateDisabled:
			return model.OpHalt, ""
		case model.StateHalting:
			return "", "it is already halting"
		}
	case actPause:
		switch s {
		case model.StateRunning:
			return model.OpPause, ""
		case model.StatePaused, model.StatePausing:
			return model.OpResume, ""
		}
	case actKill:
		if s.Live() {
			return model.OpKill, ""
		}
	case actRestart:
		if s != model.StateQueued {
			return model.OpRestart, ""
		}
		return "", "it has not started yet (it is queued)"
	}
	return "", itIs
}

// plan is what an action would send: its commands with a label each, or the reason
// it cannot be sent.
type plan struct {
	verb    string          // "halt", "resume", "run", ...
	cmds    []model.Command // empty when the action cannot apply
	labels  []string        // per command: `t3 "fetch page 7"`, "crawl"
	skipped int             // targets the action could not apply to
	reason  string          // the whole status message when nothing can be sent
	confirm string          // the question to ask first, if any
}

// ok reports whether the plan sends anything.
func (p plan) ok() bool { return len(p.cmds) > 0 }

// taskLabel names a task in messages: `t3 "fetch page 7"`.
func taskLabel(t *model.Task) string {
	id := cleanCell(string(t.ID))
	if t.Name == "" {
		return id
	}
	return id + " " + strconv.Quote(cleanCell(t.Name)) // Quote escapes what cleanCell keeps unprintable
}

// planTasks plans a per-task action (halt, pause/resume, kill, restart) on targets:
// the marked tasks, or the selected one.
func planTasks(a action, targets []*model.Task) plan {
	p := plan{verb: a.verb()}
	if len(targets) == 0 {
		p.reason = "cannot " + p.verb + ": no task selected"
		return p
	}
	firstReason := ""
	resume, pause := 0, 0
	for _, t := range targets {
		op, why := taskOp(a, t)
		if op == "" {
			p.skipped++
			if firstReason == "" {
				firstReason = string(t.ID) + ": " + why
			}
			continue
		}
		switch op {
		case model.OpResume:
			resume++
		case model.OpPause:
			pause++
		}
		p.cmds = append(p.cmds, model.Command{Op: op, Target: t.ID})
		p.labels = append(p.labels, taskLabel(t))
	}
	if a == actPause && resume > 0 && pause == 0 {
		p.verb = "resume"
	}
	switch {
	case len(targets) == 1 && !p.ok():
		p.reason = "cannot " + p.verb + " " + firstReason
	case !p.ok():
		p.reason = "cannot " + p.verb + " any of the " + strconv.Itoa(len(targets)) + " marked tasks (" + firstReason + ")"
	}
	if a == actKill && p.ok() {
		if len(p.cmds) == 1 {
			p.confirm = "Kill " + p.labels[0] + "?"
		} else {
			p.confirm = "Kill " + strconv.Itoa(len(p.cmds)) + " marked tasks?"
		}
	}
	return p
}

// planRun plans starting the managers of targets (OpRun with Group).
func planRun(targets []*model.Task, managers []model.Manager) plan {
	p := plan{verb: actRun.verb()}
	if len(targets) == 0 {
		p.reason = "cannot run: no task selected"
		return p
	}
	seen := map[string]bool{}
	for _, t := range targets {
		if seen[t.Group] {
			continue
		}
		seen[t.Group] = true
		why := ""
		switch m := findManager(managers, t.Group); {
		case t.Group == "":
			why = ": " + string(t.ID) + " belongs to no manager"
		case m == nil && t.Type != "":
			why = ": " + cleanCell(t.Group) + " is a pool, not a manager (a pool starts its own work)"
		case m == nil:
			why = ": " + cleanCell(t.Group) + " is not a manager"
		case m.Queued == 0:
			why = " " + cleanCell(t.Group) + ": nothing queued"
		}
		if why != "" {
			p.skipped++
			if p.reason == "" {
				p.reason = "cannot run" + why
			}
			continue
		}
		p.cmds = append(p.cmds, model.Command{Op: model.OpRun, Group: t.Group})
		p.labels = append(p.labels, t.Group)
	}
	if p.ok() {
		p.reason = ""
	}
	return p
}

// findManager returns the manager named name, or nil.
func findManager(managers []model.Manager, name string) *model.Manager {
	for i := range managers {
		if managers[i].Name == name {
			return &managers[i]
		}
	}
	return nil
}

// haltable counts the tasks a halt-all would reach.
func haltable(c model.StateCounts) int {
	return c[model.StateRunning] + c[model.StatePausing] + c[model.StatePaused] +
		c[model.StateQueued] + c[model.StateBackoff]
}

// liveCount counts the tasks whose function is executing.
func liveCount(c model.StateCounts) int {
	return c[model.StateRunning] + c[model.StatePausing] + c[model.StatePaused] + c[model.StateHalting]
}

// planHaltAll plans OpHaltAll, asking first.
func planHaltAll(c model.StateCounts) plan {
	p := plan{verb: actHaltAll.verb()}
	n := haltable(c)
	if n == 0 {
		p.reason = "cannot halt all: nothing is running or queued"
		return p
	}
	p.cmds = []model.Command{{Op: model.OpHaltAll}}
	p.labels = []string{""}
	p.confirm = "Halt all " + strconv.Itoa(n) + " running and queued tasks?"
	return p
}

// planReload plans OpReload: re-read the task file now. Whether there is a file
// to read is the engine's to say (an attached engine may have one even when the
// header shows an address), so the plan always sends, and the status bar shows
// "reload: ok" or the engine's error.
func planReload() plan {
	return sendPlan("reload", model.Command{Op: model.OpReload}, "")
}
