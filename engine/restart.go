package engine

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// RestartPolicy says whether a manager's process task runs again when it ends
// by itself. A task the user halted or killed is never restarted by its policy.
type RestartPolicy uint8

// The restart policies.
const (
	RestartNever     RestartPolicy = iota // run once
	RestartOnFailure                      // run again after a failure (non-zero exit, a signal, a start error)
	RestartAlways                         // run again after a failure or a clean exit
)

var restartPolicyNames = [...]string{"never", "on-failure", "always"}

// String returns "never", "on-failure" or "always".
func (p RestartPolicy) String() string {
	if int(p) < len(restartPolicyNames) {
		return restartPolicyNames[p]
	}
	return fmt.Sprintf("restart(%d)", uint8(p))
}

// ErrBadRestartPolicy is matched by the error of ParseRestartPolicy and of a
// ProcessSpec whose Restart is none of the policies.
var ErrBadRestartPolicy = errors.New("engine: unknown restart policy")

func errBadPolicy(p RestartPolicy) error {
	return fmt.Errorf("%w %s (want never, on-failure or always)", ErrBadRestartPolicy, p)
}

// ParseRestartPolicy returns the policy named s ("never", "on-failure",
// "always"), or an error wrapping ErrBadRestartPolicy.
func ParseRestartPolicy(s string) (RestartPolicy, error) {
	for i, n := range restartPolicyNames {
		if n == s {
			return RestartPolicy(i), nil
		}
	}
	return 0, fmt.Errorf("%w %q (want never, on-failure or always)", ErrBadRestartPolicy, s)
}

// Backoff is the delay before a restart: Initial, doubled after every run that
// did not stay up, capped at Max. A run that stayed up at least Max resets it to
// Initial (it was a fresh failure, not a crash loop). In a ProcessSpec a zero
// field takes its default and a negative one is no delay (see ProcessSpec).
type Backoff struct {
	Initial, Max time.Duration
}

// delay returns the backoff after streak quick failures: Initial·2^streak,
// capped at Max; none at all when Initial is zero.
func (b Backoff) delay(streak int) time.Duration {
	d := b.Initial
	if d <= 0 {
		return 0 // doubling no delay stays no delay
	}
	for range streak {
		if d >= b.Max/2 {
			return b.Max
		}
		d *= 2
	}
	return min(d, b.Max)
}

// restartState is a process task's restart bookkeeping. Guarded by Engine.mu.
type restartState struct {
	recent []int64 // when the restarts within the window were decided (unix ns)
	streak int     // runs in a row that did not stay up: the backoff exponent
	retry  int64   // when the pending restart is due (unix ns); 0 when none
	timer  *time.Timer
	gen    uint64 // tells a stale timer from the current one
}

// restartPolicyLocked applies a manager process task's restart policy to a run
// that ended in final (done or failed; halted and killed are the user's and
// never restart). It returns StateBackoff when the task will run again (the
// timer is armed and the task listed in e.backoff), StateFatal when it has
// restarted MaxRestarts times within the window, and final otherwise.
//
// A task in backoff holds no slot: the manager may give its slot to queued
// work; when the backoff ends the task goes to the head of the queue and starts
// at once if a slot is free (watching or not), else as soon as one frees.
func (e *Engine) restartPolicyLocked(t *task, r *run, final model.State) model.State {
	p := t.proc
	spec := p.spec
	switch {
	case e.closing:
		return final
	case final == model.StateFailed && spec.Restart != RestartNever:
	case final == model.StateDone && spec.Restart == RestartAlways:
	default:
		return final
	}
	rs := &p.restart
	now := time.Now().UnixNano()
	if time.Duration(r.ended-r.started) >= spec.Backoff.Max {
		rs.streak = 0 // it stayed up: not a crash loop
	}
	cutoff := now - int64(spec.RestartWindow)
	rs.recent = slices.DeleteFunc(rs.recent, func(at int64) bool { return at < cutoff })
	if len(rs.recent) >= spec.MaxRestarts {
		e.eventLocked(model.LevelError, t, "", fmt.Sprintf("%s fatal: %s after %d restarts within %s; not restarting",
			quote(t), final, len(rs.recent), spec.RestartWindow))
		return model.StateFatal
	}
	delay := spec.Backoff.delay(rs.streak)
	rs.streak++
	rs.recent = append(rs.recent, now)
	rs.retry = now + int64(delay)
	rs.gen++
	gen := rs.gen
	rs.timer = time.AfterFunc(delay, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if t.state == model.StateBackoff && t.proc.restart.gen == gen {
			e.leaveBackoffLocked(t)
			e.requeueLocked(t) // at once if a slot is free, else first in line
		}
	})
	e.backoff = append(e.backoff, t)
	e.eventLocked(model.LevelInfo, t, "", fmt.Sprintf("%s %s; restarting in %s (restart %d of %d within %s)",
		quote(t), final, delay, len(rs.recent), spec.MaxRestarts, spec.RestartWindow))
	return model.StateBackoff
}

// leaveBackoffLocked takes t (in backoff) off the backoff list and stops its
// timer; the caller sets its next state.
func (e *Engine) leaveBackoffLocked(t *task) {
	rs := &t.proc.restart
	if rs.timer != nil {
		rs.timer.Stop()
		rs.timer = nil
	}
	rs.retry = 0
	rs.gen++
	if i := slices.Index(e.backoff, t); i >= 0 {
		e.backoff = slices.Delete(e.backoff, i, i+1)
	}
}

// cancelBackoffLocked ends t's backoff for good in state final (halted or
// killed): it will not restart, and goes to the history ring.
func (e *Engine) cancelBackoffLocked(t *task, final model.State) {
	e.leaveBackoffLocked(t)
	e.setStateLocked(t, final)
	e.eventLocked(model.LevelInfo, t, "", quote(t)+" "+final.String()+" in backoff; not restarting")
	t.own.retireLocked(t)
}

// haltBackoffLocked halts every task in backoff (of o only, unless o is nil)
// and returns how many there were.
func (e *Engine) haltBackoffLocked(o owner) int {
	n := 0
	for _, t := range slices.Clone(e.backoff) {
		if o == nil || t.own == o {
			e.cancelBackoffLocked(t, model.StateHalted)
			n++
		}
	}
	return n
}

// resetRestartsLocked forgets t's past restarts and backoff (the user restarted
// it by hand, say after it went fatal): its window and delay start afresh.
func resetRestartsLocked(t *task) {
	if t.proc != nil {
		rs := &t.proc.restart
		rs.recent, rs.streak = nil, 0
	}
}
