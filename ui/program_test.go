package ui

import (
	"bytes"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestProgram runs the whole Bubble Tea program against the fake source: the
// snapshot's rows must reach the terminal, and q must end the program.
func TestProgram(t *testing.T) {
	src := newFakeSource()
	snap := fixtureSnapshot()
	src.initial = &snap
	tm := teatest.NewTestModel(t, New(src, WithColor(false)), teatest.WithInitialTermSize(120, 40))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("crawl root")) && bytes.Contains(b, []byte("leaked 1 goroutine"))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	m, ok := tm.FinalModel(t).(Model)
	if !ok {
		t.Fatalf("final model is %T", tm.FinalModel(t))
	}
	if m.Err() != nil {
		t.Errorf("Err() = %v", m.Err())
	}
	if !src.isClosed() {
		t.Error("quitting did not end the subscription")
	}
}

// waitScreen waits until the program's output holds s.
func waitScreen(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}
