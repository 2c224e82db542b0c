package engine

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// ErrInvalidSchedule is matched (errors.Is) by every *CronError, and wrapped
// by what refuses a cron schedule: Start of a poller made with a bad Cron
// expression, SetPeriod and ScalePeriod of a cron poller.
var ErrInvalidSchedule = errors.New("engine: invalid cron schedule")

// CronError reports a cron expression that cannot be parsed: which field is
// wrong, where in the expression it starts and why.
type CronError struct {
	Expr   string // the expression as given
	Field  string // "minute", "hour", "day of month", "month", "day of week", "time zone"; "" when no one field is at fault
	Offset int    // the byte offset in Expr of what is wrong; 0 when no one field is at fault
	Reason string
}

// Error reads like `cron "61 * * * *": minute "61": end of range (61) above maximum (59)`.
func (e *CronError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("cron %q: %s", e.Expr, e.Reason)
	}
	return fmt.Sprintf("cron %q: %s %q: %s", e.Expr, e.Field, fieldAt(e.Expr, e.Offset), e.Reason)
}

// Is makes errors.Is(err, ErrInvalidSchedule) true.
func (e *CronError) Is(target error) bool { return target == ErrInvalidSchedule }

// fieldAt returns the word of s that starts at byte offset i.
func fieldAt(s string, i int) string {
	if i < 0 || i > len(s) {
		return ""
	}
	w, _, _ := strings.Cut(s[i:], " ")
	return w
}

// cronFields names the five fields of a standard cron expression, in order.
var cronFields = [5]string{"minute", "hour", "day of month", "month", "day of week"}

// CronSchedule is a parsed cron expression in a time zone: five fields
// (minute, hour, day of month, month, day of week, with ranges, steps, lists
// and JAN–DEC, SUN–SAT names) or a descriptor: @yearly (@annually), @monthly,
// @weekly, @daily (@midnight), @hourly, or @every <duration> (at least 1s).
//
// The zone is the process's local zone (time.Local: $TZ, else the system's)
// unless the expression starts with CRON_TZ=<IANA zone> (or TZ=), or
// ParseCronIn gives one. Times are wall-clock times in that zone; across a
// daylight-saving change a wall time that the change skips does not happen
// that day, and a wall time it repeats happens once, at its first occurrence.
// @every counts elapsed time, not the wall clock.
type CronSchedule struct {
	expr  string // as given, zone prefix included
	loc   *time.Location
	sched cron.Schedule
	wall  bool // five fields or a calendar descriptor, not @every
}

// ParseCron parses a cron expression (see CronSchedule). A bad one is a
// *CronError (matching ErrInvalidSchedule) that names the field at fault.
func ParseCron(expr string) (*CronSchedule, error) { return ParseCronIn(expr, nil) }

// ParseCronIn is ParseCron with the time zone given apart (a task file's
// timezone field). loc nil means time.Local; an expression that names a zone
// of its own (CRON_TZ=) besides a non-nil loc is an error.
func ParseCronIn(expr string, loc *time.Location) (*CronSchedule, error) {
	body, at := strings.TrimSpace(expr), strings.Index(expr, strings.TrimSpace(expr))
	bad := func(field string, off int, reason string) error {
		return &CronError{Expr: expr, Field: field, Offset: off, Reason: reason}
	}
	if name, rest, ok := cutZone(body); ok {
		if loc != nil {
			return nil, bad("time zone", at, "names a zone besides the timezone given ("+loc.String()+"); keep one")
		}
		z, err := time.LoadLocation(name)
		if err != nil || name == "" {
			return nil, bad("time zone", at, "is not a known IANA zone such as America/New_York (tzdata may be missing)")
		}
		loc = z
		at += len(body) - len(rest)
		body = rest
	}
	if loc == nil {
		loc = time.Local
	}
	if body == "" {
		return nil, bad("", 0, "is empty; write five fields (minute hour day-of-month month day-of-week) or a descriptor such as @daily")
	}
	if err := checkCron(body); err != nil {
		err.Expr = expr
		if err.Field != "" {
			err.Offset += at
		}
		return nil, err
	}
	sched, err := cron.ParseStandard(body)
	if err != nil {
		return nil, bad("", 0, err.Error())
	}
	return &CronSchedule{expr: expr, loc: loc, sched: sched, wall: !strings.HasPrefix(body, "@every")}, nil
}

