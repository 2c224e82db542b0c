package ui

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// threeErrors is a save with three problems, as engine/spec.Supervisor.Reject
// words it: one error a line, then a note.
const threeErrors = `spindle.yaml:3:5: unknown field "limt" (did you mean "limit"?)
spindle.yaml:9:14: bad duration "2x" for period
spindle.yaml:14:9: task "web" has no command
(nothing changed; fix the file and save)`

// withSourceErrorEvent returns s with text as its source error and, as the
// engine records it, as the newest event.
func withSourceErrorEvent(s model.Snapshot, text string) model.Snapshot {
	s = withSourceError(s, text)
	s.Events = append([]model.Event{{Time: fixtureNow, Level: model.LevelError, Text: text}}, s.Events...)
	return s
}

// TestSourceErrorCount: the bar counts errors exactly; a note or the
// continuation of an error is not one.
func TestSourceErrorCount(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"one error and the note", fixtureSourceError + "\n(nothing changed; fix the file and save)", "(1 error: e shows it)"},
		{"three errors and the note", threeErrors, "(3 errors: e shows all)"},
		{"an error on two lines", "spindle.yaml:3:1: bad\n    detail of it", "(1 error: e shows it)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.publish(withSourceError(fixtureSnapshot(), tt.text))
				bar := strings.Split(h.screen(), "\n")[37]
				if !strings.Contains(bar, tt.want) || strings.Contains(bar, "more)") {
					t.Errorf("bar %q, want it to say %q", bar, tt.want)
				}
			})
		})
	}
}

// TestSourceErrorsOverlay: e opens every error, file:line:col each, with the
// note; it scrolls when they do not fit and closes on esc.
func TestSourceErrorsOverlay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("e")
		if got := h.m.status.Text(); got != "no errors to show: the source has none" {
			t.Errorf("e without errors: status %q", got)
		}
		h.publish(withSourceError(fixtureSnapshot(), threeErrors))
		h.keys("e")
		scr := h.screen()
		for _, want := range []string{"3 errors", `spindle.yaml:3:5: unknown field "limt"`, `spindle.yaml:9:14: bad duration "2x"`,
			`spindle.yaml:14:9: task "web" has no command`, "nothing changed; fix the file and save"} {
			if !strings.Contains(scr, want) {
				t.Errorf("overlay lacks %q:\n%s", want, scr)
			}
		}
		h.keys("h") // the overlay has the keys: nothing is halted behind it
		if len(h.src.commands()) != 0 {
			t.Errorf("a key went past the overlay: %v", h.src.commands())
		}
		h.keys("esc")
		if strings.Contains(h.screen(), "spindle.yaml:9:14") {
			t.Errorf("esc did not close the overlay:\n%s", h.screen())
		}

		many := ""
		for i := range 60 {
			many += "spindle.yaml:" + itoa(i+1) + ":1: problem " + itoa(i+1) + "\n"
		}
		h.publish(withSourceError(fixtureSnapshot(), many))
		h.keys("e", "G")
		if scr := h.screen(); !strings.Contains(scr, "problem 60") || strings.Contains(scr, "problem 1\n") {
			t.Errorf("G did not scroll to the last error:\n%s", scr)
		}
	})
}

// TestEventsListSourceErrors: the Events view shows every line of a multi-line
// event (the source error the engine records), not only its first.
func TestEventsListSourceErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(withSourceErrorEvent(fixtureSnapshot(), threeErrors))
		h.keys("4")
		scr := h.screen()
		for _, want := range []string{`spindle.yaml:3:5: unknown field "limt"`, `spindle.yaml:9:14: bad duration "2x"`, `spindle.yaml:14:9: task "web" has no command`} {
			if !strings.Contains(scr, want) {
				t.Errorf("Events lacks %q:\n%s", want, scr)
			}
		}
		h.keys("enter") // an event of no task: its whole text
		if scr := h.screen(); !strings.Contains(scr, "nothing changed; fix the file and save") || !strings.Contains(scr, "12:00:00") {
			t.Errorf("enter on the event did not show it:\n%s", scr)
		}
		_ = time.Second
	})
}
