package engine_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// Relative commands (model.Command.Step): each one is a step from the value the
// engine holds, so N of them make N steps however fast they come.

func TestApplyPoolStep(t *testing.T) {
	tests := []struct {
		name    string
		start   int
		steps   []int64
		want    int
		wantErr error // of the last step
	}{
		{name: "grow by one", start: 2, steps: []int64{1}, want: 3},
		{name: "four grows", start: 8, steps: []int64{1, 1, 1, 1}, want: 12},
		{name: "six shrinks", start: 9, steps: []int64{-1, -1, -1, -1, -1, -1}, want: 3},
		{name: "by several", start: 4, steps: []int64{3, -5}, want: 2},
		{name: "not below one", start: 2, steps: []int64{-1, -1}, want: 1, wantErr: engine.ErrPoolSize},
		{name: "not past the cap", start: 2, steps: []int64{1 << 21}, want: 2, wantErr: engine.ErrPoolSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: tt.start})
				var err error
				for _, s := range tt.steps {
					err = e.Apply(context.Background(), model.Command{Op: model.OpResize, Pool: "io", Step: s})
				}
				if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
					t.Fatalf("last step: %v, want %v", err, tt.wantErr)
				}
				if got := p.Stats().MaxWorkers; got != tt.want {
					t.Errorf("MaxWorkers %d, want %d", got, tt.want)
				}
			})
		})
	}
}

// TestApplyPoolStepConcurrent: steps sent at once from many viewers all count.
func TestApplyPoolStepConcurrent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 8})
		var wg sync.WaitGroup
		for range 40 {
			wg.Go(func() {
				if err := e.Apply(context.Background(), model.Command{Op: model.OpResize, Pool: "io", Step: 1}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := p.Stats().MaxWorkers; got != 48 {
			t.Errorf("MaxWorkers %d after 40 concurrent +1 from 8, want 48", got)
		}
	})
}

func TestApplyPollerStep(t *testing.T) {
	tests := []struct {
		name    string
		start   time.Duration
		steps   []int64
		want    time.Duration
		wantErr error // of the last step
	}{
		{name: "slower", start: time.Second, steps: []int64{1}, want: 2 * time.Second},
		{name: "three slower", start: time.Second, steps: []int64{1, 1, 1}, want: 8 * time.Second},
		{name: "three faster", start: time.Second, steps: []int64{-1, -1, -1}, want: 125 * time.Millisecond},
		{name: "by several", start: time.Second, steps: []int64{-2, 3}, want: 2 * time.Second},
		{name: "not below the floor", start: 4 * time.Millisecond, steps: []int64{-1, -1, -1}, want: 1 * time.Millisecond, wantErr: engine.ErrInvalidPeriod},
		{name: "not past the ceiling", start: 16 * time.Hour, steps: []int64{1}, want: 16 * time.Hour, wantErr: engine.ErrInvalidPeriod},
		{name: "no overflow", start: time.Second, steps: []int64{80}, want: time.Second, wantErr: engine.ErrInvalidPeriod},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				p := e.NewPoller("p", tt.start, tick)
				mustStart(t, p)
				var err error
				for _, s := range tt.steps {
					err = e.Apply(context.Background(), model.Command{Op: model.OpSetPeriod, Poller: "p", Step: s})
				}
				if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
					t.Fatalf("last step: %v, want %v", err, tt.wantErr)
				}
				if got := p.Stats().Period; got != tt.want {
					t.Errorf("period %s, want %s", got, tt.want)
				}
			})
		})
	}
}

// TestApplyStepOnlyWhereItMeansSomething: a Step on an op that takes none is
// refused, not silently dropped.
func TestApplyStepOnlyWhereItMeansSomething(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 2})
		err := e.Apply(context.Background(), model.Command{Op: model.OpPause, Pool: "io", Step: 1})
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("pause with a step: %v, want ErrUnsupported", err)
		}
	})
}

func TestPollerStepErrorSaysWhy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := e.NewPoller("disk", time.Millisecond, tick)
		_, err := p.ScalePeriod(-1)
		if want := `engine: poller "disk": period 1ms halved is 500µs, below the 1ms floor: invalid poller period`; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
		p2 := e.NewPoller("slow", 20*time.Hour, tick)
		_, err = p2.ScalePeriod(2)
		if want := `engine: poller "slow": period 20h doubled 2 times is past the 1d ceiling: invalid poller period`; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
}
