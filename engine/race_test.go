package engine_test

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// runRecord counts the runs of one appended task and catches overlapping runs.
type runRecord struct {
	runs     atomic.Int32
	inFlight atomic.Bool
}

func (rec *runRecord) fn(t *testing.T) engine.Func {
	return func(ctx context.Context) error {
		if !rec.inFlight.CompareAndSwap(false, true) {
			t.Error("a task ran twice at once")
		}
		defer rec.inFlight.Store(false)
		rec.runs.Add(1)
		for range 3 {
			if err := engine.Checkpoint(ctx); err != nil {
				return err
			}
			runtime.Gosched()
		}
		return nil
	}
}

// TestNoAppendRunsTwice races Append, Run, Watch, Stop and (in the second case)
// restart and halt commands against slot releases, then checks every task ran
// as often as it was started and never twice at once.
func TestNoAppendRunsTwice(t *testing.T) {
	tests := []struct {
		name     string
		commands bool // also send restart and halt commands
	}{
		{"append run watch stop", false},
		{"with restarts and halts", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine.New(engine.WithHistory(100000), engine.WithRefresh(time.Millisecond))
			defer closeEngine(t, e)
			managers := []*engine.Manager{e.NewManager("a", 1), e.NewManager("b", 2), e.NewManager("c", 3)}
			const perManager = 300

			var mu sync.Mutex
			records := map[model.TaskID]*runRecord{}
			var ids []model.TaskID
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var appenders sync.WaitGroup
			for _, m := range managers {
				appenders.Go(func() {
					for range perManager {
						rec := &runRecord{}
						id, err := m.Append("w", rec.fn(t))
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						records[id], ids = rec, append(ids, id)
						mu.Unlock()
					}
				})
				wg.Go(func() { // toggles Run, Watch and Stop
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						switch i % 3 {
						case 0:
							_ = m.Run()
						case 1:
							_ = m.Watch()
						case 2:
							m.Stop()
						}
						runtime.Gosched()
					}
				})
			}
			if tt.commands {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(1, 2))
					for {
						select {
						case <-stop:
							return
						default:
						}
						mu.Lock()
						if len(ids) == 0 {
							mu.Unlock()
							continue
						}
						id := ids[rng.IntN(len(ids))]
						mu.Unlock()
						op := model.OpRestart
						if rng.IntN(4) == 0 {
							op = model.OpHalt
						}
						_ = apply(e, op, id)
						runtime.Gosched()
					}
				})
				wg.Go(func() { // a viewer reading along
					for {
						select {
						case <-stop:
							return
						default:
						}
						_ = e.Snapshot()
						time.Sleep(time.Millisecond)
					}
				})
			}
			appenders.Wait()
			time.Sleep(50 * time.Millisecond)
			close(stop)
			wg.Wait()

			for _, m := range managers {
				m.Stop()
				_ = m.Watch()
			}
			deadline := time.Now().Add(20 * time.Second)
			for {
				s := e.Snapshot()
				if s.Counts[model.StateQueued] == 0 && s.Counts[model.StateRunning]+s.Counts[model.StateHalting] == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("work never drained: %v", s.Counts)
				}
				time.Sleep(5 * time.Millisecond)
			}

			s := e.Snapshot()
			if s.Counts.Total() != len(ids) {
				t.Fatalf("counts total %d for %d tasks", s.Counts.Total(), len(ids))
			}
			restarts := map[model.TaskID]int{}
			for _, task := range s.Tasks {
				restarts[task.ID] = task.Restarts
			}
			total := 0
			for _, id := range ids {
				runs := int(records[id].runs.Load())
				total += runs
				r, ok := restarts[id]
				if !ok {
					t.Fatalf("%s not in the history", id)
				}
				switch {
				case !tt.commands && runs != 1:
					t.Errorf("%s ran %d times", id, runs)
				case runs > r+1:
					t.Errorf("%s ran %d times with %d restarts", id, runs, r)
				}
			}
			t.Logf("%d tasks, %d runs", len(ids), total)
		})
	}
}
