package engine_test

import (
	"context"
	"testing"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// benchStack appends n goroutine tasks, each waiting for done until released,
// shaped by link (which earlier task, if any, task i depends on), and
// measures from the first append to every task having started. Each task
// returns at once, so a dependent of "completed" starts as its dependency
// ends: the cost is the engine's, per edge.
func benchStack(b *testing.B, n int, link func(i int) int, cond engine.Condition, opts bool) {
	b.ReportAllocs()
	for range b.N {
		e := engine.New()
		m := e.NewManager("stack", n)
		started := make(chan struct{}, n)
		fn := func(context.Context) error { started <- struct{}{}; return nil }
		_ = m.Watch()
		ids := make([]model.TaskID, n)
		for i := range n {
			var o []engine.TaskOption
			if j := link(i); j >= 0 && opts {
				o = append(o, engine.DependsOn(ids[j], cond))
			}
			id, err := m.Append("t", fn, o...)
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = id
		}
		for range n {
			<-started
		}
		b.StopTimer()
		_ = e.Close(context.Background())
		b.StartTimer()
	}
}

// BenchmarkDependencyChain: 200 tasks, each completed before the next starts
// (task i depends on i-1), against the same 200 tasks with no edges.
func BenchmarkDependencyChain(b *testing.B) {
	chain := func(i int) int { return i - 1 }
	b.Run("chain200", func(b *testing.B) { benchStack(b, 200, chain, engine.Completed, true) })
	b.Run("none200", func(b *testing.B) { benchStack(b, 200, chain, engine.Completed, false) })
}

// BenchmarkDependencyFanOut: 199 tasks all waiting for one to start, against
// the same 200 tasks with no edges.
func BenchmarkDependencyFanOut(b *testing.B) {
	fan := func(i int) int {
		if i == 0 {
			return -1
		}
		return 0
	}
	b.Run("fanout200", func(b *testing.B) { benchStack(b, 200, fan, engine.Started, true) })
	b.Run("none200", func(b *testing.B) { benchStack(b, 200, fan, engine.Started, false) })
}
