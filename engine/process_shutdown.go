package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/osproc"
)

// judgeExit applies SuccessExitCodes to how a run ended: err is exec's error
// (nil for exit 0) and code the exit code (-1 when a signal ended it).
func (s *ProcessSpec) judgeExit(err error, code int) error {
	if len(s.SuccessExitCodes) == 0 || code < 0 {
		return err
	}
	if slices.Contains(s.SuccessExitCodes, code) {
		return nil
	}
	return fmt.Errorf("exit status %d, not a success exit code (%s)", code, joinInts(s.SuccessExitCodes))
}

func joinInts(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

// shutdownWait is how long a halt may spend in spec's Shutdown command.
func shutdownWait(spec ProcessSpec) time.Duration {
	if len(spec.Shutdown) == 0 {
		return 0
	}
	return spec.ShutdownTimeout
}

// shutdown runs the task's Shutdown command, then, unless the child has gone
// meanwhile, sends the stop signal (signalStopLocked). The command is
// SIGKILLed if its timeout passes first. Its outcome is in the task's log.
func (p *process) shutdown(pr *procRun) {
	spec := p.spec
	r := pr.r
	logSpindle(r, "shutdown: "+quoteArgv(spec.Shutdown))
	ctx, cancel := context.WithTimeout(context.Background(), spec.ShutdownTimeout)
	defer cancel()
	var out tailBuffer
	g, err := osproc.Start(osproc.Spec{Argv: spec.Shutdown, Dir: spec.Dir, Env: spec.Env, Stdout: &out, Stderr: &out})
	if err == nil {
		stop := context.AfterFunc(ctx, func() { g.Signal(osproc.SIGKILL) })
		err = g.Wait()
		stop()
	}
	switch {
	case ctx.Err() != nil:
		logSpindle(r, "shutdown command did not end within "+spec.ShutdownTimeout.String()+"; killed it")
	case err != nil:
		logSpindle(r, "shutdown command failed: "+err.Error()+tailNote(out.b))
	default:
		logSpindle(r, "shutdown command done")
	}
	unlock := r.e.lockTask(r.t)
	defer unlock()
	if !pr.reaped {
		p.signalStopLocked(pr)
	}
}

func tailNote(b []byte) string {
	if l := lastLine(b); l != "" {
		return ": " + l
	}
	return ""
}
