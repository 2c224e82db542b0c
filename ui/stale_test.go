package ui

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestStalePollerValue: a poller whose last runs failed still has its last
// good value; the table and the detail pane mark it stale, with its age.
func TestStalePollerValue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		s := fixtureSnapshot()
		s.Pollers = slices.Clone(s.Pollers)
		disk := &s.Pollers[0]
		disk.Failing, disk.ValueAt = 3, fixtureNow.Add(-12*time.Second)
		disk.LastError, disk.Errors = "df: /: no such disk", 3
		h.publish(s)
		h.keys("3")
		lines := strings.Split(h.screen(), "\n")
		row := lines[slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, " disk ") })]
		if !strings.Contains(row, "stale 12s") {
			t.Errorf("disk's row does not mark its value stale: %q", row)
		}
		health := lines[slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, " health ") })]
		if strings.Contains(health, "stale") {
			t.Errorf("health's last run did not fail, yet: %q", health)
		}
		h.selectPoller("disk")
		h.keys("enter")
		if scr := h.screen(); !strings.Contains(scr, "stale: from 12s ago; the last 3 runs failed") {
			t.Errorf("detail does not say the value is stale:\n%s", scr)
		}
	})
}
