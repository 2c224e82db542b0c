package engine

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// RestartPolicy says whether a task (a process, or a goroutine given
// WithRestart, a manager's or a pool's) runs again when it ends by itself. A
// task the user halted or killed is never restarted by its policy.
type RestartPolicy uint8

// The restart policies.
const (
	RestartNever     RestartPolicy = iota // run once
	RestartOnFailure                      // run again after a failure (an error or a panic; a non-zero exit, a signal, a start error)
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
// did not stay up, capped at Max, less a random share of up to Jitter of it
// (Jitter 0.2: a delay d is drawn between 0.8·d and d, so the cap is never
// passed and the doubling shows through). A run that stayed up at least Max
// resets it to Initial (it was a fresh failure, not a crash loop). In a
// ProcessSpec or a RestartSpec a zero field takes its default (Jitter:
// DefaultBackoffJitter) and a negative one is none.
type Backoff struct {
	Initial, Max time.Duration
	Jitter       float64 // the share of each delay drawn at random, 0 to 1
}

// delay returns the backoff after streak quick failures: Initial·2^streak,
// capped at Max, less u·Jitter of it (u is a draw in [0, 1)); none at all
// when Initial is zero.
func (b Backoff) delay(streak int, u float64) time.Duration {
	d := b.Initial
	if d <= 0 {
		return 0 // doubling no delay stays no delay
	}
	for range streak {
		if d >= b.Max/2 {
			d = b.Max
			break
		}
		d *= 2
	}
	d = min(d, b.Max)
	return d - time.Duration(u*b.Jitter*float64(d))
}

// restartState is a manager task's restart bookkeeping (in its restarter).
// Guarded by Engine.mu.
type restartState struct {
	recent []int64 // when the restarts within the window were decided (unix ns)
	streak int     // runs in a row that did not stay up: the backoff exponent
	retry  int64   // when the pending restart is due (unix ns); 0 when none
	timer  *time.Timer
	gen    uint64 // tells a stale timer from the current one
}

// restartPolicyLocked applies a manager task's restart policy (t.policy, not
// nil) to a run that ended in final (done or failed; halted, killed and
// abandoned are the user's doing and never restart). It is the one restart
// path of process and goroutine tasks alike. It returns StateBackoff when the task will run again (the
// timer is armed and the task listed in e.backoff), StateFatal when it has
// restarted MaxRestarts times within the window, and final otherwise.
//
// A task in backoff holds no slot: the manager may give its slot to queued
// work; when the backoff ends the task goes to the head of the queue and starts
// at once if a slot is free (watching or not), else as soon as one frees.
func (e *Engine) restartPolicyLocked(t *task, r *run, final model.State) model.State {
	rs := t.policy
	spec := rs.spec
	switch {
	case e.closing:
		return final
	case final == model.StateFailed && spec.Policy != RestartNever:
	case final == model.StateDone && spec.Policy == RestartAlways:
	default:
		return final
	}
	now := time.Now().UnixNano()
	if time.Duration(r.ended-r.started) >= spec.Backoff.Max {
		rs.streak = 0 // it stayed up: not a crash loop
	}
	cutoff := now - int64(spec.Window)
	rs.recent = slices.DeleteFunc(rs.recent, func(at int64) bool { return at < cutoff })
	if len(rs.recent) >= spec.MaxRestarts {
		e.eventLocked(model.LevelError, t, "", fmt.Sprintf("%s fatal: %s after %d restarts within %s; not restarting",
			quote(t), final, len(rs.recent), spec.Window))
		return model.StateFatal
	}
	delay := spec.Backoff.delay(rs.streak, jitterDraw())
	rs.streak++
	rs.recent = append(rs.recent, now)
	rs.retry = now + int64(delay)
	rs.gen++
	gen := rs.gen
	rs.timer = time.AfterFunc(delay, func() {
		unlock := e.lockTask(t) // pool work needs its pool's lock too
		defer unlock()
		if t.state == model.StateBackoff && t.policy.gen == gen {
			e.leaveBackoffLocked(t)
			e.requeueLocked(t) // at once if a slot is free, else first in line
		}
	})
	e.backoff = append(e.backoff, t)
	e.eventLocked(model.LevelInfo, t, "", fmt.Sprintf("%s %s; restarting in %s (restart %d of %d within %s)",
		quote(t), final, roundDelay(delay), len(rs.recent), spec.MaxRestarts, spec.Window))
	return model.StateBackoff
}

// leaveBackoffLocked takes t (in backoff) off the backoff list and stops its
// timer; the caller sets its next state.
func (e *Engine) leaveBackoffLocked(t *task) {
	rs := t.policy
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
// and returns how many there were. The caller holds what o's tasks need
// beyond Engine.mu (a pool's lock); with o nil each task's is taken here.
func (e *Engine) haltBackoffLocked(o owner) int {
	n := 0
	for _, t := range slices.Clone(e.backoff) {
		switch {
		case o == nil:
			unlock := t.own.lockLocked(t)
			e.cancelBackoffLocked(t, model.StateHalted)
			unlock()
		case t.own == o:
			e.cancelBackoffLocked(t, model.StateHalted)
		default:
			continue
		}
		n++
	}
	return n
}

// resetRestartsLocked forgets t's past restarts and backoff (the user restarted
// it by hand, say after it went fatal): its window and delay start afresh.
func resetRestartsLocked(t *task) {
	if rs := t.policy; rs != nil {
		rs.recent, rs.streak = nil, 0
	}
}

// roundDelay rounds a jittered delay for an event: "restarting in 437ms",
// not "in 437.118204ms".
func roundDelay(d time.Duration) time.Duration {
	if d >= 10*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}
