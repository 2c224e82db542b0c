package ui

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/model"
)

// sink keeps results alive so the compiler cannot drop the work.
var sink string

// benchModel returns a dashboard at w×h that has seen s once.
func benchModel(w, h int, s model.Snapshot) Model {
	m := New(newFakeSource())
	mm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	mm, _ = mm.Update(snapshotMsg{snap: s})
	return mm.(Model)
}

// benchUpdateView measures one snapshot arriving and the frame drawn after it.
func benchUpdateView(b *testing.B, s model.Snapshot) {
	m := benchModel(160, 48, s)
	b.ReportAllocs()
	for b.Loop() {
		s.Seq++
		mm, _ := m.Update(snapshotMsg{snap: s})
		m = mm.(Model)
		sink = m.View().Content
	}
}

// BenchmarkUpdateView10k: a 10k-task snapshot in, a 160x48 frame out (budget 2 ms).
func BenchmarkUpdateView10k(b *testing.B) { benchUpdateView(b, bigSnapshot(10_000, 1_000)) }

// BenchmarkUpdateView100kQueued: 100k rows of which 1k running, the worst a
// snapshot could be if an engine sent a whole backlog (it sends only queue heads).
func BenchmarkUpdateView100kQueued(b *testing.B) { benchUpdateView(b, bigSnapshot(100_000, 1_000)) }

// BenchmarkUpdateView10kShuffled: tasks in no particular order, so the default sort
// has to move and sort every state's run.
func BenchmarkUpdateView10kShuffled(b *testing.B) {
	s := bigSnapshot(10_000, 1_000)
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(s.Tasks), func(i, j int) { s.Tasks[i], s.Tasks[j] = s.Tasks[j], s.Tasks[i] })
	benchUpdateView(b, s)
}

// BenchmarkUpdateView10kFiltered: the same with a live filter and a non-default sort.
func BenchmarkUpdateView10kFiltered(b *testing.B) {
	s := bigSnapshot(10_000, 1_000)
	m := benchModel(160, 48, s)
	m.setFilter("render")
	m.workers.CycleSort() // AGE
	b.ReportAllocs()
	for b.Loop() {
		mm, _ := m.Update(snapshotMsg{snap: s})
		m = mm.(Model)
		sink = m.View().Content
	}
}

// BenchmarkView10k: a frame alone (a key press that only moves the selection).
func BenchmarkView10k(b *testing.B) {
	m := benchModel(160, 48, bigSnapshot(10_000, 1_000))
	b.ReportAllocs()
	for b.Loop() {
		mm, _ := m.Update(press("j"))
		m = mm.(Model)
		sink = m.View().Content
	}
}

// BenchmarkRowLine: one Workers row formatted at 160 wide.
func BenchmarkRowLine(b *testing.B) {
	m := benchModel(160, 48, fixtureSnapshot())
	var c strings.Builder
	b.ReportAllocs()
	for b.Loop() {
		c.Reset()
		m.workers.rowLine(&c, 1)
	}
	sink = c.String()
}

// benchTask is a running task with progress, restarts and a two-line error.
func benchTask() *model.Task {
	return &model.Task{
		ID: "t1f", Name: "fetch page 7", Group: "crawl", State: model.StateRunning,
		Created: fixtureNow.Add(-time.Minute), Started: fixtureNow.Add(-42 * time.Second),
		Done: 7, Total: 10, Restarts: 2, Error: "exit status 1\nstderr: no such file",
	}
}

func BenchmarkRenderID(b *testing.B) {
	t := benchTask()
	for b.Loop() {
		sink = renderID(t)
	}
}

func BenchmarkRenderName(b *testing.B) {
	t := benchTask()
	for b.Loop() {
		sink = renderName(t)
	}
}

func BenchmarkRenderGroup(b *testing.B) {
	t := benchTask()
	for b.Loop() {
		sink = renderGroup(t)
	}
}

func BenchmarkRenderState(b *testing.B) {
	t := benchTask()
	for b.Loop() {
		sink = renderState(t)
	}
}

func BenchmarkRenderAge(b *testing.B) {
	t := benchTask()
	b.ReportAllocs()
	for b.Loop() {
		sink = renderAge(t, fixtureNow)
	}
}

func BenchmarkRenderProgress(b *testing.B) {
	t := benchTask()
	b.ReportAllocs()
	for b.Loop() {
		sink = renderProgress(t)
	}
}

func BenchmarkRenderRestarts(b *testing.B) {
	t := benchTask()
	b.ReportAllocs()
	for b.Loop() {
		sink = renderRestarts(t)
	}
}

func BenchmarkRenderLastError(b *testing.B) {
	t := benchTask()
	b.ReportAllocs()
	for b.Loop() {
		sink = renderLastError(t, fixtureNow)
	}
}

func BenchmarkRenderEvent(b *testing.B) {
	e := &model.Event{Time: fixtureNow, Level: model.LevelWarn, Task: "t9", Group: "io", Text: "exit status 23\nrestarting"}
	b.ReportAllocs()
	for b.Loop() {
		c := renderEvent(e)
		sink = c[4]
	}
}
