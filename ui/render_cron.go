package ui

import (
	"time"

	"github.com/spindle-tui/spindle/model"
)

// Renderers for cron pollers and PollDict keys: a cron poller's PERIOD is its
// schedule and its NEXT a time of day in the schedule's zone; a dict key's
// VALUE carries its age, and says when it has expired.

// maxScheduleCell bounds the PERIOD column a long schedule widens.
const maxScheduleCell = 24

// renderSchedule returns a cron poller's PERIOD cell: its expression.
func renderSchedule(p *model.Poller) string {
	return truncate(cleanCell(p.Schedule()), maxScheduleCell)
}

// renderCronNext returns a cron poller's NEXT cell: the time, in the
// schedule's zone, with the zone said: "03:00 EST" today, "Tue 03:00 EST"
// within the week, "Jan 2 03:00 EST" after.
func renderCronNext(p *model.Poller, now time.Time) string {
	next := p.Next
	local := now.In(next.Location())
	switch {
	case sameDay(next, local):
		return next.Format("15:04 MST")
	case next.Sub(local) < 6*24*time.Hour:
		return next.Format("Mon 15:04 MST")
	}
	return next.Format("Jan 2 15:04 MST")
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// valueNote returns the note of a poller's VALUE and whether it is an alarm:
// "expired 12s ago" for a PollDict key past its Expire, "stale 12s" when the
// runs since the value failed, "age 2s" for any other dict key's value.
func valueNote(p *model.Poller, now time.Time) (string, bool) {
	switch {
	case p.Value == "":
		return "", false
	case p.Expired(now):
		return "expired, " + model.FormatAge(now.Sub(p.ValueAt)) + " old", true
	}
	if note := staleNote(p, now); note != "" {
		return note, true
	}
	if p.Group != "" && !p.ValueAt.IsZero() {
		return "age " + model.FormatAge(now.Sub(p.ValueAt)), false
	}
	return "", false
}

// expiryLine is the detail pane's line about a dict key's expiry, or "".
func expiryLine(p *model.Poller, now time.Time) string {
	if p.Expire() <= 0 {
		return ""
	}
	s := "expires " + model.FormatDuration(p.Expire()) + " after it was read"
	if p.Expired(now) {
		s = "expired: " + model.FormatAge(now.Sub(p.ValueAt)) + " old, past its " + model.FormatDuration(p.Expire()) + "; Get returns an error"
	}
	return s
}
