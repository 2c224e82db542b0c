package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/osproc"
	"github.com/spindle-tui/spindle/model"
)

// errNotTask is returned by a process task's function called outside the engine.
var errNotTask = errors.New("engine: a process runs only as an engine task")

// procRun is the child of one run of a process task. Guarded by Engine.mu
// (which every writer holds; for pool work they hold its pool's lock too).
type procRun struct {
	r         *run
	tree      *osproc.Tree  // nil until started, and when the start failed
	reaped    bool          // the leader was reaped: its pid means nothing now
	done      chan struct{} // closed once reaped
	stopTimer *time.Timer   // SIGKILL when the stop grace ends
	exitCode  int           // -1 until it exits (and when a signal ended it)
	signal    string        // the signal that ended it, e.g. "SIGKILL"
	cpu       float64       // percent of one core, sampled (sample.go)
	rss       int64         // bytes, sampled

	shuttingDown bool // its Shutdown command runs; the stop signal follows (process_shutdown.go)
}

// run is a process task's Func: it starts the child, logs its output, and
// returns once the child and what was left of its tree are reaped, with
// exec's error ("exit status 3", "signal: killed") or nil on a clean exit.
// Halt, kill, pause and resume reach the child through the hooks below, which
// signal its tree directly; a control that came while it was starting is
// carried out as soon as it has started. The child's output reaches the log
// only once its pid is published and "started pid" logged: a line of it never
// shows without them.
func (p *process) run(ctx context.Context) error {
	r := runFrom(ctx)
	if r == nil {
		return errNotTask
	}
	e := r.e
	pr := &procRun{r: r, exitCode: -1, done: make(chan struct{})}
	unlock := e.lockTask(r.t) // pool work: its pool's lock guards the task too
	if r.t.proc == nil {
		r.t.proc = p
	}
	p.cur = pr
	halted := r.flags.Load()&runHalt != 0
	unlock()
	if halted {
		close(pr.done)
		return ErrHalted
	}

	published := make(chan struct{})
	stdout, stderr := newLineLog(r, "", published), newLineLog(r, "stderr: ", published)
	g, err := startTree(p.spec, stdout, stderr)
	if err != nil {
		close(published)
		close(pr.done)
		logSpindle(r, err.Error())
		return err
	}

	unlock = e.lockTask(r.t)
	pr.tree = g
	e.addChildLocked(pr)
	logSpindle(r, fmt.Sprintf("started pid %d: %s", g.Pid(), p.display))
	close(published)
	switch {
	case r.killed || e.children.reaping:
		p.killLocked(pr)
	case r.flags.Load()&runHalt != 0:
		p.stopLocked(pr)
	case r.t.state == model.StatePaused && r.t.run == r:
		g.Signal(osproc.SIGSTOP)
	}
	e.markDirty()
	unlock()

	err = g.Wait()
	stdout.flush()
	stderr.flush()
	code, sig := g.ExitStatus()
	err = p.spec.judgeExit(err, code) // process_shutdown.go: success exit codes

	unlock = e.lockTask(r.t)
	pr.reaped = true
	pr.exitCode, pr.signal = code, sig
	pr.cpu, pr.rss = 0, 0
	if pr.stopTimer != nil {
		pr.stopTimer.Stop()
	}
	e.removeChildLocked(pr)
	close(pr.done)
	e.markDirty()
	unlock()
	how := "exit status 0"
	if err != nil {
		how = err.Error()
	}
	logSpindle(r, fmt.Sprintf("pid %d ended: %s", g.Pid(), how))
	return err
}

// startTree starts spec's command as the leader of a process tree of its own
// (engine/internal/osproc), its output going to the given writers.
func startTree(spec ProcessSpec, stdout, stderr io.Writer) (*osproc.Tree, error) {
	return osproc.Start(osproc.Spec{Argv: spec.Command, Dir: spec.Dir, Env: spec.Env, Stdout: stdout, Stderr: stderr})
}

// childOf returns t's child when it belongs to t's current run and has started
// and not been reaped; nil otherwise.
func childOf(t *task) *procRun {
	pr := t.proc.cur
	if pr == nil || pr.r != t.run || pr.tree == nil || pr.reaped {
		return nil
	}
	return pr
}

// stopLocked sends the stop signal to pr's tree (and SIGCONT, so a paused tree
// can act on it) and arms SIGKILL for when the stop grace ends.
func (p *process) stopLocked(pr *procRun) {
	if pr.stopTimer != nil || pr.shuttingDown {
		return // already stopping
	}
	if len(p.spec.Shutdown) > 0 {
		pr.shuttingDown = true
		go p.shutdown(pr) // process_shutdown.go: the command, then the signal
		return
	}
	p.signalStopLocked(pr)
}

