package engine_test

import (
	"context"
	"errors"
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

var errBoom = errors.New("boom")

// TestPoolStress races submitters (successes, failures, panics, waits and
// callbacks) against resizes, pause and resume, halts of the pool's work,
// snapshots and Apply on queued and finished work, then drains: every Future
// settles once, with what its function returned or ErrHalted, no work runs
// twice at once, and the counters add up.
func TestPoolStress(t *testing.T) {
	e := engine.New(engine.WithRefresh(time.Millisecond))
	p := startPool(t, e, "stress", engine.PoolConfig{MaxWorkers: 4})
	snaps, cancelSub := e.Subscribe()
	defer cancelSub()

	const submitters, each = 4, 1500
	var (
		wg        sync.WaitGroup
		callbacks atomic.Int64
	)
	futures := make([][]*engine.Future, submitters)
	for s := range submitters {
		wg.Go(func() {
			for i := range each {
				var fn engine.Func
				switch i % 4 {
				case 0, 1:
					fn = func(context.Context) error { return nil }
				case 2:
					fn = func(context.Context) error { return errBoom }
				default:
					fn = func(ctx context.Context) error { runtime.Gosched(); return engine.Checkpoint(ctx) }
				}
				inFlight := new(atomic.Bool)
				guarded := func(ctx context.Context) error {
					if !inFlight.CompareAndSwap(false, true) {
						t.Error("pool work ran twice at once")
					}
					defer inFlight.Store(false)
					return fn(ctx)
				}
				f, err := p.Submit(context.Background(), "", guarded)
				if err != nil {
					t.Errorf("submit: %v", err)
					return
				}
				f.OnDone(func(error) { callbacks.Add(1) })
				futures[s] = append(futures[s], f)
			}
		})
	}
	stop := make(chan struct{})
	var chaos sync.WaitGroup
	chaos.Go(func() { // the operator
		r := rand.New(rand.NewPCG(1, 2))
		for {
			select {
			case <-stop:
				return
			default:
			}
			switch r.IntN(5) {
			case 0:
				p.Resize(1 + r.IntN(6))
			case 1:
				_ = p.Pause()
				runtime.Gosched()
				_ = p.Resume()
			case 2:
				p.Halt()
			case 3:
				s := e.Snapshot()
				if len(s.Tasks) > 0 {
					_ = e.Apply(context.Background(), model.Command{Op: model.OpHalt, Target: s.Tasks[r.IntN(len(s.Tasks))].ID})
				}
			default:
				time.Sleep(50 * time.Microsecond)
			}
		}
	})
	chaos.Go(func() { // a dashboard
		for {
			select {
			case <-stop:
				return
			case <-snaps:
			}
		}
	})
	wg.Wait()
	close(stop)
	chaos.Wait()
	_ = p.Resume()
	p.Stop(true)

	var done, failed int64
	for _, fs := range futures {
		for _, f := range fs {
			err := f.Wait(context.Background())
			switch {
			case err == nil:
				done++
			case errors.Is(err, errBoom), errors.Is(err, engine.ErrHalted):
				failed++
			default:
				t.Errorf("%s settled with %v", f.ID(), err)
			}
		}
	}
	// A Future holds what the function returned: work halted while it ran
	// that returned nil counts as halted in the stats, nil in its Future.
	s := p.Stats()
	if n := int64(submitters * each); s.Submitted != n || done+failed != n || s.Done+s.Failed+s.Halted != n || s.Done > done {
		t.Errorf("submitted %d (stats %d), futures %d nil + %d errors, stats %d done + %d failed + %d halted",
			n, s.Submitted, done, failed, s.Done, s.Failed, s.Halted)
	}
	if s.Busy != 0 || s.Queued != 0 || s.State != model.PoolStopped {
		t.Errorf("after the drain %+v", s)
	}
	closeEngine(t, e)
	if n := callbacks.Load(); n != submitters*each {
		t.Errorf("%d callbacks ran, want %d", n, submitters*each)
	}
}
