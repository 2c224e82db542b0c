package ui

import (
	"context"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/model"
)

// applyTimeout bounds one Source.Apply, so a stuck source shows an error instead
// of a command that never answers.
const applyTimeout = 3 * time.Second

// shutdownTimeout bounds the graceful quit.
const shutdownTimeout = 10 * time.Second

// subscribedMsg carries a new subscription to the source.
type subscribedMsg struct {
	ch     <-chan model.Snapshot
	cancel func()
}

// clockTick is how often the dashboard's clock moves the ages on screen on
// while no snapshot comes.
const clockTick = time.Second

// freshFor is how long a snapshot's ages stay fresh enough that the clock
// leaves them alone: half a tick, or while the next snapshot is due (the
// frame interval, and half of it again for its lateness), so that a
// dashboard drawing snapshots as they come gets no extra frame from the
// clock.
func (m *Model) freshFor() time.Duration { return max(clockTick/2, m.opts.frame*3/2) }

// clockMsg is a tick of the dashboard's clock.
type clockMsg time.Time

// clockCmd waits for the next tick of the dashboard's clock, or for stop to
// close (on quit), so that no timer goroutine outlives the dashboard.
func clockCmd(stop <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(clockTick)
		defer t.Stop()
		select {
		case now := <-t.C:
			return clockMsg(now)
		case <-stop:
			return nil
		}
	}
}

// snapshotMsg carries one snapshot from the source.
type snapshotMsg struct{ snap model.Snapshot }

// sourceClosedMsg says the source closed the subscription: no more snapshots.
type sourceClosedMsg struct{}

// subscribeCmd subscribes to src. It runs as a command so New has no side effects.
func subscribeCmd(src Source) tea.Cmd {
	return func() tea.Msg {
		ch, cancel := src.Subscribe()
		return subscribedMsg{ch: ch, cancel: cancel}
	}
}

// waitSnapshotCmd blocks until the next snapshot (or the end of the subscription).
// Update issues it again after each snapshot, so exactly one is ever waiting; the
// UI never blocks on the source and never needs Program.Send.
//
// A snapshot that comes before notBefore (the last one's arrival plus the frame
// interval, see WithFrameInterval) is held until then and replaced by any newer
// one: a source keeps only its newest snapshot, so the ones in between are
// skipped, never queued. stop (closed on quit) ends the wait.
func waitSnapshotCmd(ch <-chan model.Snapshot, notBefore time.Time, stop <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return sourceClosedMsg{}
		}
		if d := time.Until(notBefore); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-stop:
				t.Stop()
				return nil
			}
			select {
			case newer, ok := <-ch:
				if ok {
					s = newer
				} // closed: this one is still news; the next wait says closed
			default:
			}
		}
		return snapshotMsg{snap: s}
	}
}

// applyResultMsg reports what the source said to a plan's commands.
type applyResultMsg struct {
	plan     plan
	failures []applyFailure
}

// applyFailure is one command the source refused.
type applyFailure struct {
	label string // the command's label in the plan
	err   error
}

// applyCmd sends a plan's commands, one after the other, each with a short timeout,
// and reports the outcome.
func applyCmd(src Source, p plan) tea.Cmd {
	return func() tea.Msg {
		res := applyResultMsg{plan: p}
		for i, c := range p.cmds {
			ctx, cancel := context.WithTimeout(context.Background(), applyTimeout)
			err := src.Apply(ctx, c)
			cancel()
			if err != nil {
				res.failures = append(res.failures, applyFailure{label: p.labels[i], err: err})
			}
		}
		return res
	}
}

// status returns the status bar message for the result, and its level:
// `halt t3 "fetch page 7": ok`, `cannot resume t3 "fetch page 7": it is running`.
func (r applyResultMsg) status() (statusLevel, string) {
	p := r.plan
	what := p.verb
	switch {
	case len(p.cmds) == 1 && p.labels[0] != "":
		what += " " + p.labels[0]
	case len(p.cmds) > 1:
		what += " " + strconv.Itoa(len(p.cmds)) + " tasks"
	}
	if p.skipped > 0 {
		what += " (skipped " + strconv.Itoa(p.skipped) + ")"
	}
	if len(r.failures) == 0 {
		return statusOK, what + ": ok"
	}
	f := r.failures[0]
	failed := "cannot " + p.verb
	if f.label != "" {
		failed += " " + f.label
	}
	failed += ": " + f.err.Error()
	if len(p.cmds) == 1 {
		return statusError, failed
	}
	return statusError, what + ": " + strconv.Itoa(len(r.failures)) + " failed; " + failed
}

// shutdownDoneMsg says the graceful shutdown returned.
type shutdownDoneMsg struct{ err error }

// shutdownCmd runs the shutdown func with ctx (which carries the timeout).
func shutdownCmd(ctx context.Context, f func(context.Context) error) tea.Cmd {
	return func() tea.Msg { return shutdownDoneMsg{err: f(ctx)} }
}

// quitCmd ends the program: it cancels a running shutdown (force quit), ends the
// subscription (releasing the goroutine waiting on it) and quits.
func quitCmd(cancelShutdown context.CancelFunc, unsubscribe, stopClock func()) tea.Cmd {
	return func() tea.Msg {
		stopClock()
		if cancelShutdown != nil {
			cancelShutdown()
		}
		if unsubscribe != nil {
			unsubscribe()
		}
		return tea.QuitMsg{}
	}
}
