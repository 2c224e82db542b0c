package spec

import (
	"errors"
	"fmt"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/spindle-tui/spindle/engine"
)

// Cron schedules in the task file: `schedule:` on a poller (instead of its
// period) or on a manager task (run at those times, restarted each time), and
// `timezone:` beside it. The zone is the one spindle runs in (TZ, else the
// system's) unless timezone names one or the expression starts with CRON_TZ=.

// scheduleHint is the hint of a bad schedule.
const scheduleHint = `five fields, minute hour day-of-month month day-of-week, such as "0 3 * * *" or "*/5 * * * *"; or @hourly, @daily, @weekly, @monthly, @every 5m`

// scheduleFields are the two fields of anything with a cron schedule; runs
// says what the schedule does, for the schema's doc.
func scheduleFields[T any](runs string, sched func(*T) (*string, *Pos), zone func(*T) *string) []field[T] {
	return []field[T]{
		{
			fieldInfo: fieldInfo{name: "schedule", kind: kindString, nonEmpty: true, example: `schedule: "0 3 * * *"`,
				doc: "A cron schedule: " + runs + ". Five fields (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly, @every <duration>; quote it."},
			set: func(d *decoder, f *fieldInfo, n ast.Node, dst *T) {
				if v, ok := d.str(n, f); ok {
					s, at := sched(dst)
					*s, *at = v, contentPos(d.resolve(n))
				}
			},
		},
		{
			fieldInfo: fieldInfo{name: "timezone", kind: kindString, nonEmpty: true, example: "timezone: America/New_York",
				doc: "The IANA time zone of schedule (UTC, Local, Europe/Paris...); the default is the zone spindle runs in."},
			set: func(d *decoder, f *fieldInfo, n ast.Node, dst *T) {
				v, ok := d.str(n, f)
				if !ok {
					return
				}
				if _, err := time.LoadLocation(v); err != nil {
					d.errorf(n, "an IANA zone such as America/New_York, UTC or Local", "timezone %q is not a known time zone (is tzdata installed?)", clip(v))
					return
				}
				*zone(dst) = v
			},
		},
	}
}

// contentPos is where the text of scalar n starts: after its quote, if any.
func contentPos(n ast.Node) Pos {
	p := posOf(n)
	if s, ok := n.(*ast.StringNode); ok && s.Token != nil &&
		(s.Token.Type == token.DoubleQuoteType || s.Token.Type == token.SingleQuoteType) {
		p.Col++
	}
	return p
}

// parseSchedule parses expr (written at at) in zone ("" for the default) and
// reports what is wrong at the field at fault, for owner ("poller \"x\"").
func parseSchedule(d *decoder, owner, expr string, at Pos, zone string) *engine.CronSchedule {
	var loc *time.Location
	if zone != "" {
		loc, _ = time.LoadLocation(zone) // checked when decoded
	}
	s, err := engine.ParseCronIn(expr, loc)
	var ce *engine.CronError
	switch {
	case err == nil:
		return s
	case errors.As(err, &ce) && ce.Field != "":
		d.errorAt(Pos{Line: at.Line, Col: at.Col + ce.Offset}, scheduleHint, "%s: schedule %q: %s %q: %s",
			owner, expr, ce.Field, fieldWord(expr, ce.Offset), ce.Reason)
	case errors.As(err, &ce):
		d.errorAt(at, scheduleHint, "%s: schedule %q %s", owner, expr, ce.Reason)
	default:
		d.errorAt(at, scheduleHint, "%s: schedule %q: %v", owner, expr, err)
	}
	return nil
}

// fieldWord is the word of s at byte offset i.
func fieldWord(s string, i int) string {
	end := i
	for end < len(s) && s[end] != ' ' && s[end] != '\t' {
		end++
	}
	return s[i:end]
}

// checkSchedules checks every schedule of f and that each poller has a
// period or a schedule, not both.
func (f *File) checkSchedules(d *decoder) {
	for i := range f.Pollers {
		p := &f.Pollers[i]
		owner := fmt.Sprintf("poller %q", p.Name)
		switch { // neither period nor schedule: decodeObject says so (period is required unless schedule is given)
		case p.Schedule != "" && p.Period != 0:
			d.errorAt(p.SchedulePos, "remove period, or schedule", "%s has both a period and a schedule; it runs on one of them", owner)
		case p.Schedule != "":
			p.Cron = parseSchedule(d, owner, p.Schedule, p.SchedulePos, p.Timezone)
		case p.Timezone != "":
			d.errorAt(p.Pos, "remove timezone, or add a schedule", "%s has a timezone but no schedule", owner)
		}
	}
	for i := range f.Managers {
		for j := range f.Managers[i].Tasks {
			t := &f.Managers[i].Tasks[j]
			switch {
			case t.Schedule != "":
				t.Cron = parseSchedule(d, fmt.Sprintf("task %q", t.Name), t.Schedule, t.SchedulePos, t.Timezone)
			case t.Timezone != "":
				d.errorAt(t.Pos, "remove timezone, or add a schedule", "task %q has a timezone but no schedule", t.Name)
			}
		}
	}
}
