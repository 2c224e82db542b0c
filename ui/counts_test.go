package ui

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/spindle-tui/spindle/model"
)

// TestWorkersSayWhatIsNotListed: the header counts every task the engine
// knows; the Workers title says which of them the snapshot does not list
// (older finished runs, the tail of a long queue, a task a reload replaced),
// so the two agree.
func TestWorkersSayWhatIsNotListed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		if scr := h.screen(); !strings.Contains(strings.Split(scr, "\n")[1], "done 40") || !strings.Contains(scr, "[not listed: done 39]") {
			t.Errorf("header and title disagree without a word:\n%s", scr)
		}
		s := fixtureSnapshot()
		s.Counts[model.StateHalted]++      // a task a reload replaced, forgotten
		s.Counts[model.StateQueued] += 500 // the queue beyond its head
		h.publish(s)
		if scr := h.screen(); !strings.Contains(scr, "[not listed: queued 500, halted 1, done 39]") {
			t.Errorf("title does not say what is not listed:\n%s", scr)
		}
		h.publish(bigSnapshot(20, 5))
		if scr := h.screen(); strings.Contains(scr, "not listed") {
			t.Errorf("everything is listed, yet the title says otherwise:\n%s", scr)
		}
	})
}

// TestPoolsCountHaltedWork: the Pools view shows halted work apart from
// failures.
func TestPoolsCountHaltedWork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		s := fixtureSnapshot()
		s.Pools = slices.Clone(s.Pools)
		s.Pools[0].Halted = 7
		h.publish(s)
		h.keys("2")
		scr := h.screen()
		if !strings.Contains(scr, "HALTED") {
			t.Fatalf("no HALTED column:\n%s", scr)
		}
		lines := strings.Split(scr, "\n")
		row := lines[slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, " io ") })]
		if f := strings.Fields(row); !slices.Contains(f, "7") {
			t.Errorf("io's row does not show its 7 halted: %q", row)
		}
	})
}
