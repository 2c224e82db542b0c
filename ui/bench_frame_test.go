package ui

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"testing"

	uv "github.com/charmbracelet/ultraviolet"

	"github.com/spindle-tui/spindle/model"
)

// demoSnapshots reads testdata/demo_frames.jsonl.gz: 30 consecutive
// snapshots of the demo (one per 100 ms refresh, from 3 s after it started),
// recorded from engine.Subscribe as JSON lines. The ui package does not run
// an engine, even in tests.
func demoSnapshots(b *testing.B) []model.Snapshot {
	b.Helper()
	f, err := os.Open("testdata/demo_frames.jsonl.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	var out []model.Snapshot
	for dec := json.NewDecoder(zr); dec.More(); {
		var s model.Snapshot
		if err := dec.Decode(&s); err != nil {
			b.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// BenchmarkDemoFrame measures what one refresh of the demo costs a
// dashboard at 160×45: the snapshot into Update and View ("view"), and the
// terminal renderer's work on the frame View returned (bubbletea's flush:
// the styled string drawn into a cell buffer, diffed against the last frame
// and written; "terminal"), for consecutive snapshots of the running demo (demoSnapshots).
func BenchmarkDemoFrame(b *testing.B) {
	snaps := demoSnapshots(b)
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
