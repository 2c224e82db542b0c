package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// withLog returns the fixture with n log lines on t1.
func withLog(n int) model.Snapshot {
	s := fixtureSnapshot()
	s.Tasks = slices.Clone(s.Tasks)
	var log []model.LogLine
	for i := range n {
		log = append(log, model.LogLine{Time: ago(time.Duration(n-i) * time.Second), Text: fmt.Sprintf("line %d of the log", i+1)})
	}
	s.Tasks[0].Log = log
	return s
}

// TestDetailOpensAtTheNewestLine: the detail pane opens at the newest log line and
// follows new ones, as tail -f does, until the user scrolls up.
func TestDetailOpensAtTheNewestLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(withLog(100))
		h.keys("enter")
		if scr := h.screen(); !strings.Contains(scr, "line 100 of the log") {
			t.Fatalf("the pane did not open at the newest line:\n%s", scr)
		}
		h.publish(withLog(103))
		if scr := h.screen(); !strings.Contains(scr, "line 103 of the log") {
			t.Errorf("the pane did not follow the new lines:\n%s", scr)
		}
		h.keys("k", "k", "k", "k", "k")
		h.publish(withLog(110))
		if scr := h.screen(); strings.Contains(scr, "line 110 of the log") || !strings.Contains(scr, "line 98 of the log") {
			t.Errorf("scrolled up, the pane still moved with the new lines:\n%s", scr)
		}
		h.keys("G")
		h.publish(withLog(112))
		if scr := h.screen(); !strings.Contains(scr, "line 112 of the log") {
			t.Errorf("G did not follow again:\n%s", scr)
		}
	})
}
