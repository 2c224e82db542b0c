package engine_test

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // America/New_York whether or not the machine has tzdata

	"github.com/spindle-tui/spindle/engine"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestParseCronErrors: a bad expression is a *CronError that names the field
// at fault, where it starts, and what is wrong with it.
func TestParseCronErrors(t *testing.T) {
	cases := []struct {
		expr   string
		field  string
		offset int
		text   string
	}{
		{"", "", 0, `cron "": is empty; write five fields (minute hour day-of-month month day-of-week) or a descriptor such as @daily`},
		{"* * * *", "", 0, `cron "* * * *": has 4 fields; a cron expression has 5: minute hour day-of-month month day-of-week (or a descriptor such as @daily)`},
		{"61 * * * *", "minute", 0, `cron "61 * * * *": minute "61": end of range (61) above maximum (59)`},
		{"0  25 * * *", "hour", 3, `cron "0  25 * * *": hour "25": end of range (25) above maximum (23)`},
		{"0 3 * FOO *", "month", 6, `cron "0 3 * FOO *": month "FOO": failed to parse int from FOO: strconv.Atoi: parsing "FOO": invalid syntax`},
		{"*/0 * * * *", "minute", 0, `cron "*/0 * * * *": minute "*/0": step of range should be a positive number`},
		{"0 0 1 1 8", "day of week", 8, `cron "0 0 1 1 8": day of week "8": end of range (8) above maximum (6)`},
		{"CRON_TZ=Mars/Olympus 0 3 * * *", "time zone", 0, `cron "CRON_TZ=Mars/Olympus 0 3 * * *": time zone "CRON_TZ=Mars/Olympus": is not a known IANA zone such as America/New_York (tzdata may be missing)`},
		{"TZ=UTC", "", 0, `cron "TZ=UTC": is empty; write five fields (minute hour day-of-month month day-of-week) or a descriptor such as @daily`},
		{"CRON_TZ=UTC 0 3 * * * *", "", 0, `cron "CRON_TZ=UTC 0 3 * * * *": has 6 fields; a cron expression has 5: minute hour day-of-month month day-of-week (or a descriptor such as @daily)`},
		{"CRON_TZ=UTC 0 99 * * *", "hour", 14, `cron "CRON_TZ=UTC 0 99 * * *": hour "99": end of range (99) above maximum (23)`},
		{"@every 100ms", "", 0, `cron "@every 100ms": @every 100ms is under the 1s a cron schedule can tell apart`},
		{"@every soon", "", 0, `cron "@every soon": @every needs a duration such as 5m, not "soon"`},
		{"@nightly", "", 0, `cron "@nightly": "@nightly" is no descriptor; use @yearly, @monthly, @weekly, @daily, @hourly or @every <duration>`},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			_, err := engine.ParseCron(c.expr)
			var ce *engine.CronError
			if !errors.As(err, &ce) || !errors.Is(err, engine.ErrInvalidSchedule) {
				t.Fatalf("ParseCron(%q) = %v, want a *CronError", c.expr, err)
			}
			if ce.Field != c.field || ce.Offset != c.offset || err.Error() != c.text {
				t.Fatalf("ParseCron(%q):\n got field %q offset %d: %s\nwant field %q offset %d: %s", c.expr, ce.Field, ce.Offset, err, c.field, c.offset, c.text)
			}
		})
	}
	if _, err := engine.ParseCronIn("CRON_TZ=UTC 0 3 * * *", time.UTC); err == nil {
		t.Fatal("a zone in the expression and a zone given: no error")
	}
}

// TestCronNext: the next time across a minute, an hour, a day, a month and a
// year boundary, and across both daylight-saving changes of New York in 2000
// (spring forward on April 2 at 2:00 EST, fall back on October 29 at 2:00
// EDT).
func TestCronNext(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04:05 MST", s, ny)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name, expr string
		after      string
		want       []string
	}{
		{"minute boundary", "* * * * *", "2000-01-01 10:00:59 EST", []string{"2000-01-01 10:01:00 EST", "2000-01-01 10:02:00 EST"}},
		{"every five", "*/5 * * * *", "2000-01-01 10:03:00 EST", []string{"2000-01-01 10:05:00 EST", "2000-01-01 10:10:00 EST"}},
		{"on the dot is after", "0 3 * * *", "2000-01-01 03:00:00 EST", []string{"2000-01-02 03:00:00 EST"}},
		{"day boundary", "0 0 * * *", "2000-01-01 23:59:59 EST", []string{"2000-01-02 00:00:00 EST", "2000-01-03 00:00:00 EST"}},
		{"year boundary", "@yearly", "2000-12-31 23:00:00 EST", []string{"2001-01-01 00:00:00 EST"}},
		{"weekday names", "0 9 * * MON-FRI", "2000-01-07 10:00:00 EST", []string{"2000-01-10 09:00:00 EST"}},
		{"hourly across spring forward", "0 * * * *", "2000-04-02 00:30:00 EST", []string{"2000-04-02 01:00:00 EST", "2000-04-02 03:00:00 EDT", "2000-04-02 04:00:00 EDT"}},
		{"a skipped wall time does not happen that day", "30 2 * * *", "2000-04-01 03:00:00 EST", []string{"2000-04-03 02:30:00 EDT"}},
		{"daily across spring forward keeps its wall time", "0 3 * * *", "2000-04-01 04:00:00 EST", []string{"2000-04-02 03:00:00 EDT", "2000-04-03 03:00:00 EDT"}},
		{"a repeated wall time happens once", "30 1 * * *", "2000-10-29 00:00:00 EDT", []string{"2000-10-29 01:30:00 EDT", "2000-10-30 01:30:00 EST"}},
		{"hourly across fall back runs each hour once", "0 * * * *", "2000-10-29 00:30:00 EDT", []string{"2000-10-29 01:00:00 EDT", "2000-10-29 02:00:00 EST"}},
		{"@every counts elapsed time across fall back", "@every 30m", "2000-10-29 01:00:00 EDT", []string{"2000-10-29 01:30:00 EDT", "2000-10-29 01:00:00 EST", "2000-10-29 01:30:00 EST"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := engine.ParseCronIn(c.expr, ny)
			if err != nil {
				t.Fatal(err)
			}
			from := at(c.after)
			for i, w := range c.want {
				got := s.Next(from)
				if !got.Equal(at(w)) || got.Location() != ny {
					t.Fatalf("next %d after %s = %s, want %s", i+1, from, got, w)
				}
				from = got
			}
		})
	}
}

// TestCronZone: the zone is the local one unless the expression or the
// caller names one; Next answers in it.
func TestCronZone(t *testing.T) {
	s, err := engine.ParseCron("0 3 * * *")
	if err != nil || s.Location() != time.Local {
		t.Fatalf("no zone: %v, %v", s, err)
	}
	s, err = engine.ParseCron("CRON_TZ=America/New_York 0 3 * * *")
	if err != nil || s.Location().String() != "America/New_York" {
		t.Fatalf("CRON_TZ: %v, %v", s, err)
	}
	got := s.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	if want := time.Date(2000, 1, 1, 8, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location().String() != "America/New_York" {
		t.Fatalf("Next = %s, want %s in New York", got, want)
	}
}
