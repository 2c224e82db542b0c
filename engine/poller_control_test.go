package engine_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

func tick(context.Context) (any, error) { return nil, nil }

func pollerCmd(op model.Op, name string) model.Command {
	return model.Command{Op: op, Poller: name}
}

func TestPollerApply(t *testing.T) {
	type check func(t *testing.T, s model.Poller)
	state := func(want string) check {
		return func(t *testing.T, s model.Poller) {
			if s.PollerState() != want {
				t.Errorf("state %s, want %s", s.PollerState(), want)
			}
		}
	}
	tests := []struct {
		name    string
		arrange []model.Command // applied first, each must succeed
		cmd     model.Command
		wantErr error
		check   check
	}{
		{name: "pause", cmd: pollerCmd(model.OpPause, "p"), check: state("paused")},
		{name: "pause twice", arrange: []model.Command{pollerCmd(model.OpPause, "p")},
			cmd: pollerCmd(model.OpPause, "p"), wantErr: engine.ErrBadTransition},
		{name: "resume", arrange: []model.Command{pollerCmd(model.OpPause, "p")},
			cmd: pollerCmd(model.OpResume, "p"), check: state("running")},
		{name: "resume running", cmd: pollerCmd(model.OpResume, "p"), wantErr: engine.ErrBadTransition},
		{name: "kill", cmd: pollerCmd(model.OpKill, "p"), check: state("killed")},
		{name: "halt is kill", cmd: pollerCmd(model.OpHalt, "p"), check: state("killed")},
		{name: "pause killed", arrange: []model.Command{pollerCmd(model.OpKill, "p")},
			cmd: pollerCmd(model.OpPause, "p"), wantErr: engine.ErrPollerKilled},
		{name: "restart killed", arrange: []model.Command{pollerCmd(model.OpKill, "p")},
			cmd: pollerCmd(model.OpRestart, "p"), check: func(t *testing.T, s model.Poller) {
				// Two runs before; the fresh life has run once, at once.
				if s.PollerState() != "running" || s.Count != 1 || s.Errors != 1 || len(s.Delays) != 1 {
					t.Errorf("after restart %+v", s)
				}
			}},
		{name: "set period", cmd: model.Command{Op: model.OpSetPeriod, Poller: "p", Value: int64(time.Second)},
			check: func(t *testing.T, s model.Poller) {
				if s.Period != time.Second {
					t.Errorf("period %s", s.Period)
				}
			}},
		{name: "set period zero", cmd: model.Command{Op: model.OpSetPeriod, Poller: "p"}, wantErr: engine.ErrInvalidPeriod},
		{name: "unknown poller", cmd: pollerCmd(model.OpPause, "nope"), wantErr: engine.ErrUnknownPoller},
		{name: "resize a poller", cmd: model.Command{Op: model.OpResize, Poller: "p", Value: 3}, wantErr: engine.ErrUnknownOp},
		{name: "pause all", cmd: model.Command{Op: model.OpPauseAll}, check: state("paused")},
		{name: "resume all", arrange: []model.Command{{Op: model.OpPauseAll}},
			cmd: model.Command{Op: model.OpResumeAll}, check: state("running")},
		{name: "kill all", cmd: model.Command{Op: model.OpKillAll}, check: state("killed")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				p := e.NewPoller("p", 100*time.Millisecond, func(context.Context) (any, error) {
					return nil, errors.New("always")
				})
				mustStart(t, p)
				time.Sleep(150 * time.Millisecond)
				ctx := context.Background()
				for _, c := range tt.arrange {
					if err := e.Apply(ctx, c); err != nil {
						t.Fatalf("arranging %s: %v", c, err)
					}
				}
				err := e.Apply(ctx, tt.cmd)
				if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
					t.Fatalf("Apply(%s) = %v, want %v", tt.cmd, err, tt.wantErr)
				}
				synctest.Wait()
				if tt.check != nil {
					tt.check(t, p.Stats())
				}
			})
		})
	}
}

func TestPollerStartErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		p := e.NewPoller("p", time.Second, tick)
		if err := p.Pause(); !errors.Is(err, engine.ErrBadTransition) || err.Error() != `cannot pause poller "p": it is idle` {
			t.Fatalf("Pause idle: %v", err)
		}
		mustStart(t, p)
		if err := p.Start(); !errors.Is(err, engine.ErrAlreadyRunning) {
			t.Fatalf("second Start: %v", err)
		}
		p.Kill()
		p.Kill() // idempotent
		if err := p.Start(); !errors.Is(err, engine.ErrPollerKilled) {
			t.Fatalf("Start after Kill: %v", err)
		}
		if err := p.SetPeriod(-time.Second); !errors.Is(err, engine.ErrInvalidPeriod) {
			t.Fatalf("SetPeriod(-1s): %v", err)
		}
		idle := e.NewPoller("idle", 0, nil)
		if s := idle.Stats(); s.Period != engine.DefaultPollPeriod || s.Concurrency != 1 {
			t.Fatalf("defaults %+v", s)
		}
		closeEngine(t, e)
		if err := idle.Start(); !errors.Is(err, engine.ErrClosed) {
			t.Fatalf("Start after Close: %v", err)
		}
		if err := p.Restart(); !errors.Is(err, engine.ErrClosed) {
			t.Fatalf("Restart after Close: %v", err)
		}
		if err := e.Apply(context.Background(), model.Command{Op: model.OpPauseAll}); !errors.Is(err, engine.ErrClosed) {
			t.Fatalf("Apply after Close: %v", err)
		}
	})
}

func TestPollerKillEndsGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		before := goleak.IgnoreCurrent()
		var runs atomic.Int64
		p := e.NewPoller("p", 10*time.Millisecond, func(ctx context.Context) (any, error) {
			runs.Add(1)
			<-ctx.Done() // a run under way when killed
			return nil, ctx.Err()
		}, engine.Concurrency(3))
		mustStart(t, p)
		time.Sleep(25 * time.Millisecond)
		synctest.Wait()
		p.Kill()
		synctest.Wait()
		if err := goleak.Find(before); err != nil {
			t.Fatalf("after Kill: %v", err)
		}
		s := p.Stats()
		if s.Alive || s.Count != 3 || s.Errors != 0 || runs.Load() != 3 {
			t.Fatalf("after kill: %+v, %d runs (a killed run's error is not the poll's)", s, runs.Load())
		}
		time.Sleep(time.Second)
		if got := p.Stats().Count; got != 3 {
			t.Fatalf("a killed poller ran: count %d", got)
		}
	})
}

func TestPollerGoexitEndsIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := e.NewPoller("p", 10*time.Millisecond, func(context.Context) (any, error) {
			runtime.Goexit()
			return nil, nil
		})
		mustStart(t, p)
		synctest.Wait()
		s := p.Stats()
		if s.Alive || s.Errors != 1 || !strings.Contains(s.LastError, "Goexit") {
			t.Fatalf("after Goexit %+v", s)
		}
	})
}

