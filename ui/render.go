package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// The renderers below are pure functions from a task (and the snapshot's time) to
// the text of one cell, k9s style: no styles, no widths; the table pads, cuts and
// paints. Everything is measured against the snapshot's time, never time.Now, so a
// frame depends only on the snapshot.

// barWidth is the cells of a progress bar, without its percentage.
const barWidth = 10

// progressWidth is the PROGRESS column: a bar, a blank and "100%".
const progressWidth = barWidth + 5

// noValue fills a cell that has nothing to show.
const noValue = "·"

// renderID returns the ID cell.
func renderID(t *model.Task) string { return bare(string(t.ID), t.Origin) }

// renderName returns the NAME cell.
func renderName(t *model.Task) string { return cleanCell(t.Name) }

// renderGroup returns the GROUP cell: the manager or pool (without the
// origin a fleet's carries: the ORIGIN column has it), and for work a
// distributed pool took from its queue, the engine that enqueued it:
// "render ← build-2/4120".
func renderGroup(t *model.Task) string {
	if t.From != "" {
		return bare(t.Group, t.Origin) + fromMark + cleanCell(t.From)
	}
	return bare(t.Group, t.Origin)
}

// fromMark joins a GROUP cell's pool and the engine its work came from.
const fromMark = " ← "

// renderHealth returns the HEALTH cell: "ready", "not ready", or "—" for a
// task without a readiness probe.
func renderHealth(t *model.Task) string {
	if t.Health == model.HealthNone {
		return "—"
	}
	return t.Health.String()
}

// renderState returns the STATE cell.
func renderState(t *model.Task) string { return t.State.String() }

// ageSince returns the time a task's AGE counts from, the start of what it is
// doing now: a queued task's queueing (its creation, or the restart that
// queued it again), a live task's start, an abandoned one's giving up, a
// finished (or backing off) task's end; falling back to creation when the
// engine did not fill the later fields.
func ageSince(t *model.Task) time.Time {
	var at time.Time
	switch {
	case t.State.Pending(): // queued, waiting, blocked, disabled: since it was queued (again)
		at = t.Queued
	case t.State.Live():
		at = t.Started
	case t.State == model.StateAbandoned: // it never ended: Asked is when it was given up on
		at = t.Asked
		if at.IsZero() {
			at = t.Ended
		}
	default:
		at = t.Ended
	}
	if at.IsZero() {
		at = t.Created
	}
	return at
}

// renderAge returns the AGE cell, k9s style ("12s", "3m4s", "2d3h"), relative to now
// (the snapshot's time); a task with no times shows ·.
func renderAge(t *model.Task, now time.Time) string {
	at := ageSince(t)
	if at.IsZero() {
		return noValue
	}
	return model.FormatAge(now.Sub(at))
}

// renderProgress returns the PROGRESS cell: "███████░░░  70%", or · when the task
// reported no total.
func renderProgress(t *model.Task) string {
	p := t.Progress()
	if p < 0 {
		return noValue
	}
	full := int(p*barWidth + 0.5)
	pct := int(p*100 + 0.5)
	var b strings.Builder
	b.Grow(barWidth*3 + 5)
	for i := range barWidth {
		if i < full {
			b.WriteString("█")
		} else {
			b.WriteString("░")
		}
	}
	b.WriteByte(' ')
	s := strconv.Itoa(pct)
	writeSpaces(&b, 3-len(s))
	b.WriteString(s)
	b.WriteByte('%')
	return b.String()
}

// renderRestarts returns the RESTARTS cell; zero is left blank so restarts stand out.
func renderRestarts(t *model.Task) string {
	if t.Restarts == 0 {
		return ""
	}
	return strconv.Itoa(t.Restarts)
}

// renderLastError returns the LAST ERROR cell: the first line of the last error,
// with … when more lines follow (the table cuts it to the column with … as well);
// for a process that ended, how it ended ("exit 3", "SIGKILL"); for a task in
// backoff, when it retries ("exit status 1 · retry in 2s", against now); for a
// fatal one, that it gave up ("· gave up after 5 restarts").
func renderLastError(t *model.Task, now time.Time) string {
	return joinNote(lastErrorParts(t, now))
}

// eventTime returns the TIME cell of an event: HH:MM:SS in the event's own zone.
func eventTime(e *model.Event) string { return e.Time.Format("15:04:05") }

// renderEvent returns the cells of an event row: time, level, task, group, text.
func renderEvent(e *model.Event) [5]string {
	return [5]string{eventTime(e), cleanCell(string(e.Level)), bare(string(e.Task), e.Origin), bare(e.Group, e.Origin), cleanCell(firstLine(e.Text))}
}