// cutZone splits "CRON_TZ=Zone rest" (or TZ=) into the zone and the rest.
func cutZone(s string) (zone, rest string, ok bool) {
	for _, p := range []string{"CRON_TZ=", "TZ="} {
		if after, found := strings.CutPrefix(s, p); found {
			zone, rest, _ = strings.Cut(after, " ")
			return zone, strings.TrimLeft(rest, " \t"), true
		}
	}
	return "", s, false
}

// checkCron finds what is wrong with body (an expression without its zone),
// field by field, so the error can point at it; nil when the parser accepts
// it. Offsets are into body.
func checkCron(body string) *CronError {
	if strings.HasPrefix(body, "@") {
		return checkDescriptor(body)
	}
	var offs []int
	for i := 0; i < len(body); {
		for i < len(body) && (body[i] == ' ' || body[i] == '\t') {
			i++
		}
		if i < len(body) {
			offs = append(offs, i)
		}
		for i < len(body) && body[i] != ' ' && body[i] != '\t' {
			i++
		}
	}
	if len(offs) != len(cronFields) {
		return &CronError{Reason: fmt.Sprintf("has %d fields; a cron expression has 5: minute hour day-of-month month day-of-week (or a descriptor such as @daily)", len(offs))}
	}
	for i, off := range offs {
		probe := [5]string{"*", "*", "*", "*", "*"}
		probe[i] = fieldAt(body, off)
		if _, err := cron.ParseStandard(strings.Join(probe[:], " ")); err != nil {
			return &CronError{Field: cronFields[i], Offset: off, Reason: trimReason(err.Error(), probe[i])}
		}
	}
	return nil
}

// checkDescriptor checks an @ expression.
func checkDescriptor(body string) *CronError {
	if d, ok := strings.CutPrefix(body, "@every"); ok {
		d = strings.TrimSpace(d)
		p, err := time.ParseDuration(d)
		switch {
		case err != nil:
			return &CronError{Reason: fmt.Sprintf("@every needs a duration such as 5m, not %q", d)}
		case p < time.Second:
			return &CronError{Reason: fmt.Sprintf("@every %s is under the 1s a cron schedule can tell apart", d)}
		}
		return nil
	}
	switch body {
	case "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly":
		return nil
	}
	return &CronError{Reason: fmt.Sprintf("%q is no descriptor; use @yearly, @monthly, @weekly, @daily, @hourly or @every <duration>", body)}
}

// trimReason drops the field the parser repeats at the end of its message.
func trimReason(msg, field string) string {
	return strings.TrimSuffix(msg, ": "+field)
}

// Next returns the first time of the schedule after t, in the schedule's
// zone, or the zero time if there is none within five years (February 30).
func (s *CronSchedule) Next(t time.Time) time.Time {
	for range 4 {
		n := s.sched.Next(t.In(s.loc))
		if n.IsZero() || !s.wall || !repeatedWallTime(n) {
			return n
		}
		t = n // the fall-back repeats this wall time: it ran at its first occurrence
	}
	return time.Time{}
}

// repeatedWallTime reports whether t's wall-clock reading already happened,
// an hour (or whatever the change was) earlier, before a backward change of
// the zone's offset.
func repeatedWallTime(t time.Time) bool {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return false
	}
	_, off := t.Zone()
	_, before := start.Add(-time.Nanosecond).Zone()
	back := time.Duration(before-off) * time.Second
	return back > 0 && t.Sub(start) < back
}

// String returns the expression as given.
func (s *CronSchedule) String() string { return s.expr }

// Location returns the zone the schedule's times are in.
func (s *CronSchedule) Location() *time.Location { return s.loc }

// interval estimates the gap between runs after t: the span a poller's Usage
// is measured over. It is at least a second.
func (s *CronSchedule) interval(t time.Time) time.Duration {
	a := s.Next(t)
	if a.IsZero() {
		return time.Hour
	}
	b := s.Next(a)
	if b.IsZero() {
		return time.Hour
	}
	return max(b.Sub(a), time.Second)
}