func TestPollerErrorEventsAreRateLimited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := e.NewPoller("bad", 10*time.Millisecond, func(context.Context) (any, error) {
			return nil, errors.New("disk gone")
		})
		mustStart(t, p)
		time.Sleep(245 * time.Millisecond) // 25 runs
		synctest.Wait()
		if s := p.Stats(); s.Errors != 25 || s.LastError != "disk gone" {
			t.Fatalf("errors %d last %q", s.Errors, s.LastError)
		}
		var got []string
		for _, ev := range e.Snapshot().Events {
			if ev.Level == model.LevelError {
				got = append(got, ev.Text)
			}
		}
		want := []string{ // newest first
			`poller "bad" failed: disk gone (20 in a row)`,
			`poller "bad" failed: disk gone (10 in a row)`,
			`poller "bad" failed: disk gone`,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("error events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestPollerSnapshotAndNames(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		for _, n := range []string{"zeta", "alpha", "alpha"} {
			mustStart(t, e.NewPoller(n, time.Second, tick))
		}
		if _, ok := e.Poller("alpha-2"); !ok {
			t.Fatal("no alpha-2")
		}
		synctest.Wait()
		s := e.Snapshot()
		var names []string
		for _, p := range s.Pollers {
			names = append(names, p.Name)
		}
		if strings.Join(names, " ") != "alpha alpha-2 zeta" || s.Pollers[0].Count != 1 {
			t.Fatalf("pollers %v %+v", names, s.Pollers)
		}
		// Histories are shared, capacity-clipped: appending cannot write into them.
		d := s.Pollers[0].Delays
		if len(d) != cap(d) {
			t.Fatalf("delays len %d cap %d", len(d), cap(d))
		}
	})
}

func TestPollerHistoryIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := e.NewPoller("p", time.Millisecond, tick)
		mustStart(t, p)
		time.Sleep(60 * time.Millisecond)
		synctest.Wait()
		first := p.Stats().Durations
		time.Sleep(500 * time.Millisecond)
		synctest.Wait()
		s := p.Stats()
		if len(s.Delays) != 60 || len(s.Durations) != 60 || s.Count < 500 {
			t.Fatalf("%d delays, %d durations after %d runs", len(s.Delays), len(s.Durations), s.Count)
		}
		if len(first) != 60 {
			t.Fatalf("an earlier history changed: %d samples", len(first))
		}
	})
}

func TestCloseKillsPollers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		release := make(chan struct{})
		polite := e.NewPoller("polite", 10*time.Millisecond, func(ctx context.Context) (any, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		})
		mule := e.NewPoller("mule", 10*time.Millisecond, func(context.Context) (any, error) {
			<-release
			return nil, nil
		})
		mustStart(t, polite)
		mustStart(t, mule)
		synctest.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		err := e.Close(ctx)
		var ce *engine.CloseError
		if !errors.As(err, &ce) || len(ce.Tasks) != 1 || ce.Tasks[0].Name != "poller mule" {
			t.Fatalf("Close: %v", err)
		}
		s := e.Snapshot()
		for _, p := range s.Pollers {
			if p.Alive {
				t.Fatalf("alive after Close: %+v", p)
			}
		}
		close(release)
		synctest.Wait()
	})
}

// TestPollerRace drives a fast poller from several goroutines at once, in real
// time, for the race detector.
func TestPollerRace(t *testing.T) {
	e := engine.New(engine.WithRefresh(engine.MinRefresh))
	defer closeEngine(t, e)
	ch, cancel := e.Subscribe()
	defer cancel()
	go func() {
		for range ch {
		}
	}()
	p := e.NewPoller("fast", engine.MinPollPeriod, func(ctx context.Context) (any, error) {
		return time.Now().Nanosecond(), nil
	}, engine.Concurrency(2), engine.MinWait(10*time.Microsecond))
	mustStart(t, p)
	d := engine.NewPollDict(e, "d", func(context.Context, int) (int, error) { return 1, nil }, nil)
	done := make(chan struct{})
	var ops = []func(i int){
		func(int) { _ = p.Pause() },
		func(int) { _ = p.Resume() },
		func(i int) { _ = p.SetPeriod(engine.MinPollPeriod + time.Duration(i%100)*time.Microsecond) },
		func(int) { _ = p.Stats() },
		func(int) { _ = e.Snapshot() },
		func(i int) { _ = d.Add(i%5, time.Millisecond) },
		func(i int) { _ = d.Remove(i % 5) },
		func(i int) {
			if i%50 == 0 {
				_ = p.Restart()
			}
		},
	}
	for _, op := range ops {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 300 {
				op(i)
				runtime.Gosched()
			}
		}()
	}
	for range ops {
		<-done
	}
}