// signalStopLocked sends the stop signal and arms SIGKILL (see stopLocked).
func (p *process) signalStopLocked(pr *procRun) {
	sig, grace, g := p.spec.StopSignal, p.spec.StopGrace, pr.tree
	g.Signal(sig)
	g.Signal(osproc.SIGCONT)
	name := osproc.SignalName(sig)
	if sig == osproc.SIGKILL {
		logSpindle(pr.r, fmt.Sprintf("sent SIGKILL to process group %d", g.Pid()))
		return
	}
	logSpindle(pr.r, fmt.Sprintf("sent %s to process group %d; SIGKILL in %s", name, g.Pid(), grace))
	pr.stopTimer = time.AfterFunc(grace, func() {
		// Under the run's lock, as the run records its end: the line is in
		// the log before "ended" is.
		unlock := pr.r.e.lockTask(pr.r.t)
		defer unlock()
		if g.Signal(osproc.SIGKILL) {
			logSpindle(pr.r, fmt.Sprintf("still running %s after %s: sent SIGKILL to process group %d", grace, name, g.Pid()))
		}
	})
}

// killLocked sends SIGKILL to pr's tree.
func (p *process) killLocked(pr *procRun) {
	if pr.tree.Signal(osproc.SIGKILL) {
		logSpindle(pr.r, fmt.Sprintf("sent SIGKILL to process group %d", pr.tree.Pid()))
	}
}

// haltProcessLocked is haltLiveLocked's part for a process task (already
// halting, its context cancelled): the stop signal, SIGKILL after the grace.
func (e *Engine) haltProcessLocked(t *task) {
	if pr := childOf(t); pr != nil {
		t.proc.stopLocked(pr)
	}
}

// pauseProcessLocked stops a running process task's group (SIGSTOP): it is
// paused at once, with no pausing state.
func (e *Engine) pauseProcessLocked(t *task) error {
	if t.state != model.StateRunning {
		return transitionError(t, model.OpPause)
	}
	e.setStateLocked(t, model.StatePaused)
	if pr := childOf(t); pr != nil && pr.tree.Signal(osproc.SIGSTOP) {
		logSpindle(pr.r, fmt.Sprintf("sent SIGSTOP to process group %d", pr.tree.Pid()))
	}
	return nil
}

// resumeProcessLocked lets a paused process task's group go on (SIGCONT).
func (e *Engine) resumeProcessLocked(t *task) error {
	if t.state != model.StatePaused {
		return transitionError(t, model.OpResume)
	}
	e.setStateLocked(t, model.StateRunning)
	if pr := childOf(t); pr != nil && pr.tree.Signal(osproc.SIGCONT) {
		logSpindle(pr.r, fmt.Sprintf("sent SIGCONT to process group %d", pr.tree.Pid()))
	}
	return nil
}

// killProcessLocked kills a live process task: SIGKILL to its group at once,
// killed once reaped. Unlike a goroutine it is never abandoned: nothing can
// ignore SIGKILL.
func (e *Engine) killProcessLocked(t *task) error {
	if !t.state.Live() {
		return transitionError(t, model.OpKill)
	}
	r := t.run
	if r.killed {
		err := transitionError(t, model.OpKill)
		err.reason = "it is already being killed"
		return err
	}
	r.killed = true
	r.asked = time.Now().UnixNano()
	if t.state != model.StateHalting {
		r.flags.Or(runHalt)
		e.setStateLocked(t, model.StateHalting)
		r.cancel()
	}
	if pr := childOf(t); pr != nil {
		t.proc.killLocked(pr)
	}
	return nil
}

// haltWait is how long Manager.Halt waits for runs before abandoning them: the
// kill grace, plus the longest stop grace of the processes among them (which
// are SIGKILLed when it ends).
func haltWait(killGrace time.Duration, runs []*run) time.Duration {
	var stop time.Duration
	for _, r := range runs {
		if p := r.t.proc; p != nil {
			stop = max(stop, p.spec.StopGrace+shutdownWait(p.spec))
		}
	}
	return killGrace + stop
}

// reapOnGiveUp is Close's step once its context ended before every run of
// waits returned: every child is SIGKILLed and reaped, and the process tasks
// among waits, whose functions return as soon as their child is reaped, are
// waited for, so that they end halted rather than abandoned.
func (e *Engine) reapOnGiveUp(waits []*run) {
	e.reapChildren()
	e.mu.Lock()
	var procs []*run
	for _, r := range waits {
		if r.t.proc != nil && !r.over {
			procs = append(procs, r)
		}
	}
	e.mu.Unlock()
	for _, r := range procs {
		<-r.returned
	}
}
