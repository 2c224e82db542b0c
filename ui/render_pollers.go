package ui

import (
	"strconv"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// The Pollers view's renderers: pure functions from a poller (and the snapshot's
// time) to the text of one cell. Times count to the snapshot's time, never
// time.Now, so a frame depends only on the snapshot.

// renderPollerName returns the NAME cell.
func renderPollerName(p *model.Poller) string { return bare(p.Name, p.Origin) }

// renderPollerState returns the STATE cell: running, paused, idle or killed.
func renderPollerState(p *model.Poller) string { return p.PollerState() }

// renderPeriod returns the PERIOD cell: the period, or a cron poller's schedule.
func renderPeriod(p *model.Poller) string {
	if p.Schedule() != "" {
		return renderSchedule(p) // render_cron.go
	}
	return model.FormatDuration(p.Period)
}

// ran reports whether the poller has finished a run, so its timings mean something.
func ran(p *model.Poller) bool { return p.Count > 0 || !p.Last.IsZero() }

// renderDelay returns the DELAY cell: how late the last run started.
func renderDelay(p *model.Poller) string {
	if !ran(p) {
		return noValue
	}
	return model.FormatDuration(p.Delay)
}

// renderAccDelay returns the ACC DELAY cell: every run's delay added up.
func renderAccDelay(p *model.Poller) string {
	if !ran(p) {
		return noValue
	}
	return model.FormatDuration(p.AccDelay)
}

// renderUsage returns the USAGE cell: the busy fraction as a percentage ("42%");
// above 100% when runs overlap (Concurrency > 1).
func renderUsage(p *model.Poller) string {
	return strconv.Itoa(int(p.Usage*100+0.5)) + "%"
}

// renderLast returns the LAST cell: when the last run started, "3s ago".
func renderLast(p *model.Poller, now time.Time) string {
	if p.Last.IsZero() {
		return noValue
	}
	return model.FormatDuration(max(now.Sub(p.Last), 0)) + " ago"
}

// renderNext returns the NEXT cell: the countdown to the next deadline, "in 1.2s",
// or "due" once it has passed; · when nothing is scheduled (paused, killed, idle).
func renderNext(p *model.Poller, now time.Time) string {
	if p.Next.IsZero() || p.Paused || !p.Alive || !p.Started {
		return noValue
	}
	if p.Schedule() != "" {
		return renderCronNext(p, now) // render_cron.go
	}
	d := p.Next.Sub(now)
	if d <= 0 {
		return "due"
	}
	return "in " + model.FormatDuration(d)
}

// renderRunDuration returns the DURATION cell: how long the last run took.
func renderRunDuration(p *model.Poller) string {
	if !ran(p) {
		return noValue
	}
	return model.FormatDuration(p.Duration)
}

// delayTop is the top of a delay sparkline's scale: the largest delay, but at
// least a tenth of the period, so on-time jitter stays low.
func delayTop(p *model.Poller) time.Duration { return sparkTop(p.Delays, max(p.Period/10, 1)) }

// renderDelaySpark returns the DELAYS cell: the recent delays as a sparkline of
// at most w cells.
func renderDelaySpark(p *model.Poller, w int) string {
	if len(p.Delays) == 0 {
		return noValue
	}
	return sparkline(p.Delays, w, delayTop(p))
}

// renderPollerValue returns the VALUE cell: the first line of the last value.
func renderPollerValue(p *model.Poller) string {
	if p.Value == "" {
		return ""
	}
	return cleanCell(firstLine(p.Value))
}

// staleNote returns the note a value carries when the runs since it failed:
// "stale 12s" (its age at now), "stale" when the engine gave no time, "" when
// the last run succeeded (or there is no value).
func staleNote(p *model.Poller, now time.Time) string {
	switch {
	case p.Failing == 0 || p.Value == "":
		return ""
	case p.ValueAt.IsZero():
		return "stale"
	}
	return "stale " + model.FormatAge(now.Sub(p.ValueAt))
}
