package engine_test

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestPollerPeriodFloors checks that no way of setting a period takes a poller
// below its floor (a goroutine poller's, or a command poller's), that the error
// wraps ErrInvalidPeriod and says the floor, and that the poller keeps its
// schedule when a change is refused (issue 11: period 1ns forked ~1,100
// processes a second).
func TestPollerPeriodFloors(t *testing.T) {
	command := engine.PeriodFloor(engine.MinCommandPollPeriod)
	tests := []struct {
		name    string
		period  time.Duration // NewPoller's
		opts    []engine.PollerOption
		change  func(e *engine.Engine, p *engine.Poller) error // nil: Start is what is checked
		wantErr string                                         // "" : no error
		// wantPeriod is the period after the change (0: the one it was made with).
		wantPeriod time.Duration
	}{
		{name: "start at the floor", period: engine.MinPollPeriod},
		{name: "start below the floor", period: time.Nanosecond, wantErr: "period 1ns is below the floor of 1ms"},
		{name: "command poller at its floor", period: engine.MinCommandPollPeriod, opts: []engine.PollerOption{command}},
		{name: "command poller below its floor", period: 5 * time.Millisecond, opts: []engine.PollerOption{command},
			wantErr: "period 5ms is below the floor of 10ms"},
		{name: "a floor under the engine's is the engine's", period: 500 * time.Microsecond,
			opts: []engine.PollerOption{engine.PeriodFloor(time.Nanosecond)}, wantErr: "below the floor of 1ms"},
		{name: "set period below the floor", period: time.Second,
			change:  func(_ *engine.Engine, p *engine.Poller) error { return p.SetPeriod(time.Nanosecond) },
			wantErr: "period 1ns is below the floor of 1ms"},
		{name: "set period zero", period: time.Second,
			change:  func(_ *engine.Engine, p *engine.Poller) error { return p.SetPeriod(0) },
			wantErr: "period 0s must be more than 0"},
		{name: "set period to the floor", period: time.Second,
			change:     func(_ *engine.Engine, p *engine.Poller) error { return p.SetPeriod(engine.MinPollPeriod) },
			wantPeriod: engine.MinPollPeriod},
		{name: "set_period over Apply, command poller", period: time.Second, opts: []engine.PollerOption{command},
			change: func(e *engine.Engine, p *engine.Poller) error {
				return e.Apply(context.Background(), model.Command{Op: model.OpSetPeriod, Poller: p.Name(), Value: 1})
			},
			wantErr: `poller "p": period 1ns is below the floor of 10ms`},
		{name: "halving a command poller below its floor", period: 16 * time.Millisecond, opts: []engine.PollerOption{command},
			change: func(e *engine.Engine, p *engine.Poller) error {
				return e.Apply(context.Background(), model.Command{Op: model.OpSetPeriod, Poller: p.Name(), Step: -1})
			},
			wantErr: "period 16ms halved is 8ms, below the 10ms floor"},
		{name: "halving a command poller to its floor", period: 20 * time.Millisecond, opts: []engine.PollerOption{command},
			change: func(_ *engine.Engine, p *engine.Poller) error {
				_, err := p.ScalePeriod(-1)
				return err
			},
			wantPeriod: engine.MinCommandPollPeriod},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				p := e.NewPoller("p", tt.period, tick, tt.opts...)
				err := p.Start()
				if tt.change != nil {
					if err != nil {
						t.Fatalf("Start: %v", err)
					}
					err = tt.change(e, p)
				}
				checkFloorErr(t, err, tt.wantErr)
				time.Sleep(2 * time.Second)
				synctest.Wait()
				s := p.Stats()
				want := cmp.Or(tt.wantPeriod, tt.period)
				if s.Period != want {
					t.Errorf("period %s, want %s", s.Period, want)
				}
				switch {
				case tt.wantErr != "" && tt.change == nil:
					if s.Started || s.Count != 0 {
						t.Errorf("a poller below its floor ran: %+v", s)
					}
				case s.Count < int64(2*time.Second/want):
					t.Errorf("%d runs in 2s at %s: the schedule did not go on", s.Count, want)
				}
			})
		})
	}
}

// TestPollDictPeriodFloor checks that PollDict.Add refuses a period below the
// floor, for a new key (which is then not added) and for a key already there
// (whose period stays).
func TestPollDictPeriodFloor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		d := engine.NewPollDict(e, "temps", newRack().read, nil)
		checkFloorErr(t, d.Add("rack-1", time.Microsecond), "period 1µs is below the floor of 1ms")
		if _, ok := d.Poller("rack-1"); ok || d.Len() != 0 {
			t.Fatalf("a refused key was added")
		}
		if _, ok := e.Poller("temps[rack-1]"); ok {
			t.Fatalf("a refused key's poller is still registered")
		}
		if err := d.Add("rack-2", time.Second); err != nil {
			t.Fatal(err)
		}
		checkFloorErr(t, d.Add("rack-2", time.Microsecond), "period 1µs is below the floor of 1ms")
		if p, _ := d.Poller("rack-2"); p.Stats().Period != time.Second {
			t.Fatalf("period %s after a refused change", p.Stats().Period)
		}
	})
}

// TestRefreshFloor checks SetRefresh's floor and its error.
func TestRefreshFloor(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	for _, d := range []time.Duration{0, time.Nanosecond, engine.MinRefresh - 1} {
		err := e.SetRefresh(d)
		if !errors.Is(err, engine.ErrInvalidRefresh) || !strings.Contains(err.Error(), "floor of 10ms") {
			t.Errorf("SetRefresh(%s) = %v, want ErrInvalidRefresh naming the floor", d, err)
		}
	}
	if err := e.SetRefresh(engine.MinRefresh); err != nil {
		t.Errorf("SetRefresh(MinRefresh) = %v", err)
	}
}

// checkFloorErr checks that err wraps ErrInvalidPeriod and contains want, or
// is nil when want is "".
func checkFloorErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error %v", err)
	case want == "":
	case !errors.Is(err, engine.ErrInvalidPeriod) || !strings.Contains(err.Error(), want):
		t.Fatalf("error %v, want one wrapping ErrInvalidPeriod that says %q", err, want)
	}
}
