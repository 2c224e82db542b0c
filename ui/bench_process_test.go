package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// bigProcessSnapshot is bigSnapshot with every task a process: the running ones
// sampled (CPU, RSS), every tenth queued one backing off, so the CPU and RSS
// columns and the LAST ERROR notes are drawn.
func bigProcessSnapshot(n, running int) model.Snapshot {
	s := bigSnapshot(n, running)
	for i := range s.Tasks {
		t := &s.Tasks[i]
		t.Kind = model.KindProcess
		if t.State == model.StateRunning {
			t.PID, t.CPU, t.RSS = 1000+i, float64(i%300)+0.25, int64(i)<<20
			continue
		}
		if i%10 == 0 {
			s.Counts[t.State]--
			t.State, t.Error, t.ExitCode = model.StateBackoff, "exit status 1", exitCode(1)
			t.Retry = fixtureNow.Add(time.Duration(i%5) * time.Second)
			s.Counts[t.State]++
		}
	}
	return s
}

// BenchmarkUpdateView10kProcesses: a 10k-process snapshot in, a 160x48 frame out,
// with the CPU and RSS columns shown (budget 2 ms).
func BenchmarkUpdateView10kProcesses(b *testing.B) {
	benchUpdateView(b, bigProcessSnapshot(10_000, 1_000))
}

// BenchmarkRowLineProcess: one Workers row of a running process at 160 wide.
func BenchmarkRowLineProcess(b *testing.B) {
	m := benchModel(160, 48, processSnapshot())
	var c strings.Builder
	b.ReportAllocs()
	for b.Loop() {
		c.Reset()
		m.workers.rowLine(&c, 0)
	}
	sink = c.String()
}

// benchProcess is a running process with resources and a backing-off one.
func benchProcess() (running, backoff *model.Task) {
	s := processSnapshot()
	return &s.Tasks[0], &s.Tasks[3]
}

func BenchmarkRenderCPU(b *testing.B) {
	t, _ := benchProcess()
	b.ReportAllocs()
	for b.Loop() {
		sink = renderCPU(t)
	}
}

func BenchmarkRenderRSS(b *testing.B) {
	t, _ := benchProcess()
	b.ReportAllocs()
	for b.Loop() {
		sink = renderRSS(t)
	}
}

func BenchmarkRenderLastErrorBackoff(b *testing.B) {
	_, t := benchProcess()
	b.ReportAllocs()
	for b.Loop() {
		sink = renderLastError(t, fixtureNow)
	}
}
