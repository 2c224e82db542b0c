package ui

import (
	"testing"
	"time"
	_ "time/tzdata" // America/New_York whether or not the machine has tzdata

	"github.com/spindle-tui/spindle/model"
)

// TestCronCells: a cron poller shows its schedule as its period and its next
// time as a time of day in its zone, with the day when it is not today.
func TestCronCells(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, ny) // a Monday
	cases := []struct {
		next time.Time
		want string
	}{
		{time.Date(2026, 3, 2, 15, 5, 0, 0, ny), "15:05 EST"},
		{time.Date(2026, 3, 3, 3, 0, 0, 0, ny), "Tue 03:00 EST"},
		{time.Date(2026, 3, 9, 3, 0, 0, 0, ny), "Mar 9 03:00 EDT"},
	}
	for _, c := range cases {
		p := &model.Poller{Extra: &model.PollerExtra{Schedule: "0 3 * * *", Zone: "America/New_York"}, Next: c.next, Alive: true, Started: true}
		if got := renderNext(p, now.UTC()); got != c.want {
			t.Errorf("NEXT for %s = %q, want %q", c.next, got, c.want)
		}
		if got := renderPeriod(p); got != "0 3 * * *" {
			t.Errorf("PERIOD = %q", got)
		}
	}
}

// TestValueNotes: a dict key's value carries its age, and says it expired.
func TestValueNotes(t *testing.T) {
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		p     model.Poller
		note  string
		alarm bool
	}{
		{"plain poller", model.Poller{Value: "ok", ValueAt: now.Add(-2 * time.Second)}, "", false},
		{"dict key", model.Poller{Group: "temps", Value: "21.5", ValueAt: now.Add(-2 * time.Second)}, "age 2s", false},
		{"dict key fresh under expire", model.Poller{Group: "temps", Value: "21.5", Extra: &model.PollerExtra{Expire: 3 * time.Second}, ValueAt: now.Add(-2 * time.Second)}, "age 2s", false},
		{"dict key at its expire", model.Poller{Group: "temps", Value: "21.5", Extra: &model.PollerExtra{Expire: 3 * time.Second}, ValueAt: now.Add(-3 * time.Second)}, "expired, 3s old", true},
		{"failing, not expired", model.Poller{Group: "temps", Value: "21.5", Failing: 2, ValueAt: now.Add(-12 * time.Second)}, "stale 12s", true},
	}
	for _, c := range cases {
		if note, alarm := valueNote(&c.p, now); note != c.note || alarm != c.alarm {
			t.Errorf("%s: note %q alarm %v, want %q %v", c.name, note, alarm, c.note, c.alarm)
		}
	}
}
