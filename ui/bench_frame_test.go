package ui

import (
	"context"
	"io"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
	"github.com/spindle-tui/spindle/sampletasks"
)

// demoSnapshots runs the demo for warm and returns the n snapshots it
// publishes after that, one per refresh.
func demoSnapshots(b *testing.B, warm time.Duration, n int) []model.Snapshot {
	b.Helper()
	e := engine.New()
	ctx, cancel := context.WithCancel(context.Background())
	defer func() {
		cancel()
		cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer ccancel()
		_ = e.Close(cctx)
	}()
	if err := sampletasks.Register(ctx, e); err != nil {
		b.Fatal(err)
	}
	ch, stop := e.Subscribe()
	defer stop()
	time.Sleep(warm)
	var out []model.Snapshot
	for len(out) < n {
		out = append(out, <-ch)
	}
	return out
}

// BenchmarkDemoFrame measures what one refresh of the demo costs a
// dashboard at 160×45: the snapshot into Update and View ("view"), and the
// terminal renderer's work on the frame View returned (bubbletea's flush:
// the styled string drawn into a cell buffer, diffed against the last frame
// and written; "terminal"), for consecutive snapshots of the running demo.
func BenchmarkDemoFrame(b *testing.B) {
	snaps := demoSnapshots(b, 3*time.Second, 50)
	m := benchModel(160, 45, snaps[0])
	frames := make([]string, len(snaps))
	for i, s := range snaps {
		mm, _ := m.Update(snapshotMsg{snap: s})
		m = mm.(Model)
		frames[i] = m.View().Content
	}
	b.Run("view", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			mm, _ := m.Update(snapshotMsg{snap: snaps[i%len(snaps)]})
			m = mm.(Model)
			sink = m.View().Content
			i++
		}
	})
	b.Run("terminal", func(b *testing.B) {
		buf := uv.NewScreenBuffer(160, 45)
		scr := uv.NewTerminalRenderer(io.Discard, []string{"TERM=tmux-256color"})
		scr.SetFullscreen(true)
		scr.SetScrollOptim(true)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			buf.Clear()
			uv.NewStyledString(frames[i%len(frames)]).Draw(buf, buf.Bounds())
			scr.Render(buf.RenderBuffer)
			_ = scr.Flush()
			i++
		}
	})
}
