package engine

import (
	"context"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/tail"
)

// TestPollerRunsDoNotAllocate checks that a poller's runs, in steady state and
// with nobody looking at its stats, allocate nothing: 1000 pollers at 10ms are
// 100k runs a second, and any garbage they make brings a GC cycle into the middle
// of their schedule (issue 10: lateness was bimodal). A failing poller is left
// out: its rate-limited error events allocate.
func TestPollerRunsDoNotAllocate(t *testing.T) {
	tests := []struct {
		name  string
		value any
		err   error
	}{
		{"nil value", nil, nil},
		{"same string value", "ok", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New()
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := e.Close(ctx); err != nil {
					t.Error(err)
				}
			}()
			p := e.NewPoller("p", 10*time.Millisecond, func(context.Context) (any, error) { return tt.value, tt.err })
			l := &pollLife{p: p, ctx: context.Background(), cancel: func() {},
				delays: tail.New[time.Duration](pollHistory), durations: tail.New[time.Duration](pollHistory)}
			p.mu.Lock()
			p.life = l
			p.mu.Unlock()
			now := time.Now().UnixNano()
			runs := func() { // 3 rounds of the histories' 2×pollHistory buffers
				for range 6 * pollHistory {
					p.mu.Lock()
					l.beginLocked(now)
					p.mu.Unlock()
					l.run(now)
					now += int64(10 * time.Millisecond)
				}
			}
			runs() // warm up: the histories' first buffers
			if n := leastAllocs(runs); n != 0 {
				t.Fatalf("%v allocations per %d runs, want 0", n, 6*pollHistory)
			}
		})
	}
}

// leastAllocs returns the least of three testing.AllocsPerRun measurements of
// f. AllocsPerRun counts the whole process's allocations, and the goroutine of
// the test or subtest before may still be finishing (and allocating) when a
// measurement begins; it cannot do so in every one, while an allocation of f's
// shows in all of them.
func leastAllocs(f func()) float64 {
	least := testing.AllocsPerRun(5, f)
	for range 2 {
		least = min(least, testing.AllocsPerRun(5, f))
	}
	return least
}
