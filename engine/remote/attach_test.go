package remote

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/spindle-tui/spindle/model"
	"github.com/spindle-tui/spindle/ui"
)

// dashboard drives a ui.Model the way a Bubble Tea program does, without a
// terminal: every command runs in a goroutine and its message is delivered
// to Update in order.
type dashboard struct {
	t       *testing.T
	m       tea.Model
	results chan tea.Msg
}

func newDashboard(t *testing.T, src ui.Source) *dashboard {
	d := &dashboard{t: t, m: ui.New(src), results: make(chan tea.Msg, 256)}
	d.run(d.m.Init())
	d.deliver(tea.WindowSizeMsg{Width: 140, Height: 30})
	return d
}

func (d *dashboard) run(cmd tea.Cmd) {
	if cmd != nil {
		go func() { d.results <- cmd() }()
	}
}

func (d *dashboard) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
		return
	case tea.QuitMsg, nil:
		return
	}
	m, cmd := d.m.Update(msg)
	d.m = m
	d.run(cmd)
}

// screen is the frame without styles.
func (d *dashboard) screen() string { return ansi.Strip(d.m.View().Content) }

// until delivers messages until the frame satisfies pred (10 s at most).
func (d *dashboard) until(what string, pred func(screen string) bool) {
	d.t.Helper()
	timeout := time.After(10 * time.Second)
	for !pred(d.screen()) {
		select {
		case msg := <-d.results:
			d.deliver(msg)
		case <-timeout:
			d.t.Fatalf("waiting for %s; the frame is:\n%s", what, d.screen())
		}
	}
}

// TestAttachDashboard runs the dashboard on a client attached to a served
// engine, halts a task with its key, and sees it halted on both sides; then
// the server goes and the frame says so, keeping the last picture.
func TestAttachDashboard(t *testing.T) {
	e := newEngine(t)
	id := startBlocker(t, e, "remote-victim")
	s, err := Listen(context.Background(), e, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := dialT(t, s, withBackoff(time.Hour, time.Hour))
	d := newDashboard(t, c)
	d.until("the task running", func(sc string) bool {
		return strings.Contains(sc, "remote-victim") && strings.Contains(sc, "running")
	})

	d.deliver(tea.KeyPressMsg{Code: 'h', Text: "h"})
	d.until("the task halted on the client", func(sc string) bool {
		return strings.Contains(sc, "halted") && !strings.Contains(sc, "running")
	})
	if st, _ := taskState(e.Snapshot(), id); st != model.StateHalted {
		t.Fatalf("engine says %s", st)
	}

	// A refused command reads on the status bar as it would locally.
	d.deliver(tea.KeyPressMsg{Code: 'p', Text: "p"})
	d.until("the refusal", func(sc string) bool { return strings.Contains(sc, "cannot pause") })

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	d.until("the drop noticed, the last frame kept", func(sc string) bool {
		return strings.Contains(sc, "connection lost") && strings.Contains(sc, "remote-victim")
	})
	c.Close() // ends the subscription: the command waiting on it returns
	d.until("the source closed", func(sc string) bool { return strings.Contains(sc, "source closed") })
}
